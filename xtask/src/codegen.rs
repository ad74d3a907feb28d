//! `cargo xtask codegen [--check]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use khipu_codegen_engine::workspace::{self, GENERATED_CRATE, Plan, PlannedFile, write};

use crate::sources::{self, Manifest, documents_on_disk};

/// How many diff lines to show per stale file before cutting.
const DIFF_LINES: usize = 40;

pub fn run(repo: &Path, check: bool) -> ExitCode {
    generate(repo, check).0
}

/// [`run`], with the change report it printed (empty when nothing changed) and its semver bump.
pub fn generate(repo: &Path, check: bool) -> (ExitCode, Option<Report>) {
    let start = Instant::now();
    let mut plan = match workspace::plan(repo) {
        Ok(plan) => plan,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            eprintln!(
                "codegen failed: {} spec(s) could not be generated; nothing was written",
                errors.len()
            );
            return (ExitCode::FAILURE, None);
        }
    };
    let unrecorded = match sources(repo, check, &mut plan) {
        Ok(problems) => problems,
        Err(e) => {
            eprintln!("error: {e}");
            return (ExitCode::FAILURE, None);
        }
    };
    let existing = match write::existing_files(repo) {
        Ok(existing) => existing,
        Err(e) => {
            eprintln!("error: cannot list {GENERATED_CRATE}: {e}");
            return (ExitCode::FAILURE, None);
        }
    };
    let stale = write::stale(&plan, &existing);
    summary(&plan);
    // Compared before anything is written: the summaries on disk are the "before".
    let (report, compared) = crate::changes::against_disk(repo, &plan, &existing);
    let outcome = if check {
        match check_files(repo, &plan, &stale) + unrecorded {
            0 => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        }
    } else {
        write_files(repo, &plan, &stale)
    };
    let written = !check && outcome == ExitCode::SUCCESS;
    if let Err(e) = crate::changes::publish(repo, &report, written) {
        eprintln!("error: {e}");
        return (ExitCode::FAILURE, None);
    }
    println!(
        "codegen: {:.2} s in all ({:.1} ms comparing API summaries)",
        start.elapsed().as_secs_f64(),
        compared.as_secs_f64() * 1000.0
    );
    let rendered = Report {
        text: if report.changes.is_empty() {
            String::new()
        } else {
            report.render(&crate::changes::crate_version(repo))
        },
        bump: report.bump().map(|b| b.label().to_owned()),
    };
    (outcome, Some(rendered))
}

/// What a regeneration changed in the generated API.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The report as printed (`cargo xtask diff` prints the same); empty when nothing changed.
    pub text: String,
    /// `major`, `minor` or `patch`; `None` when nothing changed.
    pub bump: Option<String>,
}

/// `specs/sources.toml` against the documents: in check mode each mismatch is an error naming
/// the file (returned as a count); otherwise new and changed documents are recorded. Either way
/// specs/README.md's sources table joins the plan (so `--check` also sees it stale).
fn sources(repo: &Path, check: bool, plan: &mut Plan) -> Result<usize, String> {
    let mut manifest = Manifest::load(repo)?;
    let on_disk = documents_on_disk(repo)?;
    let mut problems = 0;
    if check {
        for problem in manifest.verify(&on_disk) {
            eprintln!("error: {problem}");
            problems += 1;
        }
    } else {
        let notes = manifest.reconcile(&on_disk);
        for note in &notes {
            println!("{note}");
        }
        if !notes.is_empty() {
            manifest.save(repo)?;
        }
    }
    let readme = std::fs::read_to_string(repo.join(sources::README))
        .map_err(|e| format!("cannot read {}: {e}", sources::README))?;
    plan.files.push(PlannedFile {
        path: sources::README.into(),
        contents: sources::readme_with_table(&readme, &manifest.table())?,
    });
    Ok(problems)
}

fn summary(plan: &Plan) {
    let mut operations = 0;
    let mut warnings = 0;
    for c in &plan.clients {
        operations += c.client.operations.len();
        warnings += c.client.report.warnings.len();
        println!(
            "{} -> {} [feature {}]: {} operations, {} lines, {} ms",
            c.client.spec,
            c.module_path,
            c.feature,
            c.client.operations.len(),
            c.lines,
            c.elapsed.as_millis()
        );
        let fixes: Vec<String> = c
            .client
            .report
            .counts(khipu_codegen_engine::normalize::passes().map(|p| p.name))
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| format!("{p} {n}"))
            .collect();
        // The token-level pass first, then the passes over the syntax tree, in the order they run.
        let code_fixes: Vec<String> = c
            .client
            .report
            .counts(khipu_codegen_engine::postprocess::names())
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| format!("{p} {n}"))
            .collect();
        println!(
            "    normalized: {}; code: {}",
            fixes.join(", "),
            code_fixes.join(", ")
        );
        if matches!(c.client.identity, khipu_codegen_engine::Identity::Bank(_)) {
            for op in &c.client.operations {
                match &op.capability {
                    Ok(cap) => {
                        let params: Vec<String> = op
                            .params
                            .iter()
                            .map(|p| format!("{}{}", p.name, if p.required { "*" } else { "" }))
                            .collect();
                        println!(
                            "    {} -> {}({})",
                            op.operation_id,
                            cap.container,
                            params.join(",")
                        );
                    }
                    Err(why) => println!(
                        "    {}: typed client only, not on the Bank trait: {why}",
                        op.operation_id
                    ),
                }
            }
        }
        for w in &c.client.report.warnings {
            println!("    warning: {w}");
        }
    }
    println!(
        "codegen: {} specs, {} operations, {} warnings",
        plan.clients.len(),
        operations,
        warnings
    );
}

fn write_files(repo: &Path, plan: &Plan, stale: &[PathBuf]) -> ExitCode {
    match write::write(repo, plan, stale) {
        Ok(written) => {
            for path in stale {
                println!("removed {} (its spec is gone)", path.display());
            }
            println!(
                "codegen: {written} file(s) written, {} unchanged",
                plan.files.len() - written
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a diff for every generated file that differs from the plan and every stale one; returns
/// how many there are. Writes nothing.
fn check_files(repo: &Path, plan: &Plan, stale: &[PathBuf]) -> usize {
    let out_of_date = write::out_of_date(repo, plan);
    for (file, current) in &out_of_date {
        println!("stale: {}", file.path.display());
        let diff = similar::TextDiff::from_lines(current, &file.contents);
        let text = diff
            .unified_diff()
            .context_radius(2)
            .header("on disk", "generated")
            .to_string();
        for line in text.lines().take(DIFF_LINES) {
            println!("    {line}");
        }
        let total = text.lines().count();
        if total > DIFF_LINES {
            println!("    ... {} more diff lines", total - DIFF_LINES);
        }
    }
    for path in stale {
        println!("stale: {} is not generated from any spec", path.display());
    }
    let problems = out_of_date.len() + stale.len();
    if problems > 0 {
        eprintln!(
            "codegen --check: {problems} generated file(s) out of date; run `cargo xtask codegen`"
        );
        return problems;
    }
    println!(
        "codegen --check: all {} generated files are up to date",
        plan.files.len()
    );
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_counts_changed_missing_and_stale_files_and_writes_nothing() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let repo = std::env::temp_dir().join(format!("xtask-check-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::write(repo.join("same.rs"), "a\n").unwrap();
        std::fs::write(repo.join("changed.rs"), "old\n").unwrap();
        let file = |path: &str, contents: &str| PlannedFile {
            path: path.into(),
            contents: contents.into(),
        };
        let plan = Plan {
            clients: Vec::new(),
            files: vec![
                file("same.rs", "a\n"),
                file("changed.rs", "new\n"),
                file("missing.rs", "x\n"),
            ],
        };
        assert_eq!(check_files(&repo, &plan, &[]), 2);
        assert_eq!(
            check_files(&repo, &plan, &[PathBuf::from("old_bank.rs")]),
            3
        );
        assert_eq!(
            std::fs::read_to_string(repo.join("changed.rs")).unwrap(),
            "old\n",
            "--check writes nothing"
        );
        assert!(!repo.join("missing.rs").exists());
        let clean = Plan {
            clients: Vec::new(),
            files: vec![file("same.rs", "a\n")],
        };
        assert_eq!(check_files(&repo, &clean, &[]), 0);
        let _ = std::fs::remove_dir_all(&repo);
    }
}

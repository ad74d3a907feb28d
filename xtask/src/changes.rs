//! What a regeneration changes: the API summaries planned now against those on disk (or at a git
//! ref), classified by `khipu_codegen_engine::api`, printed, and written to `CHANGELOG.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use khipu_codegen_engine::api::{self, ApiSummary, Changes};
use khipu_codegen_engine::workspace::{GENERATED_CRATE, Plan, SUMMARY_EXTENSION};

/// The changelog, relative to the repository root.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// The report between the summaries among `existing` (the generated crate's files, relative to
/// `repo`) and the ones `plan` would write, and how long the comparison took. An API whose module
/// is on disk but has no summary yet (the first run with summaries) is a baseline, not an addition.
pub fn against_disk(repo: &Path, plan: &Plan, existing: &[PathBuf]) -> (Changes, Duration) {
    let start = Instant::now();
    let old = read_summaries(repo, existing);
    let (new, baseline): (Vec<_>, Vec<_>) = plan.clients.iter().partition(|c| {
        old.iter().any(|s| s.api == c.client.summary.api) || !existing.contains(&c.file)
    });
    if !baseline.is_empty() {
        let apis: Vec<&str> = baseline
            .iter()
            .map(|c| c.client.summary.api.as_str())
            .collect();
        println!(
            "api: no summary on disk yet for {}: writing one, nothing to compare",
            apis.join(", ")
        );
    }
    let new: Vec<ApiSummary> = new.into_iter().map(|c| c.client.summary.clone()).collect();
    let report = api::compare(&old, &new);
    (report, start.elapsed())
}

/// Prints the report and, unless it is empty or `write` is false, merges it into CHANGELOG.md.
pub fn publish(repo: &Path, report: &Changes, write: bool) -> Result<(), String> {
    let version = crate_version(repo);
    if report.changes.is_empty() {
        println!("api: no API changes");
        return Ok(());
    }
    print!("{}", report.render(&version));
    if !write {
        return Ok(());
    }
    let path = repo.join(CHANGELOG);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {CHANGELOG}: {e}")),
    };
    let merged = api::changelog::merge(&existing, report, &version);
    std::fs::write(&path, merged).map_err(|e| format!("cannot write {CHANGELOG}: {e}"))?;
    println!("api: {CHANGELOG} updated (Unreleased)");
    Ok(())
}

/// `cargo xtask diff <git-ref>`: the report between the summaries committed at `git_ref` and
/// those in the working tree, without regenerating.
pub fn diff(repo: &Path, git_ref: &str) -> ExitCode {
    match diff_report(repo, git_ref) {
        Ok(text) if text.is_empty() => {
            println!("api: no API changes since {git_ref}");
            ExitCode::SUCCESS
        }
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The report `cargo xtask diff <git_ref>` prints; empty when nothing changed.
pub fn diff_report(repo: &Path, git_ref: &str) -> Result<String, String> {
    let old = old_at(repo, git_ref)?;
    if old.is_empty() {
        return Err(format!(
            "{git_ref} has no API summaries (*.{SUMMARY_EXTENSION} under {GENERATED_CRATE}/src); \
             they exist from the commit that introduced `cargo xtask diff` on"
        ));
    }
    let files = khipu_codegen_engine::workspace::write::existing_files(repo)
        .map_err(|e| format!("cannot list {GENERATED_CRATE}: {e}"))?;
    let report = api::compare(&old, &read_summaries(repo, &files));
    Ok(if report.changes.is_empty() {
        String::new()
    } else {
        report.render(&crate_version(repo))
    })
}

/// The summaries among `files` (relative to `repo`); unreadable ones are named and skipped (the
/// next codegen rewrites them).
fn read_summaries(repo: &Path, files: &[PathBuf]) -> Vec<ApiSummary> {
    let mut out = Vec::new();
    for path in files.iter().filter(|p| is_summary(&p.to_string_lossy())) {
        let name = path.display().to_string();
        match std::fs::read_to_string(repo.join(path))
            .map_err(|e| format!("{name}: {e}"))
            .and_then(|t| ApiSummary::parse(&t, &name))
        {
            Ok(s) => out.push(s),
            Err(e) => eprintln!("warning: {e}; it is left out of the comparison"),
        }
    }
    out
}

fn is_summary(path: &str) -> bool {
    path.ends_with(&format!(".{SUMMARY_EXTENSION}"))
}

/// The summaries committed at `git_ref`.
fn old_at(repo: &Path, git_ref: &str) -> Result<Vec<ApiSummary>, String> {
    if git_ref.starts_with('-') {
        return Err(format!("`{git_ref}` is not a git ref"));
    }
    let listing = git(
        repo,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            git_ref,
            "--",
            &format!("{GENERATED_CRATE}/src"),
        ],
    )?;
    let mut out = Vec::new();
    for path in listing.lines().filter(|p| is_summary(p)) {
        let text = git(repo, &["show", &format!("{git_ref}:{path}")])?;
        out.push(ApiSummary::parse(&text, &format!("{git_ref}:{path}"))?);
    }
    Ok(out)
}

fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("git output is not UTF-8: {e}"))
}

/// `[workspace.package] version` of the repository's Cargo.toml (the version every crate shares).
pub fn crate_version(repo: &Path) -> String {
    let text = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap_or_default();
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package
            && let Some(v) = line.strip_prefix("version")
            && let Some(v) = v.trim_start().strip_prefix('=')
        {
            return v.trim().trim_matches('"').to_owned();
        }
    }
    "0.0.0".into()
}

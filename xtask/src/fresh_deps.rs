//! `cargo xtask fresh-deps`: what a user gets from a fresh `cargo add khipu-rs` is the newest
//! semver-compatible version of every dependency, not our `Cargo.lock`. A dependency's minor
//! release can deprecate what we call (rustls 0.23.48 deprecated `ring::default_provider`), and
//! `-D warnings` then fails for users before it fails here. This copies the repository's tracked
//! files into `target/fresh-deps/`, resolves every dependency anew (`cargo update`), and checks the
//! library crates with warnings denied, in a target directory of its own. CI runs it as a
//! warning, not a failure: the repository's lock stays the truth for the build.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::process::{cargo, output};

/// The crates a user compiles; the command-line tool and the maintainer's tools are left out.
const CHECKED: [&str; 3] = ["khipu-rs", "khipu-types", "khipu-mock"];

pub fn run(repo: &Path) -> ExitCode {
    match fresh(repo) {
        Ok(changed) => {
            println!(
                "fresh-deps: {} with {changed} dependency versions newer than Cargo.lock: no warnings",
                CHECKED.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fresh-deps: {e}");
            ExitCode::FAILURE
        }
    }
}

fn fresh(repo: &Path) -> Result<usize, String> {
    let root = repo.join("target/fresh-deps");
    let copy = root.join("src");
    let _ = std::fs::remove_dir_all(&copy);
    let listed = output(
        Command::new("git")
            .current_dir(repo)
            .args(["ls-files", "-z"]),
    )?;
    for file in listed.split('\0').filter(|f| !f.is_empty()) {
        let from = repo.join(file);
        // A tracked file deleted in the working tree is not part of what is checked.
        if !from.is_file() {
            continue;
        }
        let to = copy.join(file);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    // `cargo update` reports each change on stderr as `Updating name vX -> vY`.
    let updated = Command::new(cargo())
        .current_dir(&copy)
        .args(["update"])
        .output()
        .map_err(|e| format!("cannot run cargo update: {e}"))?;
    let report = String::from_utf8_lossy(&updated.stderr).into_owned();
    if !updated.status.success() {
        return Err(format!("cargo update failed:\n{report}"));
    }
    let changes: Vec<&str> = report
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("Updating ") && l.contains(" -> "))
        .collect();
    for line in &changes {
        println!("fresh-deps: {line}");
    }
    let mut check = Command::new(cargo());
    check
        .current_dir(&copy)
        .env("CARGO_TARGET_DIR", root.join("target"))
        // Denies warnings in our crates only: cargo caps lints of registry crates.
        .env("RUSTFLAGS", "-D warnings")
        .args(["check", "--quiet"]);
    for name in CHECKED {
        check.args(["-p", name]);
    }
    let checked = check
        .output()
        .map_err(|e| format!("cannot run cargo check: {e}"))?;
    if !checked.status.success() {
        return Err(format!(
            "with freshly resolved dependencies, {} no longer build without warnings; fix it before users see it:\n{}",
            CHECKED.join(", "),
            String::from_utf8_lossy(&checked.stderr)
        ));
    }
    Ok(changes.len())
}

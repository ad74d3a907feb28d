//! `cargo xtask semver [--baseline REF]`: the hand-written facade's public API against a baseline,
//! with cargo-semver-checks (the generated API has its own report in every `cargo xtask codegen`).
//! Not in every CI run: it builds rustdoc JSON of two versions (minutes on 2 cores); the scheduled
//! workflow and releases run it.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::process::cargo;

pub fn run(repo: &Path, baseline: &str) -> ExitCode {
    let installed = Command::new(cargo())
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!(
            "error: cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked` (the scheduled workflow does)"
        );
        return ExitCode::FAILURE;
    }
    let status = Command::new(cargo())
        .current_dir(repo)
        .args([
            "semver-checks",
            "check-release",
            "--package",
            "khipu-rs",
            "--baseline-rev",
            baseline,
        ])
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => {
            eprintln!(
                "semver: khipu-rs's public API breaks semver against {baseline} (above): bump the major version (0.x: the minor) or restore the item"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: cannot run cargo semver-checks: {e}");
            ExitCode::FAILURE
        }
    }
}

//! End to end, in a scratch copy of the repository: change a bank spec the ways Khipu does,
//! run `cargo xtask codegen`, and check the report, the changelog and `cargo xtask diff`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

const SPEC: &str = "specs/banking/cl/personal/demo-bank.khipu.com.yaml";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A scratch repository: the workspace manifest, specs/ and the generated crate.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("khipu-api-changes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let from = repo();
    copy_dir(&from.join("specs"), &dir.join("specs"));
    copy_dir(&from.join("khipu-generated"), &dir.join("khipu-generated"));
    std::fs::create_dir_all(dir.join("xtask")).unwrap();
    std::fs::copy(from.join("Cargo.toml"), dir.join("Cargo.toml")).unwrap();
    dir
}

/// Runs the xtask binary against `dir` (it finds the repository from CARGO_MANIFEST_DIR).
fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("CARGO_MANIFEST_DIR", dir.join("xtask"))
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// The demo bank's spec, changed five ways.
fn change_spec(dir: &Path) {
    let path = dir.join(SPEC);
    let mut doc: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let paths = doc["paths"].as_object_mut().unwrap();
    paths.remove("/v1/cl/banking/personal/demo-bank.khipu.com/statements");
    let schemas = &mut doc["components"]["schemas"];
    let data = &mut schemas["AccountRequest"]["properties"]["RequestData"];
    data["properties"]["Branch"] = json!({"type": "string"});
    data["required"] = json!(["AccountNumber", "Branch"]);
    schemas["Account"]["properties"]["Alias"] = json!({"type": "string"});
    schemas["Transaction"]["properties"]["Status"]["enum"] =
        json!(["Booked", "Pending", "Rejected", "Reversed"]);
    schemas["Transaction"]["description"] = json!("One entry in the account's report.");
    // JSON is YAML: the file keeps its name and place.
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

#[test]
fn a_changed_bank_spec_is_reported_classified_and_logged() {
    let dir = scratch("e2e");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "before"]);

    let unchanged = xtask(&dir, &["codegen"]);
    let out = String::from_utf8_lossy(&unchanged.stdout);
    assert!(
        unchanged.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&unchanged.stderr)
    );
    assert!(out.contains("api: no API changes"), "{out}");
    assert!(
        !dir.join("CHANGELOG.md").exists(),
        "an unchanged regeneration writes no changelog"
    );

    change_spec(&dir);
    let run = xtask(&dir, &["codegen"]);
    let out = String::from_utf8_lossy(&run.stdout).to_string();
    assert!(
        run.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let expect = [
        (
            "breaking",
            "fetchStatements_1: operation removed (POST /v1/cl/banking/personal/demo-bank.khipu.com/statements)",
        ),
        (
            "breaking",
            "fetchTransactions_1: request field `body.RequestData.Branch` added (required string)",
        ),
        (
            "additive",
            "fetchAccounts_1: response field `body.Data.Account[].Alias` added (optional string)",
        ),
        (
            "additive",
            "fetchTransactions_1: response field `body.Data.Transaction[].Status`: enum value `Reversed` added",
        ),
        (
            "documentation",
            "fetchTransactions_1: descriptions or examples changed",
        ),
        // What the changes do to the Bank trait: a field the canonical model lacks, a parameter
        // the trait cannot fill.
        (
            "breaking",
            "fetchAccounts_1: no longer serves `Bank::accounts` (capability lost)",
        ),
        (
            "breaking",
            "fetchTransactions_1: no longer serves `Bank::transactions` (capability lost)",
        ),
    ];
    for (class, text) in expect {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(class) && l.contains(text)),
            "no `{class}` line with `{text}` in:\n{out}"
        );
    }
    assert!(
        out.contains("semver: khipu-generated major (0.1.0 -> 0.2.0)"),
        "{out}"
    );
    let changelog = std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## [Unreleased]"), "{changelog}");
    assert!(
        changelog.contains("Needs a **major** release"),
        "{changelog}"
    );
    assert!(changelog.contains("- **Breaking** bank cl/personal/demo-bank.khipu.com: fetchStatements_1: operation removed"), "{changelog}");

    // The same specs again: nothing to report, nothing written.
    let again = xtask(&dir, &["codegen"]);
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(
        out.contains("api: no API changes") && out.contains("0 file(s) written"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap(),
        changelog
    );

    // The committed summaries against the working tree, without regenerating.
    let diff = xtask(&dir, &["diff", "HEAD"]);
    let out = String::from_utf8_lossy(&diff.stdout);
    assert!(
        diff.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    assert!(
        out.contains("fetchStatements_1: operation removed")
            && out.contains("semver: khipu-generated major"),
        "{out}"
    );
    let bad = xtask(&dir, &["diff", "no-such-ref"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-ref"));
    let _ = std::fs::remove_dir_all(&dir);
}

//! `khipu ... | head -c1`: a reader that goes away before the command writes. Every command ends
//! quietly with status 0, never a panic (`println!` panics on a closed pipe: exit 101).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]

use std::process::{Output, Stdio};

#[path = "support/run.rs"]
mod run;

const DEMO: &str = "cl/personal/demo-bank.khipu.com";

/// Runs `khipu` with its stdout's read end closed before it writes anything.
fn with_stdout_closed(args: &[&str]) -> Output {
    let mut child = run::command(args, &[])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before the command starts writing
    child.wait_with_output().unwrap()
}

#[test]
fn every_command_ends_quietly_when_its_reader_goes_away() {
    let account = ["--account", "000011887755"];
    let cases: Vec<Vec<&str>> = vec![
        vec!["banks"],
        vec!["banks", "--json"],
        vec!["completions", "bash"],
        vec!["--mock", "accounts", "--bank", DEMO],
        vec![
            "--mock", "balances", "--bank", DEMO, account[0], account[1], "--json",
        ],
        vec![
            "--mock",
            "transactions",
            "--bank",
            DEMO,
            account[0],
            account[1],
            "--output",
            "csv",
        ],
        vec![
            "--mock",
            "transactions",
            "--bank",
            DEMO,
            account[0],
            account[1],
        ],
        vec![
            "--mock",
            "statements",
            "--bank",
            DEMO,
            account[0],
            account[1],
        ],
        vec!["--mock", "payments", "banks"],
        vec![
            "--mock",
            "payments",
            "create",
            "--amount",
            "1000",
            "--currency",
            "CLP",
            "--subject",
            "x",
        ],
        vec!["--mock", "payments", "wallet", "--json"],
        vec!["--mock", "auth", "token"],
        vec!["--mock", "api", "--list"],
        vec!["--mock", "api", "payments-v3.0", "getBanks", "--json"],
        vec![
            "--mock",
            "subscriptions",
            "create",
            "--name",
            "Plan",
            "--email",
            "ana@example.cl",
            "--max-amount",
            "20000",
            "--currency",
            "CLP",
            "--notify-url",
            "http://127.0.0.1:9/n",
            "--return-url",
            "https://shop.example/ok",
            "--cancel-url",
            "https://shop.example/no",
        ],
    ];
    for args in cases {
        let out = with_stdout_closed(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

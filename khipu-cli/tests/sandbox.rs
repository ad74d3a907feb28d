//! The `khipu` command against the sandbox: every bank times every capability, the quickstart,
//! and `khipu sandbox` itself.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use khipu_mock::{Sandbox, SandboxConfig};
use serde_json::Value;

const GET_ROUTES: &[u8] = b"GET /_sandbox/routes HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";

fn answer(url: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

#[path = "../../tests/support/mod.rs"]
#[allow(dead_code, reason = "the command tests use only part of it")]
mod support;
use support::capabilities;

#[tokio::test]
async fn every_bank_times_every_capability_through_the_khipu_command() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    for (info, op) in capabilities() {
        let cap = op.capability.unwrap();
        let mut args: Vec<String> = vec![
            cap.kind.name().into(),
            "--bank".into(),
            info.id.into(),
            "--json".into(),
        ];
        args.extend([
            "--base-url".into(),
            sandbox.url().into(),
            "--operation".into(),
            op.operation_id.into(),
        ]);
        for (param, flag, value) in [
            ("AccountNumber", "--account", "000011887755"),
            ("LastDigits", "--last-digits", "1234"),
            ("Currency", "--currency", "CLP"),
            ("BookingDate", "--month", "2022-07"),
        ] {
            if op.param(param).is_some_and(|p| p.required) {
                args.extend([flag.into(), value.into()]);
            }
        }
        if op.param("BookingDateStart").is_some_and(|p| p.required) {
            args.extend([
                "--from".into(),
                "2022-06".into(),
                "--to".into(),
                "2022-07".into(),
            ]);
        }
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_khipu"));
        cmd.args(&args)
            .env("KHIPU_TOKEN", "sandbox-token")
            .env_remove("KHIPU_API_KEY");
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(reply["status"], "ok");
        assert!(!reply["data"].as_array().unwrap().is_empty(), "{args:?}");
    }
}

#[tokio::test]
async fn the_quickstart_prints_the_demo_transactions() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_khipu"));
    cmd.args([
        "--mock",
        "transactions",
        "--bank",
        "cl/personal/demo-bank.khipu.com",
        "--account",
        "000011887755",
    ]);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("KHIPU_")) {
        cmd.env_remove(k);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("2017-07-22T00:00:00-0400") && text.contains("PAGO DE CUENTAS"),
        "{text}"
    );
}

/// CPU time (user + system) of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the `(comm)`, which may contain spaces.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn out_of_file_descriptors_the_sandbox_backs_off_instead_of_spinning() {
    let bin = env!("CARGO_BIN_EXE_khipu");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && exec '{bin}' sandbox --port 0 --read-timeout 60"
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut first = String::new();
    // Kept open to the end: closing it would make the sandbox's own output fail.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the sandbox prints its URL")
        .to_owned();
    let addr = url.trim_start_matches("http://").to_owned();
    // More idle connections than descriptors: the kernel queues them, accept fails with EMFILE.
    let held: Vec<TcpStream> = (0..100)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(pid);
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(pid) - before;
    let elapsed = started.elapsed();
    drop(held);
    // Recovers once descriptors free up.
    let mut ok = false;
    for _ in 0..50 {
        if answer(&url, GET_ROUTES).starts_with("HTTP/1.1 200") {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    // A spinning accept loop uses a whole core: about 100 ticks per second.
    assert!(
        used < 20,
        "{used} ticks of CPU in {elapsed:?} while out of descriptors"
    );
    assert!(
        ok,
        "the sandbox did not answer again after the connections closed"
    );
}

#[test]
fn the_sandbox_help_names_its_credentials_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_khipu"))
        .args(["sandbox", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--api-key", "--receiver-id", "--secret", "sandbox-api-key"] {
        assert!(help.contains(flag), "missing {flag} in:\n{help}");
    }
}

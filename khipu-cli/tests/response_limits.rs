//! The `khipu` command's memory stays bounded against a server whose answer never ends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[path = "../../tests/support/endless.rs"]
mod endless;
use endless::endless_server;

/// Peak resident memory (VmHWM) of a running process, in KiB.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn the_cli_memory_stays_bounded_against_an_endless_answer() {
    let (url, sent) = endless_server().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_khipu"))
        .args([
            "transactions",
            "--bank",
            "cl/personal/demo-bank.khipu.com",
            "--account",
            "1",
            "--base-url",
            &url,
        ])
        .env("KHIPU_API_KEY", "k")
        .env_remove("KHIPU_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let started = Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) || peak > 400 * 1024 {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the CLI kept reading for {:?}, peak {peak} KiB",
                started.elapsed()
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("response limit"), "{stderr}");
    let limit = khipu::Config::new(khipu::Credentials::bearer("t")).max_response_bytes as u64;
    let total = sent.load(Ordering::Relaxed);
    assert!(
        total < limit + 16 * 1024 * 1024,
        "the server sent {total} bytes"
    );
    // The body buffer (32 MiB) plus the program; without the limit this grows without end.
    assert!(peak < 200 * 1024, "peak resident memory {peak} KiB");
    eprintln!(
        "cli: peak {peak} KiB, server sent {total} bytes, {:?}",
        started.elapsed()
    );
}

//! Heap allocations and client CPU per transactions call, through `dyn Bank` and through plain
//! reqwest + serde_json into the same types, against a local server answering fixed bytes over one
//! kept-alive connection. Allocation counts are exact (a counting allocator), so a change in the
//! client's own work per call shows here without the noise of timings. Writes
//! `target/allocations.json` for `cargo xtask bench`.
//!
//! `cargo bench --bench allocations`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench code: a failed unwrap fails the run"
)]

use std::sync::atomic::Ordering;
use std::time::Instant;

use bytes::Bytes;
use khipu::{Config, Credentials, DataRequest};
use serde_json::json;

use counting::{ALLOCATIONS, BYTES};

#[path = "support/counting.rs"]
mod counting;
#[path = "support/fixed_server.rs"]
mod fixed_server;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/plain.rs"]
mod plain;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const CALLS: u64 = 20_000;
const WARM_UP: u64 = 200;

/// The fixed-bytes server on its own thread (its allocations are not the client's).
fn serve(body: Vec<u8>) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let (listener, url) = fixed_server::bind().await;
            tx.send(url).expect("the bench waits");
            fixed_server::serve(listener, Bytes::from(body)).await;
        });
    });
    rx.recv().expect("the server starts")
}

/// Allocations, bytes and CPU microseconds per call over `CALLS` calls of `call`; `NaN`s when
/// `skip`.
fn measure<F, Fut>(runtime: &tokio::runtime::Runtime, skip: bool, call: F) -> (f64, f64, f64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if skip {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    runtime.block_on(async {
        for _ in 0..WARM_UP {
            call().await;
        }
    });
    let (a0, b0) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    let cpu0 = thread_cpu();
    let started = Instant::now();
    runtime.block_on(async {
        for _ in 0..CALLS {
            call().await;
        }
    });
    let _ = started.elapsed();
    let cpu = thread_cpu() - cpu0;
    let (a1, b1) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    let n = CALLS as f64;
    ((a1 - a0) as f64 / n, (b1 - b0) as f64 / n, cpu * 1e6 / n)
}

/// This thread's CPU time in seconds (the client runs on it alone: a current-thread runtime).
fn thread_cpu() -> f64 {
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, which `ts` is.
    unsafe { clock_gettime(3, &mut ts) }; // CLOCK_THREAD_CPUTIME_ID
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // `--items N` and `--only dyn|plain` run one case, to profile one side alone (`perf record`).
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let sizes: Vec<usize> = match arg("--items").and_then(|n| n.parse().ok()) {
        Some(n) => vec![n],
        None => vec![1, 100],
    };
    let only = arg("--only").map(String::as_str);
    let mut rows = Vec::new();
    for items in sizes {
        let url = serve(fixtures::transactions_response(items));
        let bank = khipu::connect(
            "cl/personal/demo-bank.khipu.com",
            &Config::new(Credentials::bearer("bench")).base_url(&url),
        )
        .expect("connects");
        let request = DataRequest::account(plain::ACCOUNT);
        let plain = plain::Plain::new(&url);
        let skip = |side: &str| only.is_some_and(|o| o != side);
        let dyn_bank = measure(&runtime, skip("dyn"), || async {
            let reply = bank.transactions(&request).await.expect("a reply");
            assert_eq!(reply.items().len(), items);
        });
        let plain_reqwest = measure(&runtime, skip("plain"), || plain.transactions(items));
        for (client, (allocs, bytes, cpu)) in
            [("dyn Bank", dyn_bank), ("plain reqwest", plain_reqwest)]
        {
            println!(
                "{items:>3} items, {client:>13}: {allocs:7.1} allocations/call, {bytes:9.0} bytes/call, {cpu:6.1} µs CPU/call"
            );
            rows.push(json!({"items": items, "client": client, "allocations_per_call": allocs, "bytes_per_call": bytes, "cpu_us_per_call": cpu}));
        }
    }
    if only.is_some() || arg("--items").is_some() {
        // A profiling run: the report stays the full run's.
        return;
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/allocations.json");
    let _ = std::fs::write(
        &out,
        serde_json::to_string_pretty(&rows).unwrap_or_default(),
    );
}

//! Reliability under load: bursts of 1,000 and 10,000 concurrent transactions calls against the
//! sandbox on 127.0.0.1, through one `dyn Bank` and through plain reqwest, clean and with faults
//! injected into 10% of the calls. Writes `target/reliability.json` for `cargo xtask bench`.
//!
//! The sandbox runs in a child process (this binary with `--serve`), so the two sides do not
//! share a file-descriptor limit and this process's memory is the client's alone. Each call asks
//! for its own account number; the sandbox's fault plan derives the fault from it and applies it
//! to the call's first attempt only, so the outcome tells whether the client retried:
//! - a 200ms delay, `503` and `RETRY_IMMEDIATELY` must end in success (the last two after a retry);
//! - a malformed body must end in `Error::Decode` after one attempt (Khipu gives no advice for it
//!   and the answer came from the server: retrying would hide a broken response).
//!
//! `cargo bench --bench reliability -- --calls 1000,10000 --reps 20`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use khipu::model::{Status, TransactionsEnvelope};
use khipu::{Bank, Config, Credentials, DataRequest, Error};
use serde_json::{Value, json};

use counting::{LIVE, PEAK};

#[path = "support/counting.rs"]
mod counting;

const BANK: &str = "cl/personal/demo-bank.khipu.com";
const PATH: &str = "/v1/cl/banking/personal/demo-bank.khipu.com/transactions";

/// Counts live heap bytes, so each burst's peak can be read apart from the others'.
#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// The faults, by the share of calls that get each: 1 in 40 for each of the four, 10% in all.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fault {
    None,
    Delay,
    Unavailable,
    RetryNow,
    Malformed,
}

const FAULTS: [Fault; 5] = [
    Fault::None,
    Fault::Delay,
    Fault::Unavailable,
    Fault::RetryNow,
    Fault::Malformed,
];

impl Fault {
    fn of(call: u64, faults: bool) -> Fault {
        if !faults {
            return Fault::None;
        }
        match call % 40 {
            0 => Fault::Delay,
            1 => Fault::Unavailable,
            2 => Fault::RetryNow,
            3 => Fault::Malformed,
            _ => Fault::None,
        }
    }

    fn directives(self) -> &'static str {
        match self {
            Fault::None => "",
            Fault::Delay => "delay=200",
            Fault::Unavailable => "status=503",
            Fault::RetryNow => "error=E201:RETRY_IMMEDIATELY",
            Fault::Malformed => "malformed",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Delay => "delay 200ms",
            Fault::Unavailable => "503",
            Fault::RetryNow => "RETRY_IMMEDIATELY",
            Fault::Malformed => "malformed body",
        }
    }

    fn index(self) -> usize {
        FAULTS.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// An account number carries the call's number and whether faults are on: `1` then 11 digits
/// for a faulty run, `0` then 11 digits for a clean one (12 characters, as the spec allows).
fn account(call: u64, faults: bool) -> String {
    format!("{}{call:011}", u8::from(faults))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        serve();
        return;
    }
    let calls: Vec<usize> = value(&args, "--calls")
        .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    // Repetitions of a 1,000-call burst; larger bursts get proportionally fewer, at least 9.
    let reps: usize = value(&args, "--reps")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut sandbox = SandboxProcess::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let mut next_call = 0u64;
    let mut runs = Vec::new();
    // Warm both paths (code, allocator) before measuring.
    for client in [Client::Bank, Client::Reqwest] {
        runtime.block_on(burst(client, &sandbox.url, 200, &mut next_call, false));
    }
    for &n in &calls {
        for faults in [false, true] {
            // Small bursts are over in about 0.1 s and vary more: they get more repetitions.
            let reps = if faults {
                1
            } else {
                (reps * 1_000 / n.max(1)).max(9)
            };
            for rep in 0..reps {
                // Which side goes first alternates, so neither always follows the other's burst
                // (its TIME_WAIT sockets, its freed memory).
                let order = if rep % 2 == 0 {
                    [Client::Bank, Client::Reqwest]
                } else {
                    [Client::Reqwest, Client::Bank]
                };
                for client in order {
                    // Let the previous burst's connections close and its memory go, so it is
                    // not counted against this one.
                    runtime.block_on(settle());
                    let before = sandbox.attempts();
                    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
                    let base = LIVE.load(Ordering::Relaxed);
                    let cpu_before = process_cpu();
                    let mut run =
                        runtime.block_on(burst(client, &sandbox.url, n, &mut next_call, faults));
                    run.cpu = process_cpu().saturating_sub(cpu_before);
                    run.heap_peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
                    let after = sandbox.attempts();
                    for (i, slot) in run.attempts.iter_mut().enumerate() {
                        *slot = after[i].saturating_sub(before[i]);
                    }
                    run.rep = rep;
                    eprintln!("{}", run.line());
                    runs.push(run);
                }
            }
        }
    }
    let report = json!({
        "open_files_limit": open_files_limit(),
        "client_vmhwm_bytes": vm_hwm(),
        "sandbox_vmhwm_bytes": sandbox.vm_hwm(),
        "runs": runs.iter().map(Run::json).collect::<Vec<_>>(),
    });
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target").to_owned());
    let path = std::path::Path::new(&target).join("reliability.json");
    match serde_json::to_vec_pretty(&report).map(|bytes| std::fs::write(&path, bytes)) {
        Ok(Ok(())) => eprintln!("wrote {}", path.display()),
        _ => {
            eprintln!("error: cannot write {}", path.display());
            std::process::exit(1);
        }
    }
}

/// Waits until the live heap stops shrinking (the last burst's connections are closed): polls
/// every 100 ms, for at most 5 s.
async fn settle() {
    let mut last = LIVE.load(Ordering::Relaxed);
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = LIVE.load(Ordering::Relaxed);
        if now + now / 100 >= last {
            return;
        }
        last = now;
    }
}

fn value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let at = args.iter().position(|a| a == flag)?;
    args.get(at + 1).map(String::as_str)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Client {
    Bank,
    Reqwest,
}

/// What one call ended in.
enum Outcome {
    Ok,
    Decode,
    Failed(String),
}

/// One burst's numbers.
struct Run {
    client: Client,
    calls: usize,
    faults: bool,
    rep: usize,
    wall: Duration,
    /// Each call from its task's first poll to its answer: the call's own time.
    latencies: Vec<Duration>,
    /// Each call from the burst's start, when every call was issued, to its answer: what a caller
    /// waits, including the time its task waited for a worker before it ran at all.
    since_issued: Vec<Duration>,
    /// Calls by fault, and how many of those ended as expected.
    by_fault: [(u64, u64); 5],
    /// Requests the sandbox received, by the fault of their call.
    attempts: [u64; 5],
    heap_peak: usize,
    /// The client process's CPU time (user and system) over the burst; the sandbox is another
    /// process, so this is the client's work alone.
    cpu: Duration,
    first_wrong: Option<String>,
}

fn percentile(latencies: &[Duration], p: f64) -> Duration {
    let mut sorted = latencies.to_vec();
    sorted.sort_unstable();
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

impl Run {
    fn throughput(&self) -> f64 {
        self.calls as f64 / self.wall.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    fn percentile_since_issued(&self, p: f64) -> Duration {
        percentile(&self.since_issued, p)
    }

    fn wrong(&self) -> u64 {
        self.by_fault.iter().map(|(n, right)| n - right).sum()
    }

    fn line(&self) -> String {
        format!(
            "{:>6} calls {:<8} faults={:<5} {:>8.0} calls/s p50 {:>7.1} ms p99 {:>7.1} ms (since issued: p50 {:>7.1} ms p99 {:>7.1} ms), {} not as expected, {} requests, heap peak {:.1} MB, client CPU {:.0} us/call",
            self.calls,
            match self.client {
                Client::Bank => "dyn Bank",
                Client::Reqwest => "reqwest",
            },
            self.faults,
            self.throughput(),
            self.percentile(0.5).as_secs_f64() * 1e3,
            self.percentile(0.99).as_secs_f64() * 1e3,
            self.percentile_since_issued(0.5).as_secs_f64() * 1e3,
            self.percentile_since_issued(0.99).as_secs_f64() * 1e3,
            self.wrong(),
            self.attempts.iter().sum::<u64>(),
            self.heap_peak as f64 / 1e6,
            self.cpu.as_secs_f64() * 1e6 / self.calls.max(1) as f64,
        )
    }

    fn json(&self) -> Value {
        json!({
            "client": match self.client { Client::Bank => "dyn Bank", Client::Reqwest => "plain reqwest" },
            "calls": self.calls,
            "faults": self.faults,
            "rep": self.rep,
            "wall_s": self.wall.as_secs_f64(),
            "throughput": self.throughput(),
            "p50_ms": self.percentile(0.5).as_secs_f64() * 1e3,
            "p99_ms": self.percentile(0.99).as_secs_f64() * 1e3,
            "issued_p50_ms": self.percentile_since_issued(0.5).as_secs_f64() * 1e3,
            "issued_p99_ms": self.percentile_since_issued(0.99).as_secs_f64() * 1e3,
            "not_as_expected": self.wrong(),
            "first_not_as_expected": self.first_wrong,
            "heap_peak_bytes": self.heap_peak,
            "cpu_us_per_call": self.cpu.as_secs_f64() * 1e6 / self.calls.max(1) as f64,
            "by_fault": FAULTS.iter().map(|f| json!({
                "fault": f.name(),
                "calls": self.by_fault[f.index()].0,
                "as_expected": self.by_fault[f.index()].1,
                "requests": self.attempts[f.index()],
            })).collect::<Vec<_>>(),
        })
    }
}

/// `n` calls started at once, each with its own account number; waits for all of them.
async fn burst(client: Client, url: &str, n: usize, next: &mut u64, faults: bool) -> Run {
    let first = *next;
    *next += n as u64;
    let bank: Arc<dyn Bank> = Arc::from(
        khipu::connect(
            BANK,
            &Config::new(Credentials::bearer("bench")).base_url(url),
        )
        .expect("connects"),
    );
    let plain = khipu_types::http::client().expect("a client");
    let endpoint = format!("{url}{PATH}");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for call in first..first + n as u64 {
        let (bank, plain, endpoint) = (bank.clone(), plain.clone(), endpoint.clone());
        tasks.spawn(async move {
            let account = account(call, faults);
            let t = Instant::now();
            let outcome = match client {
                Client::Bank => bank_call(&*bank, &account).await,
                Client::Reqwest => reqwest_call(&plain, &endpoint, &account).await,
            };
            (call, outcome, t.elapsed(), started.elapsed())
        });
    }
    let mut run = Run {
        client,
        calls: n,
        faults,
        rep: 0,
        wall: Duration::ZERO,
        latencies: Vec::with_capacity(n),
        since_issued: Vec::with_capacity(n),
        by_fault: [(0, 0); 5],
        attempts: [0; 5],
        heap_peak: 0,
        cpu: Duration::ZERO,
        first_wrong: None,
    };
    while let Some(joined) = tasks.join_next().await {
        let Ok((call, outcome, latency, since_issued)) = joined else {
            continue;
        };
        let fault = Fault::of(call, faults);
        let expected = match (&outcome, fault) {
            (Outcome::Decode, Fault::Malformed) => true,
            (Outcome::Ok, Fault::Malformed) => false,
            (Outcome::Ok, _) => true,
            _ => false,
        };
        let slot = &mut run.by_fault[fault.index()];
        slot.0 += 1;
        if expected {
            slot.1 += 1;
        } else if run.first_wrong.is_none() {
            run.first_wrong = Some(format!(
                "call {call} ({}): {}",
                fault.name(),
                match &outcome {
                    Outcome::Ok => "succeeded".to_owned(),
                    Outcome::Decode => "undecodable body".to_owned(),
                    Outcome::Failed(e) => e.clone(),
                }
            ));
        }
        run.latencies.push(latency);
        run.since_issued.push(since_issued);
    }
    run.wall = started.elapsed();
    run
}

async fn bank_call(bank: &dyn Bank, account: &str) -> Outcome {
    match bank.transactions(&DataRequest::account(account)).await {
        Ok(_) => Outcome::Ok,
        Err(Error::Decode { .. }) => Outcome::Decode,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// The same call as a service would write it without the SDK: no retries.
async fn reqwest_call(http: &reqwest::Client, endpoint: &str, account: &str) -> Outcome {
    let sent = http
        .post(endpoint)
        .bearer_auth("bench")
        .json(&json!({"RequestData": {"AccountNumber": account}}))
        .send()
        .await;
    let response = match sent {
        Ok(r) if r.status() == 200 => r,
        Ok(r) => return Outcome::Failed(format!("HTTP {}", r.status())),
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let Ok(bytes) = response.bytes().await else {
        return Outcome::Failed("body not read".into());
    };
    match serde_json::from_slice::<TransactionsEnvelope>(&bytes) {
        Ok(envelope) if envelope.status == Status::Ok => Outcome::Ok,
        Ok(_) => Outcome::Failed("Status ERROR".into()),
        Err(_) => Outcome::Decode,
    }
}

/// The sandbox in a child process, answering `stats` on its stdin with a line of JSON.
struct SandboxProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    url: String,
}

impl SandboxProcess {
    fn start() -> Self {
        let exe = std::env::current_exe().expect("knows its own path");
        let mut child = Command::new(exe)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("starts the sandbox process");
        let stdin = child.stdin.take().expect("piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut url = String::new();
        stdout
            .read_line(&mut url)
            .expect("the sandbox prints its URL");
        Self {
            child,
            stdin,
            stdout,
            url: url.trim().to_owned(),
        }
    }

    fn stats(&mut self) -> Value {
        writeln!(self.stdin, "stats").expect("the sandbox is running");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("the sandbox answers");
        serde_json::from_str(&line).expect("stats are JSON")
    }

    fn attempts(&mut self) -> [u64; 5] {
        let stats = self.stats();
        std::array::from_fn(|i| stats["attempts"][i].as_u64().unwrap_or(0))
    }

    fn vm_hwm(&mut self) -> u64 {
        self.stats()["vmhwm_bytes"].as_u64().unwrap_or(0)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child: the sandbox with a fault plan keyed by account number; the first request of a
/// call gets its fault, later ones (retries) do not.
fn serve() {
    let attempts: Arc<[AtomicU64; 5]> = Arc::new(std::array::from_fn(|_| AtomicU64::new(0)));
    let seen = Arc::new(Mutex::new(HashSet::new()));
    let counted = attempts.clone();
    let plan = khipu_mock::FaultPlan::new(move |request| {
        let body: Value = serde_json::from_slice(request.body).unwrap_or_default();
        let Some(account) = body["RequestData"]["AccountNumber"].as_str() else {
            return khipu_mock::Injection::default();
        };
        let faults = account.starts_with('1');
        let call: u64 = account.get(1..).and_then(|d| d.parse().ok()).unwrap_or(0);
        let fault = Fault::of(call, faults);
        counted[fault.index()].fetch_add(1, Ordering::Relaxed);
        let first = seen
            .lock()
            .map(|mut seen| seen.insert((faults, call)))
            .unwrap_or(false);
        if first {
            khipu_mock::Injection::parse(fault.directives()).unwrap_or_default()
        } else {
            khipu_mock::Injection::default()
        }
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let config = khipu_mock::SandboxConfig::default()
        .max_connections(15_000)
        .read_timeout(Duration::from_secs(60))
        .plan(plan);
    let sandbox = runtime
        .block_on(khipu_mock::Sandbox::start(config))
        .expect("the sandbox starts");
    println!("{}", sandbox.url());
    let _ = std::io::stdout().flush();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim() == "stats" {
            let counts: Vec<u64> = attempts.iter().map(|a| a.load(Ordering::Relaxed)).collect();
            println!("{}", json!({"attempts": counts, "vmhwm_bytes": vm_hwm()}));
            let _ = std::io::stdout().flush();
        }
    }
    drop(sandbox);
}

/// This process's peak resident memory (`VmHWM`).
/// This process's CPU time so far (user plus system, from `/proc/self/stat`, in clock ticks of
/// 10 ms); zero where that file does not exist.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn vm_hwm() -> u64 {
    proc_status("VmHWM:").map(|kb| kb * 1024).unwrap_or(0)
}

fn proc_status(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

//! `cargo xtask bench`: runs the criterion benches and times whole builds, then writes
//! BENCHMARKS.md with the numbers, the command and the machine.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::process::cargo;
use std::time::{Duration, Instant};

use khipu_codegen_engine::workspace;

/// The benches: (package, bench target). All but `reliability` and `allocations` are criterion
/// benches; those two write `target/reliability.json` and `target/allocations.json` themselves.
const BENCHES: [(&str, &str); 7] = [
    ("khipu-codegen-engine", "codegen"),
    ("khipu-rs", "decode"),
    ("khipu-rs", "call"),
    ("khipu-types", "signing"),
    ("khipu-types", "request_check"),
    ("khipu-rs", "reliability"),
    ("khipu-rs", "allocations"),
];

pub fn run(repo: &Path, skip_criterion: bool, skip_build: bool) -> ExitCode {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Benchmarks\n\nProduced by `cargo xtask bench` (criterion benches in release, builds timed with `cargo build`).\n"
    );
    let _ = writeln!(out, "Machine: {}\n", machine());
    if !skip_criterion {
        for (package, bench) in BENCHES {
            println!("bench: cargo bench -p {package} --bench {bench}");
            let status = Command::new(cargo())
                .current_dir(repo)
                .args(["bench", "-q", "-p", package, "--bench", bench])
                .status();
            if !status.is_ok_and(|s| s.success()) {
                eprintln!("error: cargo bench -p {package} --bench {bench} failed");
                return ExitCode::FAILURE;
            }
        }
    }
    let criterion = repo.join("target/criterion");
    codegen_section(repo, &criterion, &mut out);
    decode_section(&criterion, &mut out);
    call_section(&criterion, &mut out);
    allocations_section(&repo.join("target/allocations.json"), &mut out);
    signing_section(&criterion, &mut out);
    reliability_section(&repo.join("target/reliability.json"), &mut out);
    consumer_section(&repo.join("target/consumer-build.json"), &mut out);
    if skip_build {
        // Keep the build numbers of the last full run rather than dropping them.
        out.push_str(&previous_build_section(repo));
    } else {
        match build_section(repo) {
            Ok(text) => out.push_str(&text),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Err(e) = std::fs::write(repo.join("BENCHMARKS.md"), &out) {
        eprintln!("error: cannot write BENCHMARKS.md: {e}");
        return ExitCode::FAILURE;
    }
    println!("{out}");
    ExitCode::SUCCESS
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown memory".into());
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {memory}, {rustc}")
}

/// Median of a criterion bench, in seconds, and its throughput in bytes if it has one.
fn estimate(criterion: &Path, group: &str, bench: &str) -> Option<(f64, Option<u64>)> {
    let dir = criterion
        .join(group.replace('/', "_"))
        .join(bench)
        .join("new");
    let estimates: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("estimates.json")).ok()?).ok()?;
    let median = estimates["median"]["point_estimate"].as_f64()? / 1e9;
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("benchmark.json")).ok()?).ok()?;
    Some((median, meta["throughput"]["Bytes"].as_u64()))
}

fn ms(s: f64) -> String {
    format!("{:.2} ms", s * 1e3)
}

fn codegen_section(repo: &Path, criterion: &Path, out: &mut String) {
    let _ = writeln!(
        out,
        "## 1. Codegen\n\nPer spec, median of criterion samples (release). `progenitor only` is progenitor-impl on the already-normalized spec with the same settings: the baseline for `generate` (progenitor plus the code passes). `format` is prettyplease plus rustfmt.\n"
    );
    let _ = writeln!(
        out,
        "| spec | normalize | progenitor only | generate | format | lines |\n|---|---|---|---|---|---|"
    );
    let plan = workspace::plan(repo).ok();
    for spec in workspace::find_specs(repo).unwrap_or_default() {
        let short = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let group = format!("codegen/{short}");
        let cell = |b: &str| {
            estimate(criterion, &group, b)
                .map(|(m, _)| ms(m))
                .unwrap_or_else(|| "-".into())
        };
        let lines = plan
            .as_ref()
            .and_then(|p| p.clients.iter().find(|c| Path::new(&c.client.spec) == spec))
            .map(|c| c.lines.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {lines} |",
            spec.display(),
            cell("normalize"),
            cell("progenitor_only"),
            cell("generate"),
            cell("format")
        );
    }
    let mut runs: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let _ = workspace::plan(repo);
            start.elapsed()
        })
        .collect();
    runs.sort();
    let _ = writeln!(
        out,
        "\nAll specs, as `cargo xtask codegen` does it (read, normalize, generate, format; this binary's profile): median of 5 runs {}.\n",
        ms(runs[2].as_secs_f64())
    );
}

/// A JSON report a bench wrote, if it ran.
fn json_report(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// What `cargo xtask consumer --bench` measured: a service's clean build against the floor.
fn consumer_section(report: &Path, out: &mut String) {
    let heading = "## 6. A service's build";
    let Some(report) = json_report(report) else {
        let _ = writeln!(
            out,
            "{heading}\n\n(not run: `cargo xtask consumer --bench`)\n"
        );
        return;
    };
    let runs = report["runs"].as_array().cloned().unwrap_or_default();
    let of = |name: &str| -> (Vec<f64>, u64) {
        let mine: Vec<&serde_json::Value> = runs.iter().filter(|r| r["crate"] == name).collect();
        let mut secs: Vec<f64> = mine.iter().filter_map(|r| r["seconds"].as_f64()).collect();
        secs.sort_by(f64::total_cmp);
        let crates = mine.first().and_then(|r| r["crates"].as_u64()).unwrap_or(0);
        (secs, crates)
    };
    let (consumer, consumer_crates) = of("consumer");
    let (floor, floor_crates) = of("floor");
    let median = |v: &[f64]| v.get(v.len() / 2).copied().unwrap_or(f64::NAN);
    let _ = writeln!(
        out,
        "{heading}\n\n`cargo xtask consumer --bench`: a crate outside the workspace on the packaged crates, `khipu-rs` with features `{}` and no default features, against a floor crate with only reqwest (rustls + ring), serde, serde_json and tokio with the same features; clean debug builds in fresh target directories with `CARGO_INCREMENTAL=0` (the khipu crates come in by `[patch]` path, which cargo would otherwise compile incrementally, as it never does a crates.io dependency), alternating, {} each (all runs: consumer {:?} s, floor {:?} s).\n",
        report["features"].as_str().unwrap_or_default(),
        consumer.len(),
        consumer
            .iter()
            .map(|s| (s * 10.0).round() / 10.0)
            .collect::<Vec<_>>(),
        floor
            .iter()
            .map(|s| (s * 10.0).round() / 10.0)
            .collect::<Vec<_>>(),
    );
    let _ = writeln!(
        out,
        "| crate | crates compiled | median clean build |\n|---|---|---|\n| service on khipu-rs | {consumer_crates} | {:.1} s |\n| floor | {floor_crates} | {:.1} s |\n\nRatio of medians: {:.2} (target: at most 1.15).\n",
        median(&consumer),
        median(&floor),
        median(&consumer) / median(&floor)
    );
}

fn decode_section(criterion: &Path, out: &mut String) {
    let group = "decode_10000_transactions";
    let (Some((typed, Some(bytes))), Some((value, _))) = (
        estimate(criterion, group, "canonical_types"),
        estimate(criterion, group, "serde_json_value"),
    ) else {
        let _ = writeln!(out, "## 2. Decoding\n\n(not run)\n");
        return;
    };
    let mbps = |s: f64| bytes as f64 / s / 1e6;
    let _ = writeln!(
        out,
        "## 2. Decoding\n\nA {:.1} MB response of 10,000 transactions (most optional fields set, `-0400` timestamps, an unknown enum value in every 97th item).\n",
        bytes as f64 / 1e6
    );
    let _ = writeln!(out, "| decoder | median | MB/s |\n|---|---|---|");
    let _ = writeln!(
        out,
        "| canonical types (`TransactionsEnvelope`) | {} | {:.0} |",
        ms(typed),
        mbps(typed)
    );
    let _ = writeln!(
        out,
        "| `serde_json::Value` | {} | {:.0} |",
        ms(value),
        mbps(value)
    );
    let _ = writeln!(
        out,
        "\nTyped decoding is {:.2}x as fast as `Value` (target: at least 1x).\n",
        value / typed
    );
}

fn call_section(criterion: &Path, out: &mut String) {
    let group = "transactions_call_100_items";
    let (Some((bank, _)), Some((plain, _))) = (
        estimate(criterion, group, "dyn_bank"),
        estimate(criterion, group, "plain_reqwest"),
    ) else {
        let _ = writeln!(out, "## 3. Call overhead\n\n(not run)\n");
        return;
    };
    let _ = writeln!(
        out,
        "## 3. Call overhead\n\nA transactions call (100 items) against a local server that answers fixed bytes.\n"
    );
    let _ = writeln!(
        out,
        "| call | median |\n|---|---|\n| `dyn Bank::transactions` | {:.1} µs |\n| plain reqwest + serde_json into the same types | {:.1} µs |",
        bank * 1e6,
        plain * 1e6
    );
    let _ = writeln!(
        out,
        "\nOverhead at the median: {:+.1}% (target: within 5%).\n",
        (bank / plain - 1.0) * 100.0
    );
}

/// The allocations bench's report: heap allocations and CPU per call, both sides.
fn allocations_section(report: &Path, out: &mut String) {
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(report)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    if rows.is_empty() {
        let _ = writeln!(out, "Allocations per call: (not run)\n");
        return;
    }
    let _ = writeln!(
        out,
        "`cargo bench --bench allocations`: the same call, 20,000 times in a row over one kept-alive connection on a current-thread runtime (the server on its own thread), with a counting allocator. Allocation counts are exact, so they show a change in the client's own work without the noise of timings; CPU is the client thread's.\n\n| items | client | allocations per call | bytes allocated per call | CPU per call |\n|---|---|---|---|---|"
    );
    for row in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.0} | {:.1} µs |",
            row["items"],
            row["client"].as_str().unwrap_or("?"),
            row["allocations_per_call"].as_f64().unwrap_or(f64::NAN),
            row["bytes_per_call"].as_f64().unwrap_or(f64::NAN),
            row["cpu_us_per_call"].as_f64().unwrap_or(f64::NAN),
        );
    }
    out.push('\n');
}

fn signing_section(criterion: &Path, out: &mut String) {
    let Some((sign, _)) = estimate(criterion, "signing", "create_payment") else {
        let _ = writeln!(out, "## 4. Signing\n\n(not run)\n");
        return;
    };
    let _ = writeln!(
        out,
        "## 4. Signing\n\nString to sign plus HMAC-SHA256 for a create-payment form of six fields: {:.2} µs median, {:.0} signatures per second on one core.\n",
        sign * 1e6,
        1.0 / sign
    );
    if let Some((check, _)) = estimate(criterion, "request_check", "balances") {
        let _ = writeln!(
            out,
            "A bank client's check of a request against its spec's limits (`BankInfo::check_request`: the JSON body read again, two parameters, one pattern): {:.2} µs median per request.\n",
            check * 1e6
        );
    }
}

/// The reliability bench's report, medians over its repetitions.
fn reliability_section(report: &Path, out: &mut String) {
    let heading = "## 5. Reliability under load";
    let Some(report) = json_report(report) else {
        let _ = writeln!(out, "{heading}\n\n(not run)\n");
        return;
    };
    let runs = report["runs"].as_array().cloned().unwrap_or_default();
    let mut sizes: Vec<u64> = runs.iter().filter_map(|r| r["calls"].as_u64()).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let group = |calls: u64, client: &str, faults: bool| -> Vec<&serde_json::Value> {
        runs.iter()
            .filter(|r| {
                r["calls"].as_u64() == Some(calls)
                    && r["client"] == client
                    && r["faults"].as_bool() == Some(faults)
            })
            .collect()
    };
    let median = |runs: &[&serde_json::Value], key: &str| -> f64 {
        let mut v: Vec<f64> = runs.iter().filter_map(|r| r[key].as_f64()).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let reps = group(sizes.first().copied().unwrap_or(0), "dyn Bank", false).len();
    let _ = writeln!(
        out,
        "{heading}\n\n`cargo bench --bench reliability`: bursts of concurrent transactions calls (every call started at once) against the sandbox on 127.0.0.1, which runs in a child process; client runtime with 2 worker threads, the sandbox with 2, on the same 2 cores. Each burst uses a new client, so it opens its connections. Median of {reps} repetitions, alternating which side goes first; heap peak is the client's live heap above its level before the burst; client CPU is the client process's user and system time over the burst per call (the sandbox is another process). p50 and p99 time each call from its task's first poll; \"since issued\" times it from the burst's start, when every call was issued, so it includes the time a task waited for a worker before it ran.\n"
    );
    let _ = writeln!(
        out,
        "| calls at once | client | calls/s | p50 | p99 | p99 since issued | client heap peak | client CPU per call |\n|---|---|---|---|---|---|---|---|"
    );
    let mut ratios = Vec::new();
    for &n in &sizes {
        for client in ["dyn Bank", "plain reqwest"] {
            let g = group(n, client, false);
            let _ = writeln!(
                out,
                "| {n} | {client} | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} MB | {:.0} µs |",
                median(&g, "throughput"),
                median(&g, "p50_ms"),
                median(&g, "p99_ms"),
                median(&g, "issued_p99_ms"),
                median(&g, "heap_peak_bytes") / 1e6,
                median(&g, "cpu_us_per_call")
            );
        }
        ratios.push(format!(
            "{n} calls {:.2}",
            median(&group(n, "dyn Bank", false), "throughput")
                / median(&group(n, "plain reqwest", false), "throughput")
        ));
    }
    let _ = writeln!(
        out,
        "\nThroughput of `dyn Bank` over plain reqwest: {}.\n",
        ratios.join(", ")
    );
    let _ = writeln!(
        out,
        "With faults on the first attempt of 10% of the calls (1 in 40 each: a 200 ms delay, HTTP 503, `Status: ERROR` with `RETRY_IMMEDIATELY`, a malformed 200 body). Expected: the first three succeed (503 and `RETRY_IMMEDIATELY` after one retry), the malformed body fails with a decoding error without a retry. Plain reqwest has no retry logic, as a hand-written client would start.\n"
    );
    let _ = writeln!(
        out,
        "| calls at once | client | not as expected | requests per call | per 503 call | per `RETRY_IMMEDIATELY` call | per malformed call | p50 | p99 |\n|---|---|---|---|---|---|---|---|---|"
    );
    let per = |r: &serde_json::Value, fault: Option<&str>| -> f64 {
        let rows = r["by_fault"].as_array().cloned().unwrap_or_default();
        let (calls, requests) = rows
            .iter()
            .filter(|f| fault.is_none_or(|name| f["fault"] == name))
            .fold((0u64, 0u64), |(c, q), f| {
                (
                    c + f["calls"].as_u64().unwrap_or(0),
                    q + f["requests"].as_u64().unwrap_or(0),
                )
            });
        requests as f64 / calls.max(1) as f64
    };
    for &n in &sizes {
        for client in ["dyn Bank", "plain reqwest"] {
            let g = group(n, client, true);
            let Some(r) = g.first() else { continue };
            let _ = writeln!(
                out,
                "| {n} | {client} | {} of {n} | {:.3} | {:.2} | {:.2} | {:.2} | {:.1} ms | {:.1} ms |",
                r["not_as_expected"].as_u64().unwrap_or(0),
                per(r, None),
                per(r, Some("503")),
                per(r, Some("RETRY_IMMEDIATELY")),
                per(r, Some("malformed body")),
                median(&g, "p50_ms"),
                median(&g, "p99_ms"),
            );
        }
    }
    let mb = |key: &str| report[key].as_f64().unwrap_or(0.0) / 1e6;
    let _ = writeln!(
        out,
        "\nPeak resident memory (VmHWM) over the whole run: client process {:.0} MB, sandbox process {:.0} MB. Open-files limit {}.\n",
        mb("client_vmhwm_bytes"),
        mb("sandbox_vmhwm_bytes"),
        report["open_files_limit"]
    );
}

/// The build-cost section of the BENCHMARKS.md on disk, renumbered, or an empty string.
fn previous_build_section(repo: &Path) -> String {
    let text = std::fs::read_to_string(repo.join("BENCHMARKS.md")).unwrap_or_default();
    text.find(". Build cost\n")
        .map(|at| format!("## 7{}", &text[at..]))
        .unwrap_or_default()
}

/// Time of one command, or why it failed.
fn timed(mut cmd: Command) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(start.elapsed())
}

fn build(dir: &Path, target: &Path, features: &[&str]) -> Command {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "-q", "-p", "khipu-generated"])
        .args(features);
    cmd
}

fn build_section(repo: &Path) -> Result<String, String> {
    let mut out = String::from(
        "## 7. Build cost\n\nDev profile, `cargo build -p khipu-generated`. Clean: a fresh target directory, every dependency included. Incremental: `src/lib.rs` touched, dependencies built.\n\n| features | clean | incremental |\n|---|---|---|\n",
    );
    let root = repo.join("target/bench-build");
    let configs: [(&str, &[&str]); 3] = [
        (
            "one bank (`cl-personal-demo-bank`)",
            &[
                "--no-default-features",
                "--features",
                "cl-personal-demo-bank",
            ],
        ),
        (
            "one country (`cl`)",
            &["--no-default-features", "--features", "cl"],
        ),
        ("all (default)", &[]),
    ];
    let lib = repo.join("khipu-generated/src/lib.rs");
    for (i, (name, features)) in configs.iter().enumerate() {
        let target = root.join(format!("clean-{i}"));
        let _ = std::fs::remove_dir_all(&target);
        println!("bench: clean build, {name}");
        let clean = timed(build(repo, &target, features))?;
        touch(&lib)?;
        let incremental = timed(build(repo, &target, features))?;
        let _ = writeln!(
            out,
            "| {name} | {:.1} s | {:.2} s |",
            clean.as_secs_f64(),
            incremental.as_secs_f64()
        );
        let _ = std::fs::remove_dir_all(&target);
    }
    let plan = workspace::plan(repo).map_err(|e| format!("{e:?}"))?;
    let _ = writeln!(
        out,
        "\nGenerated lines per bank:\n\n| bank | lines |\n|---|---|"
    );
    for c in plan
        .clients
        .iter()
        .filter(|c| c.module_path.starts_with("banking::"))
    {
        let _ = writeln!(out, "| {} | {} |", c.module_path, c.lines);
    }
    out.push_str(&synthetic(repo, &root)?);
    Ok(out)
}

fn touch(file: &Path) -> Result<(), String> {
    let text = std::fs::read(file).map_err(|e| e.to_string())?;
    std::fs::write(file, text).map_err(|e| e.to_string())
}

/// Generates N synthetic banks from the real bank specs and builds khipu-generated with them, to
/// show how lines and build time grow with the number of banks.
fn synthetic(repo: &Path, root: &Path) -> Result<String, String> {
    let banks: Vec<PathBuf> = workspace::find_specs(repo)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|p| p.starts_with("specs/banking"))
        .collect();
    let target = root.join("synthetic-target");
    let mut out = String::from(
        "\nGrowth with synthetic banks (copies of the real bank specs under new domains in `cl/personal`), crate-only rebuild with dependencies built:\n\n| banks | generated lines | lines per bank | build | per bank |\n|---|---|---|---|---|\n",
    );
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).map_err(|e| e.to_string())?;
    // [workspace.package] and [workspace.dependencies] of the real workspace, with path
    // dependencies pointing back into it, except khipu-generated, which is the synthetic one.
    let start = manifest
        .find("[workspace.package]")
        .ok_or("no [workspace.package] in Cargo.toml")?;
    let end = manifest
        .find("\n[package]")
        .ok_or("no [package] in Cargo.toml")?;
    let workspace_sections = format!(
        "[workspace]\nmembers = [\"khipu-generated\"]\nresolver = \"3\"\n\n{}",
        manifest[start..end].replace("path = \"", &format!("path = \"{}/", repo.display()))
    )
    .replace(
        &format!("path = \"{}/khipu-generated\"", repo.display()),
        "path = \"khipu-generated\"",
    );
    for n in [10usize, 20, 40] {
        let dir = root.join(format!("synthetic-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("specs/banking/cl/personal"))
            .map_err(|e| e.to_string())?;
        for i in 0..n {
            let source = &banks[i % banks.len()];
            let text = std::fs::read_to_string(repo.join(source)).map_err(|e| e.to_string())?;
            let parts: Vec<&str> = source
                .iter()
                .map(|c| c.to_str().unwrap_or_default())
                .collect();
            let (cc, segment, domain) = (parts[2], parts[3], parts[4].trim_end_matches(".yaml"));
            let new_domain = format!("synthetic{i:02}.cl");
            let text = text.replace(
                &format!("/v1/{cc}/banking/{segment}/{domain}/"),
                &format!("/v1/cl/banking/personal/{new_domain}/"),
            );
            std::fs::write(
                dir.join(format!("specs/banking/cl/personal/{new_domain}.yaml")),
                text,
            )
            .map_err(|e| e.to_string())?;
        }
        // The plan keeps a facade's feature block in step; this workspace has no facade, so it
        // gets an empty block to plan with, and its real manifest after.
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "{workspace_sections}\n{}\n{}\n",
                workspace::FEATURES_BEGIN,
                workspace::FEATURES_END
            ),
        )
        .map_err(|e| e.to_string())?;
        let plan = workspace::plan(&dir).map_err(|e| format!("{e:?}"))?;
        for file in &plan.files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap_or(&dir)).map_err(|e| e.to_string())?;
            std::fs::write(path, &file.contents).map_err(|e| e.to_string())?;
        }
        std::fs::write(dir.join("Cargo.toml"), &workspace_sections).map_err(|e| e.to_string())?;
        std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
        let lines: usize = plan.clients.iter().map(|c| c.lines).sum();
        println!("bench: {n} synthetic banks");
        timed(build(&dir, &target, &[]))?; // dependencies
        let mut clean = Command::new(cargo());
        clean
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .args(["clean", "-q", "-p", "khipu-generated"]);
        timed(clean)?;
        let time = timed(build(&dir, &target, &[]))?.as_secs_f64();
        let _ = writeln!(
            out,
            "| {n} | {lines} | {} | {time:.1} s | {:.2} s |",
            lines / n,
            time / n as f64
        );
    }
    let _ = std::fs::remove_dir_all(root);
    Ok(out)
}

//! `cargo xtask consumer [--bench]`: a crate outside the workspace, as a service writes it, built
//! against the packaged crates (the tarballs `cargo package` made, not the workspace sources):
//! `khipu-rs` with one bank and Payments v3.0, no default features. It must build, print
//! `khipu::banks().len()` as 1, and have none of the command-line or sandbox crates in its normal
//! dependency tree. `--bench` also times its clean debug build beside a floor crate that uses only
//! reqwest (rustls + ring), serde, serde_json and tokio with the same features, built the same way
//! in the same run, and writes `target/consumer-build.json` for `cargo xtask bench`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// The features a service picks in the consumer's dependency line.
const FEATURES: &str = r#"["cl-personal-bancochile", "payments-v3-0"]"#;

/// Crates that must not be in a library user's normal tree (`cargo tree -e normal,features`
/// lines start with the crate name; hyper appears for reqwest's client, never with `server`).
const FORBIDDEN: [&str; 7] = [
    "clap ",
    "clap_complete ",
    "csv ",
    "tracing-subscriber ",
    "khipu-mock ",
    "khipu-cli ",
    "hyper feature \"server\"",
];

/// The workspace packages a consumer of `khipu-rs` resolves from their tarballs.
const PACKAGED: [&str; 3] = ["khipu-rs", "khipu-types", "khipu-generated"];

pub fn run(repo: &Path, bench: bool) -> ExitCode {
    match consume(repo, bench) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn version(repo: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).map_err(|e| e.to_string())?;
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[workspace.package]")
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim_matches('"').to_owned())
        .ok_or_else(|| "no version in [workspace.package]".into())
}

/// Runs `cmd`, returning its stdout, or its stderr as the error.
fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn consume(repo: &Path, bench: bool) -> Result<(), String> {
    let version = version(repo)?;
    // Timed builds stand outside the repository, as a service's would: no repository cargo
    // configuration, fresh target directories. The check builds inside `target/` and shares the
    // repository's target directory, so it reuses what CI compiled before it.
    let root = if bench {
        std::env::temp_dir().join(format!("khipu-consumer-{}", std::process::id()))
    } else {
        repo.join("target/consumer")
    };
    let crates = root.join("crates");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&crates).map_err(|e| e.to_string())?;
    // The tarballs `cargo package` left (CI verifies them just before); made here if missing.
    let packaged = |name: &str| repo.join(format!("target/package/{name}-{version}.crate"));
    if PACKAGED.iter().any(|name| !packaged(name).exists()) {
        println!("consumer: cargo package --no-verify (no tarballs yet)");
        output(Command::new(cargo()).current_dir(repo).args([
            "package",
            "--workspace",
            "--exclude",
            "xtask",
            "--no-verify",
            "--allow-dirty",
            "-q",
        ]))?;
    }
    let mut patches = String::new();
    for name in PACKAGED {
        output(
            Command::new("tar")
                .arg("xzf")
                .arg(packaged(name))
                .arg("-C")
                .arg(&crates),
        )?;
        patches.push_str(&format!(
            "{name} = {{ path = \"../crates/{name}-{version}\" }}\n"
        ));
    }
    let app = root.join("app");
    write_crate(
        &app,
        &format!(
            "khipu-rs = {{ version = \"={version}\", default-features = false, features = {FEATURES} }}\n\
             tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"macros\"] }}\n\n\
             [patch.crates-io]\n{patches}"
        ),
        "fn main() -> Result<(), khipu::Error> {\n\
         \x20   let config = khipu::Config::new(khipu::Credentials::api_key(\"key\"));\n\
         \x20   let _payments = khipu::payments::Client::new(&config)?;\n\
         \x20   let bearer = khipu::Config::new(khipu::Credentials::bearer(\"jwt\"));\n\
         \x20   let _bank = khipu::connect(\"cl/personal/bancochile.cl\", &bearer)?;\n\
         \x20   println!(\"{}\", khipu::banks().len());\n\
         \x20   Ok(())\n\
         }\n",
    )?;
    // The workspace's lock file, so the consumer resolves the versions CI already has.
    let _ = std::fs::copy(repo.join("Cargo.lock"), app.join("Cargo.lock"));
    let target = if bench {
        app.join("target")
    } else {
        repo.join("target")
    };
    let banks = output(
        Command::new(cargo())
            .current_dir(&app)
            .env("CARGO_TARGET_DIR", &target)
            .args(["run", "-q"]),
    )?;
    if banks.trim() != "1" {
        return Err(format!(
            "the consumer printed `{}` banks, not 1",
            banks.trim()
        ));
    }
    let tree = output(Command::new(cargo()).current_dir(&app).args([
        "tree",
        "-e",
        "normal,features",
        "--prefix",
        "none",
    ]))?;
    let found: Vec<&str> = FORBIDDEN
        .iter()
        .copied()
        .filter(|name| tree.lines().any(|l| l.starts_with(name)))
        .collect();
    if !found.is_empty() {
        return Err(format!("the consumer's normal tree has {found:?}"));
    }
    println!(
        "consumer: khipu-rs {version} with {FEATURES} from its tarball: builds, runs (1 bank), and its tree has none of {FORBIDDEN:?}"
    );
    if bench {
        let measured = measure(repo, &root, &app);
        let _ = std::fs::remove_dir_all(&root);
        measured?;
    }
    Ok(())
}

fn write_crate(dir: &Path, dependencies: &str, main: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("app");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # Its own workspace: it stands for a service outside khipu-rs.\n[workspace]\n\n[dependencies]\n{dependencies}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())
}

/// A clean debug build of `dir` in a fresh target directory: its time and how many crates it
/// compiled.
fn clean_build(dir: &Path) -> Result<(Duration, usize), String> {
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let started = Instant::now();
    let out = output(
        Command::new(cargo())
            .current_dir(dir)
            .args(["build", "--message-format=json"]),
    )?;
    let elapsed = started.elapsed();
    let mut crates: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\""))
        .filter_map(|l| l.split("\"package_id\":\"").nth(1)?.split('"').next())
        .collect();
    crates.sort_unstable();
    crates.dedup();
    Ok((elapsed, crates.len()))
}

/// Times the consumer and the floor, alternating, and writes what it measured.
fn measure(repo: &Path, root: &Path, app: &Path) -> Result<(), String> {
    let floor = root.join("floor");
    write_crate(
        &floor,
        "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\", \"form\", \"rustls-no-provider\"] }\n\
         rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\", \"logging\"] }\n\
         serde = { version = \"1\", features = [\"derive\"] }\n\
         serde_json = \"1\"\n\
         tokio = { version = \"1\", default-features = false, features = [\"rt\", \"macros\"] }\n",
        "#[derive(serde::Deserialize)]\nstruct Banks { banks: Vec<serde_json::Value> }\n\n\
         fn main() {\n\
         \x20   let _ = rustls::crypto::ring::default_provider().install_default();\n\
         \x20   let client = reqwest::Client::builder().build().expect(\"a client\");\n\
         \x20   let banks: Result<Banks, _> = serde_json::from_str(\"{\\\"banks\\\": []}\");\n\
         \x20   println!(\"{:?} {}\", client, banks.map(|b| b.banks.len()).unwrap_or(0));\n\
         }\n",
    )?;
    let _ = std::fs::copy(app.join("Cargo.lock"), floor.join("Cargo.lock"));
    // Fetch first, so the timings are builds, not downloads.
    for dir in [app, floor.as_path()] {
        output(Command::new(cargo()).current_dir(dir).args(["fetch", "-q"]))?;
    }
    let mut runs = Vec::new();
    for rep in 0..3 {
        for (name, dir) in [("consumer", app), ("floor", floor.as_path())] {
            let (time, crates) = clean_build(dir)?;
            println!(
                "consumer: clean build {name} (rep {rep}): {:.1} s, {crates} crates",
                time.as_secs_f64()
            );
            runs.push(serde_json::json!({"crate": name, "rep": rep, "seconds": time.as_secs_f64(), "crates": crates}));
        }
    }
    let report: PathBuf = repo.join("target/consumer-build.json");
    std::fs::write(
        &report,
        serde_json::to_string_pretty(&serde_json::json!({"features": FEATURES, "runs": runs}))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    println!("consumer: wrote {}", report.display());
    Ok(())
}

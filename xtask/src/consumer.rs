//! `cargo xtask consumer [--bench]`: a crate outside the workspace, as a service writes it, built
//! against the packaged crates (the tarballs `cargo package` made, not the workspace sources):
//! `khipu-rs` with one bank and Payments v3.0, no default features. It must build, print
//! `khipu::banks().len()` as 1, and have none of the command-line or sandbox crates in its normal
//! dependency tree. `--bench` also times its clean debug build beside a floor crate that uses only
//! reqwest (rustls + ring), serde, serde_json and tokio with the same features, built the same way
//! in the same run, and writes `target/consumer-build.json` for `cargo xtask bench`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::process::{cargo, output};
use std::time::{Duration, Instant};

/// The features a service picks in the consumer's dependency line.
const FEATURES: &str = r#"["cl-personal-bancochile", "payments-v3-0"]"#;

/// Crates that must not be in a library user's normal tree (`cargo tree -e normal,features`
/// lines start with the crate name; hyper appears for reqwest's client, never with `server`).
const FORBIDDEN: [&str; 8] = [
    "axum ",
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

/// And those the `macro` feature brings (the generator, at build time).
const PACKAGED_MACRO: [&str; 3] = ["khipu-codegen", "khipu-codegen-engine", "khipu-doc"];

/// A bank the service's features leave out: asking for it must name the feature that brings it.
const LEFT_OUT: (&str, &str) = ("cl/personal/demo-bank.khipu.com", "cl-personal-demo-bank");

pub fn run(repo: &Path, bench: bool) -> ExitCode {
    match consume(repo, bench) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
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
    let all = PACKAGED.iter().chain(&PACKAGED_MACRO);
    if all.clone().any(|name| !packaged(name).exists()) {
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
    let patch = |name: &str| format!("{name} = {{ path = \"../crates/{name}-{version}\" }}\n");
    for name in all {
        output(
            Command::new("tar")
                .arg("xzf")
                .arg(packaged(name))
                .arg("-C")
                .arg(&crates),
        )?;
    }
    let patches: String = PACKAGED.iter().map(|name| patch(name)).collect();
    let app = root.join("app");
    let readme = std::fs::read_to_string(repo.join("README.md")).map_err(|e| e.to_string())?;
    let blocks = readme_modules(&readme);
    write_crate(
        &app,
        &format!(
            "khipu-rs = {{ version = \"={version}\", default-features = false, features = {FEATURES} }}\n\
             tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"macros\"] }}\n\n\
             [patch.crates-io]\n{patches}"
        ),
        &("fn main() -> Result<(), khipu::Error> {\n\
         \x20   let config = khipu::Config::new(khipu::Credentials::api_key(\"key\"));\n\
         \x20   let _payments = khipu::payments::Client::new(&config)?;\n\
         \x20   let bearer = khipu::Config::new(khipu::Credentials::bearer(\"jwt\"));\n\
         \x20   let _bank = khipu::connect(\"cl/personal/bancochile.cl\", &bearer)?;\n\
         \x20   println!(\"{}\", khipu::banks().len());\n\
         \x20   match khipu::connect(\"LEFT_OUT\", &bearer) {\n\
         \x20       Err(e) => println!(\"{e}\"),\n\
         \x20       Ok(_) => println!(\"connected to a bank whose feature is off\"),\n\
         \x20   }\n\
         \x20   Ok(())\n\
         }\n"
        .replace("LEFT_OUT", LEFT_OUT.0)
            + &blocks.join("\n")),
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
    let mut lines = banks.lines();
    if lines.next() != Some("1") {
        return Err(format!(
            "the consumer printed `{}`, not 1 bank",
            banks.trim()
        ));
    }
    let left_out = lines.next().unwrap_or_default();
    if !left_out.contains(&format!("`{}`", LEFT_OUT.1)) {
        return Err(format!(
            "asked for {}, whose feature is off, the consumer said `{left_out}`: it must name the feature `{}`",
            LEFT_OUT.0, LEFT_OUT.1
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
        "consumer: khipu-rs {version} with {FEATURES} from its tarball: builds with {} README blocks, runs (1 bank; {} -> `{left_out}`), and its tree has none of {FORBIDDEN:?}",
        blocks.len(),
        LEFT_OUT.0
    );
    if !bench {
        let macro_patches: String = PACKAGED
            .iter()
            .chain(&PACKAGED_MACRO)
            .map(|n| patch(n))
            .collect();
        own_spec(
            repo,
            &root.join("macro-app"),
            &version,
            &macro_patches,
            &target,
        )?;
    }
    if bench {
        let measured = measure(repo, &root, &app);
        let _ = std::fs::remove_dir_all(&root);
        measured?;
    }
    Ok(())
}

/// A service with a bank document of its own and `khipu-rs` as its only khipu dependency
/// (feature `macro`): the README's `khipu::bank!` block, verbatim, called against a server on
/// 127.0.0.1 that answers one account.
fn own_spec(
    repo: &Path,
    app: &Path,
    version: &str,
    patches: &str,
    target: &Path,
) -> Result<(), String> {
    let readme = std::fs::read_to_string(repo.join("README.md")).map_err(|e| e.to_string())?;
    let block = readme_block(&readme, "khipu::bank!(")?;
    // The document: the demo bank's, as if Khipu had published it for a bank this release lacks.
    let demo =
        std::fs::read_to_string(repo.join("specs/banking/cl/personal/demo-bank.khipu.com.yaml"))
            .map_err(|e| e.to_string())?;
    let spec = app.join("specs/banking/cl/personal/my-bank.cl.yaml");
    std::fs::create_dir_all(spec.parent().unwrap_or(app)).map_err(|e| e.to_string())?;
    std::fs::write(&spec, demo.replace("demo-bank.khipu.com", "my-bank.cl"))
        .map_err(|e| e.to_string())?;
    write_crate(
        app,
        &format!(
            "khipu-rs = {{ version = \"={version}\", default-features = false, features = [\"macro\"] }}\n\
             tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"macros\"] }}\n\n\
             [patch.crates-io]\n{patches}"
        ),
        &format!("{block}\n{OWN_SPEC_MAIN}"),
    )?;
    let _ = std::fs::copy(repo.join("Cargo.lock"), app.join("Cargo.lock"));
    let printed = output(
        Command::new(cargo())
            .current_dir(app)
            .env("CARGO_TARGET_DIR", target)
            .args(["run", "-q"]),
    )?;
    if printed.trim() != "1" {
        return Err(format!(
            "the README's khipu::bank! block read `{}` accounts from the local server, not 1",
            printed.trim()
        ));
    }
    let tree = output(
        Command::new(cargo())
            .current_dir(app)
            .args(["tree", "--depth", "1", "-e", "normal", "--prefix", "none"]),
    )?;
    let khipu_deps: Vec<&str> = tree.lines().filter(|l| l.starts_with("khipu")).collect();
    if khipu_deps.len() != 1 {
        return Err(format!(
            "the macro consumer depends on {khipu_deps:?}, not khipu-rs alone"
        ));
    }
    println!(
        "consumer: the README's khipu::bank! block on a document of its own, with khipu-rs (feature `macro`) as its only khipu dependency: builds and reads 1 account from 127.0.0.1"
    );
    Ok(())
}

/// README.md's Rust blocks that promise to compile in the consumer's set-up (those whose first
/// line does not say `// Needs the feature...`), each as a module of the consumer's crate.
fn readme_modules(readme: &str) -> Vec<String> {
    readme
        .split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|block| {
            let (info, code) = block.split_once('\n')?;
            let rust = info.starts_with("rust") && !info.contains("ignore");
            let needs_more = code.trim_start().starts_with("// Needs the feature");
            (rust && !needs_more).then_some(code)
        })
        .enumerate()
        .map(|(i, code)| {
            format!("\n#[allow(dead_code, unused_imports)]\nmod readme_block_{i} {{\n{code}}}\n")
        })
        .collect()
}

/// The one fenced block of `readme` that contains `needle`, without its fences.
fn readme_block(readme: &str, needle: &str) -> Result<String, String> {
    let blocks: Vec<String> = readme
        .split("```")
        .skip(1)
        .step_by(2)
        .filter(|b| b.contains(needle))
        .map(|b| b.split_once('\n').map_or("", |(_, code)| code).to_owned())
        .collect();
    match blocks.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "README.md has {} blocks with `{needle}`, not 1",
            blocks.len()
        )),
    }
}

/// Calls the README block's `my_accounts` against a server on 127.0.0.1 that answers one account.
const OWN_SPEC_MAIN: &str = r###"
const ACCOUNTS: &str = r##"{"OperationId":"op-1","Status":"OK","Data":{"Account":[{"AccountId":"005553344110","Status":"Enabled","StatusUpdateDateTime":"2017-07-21T17:32:28-0400","Currency":"CLP","AccountType":"Personal","AccountSubType":"CurrentAccount"}]},"AdditionalInformation":null,"Error":null,"LifeSpan":null}"##;

/// Answers one request with `ACCOUNTS`, after reading it whole.
fn serve_once() -> std::io::Result<String> {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || -> std::io::Result<()> {
        let (mut stream, _) = listener.accept()?;
        let mut request = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk)?;
            request.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if n == 0 || request.len() >= end + 4 + length {
                    break;
                }
            } else if n == 0 {
                break;
            }
        }
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ACCOUNTS}",
            ACCOUNTS.len()
        )
    });
    Ok(url)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = khipu::Config::new(khipu::Credentials::bearer("jwt")).base_url(serve_once()?);
    println!("{}", my_accounts(&config).await?);
    Ok(())
}
"###;

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
    // The khipu crates come in through `[patch]` paths, which cargo compiles incrementally; from
    // crates.io they would not be (cargo keeps incremental state for local packages only), and
    // writing that state costs them about 1.6 s of a 30 s build. Both crates build with it off, so
    // every dependency compiles as a registry crate does; each app is then non-incremental alike.
    let out = output(
        Command::new(cargo())
            .current_dir(dir)
            .env("CARGO_INCREMENTAL", "0")
            // Set, not inherited: a `CARGO_TARGET_DIR` in the caller's environment would make
            // every build after the first a no-op.
            .env("CARGO_TARGET_DIR", &target)
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
         \x20   #[allow(deprecated)] // as khipu-types does: ring, for its build time\n\
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
    for rep in 0..5 {
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

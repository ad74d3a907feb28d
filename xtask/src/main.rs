//! Maintainer commands. `cargo xtask codegen` regenerates `khipu-generated` from `specs/`;
//! `cargo xtask codegen --check` verifies it is up to date without writing anything;
//! `cargo xtask diff <git-ref>` reports the API changes since a commit; `cargo xtask consumer`
//! builds a crate outside the workspace against the packaged crates; `cargo xtask fresh-deps`
//! checks the library crates against freshly resolved dependencies.

mod bench;
mod changes;
mod codegen;
mod consumer;
mod fetch;
mod fresh_deps;
mod process;
mod semver;
mod sources;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "khipu-rs maintainer commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate khipu-generated from every spec under specs/.
    Codegen {
        /// Write nothing; exit non-zero with a diff when a generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Print what changed in the generated API between a git ref and the working tree
    /// (from the API summaries; nothing is regenerated).
    Diff {
        /// A commit, tag or branch (`main`, `HEAD~3`, `v0.1.0`).
        git_ref: String,
    },
    /// Build a crate outside the workspace against the packaged crates (one bank, Payments v3.0)
    /// and check it has no command-line or sandbox crate in its tree.
    Consumer {
        /// Also time its clean build beside a reqwest + serde + tokio floor (3 alternating runs).
        #[arg(long)]
        bench: bool,
    },
    /// Download Khipu's documents into specs/ (conditional requests; refused with nothing written:
    /// HTML, 4xx/5xx, a redirect to another host, past the size cap, rejected by the engine),
    /// update specs/sources.toml, regenerate, and print the change report.
    Fetch {
        /// Bank ids (`cl/personal/demo-bank.khipu.com`, URL from the portal template in
        /// specs/sources.toml) or document URLs.
        targets: Vec<String>,
        /// Every document in specs/sources.toml with a URL.
        #[arg(long)]
        all: bool,
        /// A sitemap or a list of URLs of Khipu's portal (a file or a URL): list the banks
        /// specs/ lacks, and the non-bank APIs skipped.
        #[arg(long, value_name = "INDEX")]
        discover: Option<String>,
        /// With --discover: fetch the banks specs/ lacks.
        #[arg(long, requires = "discover")]
        add: bool,
        /// Write a pull request's title (semver class first) and body here.
        #[arg(long, value_name = "DIR")]
        report_dir: Option<std::path::PathBuf>,
    },
    /// Check the facade's public API against a baseline with cargo-semver-checks (not in every
    /// CI run: it builds rustdoc JSON twice; the scheduled workflow and releases run it).
    Semver {
        /// The git ref to compare with (a release tag).
        #[arg(long, default_value = "origin/main")]
        baseline: String,
    },
    /// Resolve every dependency anew in a copy of the repository and check the library crates
    /// with warnings denied: what a user's fresh `cargo add` would see.
    FreshDeps,
    /// Run the criterion benches and time builds; write BENCHMARKS.md.
    Bench {
        /// Reuse the criterion results already in target/criterion.
        #[arg(long)]
        skip_criterion: bool,
        /// Do not time builds (they take a few minutes); keep the build section already written.
        #[arg(long)]
        skip_build: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `cargo xtask` sets CARGO_MANIFEST_DIR for this run; the compile-time value is the fallback.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into());
    let Some(repo) = manifest.parent().map(std::path::Path::to_path_buf) else {
        eprintln!(
            "error: {} has no parent: run `cargo xtask` inside the repository",
            manifest.display()
        );
        return ExitCode::FAILURE;
    };
    match cli.command {
        Command::Codegen { check } => codegen::run(&repo, check),
        Command::Diff { git_ref } => changes::diff(&repo, &git_ref),
        Command::Consumer { bench } => consumer::run(&repo, bench),
        Command::FreshDeps => fresh_deps::run(&repo),
        Command::Fetch {
            targets,
            all,
            discover,
            add,
            report_dir,
        } => {
            if targets.is_empty() && !all && discover.is_none() {
                eprintln!(
                    "error: name what to fetch: bank ids or URLs, --all, or --discover <index>"
                );
                return ExitCode::from(2);
            }
            let options = fetch::Options {
                targets,
                all,
                discover,
                add,
                report_dir,
                max_bytes: fetch::MAX_BYTES,
            };
            fetch::run(&repo, &options)
        }
        Command::Semver { baseline } => semver::run(&repo, &baseline),
        Command::Bench {
            skip_criterion,
            skip_build,
        } => bench::run(&repo, skip_criterion, skip_build),
    }
}

//! Maintainer commands. `cargo xtask codegen` regenerates `khipu-generated` from `specs/`;
//! `cargo xtask codegen --check` verifies it is up to date without writing anything.

mod codegen;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf();
    match cli.command {
        Command::Codegen { check } => codegen::run(&repo, check),
    }
}

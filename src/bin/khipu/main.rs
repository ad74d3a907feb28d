//! `khipu`: Khipu's Open Data API from the command line.
//!
//! Exit status: 0 on success, 1 on an API, network or decode error, 2 on a usage error.

mod args;
mod banking;
mod output;
mod payments;

use std::process::ExitCode;

use clap::Parser;

/// A failure, with the exit status it maps to.
pub enum Failure {
    /// Wrong arguments or environment (exit 2).
    Usage(String),
    /// Khipu, the network or decoding failed (exit 1).
    Api(khipu::Error),
    /// The payments API, the network or decoding failed (exit 1).
    Payments(khipu::payments::PaymentsError),
    /// A check refused its input, such as a notification that does not verify (exit 1).
    Rejected(String),
}

impl From<khipu::Error> for Failure {
    fn from(e: khipu::Error) -> Self {
        match e {
            // Asking a bank for what it cannot do, or with bad parameters, is a usage error.
            khipu::Error::Unsupported { .. }
            | khipu::Error::MissingParameter { .. }
            | khipu::Error::InvalidParameter { .. }
            | khipu::Error::UnknownBank { .. }
            | khipu::Error::Config(_) => Failure::Usage(e.to_string()),
            other => Failure::Api(other),
        }
    }
}

/// Where the commands send requests, and with which credentials.
pub struct Target {
    /// A sandbox started for this command (`--mock`), if any.
    pub sandbox: Option<khipu_mock::Sandbox>,
}

async fn run(cli: args::Cli) -> Result<(), Failure> {
    let sandbox = if cli.mock {
        let started = khipu_mock::Sandbox::start(khipu_mock::SandboxConfig::default()).await;
        Some(
            started
                .map_err(|e| Failure::Usage(format!("--mock: cannot start the sandbox: {e}")))?,
        )
    } else {
        None
    };
    banking::run(cli, &Target { sandbox }).await
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("khipu: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            report(&message);
            ExitCode::from(2)
        }
        Err(Failure::Api(error)) => {
            report(&error.to_string());
            if let Some(detail) = error.detail() {
                eprintln!(
                    "{}",
                    khipu_types::display::sanitize(&format!(
                        "  Code: {}\n  Type: {}\n  Description: {}",
                        detail.code.as_deref().unwrap_or("-"),
                        detail.kind.as_ref().map(|k| k.as_str()).unwrap_or("-"),
                        detail.description.as_deref().unwrap_or("-")
                    ))
                );
            }
            ExitCode::FAILURE
        }
        Err(Failure::Payments(error)) => {
            report(&error.to_string());
            ExitCode::FAILURE
        }
        Err(Failure::Rejected(message)) => {
            report(&message);
            ExitCode::FAILURE
        }
    }
}

/// Every error goes to stderr through here: whatever part of it came from a server, control
/// characters are escaped before the terminal sees them.
fn report(message: &str) {
    eprintln!("khipu: {}", khipu_types::display::sanitize(message));
}

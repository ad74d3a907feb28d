//! `khipu`: Khipu's Open Data banking API and Payments API from the command line, and the sandbox.
//!
//! Exit status: 0 on success, 1 on an API, network or decode error, 2 on a usage error.

mod answer;
mod api;
mod args;
mod auth;
mod automatic;
mod banking;
mod output;
mod payments;
mod router;
mod sandbox;
mod setters;
mod stdout;
mod target;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

/// A failure, with the exit status it maps to.
pub enum Failure {
    /// Wrong arguments or environment, or a request refused before sending (exit 2).
    Usage(String),
    /// Khipu, the network or decoding failed (exit 1).
    Api(khipu::Error),
    /// A check refused its input, such as a notification that does not verify (exit 1).
    Rejected(String),
}

impl From<khipu::Error> for Failure {
    fn from(e: khipu::Error) -> Self {
        // Asking a bank for what it cannot do, a value the spec refuses, a bad base URL: nothing
        // was sent, and the caller can fix it.
        // Refused before sending (not a 401 or a missing token: those are Khipu's or the
        // identity server's answers, exit 1).
        if e.label() == "not sent" {
            Failure::Usage(e.to_string())
        } else {
            Failure::Api(e)
        }
    }
}

/// `--version`: the crate version and the SHA-256 of every spec compiled in, so a report can say
/// exactly which documents a binary speaks.
fn long_version() -> String {
    let mut text = format!(
        "{}\nspecs compiled in (SHA-256):",
        env!("CARGO_PKG_VERSION")
    );
    for bank in khipu::banks() {
        text.push_str(&format!("\n  {}  {}", bank.spec_sha256, bank.id));
    }
    for (name, sha) in [
        ("payments v3.0", khipu::payments::api::SPEC_SHA256),
        ("payments v2.0", khipu::payments::v2::api::SPEC_SHA256),
    ] {
        text.push_str(&format!("\n  {sha}  {name}"));
    }
    text
}

/// `-v`: each HTTP attempt and retry (INFO); `-vv`: connection details too (DEBUG). On stderr,
/// so stdout stays the data.
fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => tracing_subscriber::filter::LevelFilter::INFO,
        _ => tracing_subscriber::filter::LevelFilter::DEBUG,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
}

fn main() -> ExitCode {
    let matches = args::Cli::command()
        .long_version(long_version())
        .get_matches();
    let cli = match args::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if let args::Command::Completions { shell } = cli.command {
        // Into a buffer first: clap_complete panics when its writer fails (a closed pipe).
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut args::Cli::command(), "khipu", &mut script);
        return match std::io::stdout().lock().write_all(&script) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                report(&format!("cannot write the completion script: {e}"));
                ExitCode::FAILURE
            }
        };
    }
    init_tracing(cli.verbose);
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
    match runtime.block_on(router::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            report(&message);
            ExitCode::from(2)
        }
        Err(Failure::Api(error)) => {
            report(&error.to_string());
            if let Some(body) = error.body() {
                eprint!("{}", body_lines(body));
            }
            ExitCode::FAILURE
        }
        Err(Failure::Rejected(message)) => {
            report(&message);
            ExitCode::FAILURE
        }
    }
}

/// Khipu's error body, one line per field it carried; absent fields are left out rather than
/// shown as `-`, and a body that carried none says so.
fn body_lines(body: &khipu::ErrorBody) -> String {
    let fields = [
        ("Code", body.code.as_deref()),
        ("Type", body.kind.as_ref().map(|k| k.as_str())),
        ("Description", body.message.as_deref()),
    ];
    let mut out = String::new();
    for (name, value) in fields {
        if let Some(value) = value {
            out.push_str(&format!("  {name}: {}\n", sanitize(value)));
        }
    }
    if out.is_empty() {
        out.push_str("  (Khipu's error body carried no code, type or description)\n");
    }
    out
}

fn sanitize(text: &str) -> String {
    khipu::display::sanitize(text)
}

/// Every error goes to stderr through here: whatever part of it came from a server, control
/// characters are escaped before the terminal sees them.
fn report(message: &str) {
    eprintln!("khipu: {}", sanitize(message));
}

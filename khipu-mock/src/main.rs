//! `khipu-mock`: run the sandbox for other programs.

use std::io::Write;

use clap::Parser;
use khipu_mock::{Injection, Sandbox, SandboxConfig};

#[derive(Parser)]
#[command(
    name = "khipu-mock",
    version,
    about = "A local Khipu sandbox serving every operation of the embedded specs"
)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Receiver id payments requests must be signed for.
    #[arg(long, default_value = "985101")]
    receiver_id: String,
    /// Secret payments requests must be signed with (a throwaway).
    #[arg(long, default_value = "sandbox-secret")]
    secret: String,
    /// Failures for every request: error=CODE:TYPE; status=NNN; delay=MS; malformed.
    #[arg(long, value_parser = Injection::parse)]
    inject: Option<Injection>,
    /// Seconds a client may take to send headers, then the body, or stay idle.
    #[arg(long, default_value_t = 10)]
    read_timeout: u64,
    /// Connections served at once; more wait until one closes.
    #[arg(long, default_value_t = 256)]
    max_connections: usize,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let config = SandboxConfig::default()
        .port(args.port)
        .credentials(args.receiver_id, args.secret)
        .inject(args.inject.unwrap_or_default())
        .read_timeout(std::time::Duration::from_secs(args.read_timeout))
        .max_connections(args.max_connections);
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("khipu-mock: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return std::process::ExitCode::FAILURE;
        }
    };
    let specs = sandbox.specs();
    // Whoever started the sandbox may stop reading its output; that must not stop the sandbox.
    let _ = writeln!(
        std::io::stdout(),
        "khipu-mock listening on {} ({} specs, {} operations)\n  banking: base URL {0}, any bearer token or x-api-key\n  payments: base URL {0}, receiver id {}, secret {}\n  routes: GET {0}/_sandbox/routes; pay a payment: POST {0}/_sandbox/payments/<id>/pay",
        sandbox.url(),
        specs.specs.len(),
        specs.routes.len(),
        sandbox.receiver_id(),
        sandbox.secret()
    );
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}

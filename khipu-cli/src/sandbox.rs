//! `khipu sandbox`: the sandbox for other programs, until interrupted.

use std::io::Write;

use khipu_mock::{Sandbox, SandboxConfig};

use crate::Failure;
use crate::args::SandboxArgs;

pub async fn run(args: &SandboxArgs) -> Result<(), Failure> {
    let config = SandboxConfig::default()
        .port(args.port)
        .credentials(args.receiver_id.clone(), args.secret.clone())
        .api_key(args.api_key.clone())
        .inject(args.inject.clone().unwrap_or_default())
        .read_timeout(std::time::Duration::from_secs(args.read_timeout))
        .max_connections(args.max_connections)
        .oauth_client(args.client_id.clone(), args.client_secret.clone())
        .token_ttl(std::time::Duration::from_secs(args.token_ttl))
        .forbid_api_key(args.forbid_api_key);
    // The error names the address (`cannot listen on 127.0.0.1:8080: ...`).
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|e| Failure::Usage(format!("sandbox: {e}")))?;
    // Whoever started the sandbox may stop reading its output; that must not stop the sandbox.
    let _ = writeln!(std::io::stdout(), "{}", khipu_mock::banner(&sandbox));
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

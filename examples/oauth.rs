//! The Open Data API with OAuth client credentials, offline: the embedded sandbox is the identity
//! server and issues 2-second tokens; one config serves 20 concurrent calls per round across
//! several expiries and a revocation, and its token source asks for a new token only when the
//! old one is about to expire or is refused.
//!
//! ```sh
//! cargo run --example oauth
//! ```
//!
//! Against Khipu, drop `.base_url(..)`, and give your client id and secret and Khipu's token
//! endpoint (not published in any document khipu-rs holds, so it has no default).

use std::sync::Arc;
use std::time::Duration;

use khipu::{Config, Credentials, DataRequest};
use khipu_mock::{Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let ttl = Duration::from_secs(2);
    // As Khipu announced: API keys refused, only the identity server's tokens accepted.
    let sandbox =
        Sandbox::start(SandboxConfig::default().token_ttl(ttl).forbid_api_key(true)).await?;

    let config = Config::new(Credentials::client_credentials(
        sandbox.client_id(),
        sandbox.client_secret(), // never printed: Debug and errors redact it
    ))
    .token_url(sandbox.token_url())
    .base_url(sandbox.url());
    let bank = Arc::new(khipu::connect("cl/personal/demo-bank.khipu.com", &config)?);

    for round in 1..=3 {
        let mut calls = Vec::new();
        for _ in 0..20 {
            let bank = bank.clone();
            calls.push(tokio::spawn(async move {
                bank.balances(&DataRequest::account("000011887755")).await
            }));
        }
        for call in calls {
            call.await??;
        }
        println!(
            "round {round}: 20 calls, {} token request(s) so far",
            config.token_requests().unwrap_or(0)
        );
        if round < 3 {
            tokio::time::sleep(ttl + Duration::from_millis(100)).await; // the token expires
        }
    }

    sandbox.revoke_tokens(); // as if Khipu revoked it: the next call gets 401 A000 once
    bank.accounts(&DataRequest::new()).await?;
    let counts = sandbox.oauth_counts();
    println!(
        "after a revocation: {} token requests, {} bank requests ({} refused and sent again)",
        counts.token_requests, counts.bank_requests, counts.bank_requests_refused
    );
    if counts.token_requests != 4 || counts.bank_requests_refused != 1 {
        return Err(format!(
            "expected 4 token requests (3 expiries, 1 revocation) and 1 refused request, got {counts:?}"
        )
        .into());
    }

    // With an API key, the sandbox answers as Khipu will: 401.
    let keyed = Config::new(Credentials::api_key("an-api-key")).base_url(sandbox.url());
    match khipu::connect("cl/personal/demo-bank.khipu.com", &keyed)?
        .accounts(&DataRequest::new())
        .await
    {
        Err(e @ khipu::Error::Unauthorized { .. }) => println!("API key refused: {e}"),
        other => return Err(format!("expected the API key to be refused, got {other:?}").into()),
    }
    Ok(())
}

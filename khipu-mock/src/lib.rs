//! A local Khipu sandbox: every operation of every spec khipu-rs generates its clients from (each
//! with its overlay applied, embedded in this crate), on 127.0.0.1, behaving as the specs describe
//! Khipu. See the crate's README for what it checks and what it does not do.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sandbox = khipu_mock::Sandbox::start(khipu_mock::SandboxConfig::default()).await?;
//! // with the khipu-rs crate (`use khipu::{Config, Credentials}`):
//! //   banking:       Config::new(Credentials::bearer("any-token")).base_url(sandbox.url())
//! //   payments v3.0: Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url())
//! //   payments v2.0: Config::new(Credentials::signed(sandbox.receiver_id(), sandbox.secret())).base_url(sandbox.url())
//! assert!(sandbox.url().starts_with("http://127.0.0.1:"));
//! assert!(sandbox.specs().routes.len() >= 22);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

/// README.md's Rust blocks, compiled as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod admin;
mod banking;
mod clock;
mod config;
pub mod conformance;
mod examples;
mod exchange;
pub mod formats;
pub mod inject;
mod journal;
mod oauth;
mod payments;
mod server;
pub mod spec;
mod state;
pub mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::oneshot;

pub use config::SandboxConfig;
pub use inject::{FaultPlan, Injection, PlannedRequest};
pub use journal::{DeliveryRecord, RequestRecord};
pub use payments::{PayOutcome, SignOutcome};
pub use spec::Specs;
use state::State;

/// Connections the kernel may queue before `accept` (it caps this at `net.core.somaxconn`).
/// Larger than tokio's default of 1,024, so a burst of new connections waits instead of having
/// its SYNs dropped and retried a second later.
const LISTEN_BACKLOG: u32 = 4096;

fn listen(port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    socket.listen(LISTEN_BACKLOG)
}

/// What the identity server and the bank operations counted (also `GET /_sandbox/oauth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OAuthCounts {
    /// Requests to the token endpoint.
    pub token_requests: u64,
    /// Requests to bank operations.
    pub bank_requests: u64,
    /// Bank requests answered 401 (an expired, revoked or unknown token; a refused API key).
    pub bank_requests_refused: u64,
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    url: String,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts the sandbox on 127.0.0.1 in the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        let listener = listen(config.port).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot listen on 127.0.0.1:{}: {e}", config.port),
            )
        })?;
        let addr = listener.local_addr()?;
        // khipu-rs' one HTTP policy: callbacks and notifications never follow a redirect, so they
        // stay on the loopback URL they were given.
        let http = khipu_types::http::client().map_err(std::io::Error::other)?;
        // Ids differ between runs, as Khipu's do: the counter starts from the clock.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let specs = Specs::embedded().map_err(std::io::Error::other)?;
        let state = Arc::new(State::new(specs, config, http, seed));
        payments::operations::receivers::seed(&state);
        let (tx, rx) = oneshot::channel();
        tokio::spawn(server::serve(listener, state.clone(), rx));
        Ok(Self {
            addr,
            url: format!("http://{addr}"),
            state,
            shutdown: Some(tx),
        })
    }

    /// The base URL for every API (`http://127.0.0.1:PORT`): banking paths start with `/v1`,
    /// Payments v3.0 paths with `/v3`, v2.0 paths with `/2.0`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The receiver id payments requests must be signed for.
    pub fn receiver_id(&self) -> &str {
        &self.state.config.receiver_id
    }

    /// The secret payments v2.0 requests must be signed with, and v3.0 notifications are signed
    /// with.
    pub fn secret(&self) -> &str {
        &self.state.config.secret
    }

    /// The `x-api-key` payments v3.0 requests must carry.
    pub fn api_key(&self) -> &str {
        &self.state.config.api_key
    }

    /// Its identity server's token endpoint (`http://127.0.0.1:PORT/oauth/token`): client
    /// credentials, authorization code with PKCE, refresh token.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.url, oauth::TOKEN_PATH)
    }

    /// Its identity server's authorize endpoint: consents at once and redirects to the loopback
    /// `redirect_uri` with a code.
    pub fn authorize_url(&self) -> String {
        format!("{}{}", self.url, oauth::AUTHORIZE_PATH)
    }

    /// The OAuth client id its identity server knows.
    pub fn client_id(&self) -> &str {
        &self.state.config.client_id
    }

    /// That client's secret.
    pub fn client_secret(&self) -> &str {
        &self.state.config.client_secret
    }

    /// What its identity server and bank operations counted so far.
    pub fn oauth_counts(&self) -> OAuthCounts {
        let (token_requests, bank_requests, bank_requests_refused) = self.state.oauth.counts();
        OAuthCounts {
            token_requests,
            bank_requests,
            bank_requests_refused,
        }
    }

    /// Revokes every token issued so far (the next bank request with one is answered 401
    /// `A000`); also `POST /_sandbox/oauth/revoke`. Returns how many that was.
    pub fn revoke_tokens(&self) -> u64 {
        self.state.oauth.revoke_all()
    }

    /// Every notification delivery attempt so far (the last 1,000), oldest first; also
    /// `GET /_sandbox/deliveries`.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.journal.deliveries()
    }

    /// Every request it answered so far (the last 1,000), oldest first, without credentials.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.journal.requests()
    }

    /// The specs it serves.
    pub fn specs(&self) -> &Specs {
        &self.state.specs
    }

    /// Marks a payment paid (status `done`) and, if it has a loopback `notify_url`, sends Khipu's
    /// notification there. Also available as `POST /_sandbox/payments/{id}/pay`.
    pub async fn pay(&self, payment_id: &str) -> Result<PayOutcome, String> {
        payments::store::pay(&self.state, payment_id).await
    }

    /// The ids of the payments the sandbox holds with the merchant's `transaction_id`, as Khipu
    /// would hold them (refused Automatic Payments charges are not payments): what a test counts
    /// to see that a write was carried out exactly once, or where a lost answer's payment went.
    pub async fn payments_with_transaction_id(&self, transaction_id: &str) -> Vec<String> {
        let payments = self.state.payments.lock().await;
        let mut ids: Vec<String> = payments
            .iter()
            .filter(|(_, record)| record["transaction_id"] == transaction_id)
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// Pays a paid payment out to the merchant (Khipu's daily cycle); from then on it cannot be
    /// voided, and a voided one shows its `void_payout_date`. Also available as
    /// `POST /_sandbox/payments/{id}/payout`.
    pub async fn payout(&self, payment_id: &str) -> Result<(), String> {
        payments::store::payout(&self.state, payment_id).await
    }

    /// Signs an Automatic Payments subscription as its customer would at their bank: `ENABLED`,
    /// then Khipu's notice to its loopback `notify_url`. Also available as
    /// `POST /_sandbox/subscriptions/{id}/sign`.
    pub async fn sign_subscription(&self, subscription_id: &str) -> Result<SignOutcome, String> {
        payments::operations::subscriptions::sign(&self.state, subscription_id).await
    }
}

/// What a person starting the sandbox needs to know, one API per line, the URL on the first:
/// where it listens, and the credentials each API takes.
pub fn banner(sandbox: &Sandbox) -> String {
    let url = sandbox.url();
    let specs = sandbox.specs();
    format!(
        "khipu sandbox listening on {url} ({} specs, {} operations)\n\
         \x20 banking:       base URL {url} (paths /v1/...), {banking_auth}\n\
         \x20   OAuth: token URL {token_url}, client id {client_id}, client secret {client_secret}, tokens live {ttl} s; authorize URL {authorize_url}\n\
         \x20 payments v3.0: base URL {url} (paths /v3/...), x-api-key: {api_key}\n\
         \x20   its notifications are signed (x-khipu-signature) with the merchant secret: {secret}\n\
         \x20 automatic payments v1: base URL {url} (paths /v1/automatic-payment/...), x-api-key: {api_key}\n\
         \x20 payments v2.0: base URL {url} (paths /2.0/...), receiver id {}, secret {secret}\n\
         \x20 routes: GET {url}/_sandbox/routes; pay a payment: POST {url}/_sandbox/payments/<id>/pay",
        specs.specs.len(),
        specs.routes.len(),
        sandbox.receiver_id(),
        api_key = sandbox.api_key(),
        secret = sandbox.secret(),
        banking_auth = if sandbox.state.config.forbid_api_key {
            "only bearer tokens from its token URL (x-api-key refused, AccountCredential ignored, as Khipu announced)"
        } else {
            "a bearer token from its token URL (checked), any other bearer text, or an x-api-key"
        },
        token_url = sandbox.token_url(),
        authorize_url = sandbox.authorize_url(),
        client_id = sandbox.client_id(),
        client_secret = sandbox.client_secret(),
        ttl = sandbox.state.config.token_ttl.as_secs_f64(),
    )
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

//! A local Khipu sandbox: every operation of every spec in `specs/` (embedded at build time), on
//! 127.0.0.1, behaving as the specs describe Khipu. See the crate's README for what it checks and
//! what it does not do.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sandbox = khipu_mock::Sandbox::start(khipu_mock::SandboxConfig::default()).await?;
//! // with the khipu crate:
//! //   khipu::Config::new(khipu::Credentials::bearer("any-token")).base_url(sandbox.url())
//! //   khipu::payments::Client::with_base_url(sandbox.receiver_id(), sandbox.secret(), sandbox.url())
//! assert!(sandbox.url().starts_with("http://127.0.0.1:"));
//! assert!(sandbox.specs().routes.len() >= 22);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod banking;
mod examples;
pub mod inject;
mod payments;
mod server;
pub mod spec;
mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use tokio::sync::{Mutex, oneshot};

pub use inject::{FaultPlan, Injection, PlannedRequest};
pub use payments::PayOutcome;
pub use spec::Specs;

/// How to run the sandbox.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The payments receiver id requests must be signed for.
    pub receiver_id: String,
    /// The secret payments v2.0 requests must be signed with, and v3.0 notifications are signed
    /// with (a throwaway, not a real one).
    pub secret: String,
    /// The `x-api-key` payments v3.0 requests must carry (a throwaway).
    pub api_key: String,
    /// Failures to produce on every request (a request's own header adds to them).
    pub inject: Injection,
    /// How long a client may take to send a request's headers, and then its body; a connection
    /// that sends nothing for this long after an answer is closed too. Default 10 s.
    pub read_timeout: std::time::Duration,
    /// Connections served at once; more wait in the kernel's queue until one closes. Default 256.
    pub max_connections: usize,
    /// Failures decided per request by the embedding program (none by default).
    pub plan: Option<FaultPlan>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            receiver_id: "985101".into(),
            secret: "sandbox-secret".into(),
            api_key: "sandbox-api-key".into(),
            inject: Injection::default(),
            read_timeout: std::time::Duration::from_secs(10),
            max_connections: 256,
            plan: None,
        }
    }
}

impl SandboxConfig {
    /// Sets the port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets the payments credentials.
    pub fn credentials(
        mut self,
        receiver_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.receiver_id = receiver_id.into();
        self.secret = secret.into();
        self
    }

    /// Sets the payments v3.0 API key.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// Sets failures to produce on every request.
    pub fn inject(mut self, inject: Injection) -> Self {
        self.inject = inject;
        self
    }

    /// Sets how long a client may take to send headers, then the body (and may stay idle).
    pub fn read_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Sets a per-request fault plan; its directives override the run's, and a request's
    /// `x-khipu-sandbox` header overrides both.
    pub fn plan(mut self, plan: FaultPlan) -> Self {
        self.plan = Some(plan);
        self
    }

    /// Sets how many connections are served at once (at least 1).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }
}

/// What the sandbox shares between requests.
pub(crate) struct State {
    pub(crate) specs: Specs,
    pub(crate) config: SandboxConfig,
    pub(crate) payments: Mutex<HashMap<String, Value>>,
    pub(crate) http: reqwest::Client,
    counter: AtomicU64,
}

impl State {
    /// A fresh hex id of `len` characters (unique in this run).
    pub(crate) fn id(&self, len: usize) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut hex = khipu_types::payments::hmac_hex("khipu-mock", &n.to_string());
        hex.truncate(len);
        hex
    }
}

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
        let listener = listen(config.port)?;
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
        let state = Arc::new(State {
            specs,
            config,
            payments: Mutex::new(HashMap::new()),
            http,
            counter: AtomicU64::new(seed),
        });
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
    /// payments paths with `/v3` or `/2.0`.
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

    /// The specs it serves.
    pub fn specs(&self) -> &Specs {
        &self.state.specs
    }

    /// Marks a payment paid (status `done`) and, if it has a loopback `notify_url`, sends Khipu's
    /// notification there. Also available as `POST /_sandbox/payments/{id}/pay`.
    pub async fn pay(&self, payment_id: &str) -> Result<PayOutcome, String> {
        payments::pay(&self.state, payment_id).await
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// `true` when `url` is http(s) to a loopback address: the only places the sandbox sends anything.
pub(crate) fn loopback_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| khipu_types::http::is_loopback_url(&u))
}

/// Now, as RFC 3339 in UTC with milliseconds (`2024-04-18T13:56:54.859Z`, as v3.0 writes them).
pub(crate) fn now_rfc3339() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    match khipu_types::chrono::DateTime::from_timestamp_millis(millis) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => "2024-01-15T10:00:00.000Z".into(),
    }
}

/// Now, as Khipu writes timestamps.
pub(crate) fn now_text(plus_seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    match khipu_types::chrono::DateTime::from_timestamp(now + plus_seconds, 0) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S+0000").to_string(),
        None => "2024-01-15T10:00:00+0000".into(),
    }
}

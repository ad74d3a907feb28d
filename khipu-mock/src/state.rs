//! What the sandbox shares between requests. A leaf module (it names the specs and the
//! configuration, never a handler).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use tokio::sync::Mutex;

use crate::config::SandboxConfig;
use crate::journal::Journal;
use crate::oauth::{Identity, Issuer};
use crate::spec::Specs;

/// What the sandbox shares between requests.
pub(crate) struct State {
    pub(crate) specs: Specs,
    pub(crate) config: SandboxConfig,
    pub(crate) payments: Mutex<HashMap<String, Value>>,
    /// Automatic Payments subscriptions, by id.
    pub(crate) subscriptions: Mutex<HashMap<String, Value>>,
    /// The integrator's collection accounts, in creation order.
    pub(crate) receivers: Mutex<Vec<Value>>,
    pub(crate) http: reqwest::Client,
    /// The identity server's keys, grants and counts.
    pub(crate) oauth: Issuer,
    /// What it delivered and what it was asked.
    pub(crate) journal: Journal,
    counter: AtomicU64,
}

impl State {
    /// What the identity server works with.
    pub(crate) fn identity(&self) -> Identity<'_> {
        Identity {
            issuer: &self.oauth,
            config: &self.config,
        }
    }

    pub(crate) fn new(
        specs: Specs,
        config: SandboxConfig,
        http: reqwest::Client,
        seed: u64,
    ) -> Self {
        Self {
            specs,
            oauth: Issuer::new(config.token_ttl, seed),
            journal: Journal::default(),
            config,
            payments: Mutex::new(HashMap::new()),
            subscriptions: Mutex::new(HashMap::new()),
            receivers: Mutex::new(Vec::new()),
            http,
            counter: AtomicU64::new(seed),
        }
    }

    /// A fresh hex id of `len` characters (unique in this run).
    pub(crate) fn id(&self, len: usize) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut hex = khipu_types::payments::hmac_hex("khipu-mock", &n.to_string());
        hex.truncate(len);
        hex
    }
}

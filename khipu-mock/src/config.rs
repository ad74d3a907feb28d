//! How to run the sandbox.

use crate::inject::{FaultPlan, Injection};

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
    /// The OAuth client id its identity server knows (a throwaway).
    pub client_id: String,
    /// That client's secret (a throwaway).
    pub client_secret: String,
    /// How long the JWTs it issues live. Default 3600 s, as identity servers commonly issue.
    pub token_ttl: std::time::Duration,
    /// How notifications are delivered: Khipu retries until the endpoint answers 200; the
    /// sandbox does too, `delivery_attempts` times at most, `delivery_backoff` apart at first and
    /// doubling (default 5 attempts from 200 ms: under 4 s in all).
    pub delivery_attempts: u32,
    /// The first pause between two deliveries of one notification.
    pub delivery_backoff: std::time::Duration,
    /// Deliver each notification's first attempt twice at once, as Khipu may.
    pub deliver_twice: bool,
    /// Behave as Khipu announced for the Open Data API: `x-api-key` is refused (401), an
    /// `AccountCredential` in a payload is ignored, and only tokens its identity server issued
    /// are accepted. Off by default, so tests written with any bearer text keep working.
    pub forbid_api_key: bool,
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
            client_id: "sandbox-client".into(),
            client_secret: "sandbox-client-secret".into(),
            token_ttl: std::time::Duration::from_secs(3600),
            forbid_api_key: false,
            delivery_attempts: 5,
            delivery_backoff: std::time::Duration::from_millis(200),
            deliver_twice: false,
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

    /// Sets the OAuth client its identity server knows.
    pub fn oauth_client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_secret = secret.into();
        self
    }

    /// Sets how long the tokens it issues live.
    pub fn token_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Refuses API keys for the Open Data API and accepts only its own tokens, as Khipu announced.
    pub fn forbid_api_key(mut self, forbid: bool) -> Self {
        self.forbid_api_key = forbid;
        self
    }

    /// Sets how many times a notification is delivered at most, and the first pause between two.
    pub fn delivery(mut self, attempts: u32, backoff: std::time::Duration) -> Self {
        self.delivery_attempts = attempts.max(1);
        self.delivery_backoff = backoff;
        self
    }

    /// Delivers each notification's first attempt twice at once.
    pub fn deliver_twice(mut self, twice: bool) -> Self {
        self.deliver_twice = twice;
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

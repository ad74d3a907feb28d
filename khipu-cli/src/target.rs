//! Where the commands send requests, and with which credentials: the production APIs with
//! credentials from the environment, or a sandbox started for this command (`--mock`).

use khipu::{Config, Credentials};

use crate::Failure;
use crate::args::{Cli, Network};

/// The target of one command.
pub struct Target {
    /// A sandbox started for this command (`--mock`), if any; dropping it stops it.
    sandbox: Option<khipu_mock::Sandbox>,
    /// `--base-url`.
    base_url: Option<String>,
    /// `--timeout`, `--retries`.
    network: Network,
}

/// A non-empty environment variable.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Target {
    /// The target `cli` asks for; `--mock` starts the sandbox here.
    pub async fn new(cli: &Cli) -> Result<Self, Failure> {
        let sandbox = if cli.mock {
            let config = khipu_mock::SandboxConfig::default();
            let started = khipu_mock::Sandbox::start(config)
                .await
                .map_err(|e| Failure::Usage(format!("--mock: cannot start the sandbox: {e}")))?;
            Some(started)
        } else {
            None
        };
        Ok(Self {
            sandbox,
            base_url: cli.base_url.clone(),
            network: cli.network(),
        })
    }

    /// `credentials` at `--base-url`, else at `variable`'s URL, else at the API's own, with
    /// `--timeout` and `--retries`; at the sandbox with `sandbox`'s credentials under `--mock`.
    fn config(
        &self,
        variable: &str,
        sandbox: impl FnOnce(&khipu_mock::Sandbox) -> Credentials,
        credentials: impl FnOnce() -> Result<Credentials, Failure>,
    ) -> Result<Config, Failure> {
        let mut config = match &self.sandbox {
            Some(s) => Config::new(sandbox(s)).base_url(s.url()),
            None => {
                let config = Config::new(credentials()?);
                match self.base_url.clone().or_else(|| env(variable)) {
                    Some(url) => config.base_url(url),
                    None => config,
                }
            }
        };
        config = config.retry(self.network.retry());
        if let Some(t) = self.network.timeout {
            config = config.timeout(t);
        }
        Ok(config)
    }

    /// The Open Data API: KHIPU_TOKEN or KHIPU_API_KEY (exactly one), KHIPU_BASE_URL.
    pub fn banking(&self) -> Result<Config, Failure> {
        self.config(
            "KHIPU_BASE_URL",
            |_| Credentials::bearer("sandbox-token"),
            || match (env("KHIPU_TOKEN"), env("KHIPU_API_KEY")) {
                (Some(t), None) => Ok(Credentials::bearer(t)),
                (None, Some(k)) => Ok(Credentials::api_key(k)),
                (Some(_), Some(_)) => Err(Failure::Usage(
                    "both KHIPU_TOKEN and KHIPU_API_KEY are set; Khipu accepts one scheme per request, unset one".into(),
                )),
                (None, None) => Err(Failure::Usage(
                    "no credentials: set KHIPU_TOKEN (OAuth JWT) or KHIPU_API_KEY".into(),
                )),
            },
        )
    }

    /// Payments v3.0: KHIPU_API_KEY, KHIPU_PAYMENTS_BASE_URL.
    pub fn payments_v3(&self) -> Result<Config, Failure> {
        self.config(
            "KHIPU_PAYMENTS_BASE_URL",
            |s| Credentials::api_key(s.api_key()),
            || {
                env("KHIPU_API_KEY").map(Credentials::api_key).ok_or_else(|| {
                    Failure::Usage(
                        "payments v3.0 need KHIPU_API_KEY (or --api 2.0 with KHIPU_RECEIVER_ID and KHIPU_SECRET)".into(),
                    )
                })
            },
        )
    }

    /// Automatic Payments (PAC): KHIPU_API_KEY, KHIPU_PAYMENTS_BASE_URL (the same host as
    /// payments v3.0).
    pub fn automatic_payments(&self) -> Result<Config, Failure> {
        self.config(
            "KHIPU_PAYMENTS_BASE_URL",
            |s| Credentials::api_key(s.api_key()),
            || {
                env("KHIPU_API_KEY")
                    .map(Credentials::api_key)
                    .ok_or_else(|| {
                        Failure::Usage("subscriptions and charges need KHIPU_API_KEY".into())
                    })
            },
        )
    }

    /// Payments v2.0: KHIPU_RECEIVER_ID and KHIPU_SECRET, KHIPU_PAYMENTS_BASE_URL.
    pub fn payments_v2(&self) -> Result<Config, Failure> {
        self.config(
            "KHIPU_PAYMENTS_BASE_URL",
            |s| Credentials::signed(s.receiver_id(), s.secret()),
            || match (env("KHIPU_RECEIVER_ID"), env("KHIPU_SECRET")) {
                (Some(receiver), Some(secret)) => Ok(Credentials::signed(receiver, secret)),
                _ => Err(Failure::Usage(
                    "payments --api 2.0 need KHIPU_RECEIVER_ID and KHIPU_SECRET".into(),
                )),
            },
        )
    }
}

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
    /// `--token-url`, `--client-id`.
    token_url: Option<String>,
    client_id: Option<String>,
}

/// How banking commands authenticate, as chosen from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankingAuth {
    ClientCredentials,
    Token,
    ApiKey,
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
            token_url: cli.token_url.clone(),
            client_id: cli.client_id.clone(),
        })
    }

    /// The sandbox started for this command (`--mock`).
    pub fn sandbox(&self) -> Option<&khipu_mock::Sandbox> {
        self.sandbox.as_ref()
    }

    /// `--token-url`, else KHIPU_TOKEN_URL.
    pub fn token_url(&self) -> Option<String> {
        self.token_url.clone().or_else(|| env("KHIPU_TOKEN_URL"))
    }

    /// `--client-id`, else KHIPU_CLIENT_ID.
    pub fn client_id(&self) -> Option<String> {
        self.client_id.clone().or_else(|| env("KHIPU_CLIENT_ID"))
    }

    /// `--timeout`, else the SDK's default.
    pub fn timeout(&self) -> std::time::Duration {
        self.network
            .timeout
            .unwrap_or(khipu::Config::new(Credentials::bearer("-")).timeout)
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

    /// The Open Data API, KHIPU_BASE_URL, and the first credentials set of: OAuth client
    /// credentials (KHIPU_CLIENT_ID or --client-id, KHIPU_CLIENT_SECRET, KHIPU_TOKEN_URL or
    /// --token-url), a token (KHIPU_TOKEN), an API key (KHIPU_API_KEY, which Khipu is retiring).
    /// When more than one is set, it says which it uses. Under `--mock`, the sandbox's client
    /// credentials and token URL.
    pub fn banking(&self) -> Result<(Config, BankingAuth), Failure> {
        let mut auth = BankingAuth::ClientCredentials;
        let mut token_url = self.token_url();
        let config = self.config(
            "KHIPU_BASE_URL",
            |s| {
                token_url = Some(s.token_url());
                Credentials::client_credentials(s.client_id(), s.client_secret())
            },
            || {
                let (credentials, chosen) = self.banking_credentials()?;
                auth = chosen;
                Ok(credentials)
            },
        )?;
        let config = match (auth, token_url) {
            (BankingAuth::ClientCredentials, Some(url)) => config.token_url(url),
            (BankingAuth::ClientCredentials, None) => {
                return Err(Failure::Usage(
                    "KHIPU_CLIENT_ID is set but not KHIPU_TOKEN_URL (or --token-url): Khipu's token endpoint URL is not in any document khipu-rs holds, so it must be given".into(),
                ));
            }
            _ => config,
        };
        Ok((config, auth))
    }

    fn banking_credentials(&self) -> Result<(Credentials, BankingAuth), Failure> {
        let client_id = self.client_id();
        let (token, api_key) = (env("KHIPU_TOKEN"), env("KHIPU_API_KEY"));
        let chosen = match (client_id, env("KHIPU_CLIENT_SECRET")) {
            (Some(id), Some(secret)) => (
                Credentials::client_credentials(id, secret),
                BankingAuth::ClientCredentials,
            ),
            (Some(_), None) => {
                return Err(Failure::Usage(
                    "KHIPU_CLIENT_ID is set but not KHIPU_CLIENT_SECRET".into(),
                ));
            }
            (None, _) => match (&token, &api_key) {
                (Some(t), _) => (Credentials::bearer(t.clone()), BankingAuth::Token),
                (None, Some(k)) => (Credentials::api_key(k.clone()), BankingAuth::ApiKey),
                (None, None) => {
                    return Err(Failure::Usage(
                        "no credentials for the Open Data API: set KHIPU_CLIENT_ID, KHIPU_CLIENT_SECRET and KHIPU_TOKEN_URL (OAuth client credentials), or KHIPU_TOKEN (a JWT)".into(),
                    ));
                }
            },
        };
        let ignored: Vec<&str> = [
            (
                "KHIPU_TOKEN",
                token.is_some() && chosen.1 != BankingAuth::Token,
            ),
            (
                "KHIPU_API_KEY",
                api_key.is_some() && chosen.1 != BankingAuth::ApiKey,
            ),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        if !ignored.is_empty() {
            let used = match chosen.1 {
                BankingAuth::ClientCredentials => "OAuth client credentials (KHIPU_CLIENT_ID)",
                BankingAuth::Token => "KHIPU_TOKEN",
                BankingAuth::ApiKey => "KHIPU_API_KEY",
            };
            eprintln!(
                "khipu: using {used} for the Open Data API; ignoring {}",
                ignored.join(" and ")
            );
        }
        Ok(chosen)
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

//! How to reach Khipu: one [`Config`] builds every client, with the same options and defaults.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use khipu_types::oauth::{ClientCredentialsSource, TokenEndpoint, TokenSource};

use crate::error::Error;

pub use khipu_types::Secret;
pub use khipu_types::auth::Credentials;

/// The deprecated `AccountCredential` object (an account link or the user's bank login); its
/// `Debug` hides the contents. The same type the generated clients' request bodies carry.
pub use khipu_types::banking::AccountCredential;

pub use khipu_types::client::RetryPolicy;

/// Everything a client needs to reach Khipu. Every client is built from one, the same way, with
/// the same defaults:
///
/// | option | default |
/// |---|---|
/// | [`base_url`](Config::base_url) | the API's own, from its spec (`https://api.khipu.com`, `https://payment-api.khipu.com`, `https://khipu.com/api`) |
/// | [`timeout`](Config::timeout) | 30 s per attempt (connecting: at most 10 s of it) |
/// | [`retry`](Config::retry) | 2 retries of reads, jittered exponential backoff; writes never |
/// | [`max_response_bytes`](Config::max_response_bytes) | 32 MiB, enforced while the answer streams |
///
/// ```
/// use std::time::Duration;
/// use khipu::{Config, Credentials};
///
/// let config = Config::new(Credentials::bearer("eyJ...")).timeout(Duration::from_secs(60));
/// let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config)?; // Box<dyn khipu::Bank>
/// assert!(!format!("{config:?} {bank:?}").contains("eyJ"));
///
/// // Payments v3.0 takes an API key; v2.0 a receiver id and its secret:
/// let payments = khipu::payments::Client::new(&Config::new(Credentials::api_key("sk-...")))?;
/// let v2 = khipu::payments::v2::Client::new(&Config::new(Credentials::signed("985101", "s3cr3t")))?;
/// # Ok::<(), khipu::Error>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Replaces the API's own base URL (a sandbox or a proxy); plain `http` only to loopback
    /// addresses.
    pub base_url: Option<String>,
    /// How requests authenticate; which kinds an API accepts comes from its spec.
    pub credentials: Credentials,
    /// Banking only: the deprecated `RequestData.AccountCredential` (account link or bank login),
    /// sent with every bank request when set. Khipu requires it with API-key authentication.
    pub account_credential: Option<AccountCredential>,
    /// Timeout of one attempt: connecting, sending and reading the whole answer.
    pub timeout: Duration,
    /// Retries of reads.
    pub retry: RetryPolicy,
    /// The largest answer read, in bytes; a larger one fails with [`Error::TooLarge`] while it
    /// streams, so a hostile or broken server cannot exhaust memory.
    pub max_response_bytes: usize,
    /// The OAuth token endpoint, for [`Credentials::client_credentials`]. Khipu's URL is not in
    /// any document khipu-rs holds, so there is no default: it must be set.
    pub token_url: Option<String>,
    /// How long before a token's expiry it is renewed (30 s by default).
    pub token_skew: Duration,
    /// The token source every client built from this config (and its clones) shares: one cache,
    /// one renewal at a time.
    oauth: SharedSource,
}

/// The one token source of a config, built by the first client that needs it.
type SharedSource = Arc<Mutex<Option<Arc<ClientCredentialsSource>>>>;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "base_url",
                &self
                    .base_url
                    .as_deref()
                    .map(khipu_types::display::redact_url),
            )
            .field("credentials", &self.credentials)
            .field("account_credential", &self.account_credential)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "token_url",
                &self
                    .token_url
                    .as_deref()
                    .map(khipu_types::display::redact_url),
            )
            .field("token_skew", &self.token_skew)
            .finish()
    }
}

impl Config {
    /// The defaults above, with `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            base_url: None,
            credentials,
            account_credential: None,
            timeout: khipu_types::http::DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES,
            token_url: None,
            token_skew: khipu_types::oauth::DEFAULT_SKEW,
            oauth: SharedSource::default(),
        }
    }

    /// The OAuth token endpoint that [`Credentials::client_credentials`] get tokens from
    /// (`https`, or plain `http` to this machine). Required with client credentials: Khipu does
    /// not publish its URL in any document khipu-rs holds, so none is guessed.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self.oauth = SharedSource::default();
        self
    }

    /// How long before its expiry a token is renewed (30 s by default).
    pub fn token_skew(mut self, skew: Duration) -> Self {
        self.token_skew = skew;
        self.oauth = SharedSource::default();
        self
    }

    /// The credentials as a client sends them: client credentials become this config's one
    /// token source (built on first use, then shared by every client built from the config).
    pub(crate) fn resolved_credentials(&self) -> Result<Credentials, Error> {
        let Credentials::ClientCredentials(credentials) = &self.credentials else {
            return Ok(self.credentials.clone());
        };
        let mut shared = self.oauth.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(source) = shared.as_ref() {
            return Ok(Credentials::TokenSource(source.clone()));
        }
        let Some(url) = &self.token_url else {
            return Err(Error::Config(
                "OAuth client credentials need the token endpoint: set Config::token_url (KHIPU_TOKEN_URL for the CLI); Khipu's URL is not in any document khipu-rs holds, so none is assumed".into(),
            ));
        };
        let endpoint =
            TokenEndpoint::new(url, self.timeout).map_err(|e| Error::Config(e.to_string()))?;
        let source = Arc::new(credentials.clone().source(endpoint, self.token_skew));
        *shared = Some(source.clone());
        Ok(Credentials::TokenSource(source))
    }

    /// The token source the clients built from this config use (client credentials, or one of
    /// your own), to ask it for a token directly; `None` for fixed credentials.
    pub fn token_source(&self) -> Result<Option<Arc<dyn TokenSource>>, Error> {
        match self.resolved_credentials()? {
            Credentials::TokenSource(source) => Ok(Some(source)),
            _ => Ok(None),
        }
    }

    /// Token requests sent so far by this config's token source (client credentials), for
    /// monitoring; `None` before the first client is built or with other credentials.
    pub fn token_requests(&self) -> Option<u64> {
        let shared = self.oauth.lock().unwrap_or_else(PoisonError::into_inner);
        shared.as_ref().map(|source| source.token_requests())
    }

    /// Replaces the API's base URL (a sandbox or a proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends the deprecated `AccountCredential` with every bank request.
    pub fn account_credential(mut self, credential: AccountCredential) -> Self {
        self.account_credential = Some(credential);
        self
    }

    /// Sets the timeout of one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the retry policy of reads.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the largest answer read, in bytes.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug() {
        let config = Config::new(Credentials::api_key("sk-live-123"))
            .account_credential(AccountCredential::login("11.111.111-1", "hunter2"));
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("sk-live-123") && !shown.contains("hunter2"),
            "{shown}"
        );
        let signed = format!("{:?}", Config::new(Credentials::signed("985101", "s3cr3t")));
        assert!(!signed.contains("s3cr3t"), "{signed}");
    }
}

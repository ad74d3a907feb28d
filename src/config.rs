//! How to reach Khipu: base URL, credentials, timeouts, retries.

use std::fmt;
use std::time::Duration;

use crate::error::Error;

/// Khipu's production base URL for the Open Data API.
pub const DEFAULT_BASE_URL: &str = "https://api.khipu.com";

pub use khipu_types::Secret;

/// `base_url` parsed and checked: `https`, or `http` to a loopback address only; the error is the
/// message, which each client wraps in its own configuration error. Shared by the banking and
/// payments clients.
pub(crate) fn check_base_url(base_url: &str) -> Result<url::Url, String> {
    // The URL may hold a password (`https://user:pass@host`): it is shown redacted, never as given.
    let shown = khipu_types::display::redact_url(base_url);
    let url =
        url::Url::parse(base_url).map_err(|e| format!("base URL `{shown}` is not a URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "base URL `{shown}` contains a user name or password; credentials go in the client's settings, never in the URL"
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if khipu_types::http::is_loopback_url(&url) => Ok(url),
        "http" => Err(format!(
            "base URL `{shown}`: plain http is allowed only to loopback addresses (127.0.0.0/8, ::1, localhost); use https"
        )),
        other => Err(format!("base URL `{shown}`: unsupported scheme `{other}`")),
    }
}

/// khipu-rs' HTTP policy (see [`khipu_types::http`]) for a checked base URL: https-only when the
/// base is https, and `timeout` for connecting and for each attempt. Shared by the banking and
/// payments clients.
pub(crate) fn http_builder(base: &str, timeout: Duration) -> reqwest::ClientBuilder {
    khipu_types::http::client_builder()
        .https_only(base.starts_with("https://"))
        .connect_timeout(timeout)
        .timeout(timeout)
}

/// How requests authenticate: one scheme, never both (Khipu refuses requests that carry both).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// An OAuth 2.0 access token (JWT), sent as `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// An API key, sent as `x-api-key`. Khipu is deprecating it in favour of tokens.
    ApiKey(Secret),
}

impl Credentials {
    /// Bearer JWT credentials.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer(Secret::new(token))
    }

    /// API key credentials.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey(Secret::new(key))
    }
}

/// How often and how patiently to retry what Khipu says may be retried at once
/// (`RETRY_IMMEDIATELY`, and transport failures).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: usize,
    /// Delay before the first retry; doubles each time.
    pub initial_backoff: Duration,
    /// Upper bound of one delay.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets the number of retries.
    pub fn max_retries(mut self, n: usize) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first delay and its upper bound.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }
}

/// Everything needed to talk to Khipu's Open Data API.
///
/// ```
/// use std::time::Duration;
/// let config = khipu::Config::new(khipu::Credentials::bearer("eyJ..."))
///     .timeout(Duration::from_secs(30));
/// assert!(!format!("{config:?}").contains("eyJ"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Replaces `https://api.khipu.com` (plain `http` only to loopback addresses).
    pub base_url: String,
    /// How requests authenticate.
    pub credentials: Credentials,
    /// Deprecated `RequestData.AccountCredential` (account link or bank login), sent with every
    /// request when set. Khipu requires it with API-key authentication.
    pub account_credential: Option<AccountCredential>,
    /// Timeout of one attempt (connect and response).
    pub timeout: Duration,
    /// Retries for `RETRY_IMMEDIATELY` and transport failures.
    pub retry: RetryPolicy,
    /// The largest answer read, in bytes; a larger one fails with [`Error::TooLarge`] while it
    /// streams, so a hostile or broken server cannot exhaust memory.
    pub max_response_bytes: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "base_url",
                &khipu_types::display::redact_url(&self.base_url),
            )
            .field("credentials", &self.credentials)
            .field("account_credential", &self.account_credential)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// The deprecated `AccountCredential` object (an account link or the user's bank login); its
/// `Debug` hides the contents. The same type the generated clients' request bodies carry.
pub use khipu_types::banking::AccountCredential;

impl Config {
    /// Production base URL, 30 s timeout, default retries.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.into(),
            credentials,
            account_credential: None,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_response_bytes: khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Replaces the base URL (for a sandbox or a proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sends the deprecated `AccountCredential` with every request.
    pub fn account_credential(mut self, credential: AccountCredential) -> Self {
        self.account_credential = Some(credential);
        self
    }

    /// Sets the timeout of one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the largest answer read, in bytes (default
    /// [`khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The base URL, checked: `https`, or `http` to a loopback address only.
    pub fn checked_base_url(&self) -> Result<url::Url, Error> {
        check_base_url(&self.base_url).map_err(Error::Config)
    }

    /// An HTTP client that authenticates every request, with khipu-rs' policy (redirects never
    /// followed: see [`khipu_types::http`]).
    pub fn http_client(&self) -> Result<reqwest::Client, Error> {
        let url = self.checked_base_url()?;
        let (name, value) = match &self.credentials {
            Credentials::Bearer(token) => (
                reqwest::header::AUTHORIZATION,
                format!("Bearer {}", token.expose()),
            ),
            Credentials::ApiKey(key) => (
                reqwest::header::HeaderName::from_static("x-api-key"),
                key.expose().to_owned(),
            ),
        };
        let mut value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
            Error::Config("the credentials contain characters not allowed in an HTTP header".into())
        })?;
        value.set_sensitive(true);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(name, value);
        http_builder(url.as_str(), self.timeout)
            .default_headers(headers)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
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
    }

    #[test]
    fn plain_http_only_to_loopback() {
        let ok = |u: &str| {
            Config::new(Credentials::bearer("t"))
                .base_url(u)
                .checked_base_url()
                .is_ok()
        };
        assert!(ok("https://api.khipu.com"));
        assert!(ok("http://127.0.0.1:8080"));
        assert!(ok("http://[::1]:8080"));
        assert!(ok("http://localhost:1"));
        assert!(!ok("http://api.khipu.com"));
        assert!(!ok("http://10.0.0.1"));
        assert!(!ok("ftp://127.0.0.1"));
        assert!(!ok("not a url"));
        assert!(!ok("https://user:pass@api.khipu.com"));
    }

    #[test]
    fn a_password_in_the_base_url_is_never_shown() {
        for base in [
            "https://user:hunter2@api.khipu.com",
            "http://user:hunter2@bad host/",
            "http://hunter2@10.0.0.1",
            "ftp://u:hunter2@127.0.0.1",
        ] {
            let config = Config::new(Credentials::bearer("t")).base_url(base);
            let err = config.checked_base_url().unwrap_err().to_string();
            assert!(!err.contains("hunter2") && err.contains("***@"), "{err}");
            assert!(!format!("{config:?}").contains("hunter2"));
        }
    }
}

//! What every client sends through: a checked base URL, an HTTP client with the one policy, and
//! the credentials as the API's spec asks for them.

use std::fmt;

use khipu_types::auth::{Auth, AuthSpec, Credentials};
use khipu_types::client::{ApiClient, Options};

use crate::config::Config;
use crate::error::{Context, Error};
use crate::http::answer::{self, Outcome};

/// One API's connection: where, how, with what credentials, under which limits.
#[derive(Clone)]
pub(crate) struct Connection {
    /// The checked base URL, without a trailing `/`.
    pub(crate) base: String,
    http: reqwest::Client,
    /// The credential as the spec asks for it, the response cap and the retry policy.
    pub(crate) options: Options,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The options hold the credential; their Debug redacts it.
        f.debug_struct("Connection")
            .field("base", &self.base)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// The connection to API `name` (authenticating as `auth` declares, served at
    /// `default_base_url` unless the config says otherwise).
    pub(crate) fn new(
        config: &Config,
        name: &str,
        auth: &'static AuthSpec,
        default_base_url: &str,
    ) -> Result<Self, Error> {
        if config.credentials.is_empty() {
            return Err(Error::Config(format!(
                "{name}: the credentials are empty (an unset environment variable?)"
            )));
        }
        let base = check_base_url(config.base_url.as_deref().unwrap_or(default_base_url))
            .map_err(|e| Error::Config(format!("{name}: {e}")))?;
        let base = base.as_str().trim_end_matches('/').to_owned();
        let auth = Auth::new(auth, config.resolved_credentials()?)
            .map_err(|e| Error::Config(format!("{name}: {e}")))?;
        let http = khipu_types::http::client_builder_with(config.timeout)
            .https_only(base.starts_with("https://"))
            .build()
            .map_err(|e| Error::Config(format!("{name}: cannot build the HTTP client: {e}")))?;
        Ok(Self {
            base,
            http,
            options: Options::new(auth)
                .max_response_bytes(config.max_response_bytes)
                .retry(config.retry.clone()),
        })
    }

    /// The generated client of this API.
    pub(crate) fn client<C: ApiClient>(&self) -> C {
        C::from_parts(&self.base, self.http.clone(), self.options.clone())
    }

    /// A POST of `body` (JSON) to `path`: [`send`](Self::send).
    pub(crate) async fn post_json(
        &self,
        context: &Context,
        path: &str,
        body: &bytes::Bytes,
    ) -> Outcome<(u16, bytes::Bytes)> {
        let body = Some(("application/json", body.clone()));
        self.send(context, reqwest::Method::POST, path, body).await
    }

    /// A request to `path_and_query` (below the base URL) with an optional body and its media
    /// type, authenticated, capped and mapped as every request is: the status and the body of a
    /// success, or the error the answer stands for.
    ///
    /// With a token source, a 401 means Khipu did not act on the request and the token is no
    /// longer good (expired or revoked, Khipu's `A000`): the token is dropped, a new one fetched
    /// (one renewal for every caller that saw the same 401), and the request sent once more. A
    /// second 401 is the answer.
    pub(crate) async fn send(
        &self,
        context: &Context,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<(&'static str, bytes::Bytes)>,
    ) -> Outcome<(u16, bytes::Bytes)> {
        // Only a token source's token is renewed after a 401; other credentials answer as sent.
        let source = match self.options.auth().credential() {
            Some(Credentials::TokenSource(source)) => Some(source),
            _ => None,
        };
        // One await point for both sends: the call's future holds one `send_once`, not two.
        let mut renewed = false;
        loop {
            let renewable = source.is_some() && !renewed;
            let (status, answer, sent_token) = self
                .send_once(
                    context,
                    method.clone(),
                    path_and_query,
                    body.clone(),
                    renewable,
                )
                .await;
            match (source, &answer, sent_token) {
                (Some(source), Err(Error::Unauthorized { .. }), Some(token)) if renewable => {
                    source.invalidate(&token);
                    crate::trace::token_rejected(context);
                    renewed = true;
                }
                _ => return (status, answer),
            }
        }
    }

    /// One send of [`send`](Self::send), with the bearer token it carried when `keep_token`
    /// (the token a 401 would renew).
    async fn send_once(
        &self,
        context: &Context,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<(&'static str, bytes::Bytes)>,
        keep_token: bool,
    ) -> (
        Option<u16>,
        Result<(u16, bytes::Bytes), Error>,
        Option<String>,
    ) {
        let mut request = self
            .http
            .request(method, format!("{}{path_and_query}", self.base))
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            );
        if let Some((media, bytes)) = body {
            // A refcount, not a copy: the same bytes go out on every attempt.
            request = request
                .header(
                    reqwest::header::CONTENT_TYPE,
                    reqwest::header::HeaderValue::from_static(media),
                )
                .body(bytes);
        }
        let limit = self.options.response_limit();
        let mut request = match request.build() {
            Ok(r) => r,
            Err(e) => return (None, Err(answer::transport(context, limit, e)), None),
        };
        if let Err(e) = khipu_types::client::prepare(&self.options, &mut request).await {
            let error = match e.token_error() {
                Some(token) => Error::Token {
                    context: context.clone(),
                    source: token.clone(),
                },
                None => Error::Config(format!("{context}: {e}")),
            };
            return (None, Err(error), None);
        }
        let sent_token = request
            .headers()
            .get(reqwest::header::AUTHORIZATION)
            .filter(|_| keep_token)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let response = match khipu_types::client::exec(&self.http, &self.options, request).await {
            Ok(r) => r,
            Err(e) => return (None, Err(answer::transport(context, limit, e)), sent_token),
        };
        let (status, answer) = answer::read(context, limit, response).await;
        (status, answer, sent_token)
    }
}

// `Config::client` lives beside the connection it builds, so that the configuration, below the
// HTTP layer, never names it.
impl Config {
    /// Any generated client (a bank's typed client, `khipu::payments::api::Client`...), built the
    /// way every client of the SDK is: base URL checked, the one HTTP policy, the credentials
    /// checked against the schemes its spec declares, and carrying this config's retry policy:
    /// send its requests with [`Call::call`](crate::Call::call) for the retries, the span and
    /// [`Error`] every client of the SDK has.
    ///
    /// ```
    /// use khipu::banking::cl::personal::demo_bank;
    ///
    /// let config = khipu::Config::new(khipu::Credentials::bearer("eyJ..."));
    /// let client: demo_bank::Client = config.client()?;
    /// # Ok::<(), khipu::Error>(())
    /// ```
    pub fn client<C: ApiClient>(&self) -> Result<C, Error> {
        Ok(Connection::new(self, C::NAME, C::auth(), C::default_base_url())?.client())
    }
}

/// `base_url` parsed and checked: `https`, or `http` to a loopback address only.
fn check_base_url(base_url: &str) -> Result<url::Url, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Credentials;

    fn ok(url: &str) -> bool {
        check_base_url(url).is_ok()
    }

    #[test]
    fn plain_http_only_to_loopback() {
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
            let err = check_base_url(base).unwrap_err();
            assert!(!err.contains("hunter2") && err.contains("***@"), "{err}");
            assert!(!format!("{config:?}").contains("hunter2"));
        }
    }
}

//! What a generated client carries besides its `reqwest::Client`: the credential its spec asks
//! for and the limits it reads answers under. It is progenitor's "inner" value: generated clients
//! are built with `Client::new_with_client(base, http, Options::new(auth))` (or `auth.into()`).

use crate::auth::{Auth, AuthError, AuthSpec};
use crate::http::DEFAULT_MAX_RESPONSE_BYTES;

/// What every generated client says about the API it speaks, from its spec, so that one piece of
/// code can build any of them: `khipu::Config::client::<C>()` builds a bank's typed client, the
/// Payments v3.0 client and every other the same way (base URL checked, one HTTP policy, the
/// credential checked against the spec's schemes).
pub trait ApiClient: Sized {
    /// Which API, for messages and traces (`cl/personal/demo-bank.khipu.com`, `payments v3.0`).
    const NAME: &'static str;

    /// The spec's auth (the module's `AUTH`).
    fn auth() -> &'static AuthSpec;

    /// Where Khipu serves the API: the spec's first server (`https://api.khipu.com`).
    fn default_base_url() -> &'static str;

    /// The client for `base_url`, sending with `http` under `options`.
    fn from_parts(base_url: &str, http: reqwest::Client, options: Options) -> Self;
}

/// A generated client's credential and limits. `Debug` never shows the credential.
#[derive(Debug, Clone)]
pub struct Options {
    auth: Auth,
    max_response_bytes: usize,
}

impl Options {
    /// `auth`, with [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Caps every response body at `bytes`; a larger answer fails while it streams.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The credential and the spec's auth.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The response body cap in bytes.
    pub fn response_limit(&self) -> usize {
        self.max_response_bytes
    }
}

impl From<Auth> for Options {
    fn from(auth: Auth) -> Self {
        Self::new(auth)
    }
}

/// progenitor's pre-hook in generated clients: authenticates `request` as its operation requires.
pub async fn prepare(options: &Options, request: &mut reqwest::Request) -> Result<(), AuthError> {
    crate::auth::apply(&options.auth, request).await
}

/// How generated clients send a request: with `http`, the body capped at the options' limit.
pub async fn exec(
    http: &reqwest::Client,
    options: &Options,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let response = http.execute(request).await?;
    Ok(crate::http::limit_body(
        response,
        options.max_response_bytes,
    ))
}

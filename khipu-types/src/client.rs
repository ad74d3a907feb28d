//! What a generated client carries besides its `reqwest::Client`: the credential its spec asks
//! for and the limits it reads answers under. It is progenitor's "inner" value: generated clients
//! are built with `Client::new_with_client(base, http, Options::new(auth))` (or `auth.into()`).

use crate::auth::{Auth, AuthError};
use crate::http::DEFAULT_MAX_RESPONSE_BYTES;

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

//! OAuth 2.0 for Khipu's Open Data API, which is retiring API keys: "the only valid form of
//! authorization will be through the use of Bearer tokens" (Khipu's authentication page). Tokens
//! are a source, not a string:
//!
//! - [`ClientCredentials`] (machine access: `client_id` + `client_secret` for a token);
//! - [`AuthorizationCodeFlow`] with PKCE, for bank endpoints that need the user's consent, and
//!   [`RefreshingSource`] over the [`TokenSet`] it yields;
//! - any [`TokenSource`] of the application's own (a vault, another service).
//!
//! A source caches its token and renews it shortly before it expires, one request at a time for
//! all the clients that share it; a token the API rejects (401) is [invalidated](TokenSource::invalidate)
//! and renewed once. Khipu's token and authorize endpoint URLs are not in any document khipu-rs
//! holds: they are always given, never guessed.

mod cache;
mod client_credentials;
mod code;
mod endpoint;
mod token;

use std::future::Future;
use std::pin::Pin;

pub use cache::DEFAULT_SKEW;
pub use client_credentials::{ClientAuth, ClientCredentials, ClientCredentialsSource};
pub use code::{AuthorizationCodeFlow, PendingAuthorization, RefreshingSource};
pub use endpoint::TokenEndpoint;
pub use token::{AccessToken, TokenError, TokenSet};

/// What [`TokenSource::token`] returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// Where bearer tokens come from. Implement it to bring tokens from a vault of your own; give it
/// to a client with `Credentials::token_source`. Object-safe, shared across tasks.
pub trait TokenSource: Send + Sync + 'static {
    /// A token to send now: the cached one while it lives, else a new one. Concurrent callers
    /// should share one renewal (the sources in this module do).
    fn token(&self) -> TokenFuture<'_>;

    /// The API answered 401 to `rejected`: forget it if it is still the cached token, so the
    /// next [`token`](Self::token) renews it. The default does nothing.
    fn invalidate(&self, rejected: &str) {
        let _ = rejected;
    }
}

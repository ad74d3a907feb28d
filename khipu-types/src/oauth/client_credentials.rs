//! The client credentials grant (RFC 6749 section 4.4): machine access to the Open Data API with
//! the `client_id` and `client_secret` Khipu issues with the account.

use std::fmt;
use std::time::Duration;

use super::cache::Cache;
use super::endpoint::TokenEndpoint;
use super::token::{AccessToken, TokenError};
use super::{TokenFuture, TokenSource};
use crate::Secret;

/// How the client authenticates to the token endpoint (RFC 6749 section 2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// HTTP Basic with the client id and secret (what servers must support).
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Body,
}

/// A client id and secret, and what to ask for. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: Secret,
    auth: ClientAuth,
    scope: Option<String>,
    audience: Option<String>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("auth", &self.auth)
            .field("scope", &self.scope)
            .field("audience", &self.audience)
            .finish()
    }
}

impl ClientCredentials {
    /// The client `client_id` with its `client_secret`.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            auth: ClientAuth::default(),
            scope: None,
            audience: None,
        }
    }

    /// How to authenticate to the token endpoint (HTTP Basic by default).
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The `scope` to ask for.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// The `audience` to ask for (an extension some identity servers require).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `true` when the id or the secret is empty (an unset environment variable, say).
    pub fn is_empty(&self) -> bool {
        self.client_id.is_empty() || self.client_secret.expose().is_empty()
    }

    /// A token source that asks `endpoint` for tokens with these credentials and renews each
    /// `skew` before it expires.
    pub fn source(self, endpoint: TokenEndpoint, skew: Duration) -> ClientCredentialsSource {
        ClientCredentialsSource {
            credentials: self,
            endpoint,
            cache: Cache::new(skew, None),
        }
    }
}

/// Tokens from the client credentials grant, cached and renewed one request at a time (see
/// [`TokenSource`]).
pub struct ClientCredentialsSource {
    credentials: ClientCredentials,
    endpoint: TokenEndpoint,
    cache: Cache,
}

impl fmt::Debug for ClientCredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsSource")
            .field("credentials", &self.credentials)
            .field("endpoint", &self.endpoint)
            .field("token_requests", &self.cache.requests())
            .finish()
    }
}

impl ClientCredentialsSource {
    /// Token requests sent so far.
    pub fn token_requests(&self) -> u64 {
        self.cache.requests()
    }

    async fn request(&self) -> Result<AccessToken, TokenError> {
        let c = &self.credentials;
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = &c.scope {
            form.push(("scope", scope));
        }
        if let Some(audience) = &c.audience {
            form.push(("audience", audience));
        }
        let basic = match c.auth {
            ClientAuth::Basic => Some((c.client_id.as_str(), &c.client_secret)),
            ClientAuth::Body => {
                form.push(("client_id", &c.client_id));
                form.push(("client_secret", c.client_secret.expose()));
                None
            }
        };
        Ok(self.endpoint.request(&form, basic).await?.access())
    }
}

impl TokenSource for ClientCredentialsSource {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.cache.get(|| self.request()))
    }

    fn invalidate(&self, rejected: &str) {
        self.cache.invalidate(rejected);
    }
}

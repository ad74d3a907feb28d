//! The authorization code grant with PKCE (RFC 6749 section 4.1, RFC 7636): bank endpoints that
//! need the user's consent take a token obtained through Khipu's authorization server. The
//! application sends the user to [`AuthorizationCodeFlow::start`]'s URL, receives `code` and
//! `state` at its `redirect_uri`, and exchanges them; the [`TokenSet`] it gets is what it
//! persists, and [`RefreshingSource`] keeps it fresh with the refresh token.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::cache::Cache;
use super::endpoint::TokenEndpoint;
use super::token::{AccessToken, TokenError, TokenSet};
use super::{TokenFuture, TokenSource};
use crate::Secret;

/// The settings of one application's authorization code flow. `Debug` never shows the secret.
#[derive(Clone)]
pub struct AuthorizationCodeFlow {
    authorize_url: url::Url,
    endpoint: TokenEndpoint,
    client_id: String,
    client_secret: Option<Secret>,
    redirect_uri: String,
    scope: Option<String>,
    skew: Duration,
}

impl fmt::Debug for AuthorizationCodeFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationCodeFlow")
            .field("authorize_url", &self.authorize_url.as_str())
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri)
            .field("scope", &self.scope)
            .finish()
    }
}

/// What the application keeps between sending the user away and receiving the code: the `state`
/// it must get back and the PKCE code verifier. `Debug` never shows the verifier.
#[derive(Clone)]
pub struct PendingAuthorization {
    state: String,
    verifier: Secret,
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("state", &self.state)
            .field("verifier", &self.verifier)
            .finish()
    }
}

impl PendingAuthorization {
    /// The `state` sent with the user; the redirect must bring the same one back.
    pub fn state(&self) -> &str {
        &self.state
    }
}

/// `bytes` random bytes from the operating system, URL-safe base64 without padding.
fn random(bytes: usize) -> Result<String, TokenError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::getrandom(&mut buffer)
        .map_err(|e| TokenError::Config(format!("no randomness from the operating system: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// The S256 code challenge of `verifier` (RFC 7636 section 4.2).
pub(crate) fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(crate::mac::sha256(verifier.as_bytes()))
}

impl AuthorizationCodeFlow {
    /// The flow of client `client_id`, whose users consent at `authorize_url` and are sent back
    /// to `redirect_uri`; codes are exchanged at `endpoint`.
    pub fn new(
        authorize_url: &str,
        endpoint: TokenEndpoint,
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Result<Self, TokenError> {
        let parsed = url::Url::parse(authorize_url).map_err(|e| {
            TokenError::Config(format!(
                "authorize URL `{}` is not a URL: {e}",
                crate::display::redact_url(authorize_url)
            ))
        })?;
        if parsed.scheme() != "https" && !crate::http::is_loopback_url(&parsed) {
            return Err(TokenError::Config(
                "the authorize URL must be https (plain http only to this machine)".into(),
            ));
        }
        Ok(Self {
            authorize_url: parsed,
            endpoint,
            client_id: client_id.into(),
            client_secret: None,
            redirect_uri: redirect_uri.into(),
            scope: None,
            skew: super::DEFAULT_SKEW,
        })
    }

    /// A confidential client's secret (a public client, such as a command-line tool, has none
    /// and relies on PKCE).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(secret));
        self
    }

    /// The `scope` to ask for.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Where to send the user, and what to keep until the redirect comes back: a fresh `state`
    /// and PKCE verifier (32 random bytes) each time.
    pub fn start(&self) -> Result<(String, PendingAuthorization), TokenError> {
        let pending = PendingAuthorization {
            state: random(16)?,
            verifier: Secret::new(random(32)?),
        };
        let mut url = self.authorize_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("state", &pending.state)
                .append_pair("code_challenge", &challenge(pending.verifier.expose()))
                .append_pair("code_challenge_method", "S256");
            if let Some(scope) = &self.scope {
                query.append_pair("scope", scope);
            }
        }
        Ok((url.into(), pending))
    }

    /// Exchanges the `code` the redirect brought, after checking its `state` is the one sent.
    pub async fn exchange(
        &self,
        pending: &PendingAuthorization,
        state: &str,
        code: &str,
    ) -> Result<TokenSet, TokenError> {
        if state != pending.state {
            return Err(TokenError::Config(
                "the redirect's state is not the one sent: refusing the code (a forged or stale redirect)".into(),
            ));
        }
        let form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("code_verifier", pending.verifier.expose()),
        ];
        self.token_request(form).await
    }

    /// A token source over `tokens` that renews the access token with the refresh token and
    /// keeps the rotated refresh token ([`RefreshingSource::token_set`] to persist it).
    pub fn source(&self, tokens: TokenSet) -> RefreshingSource {
        RefreshingSource {
            cache: Cache::new(self.skew, Some(tokens.access())),
            tokens: Arc::new(Mutex::new(tokens)),
            flow: self.clone(),
        }
    }

    async fn token_request<'x>(
        &'x self,
        mut form: Vec<(&'x str, &'x str)>,
    ) -> Result<TokenSet, TokenError> {
        form.push(("client_id", self.client_id.as_str()));
        let basic = self
            .client_secret
            .as_ref()
            .map(|secret| (self.client_id.as_str(), secret));
        self.endpoint.request(&form, basic).await
    }
}

/// Tokens of one user, renewed with the refresh token (rotated when the identity server sends a
/// new one), one renewal at a time.
pub struct RefreshingSource {
    flow: AuthorizationCodeFlow,
    tokens: Arc<Mutex<TokenSet>>,
    cache: Cache,
}

impl fmt::Debug for RefreshingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingSource")
            .field("flow", &self.flow)
            .field("tokens", &self.token_set())
            .finish()
    }
}

impl RefreshingSource {
    /// The current token set, to persist (its refresh token may have been rotated).
    pub fn token_set(&self) -> TokenSet {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Token requests sent so far.
    pub fn token_requests(&self) -> u64 {
        self.cache.requests()
    }

    async fn refresh(&self) -> Result<AccessToken, TokenError> {
        let current = self.token_set();
        let Some(refresh) = current.refresh_token() else {
            return Err(TokenError::Config(
                "the access token expired and the token set has no refresh token: log in again"
                    .into(),
            ));
        };
        let form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
        ];
        let next = current.renewed(self.flow.token_request(form).await?);
        let access = next.access();
        *self.tokens.lock().unwrap_or_else(PoisonError::into_inner) = next;
        Ok(access)
    }
}

impl TokenSource for RefreshingSource {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.cache.get(|| self.refresh()))
    }

    fn invalidate(&self, rejected: &str) {
        self.cache.invalidate(rejected);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_s256_challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn each_start_has_a_fresh_state_and_verifier_and_the_url_carries_the_challenge() {
        let endpoint =
            TokenEndpoint::new("http://127.0.0.1:9/token", Duration::from_secs(1)).unwrap();
        let flow = AuthorizationCodeFlow::new(
            "http://127.0.0.1:9/authorize",
            endpoint,
            "cli",
            "http://127.0.0.1:5/cb",
        )
        .unwrap();
        let (url, first) = flow.start().unwrap();
        let (_, second) = flow.start().unwrap();
        assert_ne!(first.state(), second.state());
        assert_eq!(first.verifier.expose().len(), 43);
        let url = url::Url::parse(&url).unwrap();
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(query["code_challenge"], challenge(first.verifier.expose()));
        assert_eq!(query["code_challenge_method"], "S256");
        assert_eq!(query["state"], first.state());
        assert!(!format!("{first:?}").contains(first.verifier.expose()));
    }
}

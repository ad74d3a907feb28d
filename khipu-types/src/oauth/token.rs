//! What an identity server hands out, and why it may not.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::Secret;

/// An access token (a JWT for Khipu's Open Data API) and how long it lives. `Debug` never shows
/// the token.
#[derive(Clone)]
pub struct AccessToken {
    value: Secret,
    expires_at: Option<Instant>,
    lifetime: Option<Duration>,
    scope: Option<String>,
}

impl AccessToken {
    /// A token with no known expiry (it is used until the API answers 401).
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: Secret::new(value),
            expires_at: None,
            lifetime: None,
            scope: None,
        }
    }

    /// Expires `lifetime` from now (the token response's `expires_in`).
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_at = Instant::now().checked_add(lifetime);
        self.lifetime = Some(lifetime);
        self
    }

    /// The scope granted.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// The token itself, for the `Authorization` header.
    pub fn secret(&self) -> &Secret {
        &self.value
    }

    /// When it expires, if the identity server said.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// How long it still lives, if known (zero once expired).
    pub fn remaining(&self) -> Option<Duration> {
        self.expires_at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// The scope granted, if the identity server said.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// `true` while it lives longer than `skew` from now. The skew is at most half the token's
    /// lifetime: a 2-second token with the default 30-second skew is still used for a second,
    /// not renewed on every call.
    pub(crate) fn usable(&self, skew: Duration) -> bool {
        let skew = match self.lifetime {
            Some(lifetime) => skew.min(lifetime / 2),
            None => skew,
        };
        self.expires_at
            .is_none_or(|at| Instant::now().checked_add(skew).is_some_and(|t| t < at))
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &self.value)
            .field("remaining", &self.remaining())
            .field("scope", &self.scope)
            .finish()
    }
}

/// Why no token could be had. Every text that came from the identity server is sanitized (no
/// terminal escapes); no secret is ever part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The identity server answered with an OAuth error (RFC 6749 section 5.2), or a status
    /// without one.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The OAuth `error` (`invalid_client`, `invalid_grant`...).
        error: String,
        /// The `error_description`, when given.
        description: Option<String>,
    },
    /// The token endpoint did not answer in time.
    TimedOut {
        /// The endpoint (its password, if any, redacted).
        url: String,
        /// The limit in force.
        timeout: Duration,
    },
    /// The token endpoint could not be reached, or its answer not read.
    Transport {
        /// The endpoint (its password, if any, redacted).
        url: String,
        /// What failed.
        message: String,
    },
    /// The answer is not a token response.
    Invalid {
        /// The endpoint (its password, if any, redacted).
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// The OAuth settings cannot work (no token URL, plain http to a remote host...).
    Config(String),
    /// A [`TokenSource`](super::TokenSource) of the application's own failed.
    Source(String),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused {
                status,
                error,
                description,
                ..
            } => write!(
                f,
                "the identity server refused the token request (HTTP {status}): {error}{}",
                description
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
            Self::TimedOut { url, timeout, .. } => write!(
                f,
                "token endpoint {url}: timed out: no answer within {timeout:?}"
            ),
            Self::Transport { url, message, .. } => write!(f, "token endpoint {url}: {message}"),
            Self::Invalid { url, message, .. } => write!(
                f,
                "token endpoint {url}: the answer is not a token ({message})"
            ),
            Self::Config(what) => write!(f, "OAuth configuration: {what}"),
            Self::Source(what) => write!(f, "token source: {what}"),
        }
    }
}

impl std::error::Error for TokenError {}

impl TokenError {
    /// The OAuth `error` code, when the identity server gave one.
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            TokenError::Refused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// `true` when asking again later may work (a timeout, a connection failure, a 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            TokenError::TimedOut { .. } | TokenError::Transport { .. } => true,
            TokenError::Refused { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// What the authorization code flow yields and an application persists between runs: the
/// access token, the refresh token that renews it, when the access token expires, and its scope.
/// It serializes with the tokens in clear (store it as a secret, e.g. in a file of mode 0600);
/// `Debug` never shows them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    #[serde(with = "secret_text")]
    access_token: Secret,
    #[serde(default, with = "optional_secret_text")]
    refresh_token: Option<Secret>,
    /// Unix seconds.
    #[serde(default)]
    expires_at: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

impl TokenSet {
    pub(crate) fn from_response(
        access_token: String,
        refresh_token: Option<String>,
        expires_in: Option<u64>,
        scope: Option<String>,
    ) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self {
            access_token: Secret::new(access_token),
            refresh_token: refresh_token.map(Secret::new),
            expires_at: expires_in.map(|s| now.saturating_add(s)),
            scope,
        }
    }

    /// The access token.
    pub fn access_token(&self) -> &Secret {
        &self.access_token
    }

    /// The refresh token, if the identity server issued one.
    pub fn refresh_token(&self) -> Option<&Secret> {
        self.refresh_token.as_ref()
    }

    /// When the access token expires, if known.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at.map(|s| UNIX_EPOCH + Duration::from_secs(s))
    }

    /// The scope granted.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The access token with its lifetime as an [`AccessToken`].
    pub fn access(&self) -> AccessToken {
        let mut token = AccessToken::new(self.access_token.expose());
        if let Some(at) = self.expires_at() {
            let left = at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO);
            token = token.expires_in(left);
        }
        token.scope = self.scope.clone();
        token
    }

    /// A new response applied: a new access token, and the refresh token rotated when the
    /// identity server sent a new one (kept otherwise, as RFC 6749 section 6 allows).
    pub(crate) fn renewed(&self, next: TokenSet) -> TokenSet {
        TokenSet {
            refresh_token: next.refresh_token.or_else(|| self.refresh_token.clone()),
            scope: next.scope.or_else(|| self.scope.clone()),
            ..next
        }
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

mod secret_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Secret;

    pub(super) fn serialize<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.expose())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

mod optional_secret_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Secret;

    pub(super) fn serialize<S: Serializer>(
        secret: &Option<Secret>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => s.serialize_some(secret.expose()),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
        Option::<String>::deserialize(d).map(|v| v.map(Secret::new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_set_round_trips_and_never_debugs_its_tokens() {
        let set = TokenSet::from_response(
            "access-XYZ".into(),
            Some("refresh-XYZ".into()),
            Some(3600),
            Some("openid".into()),
        );
        let json = serde_json::to_string(&set).unwrap();
        assert!(json.contains("access-XYZ") && json.contains("refresh-XYZ"));
        assert_eq!(serde_json::from_str::<TokenSet>(&json).unwrap(), set);
        let shown = format!("{set:?} {:?}", set.access());
        assert!(!shown.contains("XYZ"), "{shown}");
        assert!(set.access().usable(Duration::from_secs(60)));
        // A skew longer than the lifetime counts as half the lifetime.
        assert!(set.access().usable(Duration::from_secs(7200)));
        let two_seconds = AccessToken::new("t").expires_in(Duration::from_secs(2));
        assert!(two_seconds.usable(Duration::from_secs(30)));
        assert!(
            !AccessToken::new("t")
                .expires_in(Duration::ZERO)
                .usable(Duration::ZERO)
        );
    }

    #[test]
    fn a_renewal_rotates_the_refresh_token_only_when_a_new_one_comes() {
        let first = TokenSet::from_response("a1".into(), Some("r1".into()), Some(60), None);
        let kept = first.renewed(TokenSet::from_response("a2".into(), None, Some(60), None));
        assert_eq!(kept.refresh_token().map(Secret::expose), Some("r1"));
        let rotated = kept.renewed(TokenSet::from_response(
            "a3".into(),
            Some("r2".into()),
            None,
            None,
        ));
        assert_eq!(rotated.refresh_token().map(Secret::expose), Some("r2"));
        assert_eq!(rotated.access_token().expose(), "a3");
    }
}

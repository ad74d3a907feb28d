//! The token endpoint (RFC 6749 section 3.2), reached the way every khipu-rs request is: no
//! redirects followed (they would carry the client secret elsewhere), a timeout, an answer read
//! within a cap, `https` unless the endpoint is on this machine.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use super::token::{TokenError, TokenSet};
use crate::Secret;
use crate::display::{redact_url, sanitize};

/// The most of a token response read: a token, a refresh token and an error are a few KiB.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

/// An identity server's token endpoint. Khipu's is not in any document khipu-rs holds: it is
/// always given by the application (no guessed default).
#[derive(Clone)]
pub struct TokenEndpoint {
    url: url::Url,
    shown: String,
    http: reqwest::Client,
    timeout: Duration,
}

impl std::fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("url", &self.shown)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A successful token response.
#[derive(Deserialize)]
struct Granted {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

/// An error response (RFC 6749 section 5.2).
#[derive(Deserialize)]
struct Refusal {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// `expires_in` as a number, or as the string some servers send.
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(u64),
        Text(String),
    }
    match Option::<Seconds>::deserialize(d)? {
        None => Ok(None),
        Some(Seconds::Number(n)) => Ok(Some(n)),
        Some(Seconds::Text(t)) => t.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}

impl TokenEndpoint {
    /// The endpoint at `url`, each request limited to `timeout`. Refused: a URL that does not
    /// parse, one with a user name or password in it, plain `http` to a host other than this
    /// machine.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, TokenError> {
        let shown = redact_url(url);
        let parsed = url::Url::parse(url)
            .map_err(|e| TokenError::Config(format!("token URL `{shown}` is not a URL: {e}")))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(TokenError::Config(format!(
                "token URL `{shown}` contains a user name or password; give the client id and secret as credentials"
            )));
        }
        match parsed.scheme() {
            "https" => {}
            "http" if crate::http::is_loopback_url(&parsed) => {}
            _ => {
                return Err(TokenError::Config(format!(
                    "token URL `{shown}` must be https (plain http only to 127.0.0.0/8, ::1 or localhost)"
                )));
            }
        }
        let http = crate::http::client_builder_with(timeout)
            .https_only(parsed.scheme() == "https")
            .build()
            .map_err(|e| TokenError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            url: parsed,
            shown,
            http,
            timeout,
        })
    }

    /// The endpoint's URL, as it may be shown.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// POSTs `form` (plus HTTP Basic client authentication when `basic` is given) and reads the
    /// answer as a token or as the identity server's refusal.
    pub(crate) async fn request(
        &self,
        form: &[(&str, &str)],
        basic: Option<(&str, &Secret)>,
    ) -> Result<TokenSet, TokenError> {
        let mut request = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form);
        if let Some((id, secret)) = basic {
            request = request.header(reqwest::header::AUTHORIZATION, basic_header(id, secret)?);
        }
        let response = request.send().await.map_err(|e| self.transport(&e))?;
        let status = response.status().as_u16();
        let response = crate::http::limit_body(response, MAX_TOKEN_RESPONSE);
        let body = response.bytes().await.map_err(|e| self.transport(&e))?;
        if !(200..300).contains(&status) {
            return Err(match serde_json::from_slice::<Refusal>(&body) {
                Ok(refusal) => TokenError::Refused {
                    status,
                    error: sanitize(&refusal.error),
                    description: refusal.error_description.map(|d| sanitize(&d)),
                },
                Err(_) => TokenError::Refused {
                    status,
                    error: format!("HTTP {status} without an OAuth error body"),
                    description: None,
                },
            });
        }
        let granted: Granted = serde_json::from_slice(&body).map_err(|e| TokenError::Invalid {
            url: self.shown.clone(),
            message: e.to_string(),
        })?;
        if let Some(kind) = &granted.token_type
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(TokenError::Invalid {
                url: self.shown.clone(),
                message: format!("token_type `{}`, not Bearer", sanitize(kind)),
            });
        }
        if granted.access_token.is_empty() {
            return Err(TokenError::Invalid {
                url: self.shown.clone(),
                message: "an empty access_token".into(),
            });
        }
        Ok(TokenSet::from_response(
            granted.access_token,
            granted.refresh_token,
            granted.expires_in,
            granted.scope,
        ))
    }

    fn transport(&self, e: &reqwest::Error) -> TokenError {
        if e.is_timeout() {
            return TokenError::TimedOut {
                url: self.shown.clone(),
                timeout: self.timeout,
            };
        }
        let message = if crate::http::is_too_large(e) {
            format!("the answer exceeded {MAX_TOKEN_RESPONSE} bytes; reading stopped")
        } else if e.is_redirect() || e.status().is_some_and(|s| s.is_redirection()) {
            "answered with a redirect, which is never followed".to_owned()
        } else {
            sanitize(&crate::display::root_cause(e))
        };
        TokenError::Transport {
            url: self.shown.clone(),
            message,
        }
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, as RFC 6749 section 2.3.1 asks.
fn basic_header(id: &str, secret: &Secret) -> Result<reqwest::header::HeaderValue, TokenError> {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(id), encode(secret.expose()));
    let mut value =
        reqwest::header::HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(pair)))
            .map_err(|_| TokenError::Config("the client id cannot go in a header".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_and_never_a_password_in_the_url() {
        let t = Duration::from_secs(1);
        assert!(TokenEndpoint::new("https://id.example/token", t).is_ok());
        assert!(TokenEndpoint::new("http://127.0.0.1:9/token", t).is_ok());
        assert!(TokenEndpoint::new("http://id.example/token", t).is_err());
        let err = TokenEndpoint::new("https://u:hunter2@id.example/token", t).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn basic_authentication_encodes_as_rfc_6749_asks() {
        let value = basic_header("id:1", &Secret::new("s e&c")).unwrap();
        let encoded = value.to_str().unwrap().strip_prefix("Basic ").unwrap();
        let decoded = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
        assert_eq!(decoded, "id%3A1:s+e%26c");
        assert!(value.is_sensitive());
    }
}

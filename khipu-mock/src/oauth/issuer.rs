//! The sandbox's identity server, as state: the key its JWTs are signed with, the codes and
//! refresh tokens it issued, what it revoked, and what it counted. A leaf module (no handler).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// What an authorization code or a refresh token was issued for.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    /// The PKCE S256 challenge (codes only).
    pub(crate) challenge: String,
    pub(crate) scope: Option<String>,
    /// Unix milliseconds after which a code is refused (codes live a minute, as RFC 6749
    /// section 4.1.2 recommends at most ten).
    pub(crate) expires_ms: u64,
}

/// Why a bearer token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    NotIssuedHere,
    Expired,
    Revoked,
}

impl Rejection {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Rejection::NotIssuedHere => "invalid JWT: not issued by this identity server",
            Rejection::Expired => "expired JWT",
            Rejection::Revoked => "revoked JWT",
        }
    }
}

pub(crate) struct Issuer {
    /// SHA-256's block size: HMAC uses a key of this size as it is.
    key: [u8; 64],
    ttl: Duration,
    next_jti: AtomicU64,
    /// Tokens with a `jti` below this are revoked.
    revoked_below: AtomicU64,
    token_requests: AtomicU64,
    data_requests: AtomicU64,
    rejected: AtomicU64,
    codes: Mutex<HashMap<String, Grant>>,
    refresh_tokens: Mutex<HashMap<String, Grant>>,
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Issuer {
    pub(crate) fn new(ttl: Duration, seed: u64) -> Self {
        let mut key = [0u8; 64];
        if getrandom::getrandom(&mut key).is_err() {
            // A sandbox key need not be secret from the machine it runs on; it must differ
            // between runs so tokens of an earlier run are "not issued here".
            let fallback = khipu_types::payments::hmac_hex("khipu-mock key", &seed.to_string());
            for (k, b) in key.iter_mut().zip(fallback.bytes()) {
                *k = b;
            }
        }
        Self {
            key,
            ttl,
            next_jti: AtomicU64::new(1),
            revoked_below: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            data_requests: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            codes: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as KeyInit>::new(&self.key.into())
    }

    /// A signed JWT (HS256) for `subject`, living the configured time.
    pub(crate) fn access_token(&self, issuer: &str, subject: &str, scope: Option<&str>) -> String {
        let now = now_ms();
        let jti = self.next_jti.fetch_add(1, Ordering::Relaxed);
        // NumericDate may be fractional (RFC 7519 section 2): tokens of a second or two expire
        // to the millisecond.
        let claims = json!({
            "iss": issuer, "sub": subject, "aud": "khipu-open-data",
            "iat": now as f64 / 1000.0,
            "exp": (now + self.ttl.as_millis() as u64) as f64 / 1000.0,
            "jti": jti, "scope": scope,
        });
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// Checks a bearer token: signed with this sandbox's key (constant-time), not expired, not
    /// revoked.
    pub(crate) fn verify(&self, token: &str) -> Result<(), Rejection> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejection::NotIssuedHere);
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Rejection::NotIssuedHere)?;
        let mut mac = self.mac();
        mac.update(format!("{header}.{payload}").as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| Rejection::NotIssuedHere)?;
        let claims: Value = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(Rejection::NotIssuedHere)?;
        let exp = claims["exp"].as_f64().ok_or(Rejection::NotIssuedHere)?;
        if (exp * 1000.0) as u64 <= now_ms() {
            return Err(Rejection::Expired);
        }
        let jti = claims["jti"].as_u64().ok_or(Rejection::NotIssuedHere)?;
        if jti < self.revoked_below.load(Ordering::Relaxed) {
            return Err(Rejection::Revoked);
        }
        Ok(())
    }

    /// Revokes every token issued so far; returns how many that is.
    pub(crate) fn revoke_all(&self) -> u64 {
        let next = self.next_jti.load(Ordering::Relaxed);
        self.revoked_below.store(next, Ordering::Relaxed);
        lock(&self.refresh_tokens).clear();
        next.saturating_sub(1)
    }

    /// An opaque one-time value (a code or a refresh token).
    pub(crate) fn opaque(&self, kind: &str) -> String {
        let mut mac = self.mac();
        let n = self.next_jti.fetch_add(1, Ordering::Relaxed);
        mac.update(format!("{kind}:{n}:{}", now_ms()).as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    pub(crate) fn remember_code(&self, code: &str, grant: Grant) {
        lock(&self.codes).insert(code.to_owned(), grant);
    }

    /// The grant of a code, which is used up (a code is good once).
    pub(crate) fn take_code(&self, code: &str) -> Option<Grant> {
        lock(&self.codes).remove(code)
    }

    pub(crate) fn remember_refresh(&self, token: &str, grant: Grant) {
        lock(&self.refresh_tokens).insert(token.to_owned(), grant);
    }

    /// The grant of a refresh token, which is rotated (good once).
    pub(crate) fn take_refresh(&self, token: &str) -> Option<Grant> {
        lock(&self.refresh_tokens).remove(token)
    }

    pub(crate) fn count_token_request(&self) {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_data_request(&self, rejected: bool) {
        self.data_requests.fetch_add(1, Ordering::Relaxed);
        if rejected {
            self.rejected.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `(token requests, bank requests, bank requests refused 401)` so far.
    pub(crate) fn counts(&self) -> (u64, u64, u64) {
        (
            self.token_requests.load(Ordering::Relaxed),
            self.data_requests.load(Ordering::Relaxed),
            self.rejected.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_until_they_expire_or_are_revoked_and_forgeries_never() {
        let issuer = Issuer::new(Duration::from_millis(300), 1);
        let token = issuer.access_token("http://127.0.0.1:1", "client", None);
        assert_eq!(issuer.verify(&token), Ok(()));
        let mut forged = token.clone();
        forged.pop();
        forged.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(issuer.verify(&forged), Err(Rejection::NotIssuedHere));
        let other = Issuer::new(Duration::from_secs(60), 2);
        assert_eq!(
            other.verify(&token),
            Err(Rejection::NotIssuedHere),
            "another run's key"
        );
        assert_eq!(
            issuer.verify("any-bearer-text"),
            Err(Rejection::NotIssuedHere)
        );
        issuer.revoke_all();
        assert_eq!(issuer.verify(&token), Err(Rejection::Revoked));
        let fresh = issuer.access_token("http://127.0.0.1:1", "client", None);
        assert_eq!(issuer.verify(&fresh), Ok(()));
        std::thread::sleep(Duration::from_millis(350));
        assert_eq!(issuer.verify(&fresh), Err(Rejection::Expired));
    }
}

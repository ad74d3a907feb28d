//! Khipu's 3.0 payment notifications (webhooks), verified before anything is trusted.
//!
//! When a payment created with `notify_api_version: "3.0"` is paid, Khipu POSTs its data as JSON to
//! `notify_url`, with the header `x-khipu-signature: t=<unix time in ms>,s=<signature>`, where
//! `signature = base64(HMAC-SHA256(key = the merchant secret, message = t + "." + raw body))`.
//! Khipu retries for up to two days until it gets HTTP 200, and two deliveries of one payment can
//! arrive at once: drop repeats by `payment_id`.
//!
//! [`verify`] (or a [`Verifier`] with another tolerance or a fixed clock) checks, in order:
//! 1. the header's form ([`NotificationError::MalformedHeader`]);
//! 2. the HMAC, in constant time, over the raw bytes as received
//!    ([`NotificationError::BadSignature`]);
//! 3. the timestamp, within [`DEFAULT_TOLERANCE`] of now in either direction
//!    ([`NotificationError::TooOld`], [`NotificationError::TooNew`]); Khipu documents no replay
//!    window, so the timestamp is the only defence against a replayed notification;
//! 4. only then decodes the body ([`NotificationError::Undecodable`]).
//!
//! Answer 400 to any error (Khipu's own module does) and 200 once the payment is handled.
//!
//! ```
//! use khipu::payments::notification::{NotificationError, Verifier};
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! let body = br#"{"payment_id":"zfxnocsow6mz","receiver_id":990939,"amount":"1000.0000","currency":"CLP"}"#;
//! let t = 1_711_965_600_393; // unix ms
//! let verifier = Verifier::new("merchant-secret").now(UNIX_EPOCH + Duration::from_millis(t));
//! let header = verifier.sign(body, t); // what Khipu would send in x-khipu-signature
//! let n = verifier.verify(body, &header)?;
//! assert_eq!(n.payment_id, "zfxnocsow6mz");
//! assert_eq!(verifier.verify(b"{}", &header), Err(NotificationError::BadSignature));
//! # Ok::<(), NotificationError>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::api::types::PaymentNotification;
use crate::Secret;

/// How far a notification's timestamp may be from now, either way, by default: 5 minutes.
/// Khipu does not document whether its retries are signed anew; if late retries are refused in
/// your logs, raise it with [`Verifier::tolerance`].
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The header Khipu signs notifications in.
pub const SIGNATURE_HEADER: &str = "x-khipu-signature";

/// Why a notification must not be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationError {
    /// The `x-khipu-signature` value is not `t=<ms>,s=<base64>`.
    MalformedHeader(String),
    /// The signature does not match the body and the secret.
    BadSignature,
    /// The timestamp is older than the tolerance allows.
    TooOld {
        /// How long ago it was signed.
        age: Duration,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// The timestamp is further in the future than the tolerance allows.
    TooNew {
        /// How far ahead.
        ahead: Duration,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// The signature is valid but the body is not a payment notification.
    Undecodable(String),
}

impl std::fmt::Display for NotificationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MalformedHeader(what) => write!(f, "malformed x-khipu-signature header: {what}"),
            Self::BadSignature => write!(
                f,
                "the signature does not match the body (wrong secret, or the body was changed)"
            ),
            Self::TooOld { age, tolerance, .. } => write!(
                f,
                "the notification is too old: signed {age:?} ago, tolerance {tolerance:?}"
            ),
            Self::TooNew {
                ahead, tolerance, ..
            } => write!(
                f,
                "the notification is from the future: signed {ahead:?} ahead, tolerance {tolerance:?}"
            ),
            Self::Undecodable(what) => {
                write!(f, "the signed body is not a payment notification: {what}")
            }
        }
    }
}

impl std::error::Error for NotificationError {}

/// Verifies notifications with the merchant secret. `Debug` never shows the secret.
#[derive(Clone)]
pub struct Verifier {
    secret: Secret,
    tolerance: Duration,
    now: Option<SystemTime>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secret", &self.secret)
            .field("tolerance", &self.tolerance)
            .field("now", &self.now)
            .finish()
    }
}

/// Verifies one notification with [`DEFAULT_TOLERANCE`] and the system clock.
pub fn verify(
    body: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<PaymentNotification, NotificationError> {
    Verifier::new(secret).verify(body, signature_header)
}

/// The parts of an `x-khipu-signature` value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    millis: u64,
    signatures: Vec<Vec<u8>>,
}

fn parse_header(value: &str) -> Result<Header, NotificationError> {
    let bad = |why: &str| NotificationError::MalformedHeader(why.to_owned());
    let mut millis = None;
    let mut signatures = Vec::new();
    for part in value.split(',') {
        let (key, val) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| bad("expected `t=<ms>,s=<signature>`"))?;
        match key.trim() {
            "t" => {
                if millis.is_some() {
                    return Err(bad("`t` appears twice"));
                }
                let digits = val.trim();
                if digits.is_empty()
                    || digits.len() > 15
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(bad("`t` must be a unix time in milliseconds"));
                }
                millis = Some(digits.parse().map_err(|_| bad("`t` is out of range"))?);
            }
            "s" => signatures.push(
                STANDARD
                    .decode(val.trim())
                    .map_err(|_| bad("`s` is not base64"))?,
            ),
            // Unknown keys are ignored, so a future addition by Khipu does not break verification.
            _ => {}
        }
    }
    let millis = millis.ok_or_else(|| bad("no `t=` timestamp"))?;
    if signatures.is_empty() {
        return Err(bad("no `s=` signature"));
    }
    Ok(Header { millis, signatures })
}

impl Verifier {
    /// A verifier with the merchant `secret` (the collection account's secret, not the API key).
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: Secret::new(secret),
            tolerance: DEFAULT_TOLERANCE,
            now: None,
        }
    }

    /// How far the timestamp may be from now, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Uses `now` instead of the system clock (tests, replays of stored notifications).
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Checks `body` (the raw bytes, as received) against the `x-khipu-signature` value, then
    /// decodes it.
    pub fn verify(
        &self,
        body: &[u8],
        signature_header: &str,
    ) -> Result<PaymentNotification, NotificationError> {
        let header = parse_header(signature_header)?;
        let millis = header.millis.to_string();
        let key = self.secret.expose().as_bytes();
        let matches = header.signatures.iter().any(|signature| {
            // Compared in constant time.
            khipu_types::mac::hmac_sha256_verify(key, &[millis.as_bytes(), b".", body], signature)
        });
        if !matches {
            return Err(NotificationError::BadSignature);
        }
        let signed = UNIX_EPOCH + Duration::from_millis(header.millis);
        let now = self.now.unwrap_or_else(SystemTime::now);
        match now.duration_since(signed) {
            Ok(age) if age > self.tolerance => {
                return Err(NotificationError::TooOld {
                    age,
                    tolerance: self.tolerance,
                });
            }
            Err(ahead) if ahead.duration() > self.tolerance => {
                return Err(NotificationError::TooNew {
                    ahead: ahead.duration(),
                    tolerance: self.tolerance,
                });
            }
            _ => {}
        }
        serde_json::from_slice(body).map_err(|e| NotificationError::Undecodable(e.to_string()))
    }

    /// The `x-khipu-signature` value for `body` at `millis`, as Khipu would send it (for tests and
    /// the sandbox).
    pub fn sign(&self, body: &[u8], millis: u64) -> String {
        let signature =
            khipu_types::payments::notification_signature(self.secret.expose(), body, millis);
        format!("t={millis},s={signature}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms() {
        assert_eq!(
            parse_header(" t=12 , s=AAAA ,v=ignored").unwrap(),
            Header {
                millis: 12,
                signatures: vec![vec![0, 0, 0]]
            }
        );
        for bad in [
            "",
            "t=1",
            "s=AAAA",
            "t=x,s=AAAA",
            "t=1,t=2,s=AAAA",
            "t=1,s=***",
            "garbage",
            "t=-1,s=AAAA",
            "t=1234567890123456,s=AAAA",
        ] {
            assert!(
                matches!(
                    parse_header(bad),
                    Err(NotificationError::MalformedHeader(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        assert!(!format!("{:?}", Verifier::new("hunter2")).contains("hunter2"));
    }
}

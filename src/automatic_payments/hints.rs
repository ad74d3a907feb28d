//! What Khipu POSTs for Automatic Payments: to a subscription's `notify_url` ([`subscription`]),
//! to a charge's `error_response_url` ([`charge_error`]) and to a charge's `notify_url`
//! ([`charge_notification`]).
//!
//! Khipu documents no signature, token or authenticated field on the first two: anyone can send
//! these bodies. They are **hints**, never proof: read the subscription's status
//! ([`Client::subscription_of`](super::Client::subscription_of)) or the payment before acting, and answer the
//! POST whatever the body says. The types here do not expose a status to act on directly: what
//! Khipu claims is [`SubscriptionHint::claimed_status`].
//!
//! A charge's `notify_url` receives a payment notification: with `notify_api_version: "3.0"` it
//! is signed, and [`charge_notification`] (the payments verifier, feature `payments-v3-0`)
//! checks it before decoding; with `1.3` it carries a token to fetch the payment with.

use serde::Deserialize;

/// A notice that a subscription changed (signed, ended): re-read it before acting.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionHint {
    subscription_id: String,
    status: String,
}

impl SubscriptionHint {
    /// The subscription the notice names.
    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    /// What the unsigned notice claims (`enabled`, `disabled`, `discarded`): never act on it.
    pub fn claimed_status(&self) -> &str {
        &self.status
    }
}

/// A notice that a charge failed: re-read the payment (or the subscription) before acting.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ChargeErrorHint {
    subscription_id: String,
    #[serde(default)]
    transaction_id: Option<String>,
    #[serde(default)]
    error_message: String,
    #[serde(default)]
    payment_id: Option<String>,
}

impl ChargeErrorHint {
    /// The subscription charged.
    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    /// Your id of the charge, as the notice repeats it.
    pub fn transaction_id(&self) -> Option<&str> {
        self.transaction_id.as_deref()
    }

    /// The charge's payment, when the notice names it (Khipu's newer revision does).
    pub fn payment_id(&self) -> Option<&str> {
        self.payment_id.as_deref()
    }

    /// Why the charge failed, as the unsigned notice claims it (text from the network: sanitize
    /// before showing it in a terminal).
    pub fn claimed_reason(&self) -> &str {
        &self.error_message
    }
}

/// A body that is not such a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintError(String);

impl std::fmt::Display for HintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self(what) = self;
        write!(f, "not a Khipu automatic-payments notice: {what}")
    }
}

impl std::error::Error for HintError {}

/// Reads what Khipu POSTs to a subscription's `notify_url`.
pub fn subscription(body: &[u8]) -> Result<SubscriptionHint, HintError> {
    serde_json::from_slice(body).map_err(|e| HintError(e.to_string()))
}

/// Reads what Khipu POSTs to a charge's `error_response_url`.
pub fn charge_error(body: &[u8]) -> Result<ChargeErrorHint, HintError> {
    serde_json::from_slice(body).map_err(|e| HintError(e.to_string()))
}

/// Verifies and reads what Khipu POSTs to a charge's `notify_url` with `notify_api_version`
/// `3.0`: the charge's payment notification, signed like any payment's (see
/// [`payments::notification`](crate::payments::notification) for the checks and a `Verifier`
/// with another tolerance or clock).
#[cfg(feature = "payments-v3-0")]
pub fn charge_notification(
    body: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<
    crate::payments::api::types::PaymentNotification,
    crate::payments::notification::NotificationError,
> {
    crate::payments::notification::verify(body, signature_header, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn khipus_documented_bodies_read_as_hints() {
        let notice = subscription(
            br#"{"subscription_id":"13a0f1aa-5e47-4894-aa8b-282dd19593ec","status":"enabled"}"#,
        )
        .unwrap();
        assert_eq!(
            notice.subscription_id(),
            "13a0f1aa-5e47-4894-aa8b-282dd19593ec"
        );
        assert_eq!(notice.claimed_status(), "enabled");
        let failed = charge_error(
            br#"{"subscription_id":"s","transaction_id":"INV-1","error_message":"monto excedido"}"#,
        )
        .unwrap();
        assert_eq!(
            (failed.transaction_id(), failed.payment_id()),
            (Some("INV-1"), None)
        );
        let newer = charge_error(br#"{"subscription_id":"s","transaction_id":"INV-1","error_message":"x","payment_id":"v67prof2ugg3"}"#).unwrap();
        assert_eq!(newer.payment_id(), Some("v67prof2ugg3"));
        assert!(subscription(b"status=enabled").is_err());
        assert!(charge_error(b"{}").is_err());
    }
}

//! Khipu's payment notifications (API 1.3, used with payments v2.0).
//!
//! When a payment is reconciled, Khipu POSTs `api_version` and `notification_token` (form
//! encoded) to the payment's `notify_url`, and retries for up to two days until it gets HTTP 200.
//! The body proves nothing by itself: fetch the payment with the token (a signed call) and check
//! it before delivering anything:
//!
//! ```no_run
//! # async fn notify(client: &khipu::payments::v2::Client, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! use khipu::payments::v2::{Currency, Expected, notification};
//!
//! let notice = notification::parse(body)?;
//! let expected = Expected::new(1000, Currency::Clp).transaction_id("order-123");
//! let payment = client.verify_notification(&notice, &expected).await?; // Err names the failed check
//! // deliver the goods for payment.payment_id (ignore repeated notifications for the same id)
//! # Ok(()) }
//! ```

use std::fmt;

use khipu_types::Amount;

use super::Currency;
use super::types::{PaymentsResponse, PaymentsResponseStatus};
use crate::error::Error;

/// A notification as Khipu POSTs it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// The notification API version (`1.3`).
    pub api_version: String,
    /// Identifies the payment; fetch it with [`super::Client::payment_by_notification_token`].
    pub notification_token: String,
}

/// A notification body that is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedNotification(String);

impl std::fmt::Display for MalformedNotification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self(what) = self;
        write!(f, "not a Khipu notification: {what}")
    }
}

impl std::error::Error for MalformedNotification {}

/// Parses the form body Khipu POSTs to `notify_url`.
pub fn parse(body: &[u8]) -> Result<Notification, MalformedNotification> {
    let mut api_version = None;
    let mut token = None;
    for (key, value) in url::form_urlencoded::parse(body) {
        match key.as_ref() {
            "api_version" => api_version = Some(value.into_owned()),
            "notification_token" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| MalformedNotification("no notification_token".into()))?;
    if token.len() > 255 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(MalformedNotification(
            "notification_token is not an alphanumeric token".into(),
        ));
    }
    let api_version = api_version
        .filter(|v| !v.is_empty())
        .ok_or_else(|| MalformedNotification("no api_version".into()))?;
    Ok(Notification {
        api_version,
        notification_token: token,
    })
}

/// What the merchant expects of the paid payment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expected {
    /// The amount charged.
    pub amount: Amount,
    /// Its currency.
    pub currency: Currency,
    /// The merchant's own id for the payment, if it set one.
    pub transaction_id: Option<String>,
}

impl Expected {
    /// Expect `amount` in `currency`.
    pub fn new(amount: impl Into<Amount>, currency: Currency) -> Self {
        Self {
            amount: amount.into(),
            currency,
            transaction_id: None,
        }
    }

    /// Also expect this `transaction_id`.
    pub fn transaction_id(mut self, id: impl Into<String>) -> Self {
        self.transaction_id = Some(id.into());
        self
    }

    /// The first check `payment` fails, if any.
    pub fn check(&self, receiver_id: &str, payment: &PaymentsResponse) -> Result<(), VerifyError> {
        let mismatch = |check, expected: String, found: String| {
            Err(VerifyError::Mismatch {
                check,
                expected,
                found,
            })
        };
        if payment.receiver_id.to_string() != receiver_id {
            return mismatch(
                Check::Receiver,
                receiver_id.to_owned(),
                payment.receiver_id.to_string(),
            );
        }
        if self.amount != payment.amount {
            return mismatch(
                Check::Amount,
                self.amount.to_string(),
                payment.amount.to_string(),
            );
        }
        if payment.currency != self.currency.as_str() {
            return mismatch(
                Check::Currency,
                self.currency.to_string(),
                payment.currency.clone(),
            );
        }
        if let Some(id) = &self.transaction_id
            && &payment.transaction_id != id
        {
            return mismatch(
                Check::TransactionId,
                id.clone(),
                payment.transaction_id.clone(),
            );
        }
        if payment.status != PaymentsResponseStatus::Done {
            return mismatch(Check::Status, "done".into(), payment.status.to_string());
        }
        Ok(())
    }
}

/// The checks [`Expected::check`] makes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Check {
    /// The payment belongs to this collection account.
    Receiver,
    /// The amount.
    Amount,
    /// The currency.
    Currency,
    /// The merchant's transaction id.
    TransactionId,
    /// The status is `done`.
    Status,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Receiver => "receiver_id",
            Check::Amount => "amount",
            Check::Currency => "currency",
            Check::TransactionId => "transaction_id",
            Check::Status => "status",
        })
    }
}

/// Why a notification must not be honoured.
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyError {
    /// The payment could not be fetched.
    Fetch(Error),
    /// The payment is not the expected one.
    Mismatch {
        /// Which check failed.
        check: Check,
        /// What was expected.
        expected: String,
        /// What the payment says.
        found: String,
    },
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Fetch(what) => write!(f, "cannot fetch the notified payment: {what}"),
            Self::Mismatch {
                check,
                expected,
                found,
                ..
            } => write!(
                f,
                "the notified payment fails the {check} check: expected {expected}, found {found}"
            ),
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Fetch(what) => Some(what),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_khipus_form_body() {
        let n = parse(b"api_version=1.3&notification_token=9dec8aa176c5223026919b3b5579a4776923e646ff3be686b9e6b62ec042e91f").unwrap();
        assert_eq!(n.api_version, "1.3");
        assert_eq!(n.notification_token.len(), 64);
        assert!(parse(b"api_version=1.3").is_err());
        assert!(parse(b"api_version=1.3&notification_token=../../etc").is_err());
        assert!(parse(b"\xff\xfe").is_err());
    }
}

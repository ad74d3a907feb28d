//! Payments v3.0 notifications: the `x-khipu-signature` checked with one or several merchant
//! secrets (rotation), the timestamp within the tolerance, and the handler run once per payment.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::{Delivery, Ledger, Once};
use crate::payments::api::types::PaymentNotification;
use crate::payments::notification::{NotificationError, Verifier};

/// Receives Payments v3.0 notifications. `Debug` never shows the secrets.
///
/// ```
/// use khipu::notify::PaymentInbox;
///
/// # async fn endpoint(body: &[u8], signature: Option<&str>) -> u16 {
/// let inbox = PaymentInbox::new("current-secret").secret("previous-secret"); // both verify
/// let delivery = inbox
///     .receive(body, signature, |paid| async move {
///         println!("ship the order of payment {}", paid.payment_id); // once per payment
///         Ok::<(), std::io::Error>(())
///     })
///     .await;
/// delivery.status() // the answer: 200, 400 or 500
/// # }
/// ```
#[derive(Clone)]
pub struct PaymentInbox {
    verifiers: Vec<Verifier>,
    tolerance: Duration,
    once: Arc<Once>,
}

impl std::fmt::Debug for PaymentInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentInbox")
            .field("verifiers", &self.verifiers)
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl PaymentInbox {
    /// An inbox that verifies with the merchant `secret` (of the collection account, not the API
    /// key), the default tolerance, and a [`MemoryLedger`](super::MemoryLedger).
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            verifiers: vec![Verifier::new(secret)],
            tolerance: crate::payments::notification::DEFAULT_TOLERANCE,
            once: Arc::new(Once::in_memory()),
        }
    }

    /// Also accepts notifications signed with `secret`: during a rotation, configure the old and
    /// the new one.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.verifiers
            .push(Verifier::new(secret).tolerance(self.tolerance));
        self
    }

    /// How far a signature's timestamp may be from now, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self.verifiers = self
            .verifiers
            .into_iter()
            .map(|v| v.tolerance(tolerance))
            .collect();
        self
    }

    /// Where handled payments are recorded (a database of yours, to survive restarts).
    pub fn ledger(mut self, ledger: impl Ledger) -> Self {
        self.once = Arc::new(Once::with(ledger));
        self
    }

    /// The notification, if `body` carries a valid `signature` (the `x-khipu-signature` header)
    /// by any of the secrets. A wrong signature by every secret is `BadSignature`; a malformed
    /// header or a stale timestamp is said as such.
    pub fn verify(
        &self,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<PaymentNotification, NotificationError> {
        let signature = signature.ok_or_else(|| {
            NotificationError::MalformedHeader("no x-khipu-signature header".into())
        })?;
        let mut last = NotificationError::BadSignature;
        for verifier in &self.verifiers {
            match verifier.verify(body, signature) {
                Ok(notification) => return Ok(notification),
                Err(NotificationError::BadSignature) => last = NotificationError::BadSignature,
                // The same for every secret: the header's form, the clock, the body.
                Err(other) => return Err(other),
            }
        }
        Err(last)
    }

    /// Verifies, then runs `handle` unless this payment was handled already (concurrent
    /// deliveries of one payment wait for each other). The [`Delivery`]'s status is the answer.
    pub async fn receive<F, Fut, E>(
        &self,
        body: &[u8],
        signature: Option<&str>,
        handle: F,
    ) -> Delivery
    where
        F: FnOnce(PaymentNotification) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        match self.verify(body, signature) {
            Err(e) => Delivery::Rejected(e.to_string()),
            Ok(notification) => {
                let key = notification.payment_id.clone();
                self.once.run(&key, || handle(notification)).await
            }
        }
    }
}

//! Notifications that prove nothing by themselves, received by reading Khipu's state back:
//! Payments v2.0 notifications (a token, exchanged for the payment by a signed call) and
//! Automatic Payments notices (an unsigned hint, confirmed by reading the subscription). A body
//! that is not such a notice is 400 without a read; a read that fails is 500, so Khipu delivers
//! again; the handler runs once per payment (v2.0) or per subscription and status (notices).

use std::future::Future;
use std::sync::Arc;

use super::{Delivery, Ledger, Once};

/// Receives Payments v2.0 notifications (`api_version` and `notification_token`, form-encoded)
/// with the signed v2.0 client that reads the payment back.
#[cfg(feature = "payments-v2-0")]
#[derive(Clone, Debug)]
pub struct PaymentV2Inbox {
    client: crate::payments::v2::Client,
    once: Arc<Once>,
}

#[cfg(feature = "payments-v2-0")]
impl PaymentV2Inbox {
    /// An inbox reading payments back with `client`, with a [`MemoryLedger`](super::MemoryLedger).
    pub fn new(client: crate::payments::v2::Client) -> Self {
        Self {
            client,
            once: Arc::new(Once::in_memory()),
        }
    }

    /// Where handled payments are recorded.
    pub fn ledger(mut self, ledger: impl Ledger) -> Self {
        self.once = Arc::new(Once::with(ledger));
        self
    }

    /// Parses the notice, reads the payment it names (a signed call), then runs `handle` unless
    /// that payment was handled already. Check the payment (its receiver, amount, currency and
    /// `done` status: `payments::v2::Expected`) in `handle` before delivering.
    pub async fn receive<F, Fut, E>(&self, body: &[u8], handle: F) -> Delivery
    where
        F: FnOnce(crate::payments::v2::types::PaymentsResponse) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let notice = match crate::payments::v2::notification::parse(body) {
            Ok(notice) => notice,
            Err(e) => return Delivery::Rejected(e.to_string()),
        };
        let payment = match self
            .client
            .payment_by_notification_token(&notice.notification_token)
            .await
        {
            Ok(payment) => payment,
            Err(e) => return Delivery::Failed(format!("reading the payment back failed: {e}")),
        };
        let key = payment.payment_id.clone();
        self.once.run(&key, || handle(payment)).await
    }
}

/// Receives Automatic Payments subscription notices (`{"subscription_id", "status"}`, unsigned)
/// with the client that reads the subscription back: the handler gets Khipu's status, never the
/// notice's word for it.
#[cfg(feature = "automatic-payments-v1-0")]
#[derive(Clone, Debug)]
pub struct SubscriptionInbox {
    client: crate::automatic_payments::Client,
    once: Arc<Once>,
}

#[cfg(feature = "automatic-payments-v1-0")]
impl SubscriptionInbox {
    /// An inbox reading subscriptions back with `client`, with a [`MemoryLedger`](super::MemoryLedger).
    pub fn new(client: crate::automatic_payments::Client) -> Self {
        Self {
            client,
            once: Arc::new(Once::in_memory()),
        }
    }

    /// Where handled notices are recorded.
    pub fn ledger(mut self, ledger: impl Ledger) -> Self {
        self.once = Arc::new(Once::with(ledger));
        self
    }

    /// Parses the hint, reads the subscription, then runs `handle` once per subscription and
    /// status (a subscription enabled, later discarded, is handled twice: once for each).
    pub async fn receive<F, Fut, E>(&self, body: &[u8], handle: F) -> Delivery
    where
        F: FnOnce(crate::automatic_payments::api::types::SubscriptionStatus) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let hint = match crate::automatic_payments::hints::subscription(body) {
            Ok(hint) => hint,
            Err(e) => return Delivery::Rejected(e.to_string()),
        };
        let status = match self.client.subscription_of(&hint).await {
            Ok(status) => status,
            Err(e) => {
                return Delivery::Failed(format!("reading the subscription back failed: {e}"));
            }
        };
        let key = format!("{}:{}", status.subscription_id, status.status);
        self.once.run(&key, || handle(status)).await
    }
}

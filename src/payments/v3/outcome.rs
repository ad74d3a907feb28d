//! After `Error::OutcomeUnknown` on a refund or a void: Khipu's state, read back, says whether
//! the write was carried out. Khipu does not de-duplicate refunds and has answered 500 after
//! carrying one out, so sending it again blindly can refund twice. These helpers only read; the
//! caller decides what to send.
//!
//! ```no_run
//! use khipu::payments::{Client, Outcome, Refund};
//!
//! # async fn refund(client: &Client, id: &str, amount: khipu::Amount) -> Result<(), khipu::Error> {
//! let mark = client.refund_mark(id).await?; // the refunds before this one
//! let mut sent = client.refund(id, Refund::Partial(amount)).await;
//! loop {
//!     match sent {
//!         Ok(_) => return Ok(()),
//!         Err(e) if e.is_outcome_unknown() => match client.refund_outcome(&mark).await {
//!             Outcome::Done => return Ok(()),                 // Khipu did it: never send it again
//!             Outcome::NotDone => sent = client.refund(id, Refund::Partial(amount)).await,
//!             Outcome::StillUnknown(_) => {
//!                 tokio::time::sleep(std::time::Duration::from_secs(30)).await; // ask again later
//!                 sent = Err(e);
//!             }
//!             _ => return Err(e),
//!         },
//!         Err(e) => return Err(e),
//!     }
//! }
//! # }
//! ```

use khipu_types::Amount;

use super::Client;
use super::api::types::PaymentGetPaymentStatusDetail;
use crate::error::Error;

/// What Khipu's state says about a write whose outcome was unknown.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// Khipu carried it out: do not send it again.
    Done,
    /// Khipu did not: sending it again is safe.
    NotDone,
    /// Khipu's state could not be read (the error says why): ask again later, and do not send
    /// the write again meanwhile.
    StillUnknown(Error),
}

/// A payment's refunds before a refund is sent: what [`Client::refund_outcome`] compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundMark {
    payment_id: String,
    refunds: usize,
    total_refunded: Option<Amount>,
}

impl RefundMark {
    /// The payment.
    pub fn payment_id(&self) -> &str {
        &self.payment_id
    }

    /// How many refunds it had.
    pub fn refunds(&self) -> usize {
        self.refunds
    }
}

impl Client {
    /// The payment's refunds as they are now (one read), to take before a refund.
    pub async fn refund_mark(&self, payment_id: &str) -> Result<RefundMark, Error> {
        let payment = self.payment(payment_id).await?;
        Ok(RefundMark {
            payment_id: payment_id.to_owned(),
            refunds: payment.refunds.len(),
            total_refunded: payment.total_refunded,
        })
    }

    /// After `OutcomeUnknown` on a refund: `Done` when the payment has a refund more than at
    /// `mark` (or a different `total_refunded`), `NotDone` when it has the same, `StillUnknown`
    /// when it cannot be read. Sends nothing but the read.
    pub async fn refund_outcome(&self, mark: &RefundMark) -> Outcome {
        match self.payment(&mark.payment_id).await {
            Err(e) => Outcome::StillUnknown(e),
            Ok(payment)
                if payment.refunds.len() > mark.refunds
                    || payment.total_refunded != mark.total_refunded =>
            {
                Outcome::Done
            }
            Ok(_) => Outcome::NotDone,
        }
    }

    /// After `OutcomeUnknown` on [`void_payment`](Client::void_payment): `Done` when the payment
    /// shows `status_detail` `reversed` (or a `void_payout_date`), `NotDone` otherwise,
    /// `StillUnknown` when it cannot be read.
    pub async fn void_outcome(&self, payment_id: &str) -> Outcome {
        match self.payment(payment_id).await {
            Err(e) => Outcome::StillUnknown(e),
            Ok(p)
                if p.status_detail == Some(PaymentGetPaymentStatusDetail::Reversed)
                    || p.void_payout_date.is_some() =>
            {
                Outcome::Done
            }
            Ok(_) => Outcome::NotDone,
        }
    }
}

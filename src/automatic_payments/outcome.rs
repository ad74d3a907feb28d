//! After `Error::OutcomeUnknown` on a charge: [`Heard`] and `Client::charge_outcome`.
//!
//! ```no_run
//! use khipu::automatic_payments::{Client, Heard, NewCharge};
//! use khipu::payments::Outcome;
//!
//! # async fn charge(pac: &Client, payments: &khipu::payments::Client, charge: NewCharge,
//! #     next_notice: impl Fn() -> Heard<'static>) -> Result<(), khipu::Error> {
//! if let Err(e) = pac.charge(&charge).await {
//!     if !e.is_outcome_unknown() {
//!         return Err(e);
//!     }
//!     loop {
//!         // `next_notice` stands for your receiving code: what arrived for this charge so far.
//!         match pac.charge_outcome(payments, &charge, next_notice()).await {
//!             Outcome::Done => break,                 // created: never charge it again
//!             Outcome::NotDone => return Err(e),      // refused: a new charge is your decision
//!             _ => tokio::time::sleep(std::time::Duration::from_secs(600)).await,
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```

use super::api::operations;
use super::client::Client;
use super::hints::ChargeErrorHint;
use super::requests::NewCharge;
use crate::error::{Context, Error};
use crate::payments::Outcome;
use crate::payments::api::types::{
    PaymentGetPayment, PaymentGetPaymentStatus, PaymentNotification,
};

/// What Khipu has sent about a charge whose answer was lost.
///
/// After `Error::OutcomeUnknown` on a charge, did Khipu create it? Khipu offers no lookup of a
/// charge by your `transaction_id`, so the answer comes from what Khipu sends later, checked by
/// a signed read of the payment it names (the rule, stated once):
///
/// - a verified payment notification for the charge's `transaction_id` (its `notify_url`, with
///   `notify_api_version` `3.0`) whose payment reads back with that `transaction_id`: **Done**;
/// - Khipu's `error_response_url` notice for that subscription and `transaction_id`: Khipu
///   received the charge and refused it, **NotDone**, unless the payment it names reads back
///   `done` (then Done). The notice is unsigned, so give each charge an `error_response_url`
///   nobody else knows (a random path segment) before you trust it this far;
/// - nothing yet, or a read that fails: **StillUnknown**. A charge answered 500 without being
///   created stays here: Khipu never says so. Do not charge again meanwhile.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Heard<'a> {
    /// Nothing yet.
    Nothing,
    /// The charge's payment notification, verified
    /// ([`hints::charge_notification`](super::hints::charge_notification)).
    Paid(&'a PaymentNotification),
    /// The charge's `error_response_url` notice.
    Refused(&'a ChargeErrorHint),
}

impl Client {
    /// Whether `charge`, answered with `OutcomeUnknown`, was created, from what Khipu sent since
    /// (the rule is in [`Heard`]'s docs). Sends nothing but the read of the payment a notice names, with
    /// `payments`; never the charge.
    pub async fn charge_outcome(
        &self,
        payments: &crate::payments::Client,
        charge: &NewCharge,
        heard: Heard<'_>,
    ) -> Outcome {
        let Some(transaction_id) = charge.transaction_id.as_deref() else {
            return unknown(
                "the charge has no transaction_id, so nothing Khipu sends can be matched to it",
            );
        };
        match heard {
            Heard::Nothing => unknown(&format!(
                "no word from Khipu yet about transaction `{transaction_id}`: its notify_url or error_response_url will hear"
            )),
            Heard::Paid(notice) if notice.transaction_id.as_deref() != Some(transaction_id) => {
                unknown(&format!(
                    "the notification is for payment {} of another transaction",
                    notice.payment_id
                ))
            }
            Heard::Paid(notice) => match payments.payment(&notice.payment_id).await {
                Ok(p) if of(&p, transaction_id) => Outcome::Done,
                Ok(_) => unknown(&format!(
                    "payment {} reads back with another transaction_id",
                    notice.payment_id
                )),
                Err(e) => Outcome::StillUnknown(e),
            },
            Heard::Refused(hint)
                if hint.subscription_id() != charge.subscription_id
                    || hint.transaction_id() != Some(transaction_id) =>
            {
                unknown("the error notice is for another charge")
            }
            Heard::Refused(hint) => match hint.payment_id() {
                None => Outcome::NotDone,
                Some(id) => match payments.payment(id).await {
                    Ok(p)
                        if of(&p, transaction_id) && p.status == PaymentGetPaymentStatus::Done =>
                    {
                        Outcome::Done
                    }
                    Ok(p) if of(&p, transaction_id) => Outcome::NotDone,
                    Ok(_) => unknown(&format!(
                        "payment {id} (from the error notice) reads back with another transaction_id"
                    )),
                    Err(Error::NotFound { .. }) => Outcome::NotDone,
                    Err(e) => Outcome::StillUnknown(e),
                },
            },
        }
    }
}

/// The payment is the charge's.
fn of(payment: &PaymentGetPayment, transaction_id: &str) -> bool {
    payment.transaction_id.as_deref() == Some(transaction_id)
}

fn unknown(cause: &str) -> Outcome {
    Outcome::StillUnknown(Error::OutcomeUnknown {
        context: Context::of(&operations::CREATE_CHARGE_1),
        cause: cause.to_owned(),
        status: None,
    })
}

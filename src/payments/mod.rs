//! Khipu's instant Payments API: v3.0, the API merchants integrate today, at the top of this
//! module (feature `payments-v3-0`); v2.0, signed form posts, in [`v2`] (feature `payments-v2-0`).
//!
//! Both clients are built from a [`Config`](crate::Config) like every client of the SDK and fail
//! with the one [`Error`](crate::Error):
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use khipu::payments::{Client, NewPayment};
//! use khipu::{Config, Credentials};
//!
//! let client = Client::new(&Config::new(Credentials::api_key(std::env::var("KHIPU_API_KEY")?)))?;
//! let created = client
//!     .create_payment(
//!         &NewPayment::new(1000, "CLP", "Order 123")
//!             .transaction_id("order-123")
//!             .notify_url("https://my-shop.example/khipu/notify")
//!             .notify_api_version("3.0"),
//!     )
//!     .await?;
//! let payment = client.payment(&created.payment_id).await?;
//! println!("{} {} {}", payment.payment_id, payment.amount, payment.status);
//! # Ok(()) }
//! ```
//!
//! - Amounts are [`Amount`](crate::Amount)s: exact decimals (no `f64`), written as `1000` or `1234.5`, read from
//!   numbers and from decimal strings (`"1000.0000"`).
//! - Writes (create, confirm, refund, void, delete, receiver) are sent once. A 5xx, an answer that
//!   does not decode, a timeout or a broken connection after sending is
//!   [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown): Khipu may have done it, so look the
//!   payment up before trying again (Khipu does not de-duplicate refunds: look for it in the
//!   payment's `refunds`). Reads retry 5xx and transport failures with bounded backoff.
//! - Refunds: [`Client::refund`] (`Refund::Full` or `Refund::Partial(amount)`, from the refund
//!   wallet, [`Client::refund_wallet`]) and [`Client::void_payment`]; predictions for one bank or
//!   all ([`Client::predict_all`]); an integrator's collection accounts as a stream
//!   ([`Client::receivers`]).
//! - Khipu's 400 is [`Error::Validation`](crate::Error::Validation), with its per-field errors.
//! - [`notification::verify`] checks a 3.0 notification's signature and age before decoding it.

mod new_payment;
#[cfg(feature = "payments-v2-0")]
pub mod v2;
#[cfg(feature = "payments-v3-0")]
mod v3;

pub use new_payment::NewPayment;

/// How much of a payment to give back (v3.0's `refund` and v2.0's alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refund {
    /// All of what is still refundable.
    Full,
    /// This much of it (at most what remains).
    Partial(khipu_types::Amount),
}
#[cfg(feature = "payments-v3-0")]
pub use v3::{
    BankPrediction, Client, Outcome, PredictQuery, PredictResult, Prediction, Receiver, RefundMark,
    api, notification,
};

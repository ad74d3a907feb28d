//! Khipu's Automatic Payments API v1 (PAC: a subscription with a bank direct-debit mandate, then
//! charges), feature `automatic-payments-v1-0`. Built from a [`Config`](crate::Config) with the
//! merchant's API key, like every client of the SDK.
//!
//! ```no_run
//! # async fn run() -> Result<(), khipu::Error> {
//! use khipu::automatic_payments::{Client, NewCharge, NewSubscription};
//! use khipu::{Config, Credentials};
//!
//! let client = Client::new(&Config::new(Credentials::api_key("<merchant API key>")))?;
//! let subscription = client
//!     .subscribe(
//!         &NewSubscription::new("Plan Pro 11.222.333-0", "ana@example.cl", 20_000, "CLP")
//!             .notify_url("https://my-shop.example/khipu/subscription")
//!             .return_url("https://my-shop.example/subscribed")
//!             .cancel_url("https://my-shop.example/not-subscribed"),
//!     )
//!     .await?;
//! println!("send the customer to {}", subscription.redirect_url);
//! // ... once Khipu's notice arrives and the status reads ENABLED:
//! let charge = client
//!     .charge(
//!         &NewCharge::new(&subscription.subscription_id, 9_990, "Plan Pro, diciembre")
//!             .notify_url("https://my-shop.example/khipu/notify")
//!             .notify_api_version("3.0")
//!             .error_response_url("https://my-shop.example/khipu/charge-error")
//!             .transaction_id("INV-2026-12"),
//!     )
//!     .await?;
//! println!("the charge is payment {}", charge.payment_id);
//! # Ok(()) }
//! ```
//!
//! - Subscribing, cancelling and charging are writes: sent once, never retried; a failure after
//!   sending is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown): read the subscription's
//!   status before trying again; for a charge, [`Client::charge_outcome`] reads what Khipu sent
//!   since (feature `payments-v3-0`).
//! - Khipu's pages and its newer revision differ (statuses `PENDING` and `DISCARDED`,
//!   `customer_bank_code` missing, `max_amount_per_charge`, optional `body`/`custom`/
//!   `transaction_id`, 201 instead of 200, 422 with an `error_code`): the client reads both, and
//!   [`NewSubscription::max_amount_per_charge`] sends the newer field. Cancelling is known only
//!   from third-party code.
//! - What Khipu POSTs to a subscription's `notify_url` and to a charge's `error_response_url` is
//!   unsigned: [`hints`] reads them as hints to re-read the subscription or the payment, never as
//!   proof. A charge's `notify_url` receives a payment notification: with `notify_api_version`
//!   `3.0` it is signed, and [`hints::charge_notification`] verifies it.
//! - A charge is a Khipu payment: read it (and verify its notification) with the Payments v3.0
//!   client, feature `payments-v3-0` (on by default, like this one).

mod client;
pub mod hints;
#[cfg(feature = "payments-v3-0")]
mod outcome;
mod requests;

pub use client::Client;
/// The generated Automatic Payments client and its types (from
/// `specs/automatic-payments/v1.0.yaml`).
pub use khipu_generated::automatic_payments::v1_0 as api;
#[cfg(feature = "payments-v3-0")]
pub use outcome::Heard;
pub use requests::{NewCharge, NewSubscription};

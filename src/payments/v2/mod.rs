//! The Payments API v2.0: form posts signed with the collection account's secret
//! (`Authorization: <receiver_id>:<HMAC>`), and 1.3 notifications that carry only a token.
//!
//! ```no_run
//! # async fn run() -> Result<(), khipu::Error> {
//! use khipu::payments::NewPayment;
//! use khipu::payments::v2::Client;
//! use khipu::{Config, Credentials};
//!
//! let client = Client::new(&Config::new(Credentials::signed("985101", "<secret>")))?;
//! let created = client
//!     .create_payment(
//!         &NewPayment::new(1000, "CLP", "Cobro de prueba")
//!             .transaction_id("order-123")
//!             .notify_url("https://my-shop.example/khipu/notify"),
//!     )
//!     .await?;
//! println!("pay at {}", created.payment_url);
//! # Ok(()) }
//! ```
//!
//! Create, delete, confirm, refund and receiver creation are never retried (a failure after the
//! request may have reached Khipu is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown)); the
//! reads (banks, payment, payment by token, payment methods) are retried a bounded number of times
//! on 5xx and transport failures.

mod client;
pub mod notification;

pub use api::types;
pub use client::Client;
/// The generated v2.0 client and its types (from `specs/payments/v2.0.yaml` and its overlay).
pub use khipu_generated::payments::v2_0 as api;
pub use notification::{Check, Expected, Notification, VerifyError};

/// ISO 4217 currency of a v2.0 payment; keeps codes this version does not know.
pub type Currency = types::PaymentsCreateRequestCurrency;

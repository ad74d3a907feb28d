//! The Payments API v2.0: form posts signed with the collection account's secret
//! (`Authorization: <receiver_id>:<HMAC>`; see [`khipu_types::payments`]), and 1.3 notifications
//! that carry only a token.
//!
//! ```no_run
//! # async fn run() -> Result<(), khipu::payments::PaymentsError> {
//! use khipu::payments::v2::{Client, Currency, types};
//!
//! let client = Client::new("985101", std::env::var("KHIPU_SECRET").unwrap_or_default())?;
//! let created = client
//!     .create_payment(
//!         types::PaymentsCreateRequest::builder()
//!             .amount(1000)
//!             .currency(Currency::Clp)
//!             .subject("Cobro de prueba")
//!             .transaction_id(Some("order-123".parse().unwrap()))
//!             .notify_url(Some("https://my-shop.example/khipu/notify".parse().unwrap())),
//!     )
//!     .await?;
//! println!("pay at {}", created.payment_url);
//! # Ok(()) }
//! ```
//!
//! Create, delete, confirm, refund and receiver creation are never retried (a failure after the
//! request may have reached Khipu is [`PaymentsError::OutcomeUnknown`]); the reads (banks,
//! payment, payment by token, payment methods) are retried a bounded number of times on 5xx and
//! transport failures.

mod client;
pub mod notification;

pub use api::types;
pub use client::{Client, DEFAULT_BASE_URL};
pub use khipu_generated::payments::v2_0 as api;
pub use khipu_types::payments::Signer;
pub use notification::{Check, Expected, Notification, VerifyError};

#[allow(unused_imports)] // linked from the docs above
use super::PaymentsError;

/// ISO 4217 currency of a new payment; keeps codes this version does not know.
pub type Currency = types::PaymentsCreateRequestCurrency;

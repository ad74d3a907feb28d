//! Khipu's instant Payments API v2.0: a signed, typed client.
//!
//! ```no_run
//! # async fn run() -> Result<(), khipu::payments::PaymentsError> {
//! use khipu::payments::{Client, Currency, types};
//!
//! let client = Client::new("985101", std::env::var("KHIPU_SECRET").unwrap_or_default())?;
//! let created = client
//!     .create_payment(
//!         types::PaymentsCreateRequest::builder()
//!             .amount(1000.0)
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
//! Every request is signed as Khipu documents (`Authorization: <receiver_id>:<hmac>`; see
//! [`khipu_types::payments`]). Create, delete, confirm, refund and receiver creation are never
//! retried automatically; the reads (banks, payment, payment by token, payment methods) are retried
//! a bounded number of times on 503 and transport failures.

mod client;
mod error;
pub mod notification;

pub use client::{Client, DEFAULT_BASE_URL};
pub use error::{FieldError, PaymentsError};
pub use khipu_generated::payments::v2_0;
pub use khipu_types::payments::Signer;
pub use notification::{Check, Expected, Notification, VerifyError};
pub use v2_0::types;

/// ISO 4217 currency of a new payment; keeps codes this version does not know.
pub type Currency = types::PaymentsCreateRequestCurrency;

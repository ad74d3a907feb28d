//! Khipu's instant Payments API: v3.0, the API merchants integrate today, at the top of this
//! module; v2.0 (signed form posts) in [`v2`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use khipu::payments::{Client, PredictQuery, types};
//!
//! let client = Client::builder().api_key(std::env::var("KHIPU_API_KEY")?).build()?;
//! let created = client
//!     .create_payment(
//!         types::PaymentPostPayment::builder()
//!             .amount("1234.5")
//!             .currency(types::PaymentPostPaymentCurrency::Clp)
//!             .subject("Order 123")
//!             .transaction_id(Some("order-123".parse()?))
//!             .notify_url(Some("https://my-shop.example/khipu/notify".parse()?))
//!             .notify_api_version(Some("3.0".parse()?)),
//!     )
//!     .await?;
//! let payment = client.payment(&created.payment_id).await?;
//! println!("{} {} {}", payment.payment_id, payment.amount, payment.status);
//! # Ok(()) }
//! ```
//!
//! - Amounts are [`Amount`]s: exact decimals (no `f64`), written as `1000` or `1234.5`, read from
//!   numbers and from decimal strings (`"1000.0000"`).
//! - Writes (create, confirm, refund, delete, receiver) are sent once. A 5xx, a timeout or a
//!   broken connection after sending is [`PaymentsError::OutcomeUnknown`]: Khipu may have done it,
//!   so look the payment up before trying again. Reads retry 5xx and transport failures with
//!   bounded backoff.
//! - Khipu's error body becomes [`PaymentsError::Validation`] (with per-field errors),
//!   `Unauthorized`, `Forbidden`, `NotFound` or `Server`.
//! - [`notification::verify`] checks a 3.0 notification's signature and age before decoding it.

mod call;
mod error;
pub mod v2;
mod v3;

pub use error::{FieldError, PaymentsError};
pub use khipu_types::Amount;
pub use v3::api::types;
pub use v3::{Client, ClientBuilder, DEFAULT_BASE_URL, PredictQuery, api, notification};

//! khipu: one typed, well-behaved Rust client for Khipu's Open Data banking API and its Payments
//! API.
//!
//! This is the hand-written facade over the clients that `cargo xtask codegen` generates from
//! Khipu's OpenAPI documents (crate `khipu-generated`, one module per bank):
//!
//! - [`banking`]: the typed client of every bank, by country and segment
//!   (`khipu::banking::cl::personal::demo_bank::Client`);
//! - [`payments`]: the Payments API v2.0 client;
//! - [`banks`]: the catalog of the banks compiled in, with their operations.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use khipu::banking::cl::personal::demo_bank::{Client, types};
//!
//! let client = Client::new("https://api.khipu.com")?;
//! let reply = client
//!     .fetch_transactions_1()
//!     .body(types::AccountRequest::builder().request_data(
//!         types::AccountRequestRequestData::builder().account_number("000011887755"),
//!     ))
//!     .send()
//!     .await?;
//! println!("{}", reply.operation_id);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub use khipu_generated::banking;
#[cfg(feature = "payments")]
pub use khipu_generated::payments;
pub use khipu_types::catalog::{BankInfo, OperationInfo};
pub use khipu_types::{DateTime, DateTimeError};

/// The banks compiled into this build (one cargo feature each), ordered by id.
pub fn banks() -> Vec<&'static BankInfo> {
    khipu_generated::catalog::banks()
}

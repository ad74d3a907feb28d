//! khipu: one typed, well-behaved Rust client for Khipu's Open Data banking API and its Payments
//! API.
//!
//! - [`Bank`]: one trait over every bank Khipu supports; [`connect`] a bank by id, call
//!   `accounts`, `balances`, `transactions` or `statements` with a [`DataRequest`], get a [`Reply`]
//!   of canonical [`model`] types. Which operation serves a request was worked out by the
//!   generator from each bank's spec ([`banks`] lists them).
//! - [`banking`]: the typed client of every bank, generated from its spec, for bank-specific
//!   operations (`khipu::banking::cl::personal::demo_bank::Client`); they return the same
//!   [`model`] types.
//! - [`payments`]: the Payments API v2.0 client.
//! - [`callback`]: parse what Khipu POSTs to a CallbackUrl.
//!
//! ```no_run
//! # async fn run() -> Result<(), khipu::Error> {
//! use khipu::{Config, Credentials, DataRequest};
//!
//! let bank = khipu::connect("cl/personal/demo-bank.khipu.com", Config::new(Credentials::bearer("<JWT>")))?;
//! let reply = bank.transactions(&DataRequest::account("000011887755")).await?;
//! println!("{} transactions", reply.items().len());
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`) marks each feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod bank;
pub mod callback;
mod config;
mod error;
#[cfg(feature = "payments")]
pub mod payments;
mod reply;
mod request;
mod trace;
mod transport;

pub use bank::{Bank, BoxFuture, banks, connect, offers};
pub use config::{AccountCredential, Config, Credentials, DEFAULT_BASE_URL, RetryPolicy, Secret};
pub use error::{Context, Error, RetryAdvice};
pub use khipu_generated::banking;

pub use khipu_types::catalog::{BankInfo, Capability, DataKind, OperationInfo, Param};
pub use khipu_types::{DateTime, DateTimeError};
pub use reply::Reply;
pub use request::{DataRequest, Period, Subject, YearMonth, YearMonthError};

/// README.md's Rust blocks, compiled as doctests so they cannot drift from the API.
#[cfg(all(doctest, feature = "payments", feature = "all-banks"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The canonical Open Data model every bank client returns.
pub mod model {
    pub use khipu_types::banking::*;
}

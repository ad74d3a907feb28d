//! khipu: one typed, well-behaved Rust client for Khipu's Open Data banking API and its Payments
//! APIs (v3.0 and v2.0), generated from Khipu's own OpenAPI documents.
//!
//! ```toml
//! [dependencies]
//! khipu-rs = { version = "0.1", default-features = false, features = ["cl-personal-bancochile", "payments-v3-0"] }
//! ```
//!
//! - [`Config`]: every client is built from one, the same way, with the same options (base URL,
//!   timeout, retries, response size cap) and defaults; every client fails with [`Error`].
//! - [`Bank`]: one trait over every bank compiled in; [`connect`] a bank by id, call `accounts`,
//!   `balances`, `transactions` or `statements` with a [`DataRequest`], get a [`Reply`] of
//!   canonical [`model`] types. Which operation serves a request was worked out by the generator
//!   from each bank's spec ([`banks`] lists them).
//! - [`banking`]: each bank's typed client, generated from its spec, for bank-specific operations
//!   (`khipu::banking::cl::personal::demo_bank::Client`, built with [`Config::client`]); they
//!   return the same [`model`] types.
//! - `payments`: the Payments API v3.0 client (feature `payments-v3-0`), its signed
//!   notifications, and v2.0 in `payments::v2` (feature `payments-v2-0`).
//! - `automatic_payments`: Automatic Payments (PAC) v1, subscriptions and charges (feature
//!   `automatic-payments-v1-0`).
//! - [`callback`]: parse what Khipu POSTs to a CallbackUrl.
//!
//! ```no_run
//! # async fn run() -> Result<(), khipu::Error> {
//! use khipu::{Config, Credentials, DataRequest};
//!
//! let config = Config::new(Credentials::bearer("<JWT>"));
//! let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config)?;
//! let reply = bank.transactions(&DataRequest::account("000011887755")).await?;
//! println!("{} transactions", reply.items().len());
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! | feature | what |
//! |---|---|
//! | `all-banks` (default) | every bank; or one country (`cl`, `ar`), or one bank (`cl-personal-bancochile`, one per spec: see [`banking`]) |
//! | `payments` (default) | both payments versions; or `payments-v3-0`, `payments-v2-0` |
//! | `automatic-payments` (default) | Automatic Payments (PAC) v1; or `automatic-payments-v1-0` |
//! | `tracing` (default) | one `khipu.http` span per HTTP attempt, an event per retry (no bodies, no secrets) |
//!
//! With `default-features = false` and only the banks and payments versions a service uses, the
//! crate compiles only those clients.
#![warn(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`) marks each feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "automatic-payments-v1-0")]
pub mod automatic_payments;
mod bank;
#[cfg(any(
    feature = "payments-v3-0",
    feature = "payments-v2-0",
    feature = "automatic-payments-v1-0"
))]
mod body;
pub mod callback;
mod config;
mod error;
mod http;
#[cfg(any(feature = "payments-v3-0", feature = "payments-v2-0"))]
pub mod payments;
mod reply;
mod request;
#[cfg(any(
    feature = "payments-v3-0",
    feature = "payments-v2-0",
    feature = "automatic-payments-v1-0"
))]
mod setters;
mod trace;

pub use bank::{Bank, BoxFuture, banks, connect, offers};
pub use config::{AccountCredential, Config, Credentials, RetryPolicy, Secret};
pub use error::{Context, Error, ErrorBody, FieldError, RetryAdvice};
pub use khipu_generated::banking;
pub use khipu_types::catalog::{BankInfo, Capability, DataKind, OperationInfo, Param};
pub use khipu_types::client::ApiClient;
/// Text and URLs made safe to print: what the SDK does to every server text it shows.
pub use khipu_types::display;
pub use khipu_types::{Amount, AmountError, DateTime, DateTimeError};
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

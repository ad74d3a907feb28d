//! Runtime types shared by every khipu-rs generated client and by the `khipu` facade.
//!
//! This crate sits below both `khipu-generated` and `khipu`: generated code names these types, so
//! they cannot live in the facade.
//!
//! - [`open_enum!`]: string enums that keep values Khipu adds later instead of failing to decode.
//! - [`DateTime`]: an ISO-8601 timestamp that keeps the offset Khipu sent (`-0400`).
//! - [`catalog`]: what each generated bank module says about itself.
//! - [`http`]: the HTTP client every generated client is built with, and its one policy (no
//!   redirects, a response size limit).
//! - [`client`]: what a generated client carries besides its HTTP client (credential, limits).
//! - [`display`]: network text and URLs made safe to print.
//! - [`form`]: form bodies written with each value's exact text.
//! - [`BoundedString`]: a string field with a length range (`minLength`/`maxLength`).
//! - [`Amount`]: exact money, read from numbers or decimal strings, written as JSON numbers.
//! - [`auth`]: the security schemes a spec declares, applied to every request.
//! - [`payments`]: request signing for the Payments API v2.0.
#![warn(missing_docs)]

pub mod auth;
pub mod banking;
mod bounded;
pub mod catalog;
pub mod client;
mod date_time;
pub mod display;
pub mod form;
pub mod http;
pub mod mac;
mod money;
pub mod oauth;
mod open_enum;
pub mod pattern;
pub use open_enum::refuse_unknown;
pub mod payments;
mod secret;

pub use bounded::{BoundedString, LengthError};
pub use date_time::{DateTime, DateTimeError};
pub use money::{Amount, AmountError, MAX_DIGITS as AMOUNT_MAX_DIGITS};
/// The decimal type [`Amount::to_decimal`] gives, for arithmetic (feature `decimal`).
#[cfg(feature = "decimal")]
pub use rust_decimal::Decimal;
pub use secret::Secret;

/// chrono, re-exported so generated code can name it without its own dependency; only with the
/// `chrono` feature, which the generator turns on for a module whose code names it.
#[cfg(feature = "chrono")]
pub use chrono;
/// regress (the `pattern` engine typify uses), re-exported for the same reason; only with the
/// `regex` feature, which the generator turns on for a module whose patterns need it.
#[cfg(feature = "regex")]
pub use regress;

#[doc(hidden)]
pub mod __private {
    pub use crate::open_enum::refusing_unknown;
    pub use serde;
}

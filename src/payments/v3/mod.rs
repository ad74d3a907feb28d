//! The Payments API v3.0 (the one merchants integrate today): JSON over HTTPS, `x-api-key`,
//! signed 3.0 notifications. Everything here is re-exported from [`crate::payments`].

mod client;
pub mod notification;
mod outcome;
mod predict;
mod receivers;
mod refunds;

pub use client::Client;
/// The generated v3.0 client and its types (from `specs/payments/v3.0.json` and its overlay).
pub use khipu_generated::payments::v3_0 as api;
pub use outcome::{Outcome, RefundMark};
pub use predict::{BankPrediction, PredictQuery, PredictResult, Prediction};
pub use receivers::Receiver;

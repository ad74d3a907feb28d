//! The one HTTP path every request takes, the `Bank` trait's and the payments clients' alike:
//! a [`Connection`] (base URL, the one HTTP policy, the spec's auth, the response cap) sends each
//! attempt, [`attempt::run`] repeats it as its API's [`Rule`] allows inside one tracing span per
//! attempt, and [`answer`] maps whatever came back to the one [`Error`](crate::Error) type; a
//! generated client's request goes the same way (`generated::send`, behind `khipu::Call`).

pub(crate) mod answer;
pub(crate) mod attempt;
mod connection;
pub(crate) mod generated;

pub(crate) use attempt::{Call, Rule};
pub(crate) use connection::Connection;

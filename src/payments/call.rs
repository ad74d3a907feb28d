//! How every payments call is made, for both versions: one attempt, a write (never retried; a
//! failure after it may have reached Khipu is *outcome unknown*), or a read (retried on 5xx and
//! transport failures with bounded, jittered exponential backoff).

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use progenitor_client::{Error as ApiError, ResponseValue};

use super::error::{ErrorBody, PaymentsError};
use crate::config::RetryPolicy;

/// The operation a call is, and the response limit its client reads under (for the error).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op {
    pub(crate) name: &'static str,
    pub(crate) limit: usize,
}

impl Op {
    /// Operation `name` of a generated client whose inner value is `options`.
    pub(crate) fn new(name: &'static str, options: &khipu_types::client::Options) -> Self {
        Self {
            name,
            limit: options.response_limit(),
        }
    }
}

/// One attempt.
pub(crate) async fn once<T, E: ErrorBody>(
    op: Op,
    call: impl Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
) -> Result<T, PaymentsError> {
    match call.await {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => Err(PaymentsError::from_api(op.name, op.limit, e).await),
    }
}

/// A call that changes something: sent once, never retried.
pub(crate) async fn write<T, E: ErrorBody>(
    op: Op,
    call: impl Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
) -> Result<T, PaymentsError> {
    once(op, call).await.map_err(PaymentsError::for_write)
}

/// A safe read: retried on 5xx and transport failures as `retry` allows.
pub(crate) async fn read<T, E, F, Fut>(
    retry: &RetryPolicy,
    op: Op,
    call: F,
) -> Result<T, PaymentsError>
where
    E: ErrorBody,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(retry.initial_backoff)
        .with_max_delay(retry.max_backoff)
        .with_max_times(retry.max_retries)
        .with_jitter();
    (|| once(op, call()))
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(PaymentsError::is_transient)
        .await
}

/// The HTTP client for `base` (already checked), as [`crate::config::http_builder`] sets it up.
pub(crate) fn http_client(base: &str, timeout: Duration) -> Result<reqwest::Client, PaymentsError> {
    crate::config::http_builder(base, timeout)
        .build()
        .map_err(|e| PaymentsError::Config(format!("cannot build the HTTP client: {e}")))
}

//! How every payments call is made, for both versions: one attempt, a write (never retried; a
//! failure after it may have reached Khipu is *outcome unknown*), or a read (retried on 5xx and
//! transport failures with bounded, jittered exponential backoff).

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use progenitor_client::{Error as ApiError, ResponseValue};

use super::error::{ErrorBody, PaymentsError};
use crate::config::RetryPolicy;
use crate::trace::Attempt;

/// The operation a call is, and the response limit its client reads under (for the error).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op {
    /// `payments v3.0` or `payments v2.0`, for traces.
    pub(crate) api: &'static str,
    pub(crate) name: &'static str,
    pub(crate) limit: usize,
}

impl Op {
    /// Operation `name` of API `api`, on a generated client whose inner value is `options`.
    pub(crate) fn new(
        api: &'static str,
        name: &'static str,
        options: &khipu_types::client::Options,
    ) -> Self {
        Self {
            api,
            name,
            limit: options.response_limit(),
        }
    }
}

/// Attempt number `attempt` (1 for the first), in its own `khipu.http` span.
pub(crate) async fn once<T, E: ErrorBody>(
    op: Op,
    attempt: u32,
    call: impl Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
) -> Result<T, PaymentsError> {
    let trace = Attempt::start(op.api, None, op.name, attempt, None);
    let result = trace
        .run(async {
            match call.await {
                Ok(value) => Ok((value.status().as_u16(), value.into_inner())),
                Err(e) => Err(PaymentsError::from_api(op.name, op.limit, e).await),
            }
        })
        .await;
    match result {
        Ok((status, value)) => {
            trace.finish(Some(status), "ok");
            Ok(value)
        }
        Err(e) => {
            trace.finish(e.http_status(), e.label());
            Err(e)
        }
    }
}

/// A call that changes something: sent once, never retried.
pub(crate) async fn write<T, E: ErrorBody>(
    op: Op,
    call: impl Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
) -> Result<T, PaymentsError> {
    once(op, 1, call).await.map_err(PaymentsError::for_write)
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
    let attempts = AtomicU32::new(0);
    (|| once(op, attempts.fetch_add(1, Ordering::Relaxed) + 1, call()))
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(PaymentsError::is_transient)
        .notify(|e: &PaymentsError, delay| {
            let n = attempts.load(Ordering::Relaxed);
            crate::trace::retrying(op.api, op.name, n, e.label(), "transient", delay);
        })
        .await
}

/// The HTTP client for `base` (already checked), as [`crate::config::http_builder`] sets it up.
pub(crate) fn http_client(base: &str, timeout: Duration) -> Result<reqwest::Client, PaymentsError> {
    crate::config::http_builder(base, timeout)
        .build()
        .map_err(|e| PaymentsError::Config(format!("cannot build the HTTP client: {e}")))
}

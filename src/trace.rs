//! What the SDK reports to `tracing` (feature `tracing`, on by default): one `khipu.http` span per
//! HTTP attempt, with the API, the bank (banking) or the operation (payments), the operationId,
//! the attempt number, the HTTP status and the elapsed time, and one `WARN` event per retry with
//! the advice that caused it.
//!
//! Never recorded: credentials, secrets, notification signatures, request or response bodies, and
//! Khipu's error descriptions (text from the network). Account numbers and card digits are masked
//! to their last 4 characters. Without the feature every function here compiles to nothing.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::Context;

/// One HTTP attempt, from sending to the decoded answer.
pub(crate) struct Attempt {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    started: Instant,
}

impl Attempt {
    /// Opens the span of attempt `attempt` (1 for the first) of the call `context` names;
    /// `subject` (an account number or card digits) is masked before it is recorded.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn start(context: &Context, attempt: u32, subject: Option<&str>) -> Self {
        #[cfg(feature = "tracing")]
        let span = {
            use tracing::field::Empty;
            let span = tracing::info_span!(
                "khipu.http",
                api = context.api,
                bank = Empty,
                operation = context.operation,
                attempt,
                subject = Empty,
                status = Empty,
                elapsed_ms = Empty,
            );
            if let Some(bank) = context.bank {
                span.record("bank", bank);
            }
            // Masking allocates: only for a span a subscriber records.
            if let Some(subject) = subject.filter(|_| !span.is_disabled()) {
                span.record("subject", mask(subject).as_str());
            }
            span
        };
        Self {
            #[cfg(feature = "tracing")]
            span,
            started: Instant::now(),
        }
    }

    /// Runs `work` inside the span.
    pub(crate) fn run<F: Future>(&self, work: F) -> impl Future<Output = F::Output> {
        #[cfg(feature = "tracing")]
        {
            tracing::Instrument::instrument(work, self.span.clone())
        }
        #[cfg(not(feature = "tracing"))]
        {
            work
        }
    }

    /// Records how the attempt ended: the HTTP status if one came, and `outcome` (a fixed label
    /// such as `ok` or `server error`, never text from the network).
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn finish(&self, status: Option<u16>, outcome: &'static str) {
        let elapsed = self.started.elapsed();
        #[cfg(feature = "tracing")]
        {
            let elapsed_ms = elapsed.as_micros() as f64 / 1e3;
            if let Some(status) = status {
                self.span.record("status", status);
            }
            self.span.record("elapsed_ms", elapsed_ms);
            tracing::info!(parent: &self.span, status, elapsed_ms, outcome, "khipu call finished");
        }
        #[cfg(not(feature = "tracing"))]
        let _ = elapsed;
    }
}

/// A retry is about to happen after `delay`, because attempt `attempt` ended in `outcome`, which
/// Khipu's advice (`advice`) says may be retried now.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn retrying(
    context: &Context,
    attempt: u32,
    outcome: &'static str,
    advice: &str,
    delay: Duration,
) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        api = context.api,
        operation = context.operation,
        attempt,
        outcome,
        advice,
        delay_ms = delay.as_millis() as u64,
        "khipu call retrying"
    );
}

/// The API answered 401 to a token from a token source: the token is dropped and the request
/// sent once more with a new one. The token itself is never recorded.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn token_rejected(context: &Context) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        api = context.api,
        operation = context.operation,
        "khipu token rejected (401): renewing it and sending once more"
    );
}

/// `****` then the last 4 characters. Card digits are only the last 4 to begin with, so they
/// show as they are, after `****`.
#[cfg(any(feature = "tracing", test))]
pub(crate) fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = chars.len().min(4);
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("****{tail}")
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_to_the_last_four() {
        assert_eq!(mask("000011887755"), "****7755");
        assert_eq!(mask("1234"), "****1234");
        assert_eq!(mask("ñandú-12"), "****ú-12");
        assert_eq!(mask(""), "****");
    }
}

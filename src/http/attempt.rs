//! The one attempt loop: each attempt in its own `khipu.http` span, the retry decision made by the
//! call's [`Rule`] (its API's retry rule, as data), bounded jittered backoff between attempts.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use backon::{ExponentialBuilder, Retryable};

use crate::config::RetryPolicy;
use crate::error::{Context, Error, RetryAdvice};
use crate::http::answer::Outcome;
use crate::trace::Attempt;

/// What may be repeated, and what a failure means: the retry rule of one kind of call, decided
/// for each generated operation by the generator (`Operation::retry`).
pub(crate) use khipu_types::client::Retry as Rule;

/// `true` when the failed attempt may be repeated under `rule`.
fn repeats(rule: Rule, error: &Error) -> bool {
    let safe_to_repeat = match rule {
        Rule::Read => true,
        // Khipu's own error object (with any status) means it did not take the request, so no
        // callback is coming; neither is one for a request that never connected.
        Rule::Callback => {
            error.body().is_some()
                || matches!(error, Error::Transport { source, .. } if source.is_connect())
        }
        // A write, and any rule this release does not know: sent once.
        _ => false,
    };
    safe_to_repeat && error.retry_advice() == RetryAdvice::Now
}

/// What a failed attempt means for the caller under `rule`.
fn settle(rule: Rule, error: Error) -> Error {
    match rule {
        Rule::Read | Rule::Callback => error,
        _ => error.after_write(),
    }
}

/// One call: what it is, for the spans and the errors, and how it may be repeated.
pub(crate) struct Call<'a> {
    /// API and operation.
    pub(crate) context: &'a Context,
    /// Its retry rule.
    pub(crate) rule: Rule,
    /// The account number or card digits, for the span (masked there).
    pub(crate) subject: Option<&'a str>,
}

/// Runs `attempt` until it succeeds or the call's rule and `retry` stop it.
pub(crate) async fn run<T, F, Fut>(
    call: Call<'_>,
    retry: &RetryPolicy,
    attempt: F,
) -> Result<T, Error>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Outcome<T>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(retry.initial_backoff)
        .with_max_delay(retry.max_backoff)
        .with_max_times(retry.max_retries)
        .with_jitter();
    let attempts = AtomicU32::new(0);
    let once = || async {
        let n = attempts.fetch_add(1, Ordering::Relaxed) + 1;
        let trace = Attempt::start(call.context, n, call.subject);
        let (status, result) = trace.run(attempt()).await;
        let result = result.map_err(|e| settle(call.rule, e));
        trace.finish(status, result.as_ref().map_or_else(Error::label, |_| "ok"));
        result
    };
    once.retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|e: &Error| repeats(call.rule, e))
        .notify(|e: &Error, delay| {
            let advice = format!("{:?}", e.retry_advice());
            let n = attempts.load(Ordering::Relaxed);
            crate::trace::retrying(call.context, n, e.label(), &advice, delay);
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context::api("payments v3.0", "postPayment")
    }

    fn server() -> Error {
        Error::Server {
            context: context(),
            status: 500,
            body: None,
            excerpt: "<html>".into(),
        }
    }

    #[test]
    fn writes_never_repeat_and_a_5xx_after_sending_is_outcome_unknown() {
        assert!(!repeats(Rule::Write, &server()));
        assert!(settle(Rule::Write, server()).is_outcome_unknown());
        assert!(repeats(Rule::Read, &server()));
        assert!(!settle(Rule::Read, server()).is_outcome_unknown());
    }

    #[test]
    fn a_write_refused_before_sending_is_not_outcome_unknown() {
        let refused = Error::InvalidRequest {
            context: context(),
            field: "amount".into(),
            reason: "has 5 decimals".into(),
        };
        let settled = settle(Rule::Write, refused);
        assert!(settled.is_not_sent() && !settled.is_outcome_unknown());
    }

    #[test]
    fn callbacks_repeat_only_what_did_not_reach_khipu_or_khipu_asked_for() {
        assert!(!repeats(Rule::Callback, &server()));
    }
}

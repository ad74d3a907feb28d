//! Sending one bank request: authentication, timeouts, Khipu's retry advice, HTTP status mapping.

use std::fmt;

use std::sync::atomic::{AtomicU32, Ordering};

use backon::{ExponentialBuilder, Retryable};
use khipu_types::banking::Envelope;
use serde_json::Value;

use crate::config::{Config, RetryPolicy};
use crate::error::{Context, Error, RetryAdvice, excerpt};
use crate::trace::Attempt;

/// The `api` field of this transport's spans.
const API: &str = "banking";

pub(crate) struct Transport {
    base: String,
    http: reqwest::Client,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The client's default headers hold the credentials: never print it.
        f.debug_struct("Transport")
            .field("base", &self.base)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Result<Self, Error> {
        let base = config
            .checked_base_url()?
            .as_str()
            .trim_end_matches('/')
            .to_owned();
        Ok(Self {
            base,
            http: config.http_client()?,
            retry: config.retry.clone(),
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// POSTs the call's body to its path and decodes a 200 or 202 answer with `decode`; any other
    /// status is the error it stands for. Retries what [`retryable`] says as the policy allows,
    /// each attempt in its own `khipu.http` span. The body is decoded once, by `decode`, so the
    /// retry decision costs no second parse.
    pub(crate) async fn post<T>(
        &self,
        call: Call<'_>,
        decode: impl Fn(u16, &[u8]) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let url = format!("{}{}", self.base, call.path);
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.retry.initial_backoff)
            .with_max_delay(self.retry.max_backoff)
            .with_max_times(self.retry.max_retries)
            .with_jitter();
        let context = call.context;
        let attempts = AtomicU32::new(0);
        let attempt = || async {
            let n = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            let trace = Attempt::start(API, Some(context.bank), context.operation, n, call.subject);
            let (status, result) = trace.run(self.once(&url, &call, &decode)).await;
            trace.finish(status, result.as_ref().map_or_else(Error::label, |_| "ok"));
            result
        };
        attempt
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|e: &Error| retryable(e, call.has_callback))
            .notify(|e: &Error, delay| {
                let advice = format!("{:?}", e.retry_advice());
                let n = attempts.load(Ordering::Relaxed);
                crate::trace::retrying(API, context.operation, n, e.label(), &advice, delay);
            })
            .await
    }

    /// One attempt: the HTTP status if an answer came, and what it decodes to.
    async fn once<T>(
        &self,
        url: &str,
        call: &Call<'_>,
        decode: &impl Fn(u16, &[u8]) -> Result<T, Error>,
    ) -> (Option<u16>, Result<T, Error>) {
        let context = call.context;
        let response = match self.http.post(url).json(call.body).send().await {
            Ok(r) => r,
            Err(e) => return (None, Err(transport(e, context))),
        };
        let status = response.status();
        let code = Some(status.as_u16());
        if status.is_redirection() {
            let location = khipu_types::http::redirect_location(response.headers());
            return (
                code,
                Err(Error::Redirect {
                    context: context.clone(),
                    status: status.as_u16(),
                    location,
                }),
            );
        }
        let limit = self.max_response_bytes;
        let bytes = match khipu_types::http::limit_body(response, limit).bytes().await {
            Ok(bytes) => bytes,
            Err(e) if khipu_types::http::is_too_large(&e) => {
                let context = context.clone();
                return (code, Err(Error::TooLarge { context, limit }));
            }
            Err(e) => return (code, Err(transport(e, context))),
        };
        let result = match status.as_u16() {
            status @ (200 | 202) => decode(status, &bytes),
            status => Err(http_error(status, &bytes, context)),
        };
        (code, result)
    }
}

/// What `post` sends: where, what, and what the trace and the retry rule need to know.
pub(crate) struct Call<'a> {
    /// The operation's path, appended to the base URL.
    pub(crate) path: &'a str,
    /// The JSON body.
    pub(crate) body: &'a Value,
    /// The body carries a CallbackUrl (changes what may be retried).
    pub(crate) has_callback: bool,
    /// The account number or card digits, for the trace (masked there).
    pub(crate) subject: Option<&'a str>,
    /// Bank and operation.
    pub(crate) context: &'a Context,
}

fn transport(e: reqwest::Error, context: &Context) -> Error {
    Error::Transport {
        context: context.clone(),
        timeout: e.is_timeout(),
        source: e,
    }
}

/// Retries exactly what [`Error::retry_advice`] calls `Now` (`RETRY_IMMEDIATELY`, transport
/// failures, 5xx), so the advice a caller reads and what the SDK did agree. A request with a
/// callback URL is retried on Khipu's own `RETRY_IMMEDIATELY`, and otherwise only when it never
/// reached Khipu (a connection error), so Khipu is not asked twice to call back.
fn retryable(error: &Error, has_callback: bool) -> bool {
    let safe_to_repeat = !has_callback
        || matches!(error, Error::Khipu { .. })
        || matches!(error, Error::Transport { source, .. } if source.is_connect());
    safe_to_repeat && error.retry_advice() == RetryAdvice::Now
}

/// The error a non-2xx answer stands for, with Khipu's error object when the body has one.
fn http_error(status: u16, bytes: &[u8], context: &Context) -> Error {
    let detail = serde_json::from_slice::<Envelope<Value>>(bytes)
        .ok()
        .and_then(|e| e.error)
        .map(Box::new);
    let (context, excerpt) = (context.clone(), excerpt(bytes));
    match status {
        400 => Error::BadRequest {
            context,
            detail,
            excerpt,
        },
        401 => Error::Unauthorized {
            context,
            detail,
            excerpt,
        },
        404 => Error::NotFound {
            context,
            detail,
            excerpt,
        },
        500..=599 => Error::Server {
            context,
            status,
            detail,
            excerpt,
        },
        _ => Error::UnexpectedStatus {
            context,
            status,
            excerpt,
        },
    }
}

//! Sending one bank request: authentication, timeouts, Khipu's retry advice, HTTP status mapping.

use std::fmt;

use backon::{ExponentialBuilder, Retryable};
use khipu_types::banking::{Envelope, ErrorType};
use serde::Deserialize;
use serde_json::Value;

use crate::config::{Config, RetryPolicy};
use crate::error::{Context, Error, excerpt};

pub(crate) struct Transport {
    base: String,
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The client's default headers hold the credentials: never print it.
        f.debug_struct("Transport")
            .field("base", &self.base)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Only the status matters when deciding to retry a `Status: ERROR` answer.
#[derive(Deserialize)]
struct ErrorOnly {
    #[serde(rename = "Error", default)]
    error: Option<ErrorTypeOnly>,
}

#[derive(Deserialize)]
struct ErrorTypeOnly {
    #[serde(rename = "Type", default)]
    kind: Option<ErrorType>,
}

enum Attempt {
    /// A final answer: status and body.
    Done(u16, Vec<u8>),
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
        })
    }

    /// POSTs `body` to `path`; returns a 200 or 202 answer's status and bytes, or the error the
    /// answer stands for. Retries transport failures and `RETRY_IMMEDIATELY` answers as the policy
    /// allows; a request with a callback URL is retried on a transport failure only if it never
    /// reached Khipu (connect errors), so Khipu is not asked twice to call back.
    pub(crate) async fn post(
        &self,
        path: &str,
        body: &Value,
        has_callback: bool,
        context: &Context,
    ) -> Result<(u16, Vec<u8>), Error> {
        let url = format!("{}{}", self.base, path);
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.retry.initial_backoff)
            .with_max_delay(self.retry.max_backoff)
            .with_max_times(self.retry.max_retries)
            .with_jitter();
        let attempt = || async {
            let response = self
                .http
                .post(&url)
                .json(body)
                .send()
                .await
                .map_err(|e| transport(e, context))?;
            let status = response.status().as_u16();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| transport(e, context))?
                .to_vec();
            classify(status, bytes, context)
        };
        let Attempt::Done(status, bytes) = attempt
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|e: &Error| retryable(e, has_callback))
            .await?;
        Ok((status, bytes))
    }
}

fn transport(e: reqwest::Error, context: &Context) -> Error {
    Error::Transport {
        context: context.clone(),
        timeout: e.is_timeout(),
        source: e,
    }
}

fn retryable(error: &Error, has_callback: bool) -> bool {
    match error {
        Error::Transport { source, .. } => source.is_connect() || !has_callback,
        Error::Khipu { detail, .. } => detail.kind == Some(ErrorType::RetryImmediately),
        _ => false,
    }
}

/// Maps an HTTP answer to the reply bytes or the error it stands for. A `Status: ERROR` answer
/// that asks to be retried immediately becomes an error here so that the retry loop sees it;
/// every other answer with a body is returned whole for typed decoding.
fn classify(status: u16, bytes: Vec<u8>, context: &Context) -> Result<Attempt, Error> {
    match status {
        200 | 202 => {
            if let Ok(ErrorOnly {
                error:
                    Some(ErrorTypeOnly {
                        kind: Some(ErrorType::RetryImmediately),
                    }),
            }) = serde_json::from_slice(&bytes)
                && let Ok(envelope) = serde_json::from_slice::<Envelope<Value>>(&bytes)
            {
                return Err(Error::Khipu {
                    context: context.clone(),
                    operation_id: envelope.operation_id,
                    detail: Box::new(envelope.error.unwrap_or_default()),
                });
            }
            Ok(Attempt::Done(status, bytes))
        }
        _ => {
            let detail = serde_json::from_slice::<Envelope<Value>>(&bytes)
                .ok()
                .and_then(|e| e.error)
                .map(Box::new);
            let (context, excerpt) = (context.clone(), excerpt(&bytes));
            Err(match status {
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
            })
        }
    }
}

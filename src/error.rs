//! Errors of the `Bank` trait, with Khipu's retry advice.

use std::time::Duration;

use khipu_types::banking::{ErrorDetail, ErrorType};

/// Which bank and operation an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context {
    /// Bank id (`cl/personal/demo-bank.khipu.com`).
    pub bank: &'static str,
    /// operationId (`fetchTransactions_1`).
    pub operation: &'static str,
}

impl std::fmt::Display for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.bank, self.operation)
    }
}

/// What Khipu advises doing after an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAdvice {
    /// Retry now (`RETRY_IMMEDIATELY`, transport failures, server errors).
    Now,
    /// Retrying will not help (`DO_NOT_RETRY`, and errors in the request itself).
    Never,
    /// Retry after this long (`WAIT_4_HOURS_BEFORE_RETRY`).
    After(Duration),
    /// Retry once Khipu notifies that the cause is gone (`RETRY_AFTER_NOTIFICATION`).
    AfterNotification,
    /// Khipu sent a type this version does not know.
    Unknown(String),
}

impl From<&ErrorType> for RetryAdvice {
    fn from(kind: &ErrorType) -> Self {
        match kind {
            ErrorType::RetryImmediately => RetryAdvice::Now,
            ErrorType::DoNotRetry => RetryAdvice::Never,
            ErrorType::Wait4HoursBeforeRetry => RetryAdvice::After(Duration::from_secs(4 * 3600)),
            ErrorType::RetryAfterNotification => RetryAdvice::AfterNotification,
            other => RetryAdvice::Unknown(other.as_str().to_owned()),
        }
    }
}

/// Why a call through the `Bank` trait failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Khipu ran the operation and answered `Status: ERROR` (even with HTTP 200).
    #[error("{context}: Khipu error {}{}: {} (operation {})", shown(detail.code.as_deref(), "(no code)"), detail.kind.as_ref().map(|k| format!(" ({})", sanitize(k.as_str()))).unwrap_or_default(), shown(detail.description.as_deref(), "(no description)"), sanitize(operation_id))]
    Khipu {
        /// Bank and operation.
        context: Context,
        /// The operation's id, for Khipu's support.
        operation_id: String,
        /// Khipu's `Error` object: `Code` (`E201`), `Type` (how to treat it), `Description`.
        detail: Box<ErrorDetail>,
    },
    /// HTTP 400: Khipu could not process the request (malformed payload).
    #[error("{context}: HTTP 400 bad request{}: {excerpt}", detail_text(detail))]
    BadRequest {
        /// Bank and operation.
        context: Context,
        /// Khipu's error object, when the body had one.
        detail: Option<Box<ErrorDetail>>,
        /// The start of the body.
        excerpt: String,
    },
    /// HTTP 401: missing, invalid or expired credentials.
    #[error(
        "{context}: HTTP 401 unauthorized (check the token or API key){}: {excerpt}",
        detail_text(detail)
    )]
    Unauthorized {
        /// Bank and operation.
        context: Context,
        /// Khipu's error object, when the body had one.
        detail: Option<Box<ErrorDetail>>,
        /// The start of the body.
        excerpt: String,
    },
    /// HTTP 404: the path does not exist (a bank or operation Khipu does not serve).
    #[error("{context}: HTTP 404 not found{}: {excerpt}", detail_text(detail))]
    NotFound {
        /// Bank and operation.
        context: Context,
        /// Khipu's error object, when the body had one.
        detail: Option<Box<ErrorDetail>>,
        /// The start of the body.
        excerpt: String,
    },
    /// HTTP 5xx: Khipu failed.
    #[error(
        "{context}: HTTP {status} server error{}: {excerpt}",
        detail_text(detail)
    )]
    Server {
        /// Bank and operation.
        context: Context,
        /// The status code.
        status: u16,
        /// Khipu's error object, when the body had one.
        detail: Option<Box<ErrorDetail>>,
        /// The start of the body.
        excerpt: String,
    },
    /// Any other unexpected status.
    #[error("{context}: unexpected HTTP {status}: {excerpt}")]
    UnexpectedStatus {
        /// Bank and operation.
        context: Context,
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The server answered with a redirect. Redirects are never followed: the credentials and
    /// the request body would go with it to wherever it points.
    #[error("{context}: HTTP {status} redirect to {location}, not followed (check the base URL)")]
    Redirect {
        /// Bank and operation.
        context: Context,
        /// The HTTP status (301, 302, 303, 307, 308...).
        status: u16,
        /// Where it pointed, sanitized, with any password redacted.
        location: String,
    },
    /// The answer was larger than [`Config::max_response_bytes`](crate::Config::max_response_bytes);
    /// reading stopped there.
    #[error("{context}: the answer exceeded the {limit}-byte response limit; reading stopped")]
    TooLarge {
        /// Bank and operation.
        context: Context,
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// The answer could not be decoded.
    #[error("{context}: cannot decode the HTTP {status} answer ({message}): {excerpt}")]
    Decode {
        /// Bank and operation.
        context: Context,
        /// The status code.
        status: u16,
        /// What did not decode.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The request did not complete (connection, TLS, timeout).
    #[error("{context}: {}: {source}", if *timeout { "timed out" } else { "transport failure" })]
    Transport {
        /// Bank and operation.
        context: Context,
        /// The request timed out.
        timeout: bool,
        /// What failed.
        #[source]
        source: reqwest::Error,
    },
    /// The bank cannot do what was asked.
    #[error("bank {bank} cannot give {asked}; it offers: {}", if offers.is_empty() { "nothing through the Bank trait".to_owned() } else { offers.join("; ") })]
    Unsupported {
        /// Bank id.
        bank: &'static str,
        /// What was asked (`transactions for a card`).
        asked: String,
        /// What the bank offers.
        offers: Vec<String>,
    },
    /// A parameter the operation requires was not given; nothing was sent.
    #[error("{context}: missing parameter {parameter}")]
    MissingParameter {
        /// Bank and operation.
        context: Context,
        /// Khipu's name of the parameter (`Currency`).
        parameter: &'static str,
    },
    /// A parameter breaks the spec's limits; nothing was sent.
    #[error("{context}: parameter {parameter} {reason}")]
    InvalidParameter {
        /// Bank and operation.
        context: Context,
        /// Khipu's name of the parameter.
        parameter: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// No such bank in this build.
    #[error("unknown bank `{id}`; this build knows: {}", known.join(", "))]
    UnknownBank {
        /// The id asked for.
        id: String,
        /// The ids of the banks compiled in.
        known: Vec<&'static str>,
    },
    /// The configuration cannot work (base URL, credentials).
    #[error("configuration: {0}")]
    Config(String),
}

fn detail_text(detail: &Option<Box<ErrorDetail>>) -> String {
    match detail {
        Some(d) => format!(
            " [Code {}, Type {}, Description {}]",
            shown(d.code.as_deref(), "-"),
            shown(d.kind.as_ref().map(|k| k.as_str()), "-"),
            shown(d.description.as_deref(), "-")
        ),
        None => String::new(),
    }
}

impl Error {
    /// A fixed name for the kind of failure, for traces (never text from the network).
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Error::Khipu { .. } => "khipu error",
            Error::BadRequest { .. } => "bad request",
            Error::Unauthorized { .. } => "unauthorized",
            Error::NotFound { .. } => "not found",
            Error::Server { .. } => "server error",
            Error::UnexpectedStatus { .. } => "unexpected status",
            Error::Redirect { .. } => "redirect",
            Error::TooLarge { .. } => "too large",
            Error::Decode { .. } => "undecodable answer",
            Error::Transport { timeout: true, .. } => "timed out",
            Error::Transport { .. } => "transport failure",
            Error::Unsupported { .. }
            | Error::MissingParameter { .. }
            | Error::InvalidParameter { .. }
            | Error::UnknownBank { .. }
            | Error::Config(_) => "not sent",
        }
    }

    /// What Khipu advises: for `Status: ERROR` answers its `Error.Type`; `Now` for transport
    /// failures and server errors; `Never` for errors in the request or configuration.
    pub fn retry_advice(&self) -> RetryAdvice {
        match self {
            Error::Khipu { detail, .. } => match &detail.kind {
                Some(kind) => RetryAdvice::from(kind),
                None => RetryAdvice::Unknown(String::new()),
            },
            Error::Transport { .. } | Error::Server { .. } => RetryAdvice::Now,
            _ => RetryAdvice::Never,
        }
    }

    /// Khipu's error object, for `Status: ERROR` answers and HTTP errors whose body had one.
    pub fn detail(&self) -> Option<ErrorDetail> {
        match self {
            Error::Khipu { detail, .. } => Some((**detail).clone()),
            Error::BadRequest { detail, .. }
            | Error::Unauthorized { detail, .. }
            | Error::NotFound { detail, .. }
            | Error::Server { detail, .. } => detail.as_deref().cloned(),
            _ => None,
        }
    }
}

/// At most this many characters of a body go into an error.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// The start of a body, as text, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = sanitize(&String::from_utf8_lossy(body));
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    if out.trim().is_empty() {
        "(empty body)".into()
    } else {
        out
    }
}

/// Text from the network made safe for a terminal (one implementation for the SDK, the CLI and
/// the sandbox).
pub(crate) use khipu_types::display::sanitize;

/// An optional field of Khipu's error object, sanitized, or `default`.
fn shown(field: Option<&str>, default: &str) -> String {
    sanitize(field.unwrap_or(default))
}

/// At most this much of an error body is read: enough for an excerpt, bounded against a hostile
/// server that sends gigabytes.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The start of `response`'s body, at most [`ERROR_BODY_LIMIT`] bytes; what cannot be read is left.
pub(crate) async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..chunk.len().min(ERROR_BODY_LIMIT - body.len())])
            }
            _ => break,
        }
    }
    body
}

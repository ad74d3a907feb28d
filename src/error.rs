//! The one error type of every client (banking, payments v3.0 and v2.0), with Khipu's retry advice.
//!
//! What goes wrong on the wire is the same whatever the API: an HTTP status class, a redirect, an
//! answer too large or undecodable, a transport failure or timeout, a configuration that cannot
//! work, a request refused before it was sent. On top sit the domain variants: Khipu's own
//! `Status: ERROR` with its retry advice, a validation error with Khipu's per-field messages, and a
//! write whose outcome is unknown. Every status is mapped in one place (`http::answer`).

use std::fmt;
use std::time::Duration;

use khipu_types::banking::{ErrorDetail, ErrorType};
use serde_json::Value;

/// Which API and operation an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context {
    /// The API family: `banking`, `payments v3.0`, `payments v2.0`.
    pub api: &'static str,
    /// For banking, the bank's id (`cl/personal/demo-bank.khipu.com`).
    pub bank: Option<&'static str>,
    /// The operation's id (`fetchTransactions_1`, `postPayment`).
    pub operation: &'static str,
}

/// The API family name of every bank's Open Data API, in contexts and traces.
pub(crate) const BANKING: &str = "banking";

impl Context {
    /// Operation `operation` of bank `bank`.
    pub(crate) const fn bank(bank: &'static str, operation: &'static str) -> Self {
        Self {
            api: BANKING,
            bank: Some(bank),
            operation,
        }
    }

    /// A generated operation: a bank's, or another API's.
    pub(crate) const fn of(operation: &'static khipu_types::client::Operation) -> Self {
        match operation.bank {
            true => Self::bank(operation.api, operation.id),
            false => Self::api(operation.api, operation.id),
        }
    }

    /// Operation `operation` of API `api` (`payments v3.0`).
    pub(crate) const fn api(api: &'static str, operation: &'static str) -> Self {
        Self {
            api,
            bank: None,
            operation,
        }
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api = self.bank.unwrap_or(self.api);
        match self.operation {
            "" => f.write_str(api),
            operation => write!(f, "{api} {operation}"),
        }
    }
}

/// What Khipu advises doing after an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAdvice {
    /// Retry now (`RETRY_IMMEDIATELY`, transport failures, server errors on a read).
    Now,
    /// Retrying will not help (`DO_NOT_RETRY`, and errors in the request itself).
    Never,
    /// Retry after this long (`WAIT_4_HOURS_BEFORE_RETRY`).
    After(Duration),
    /// Retry once Khipu notifies that the cause is gone (`RETRY_AFTER_NOTIFICATION`).
    AfterNotification,
    /// A write may have been carried out: read it back (the payment, its refunds, the
    /// subscription) and send it again only if it is not there.
    AfterCheck,
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

/// A field Khipu rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// The field (`amount`).
    pub field: String,
    /// Why.
    pub message: String,
}

/// What Khipu's error body said, whichever API's shape carried it: the banking `Error` object
/// (`Code`, `Type`, `Description`), the payments body (`status`, `message`, `errors[]`) or
/// Automatic Payments' (`error_code`, `message`). Kept as Khipu sent it; shown sanitized.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ErrorBody {
    /// Khipu's code: banking `Code` (`E201`), the payments `status` (`400`), `error_code`.
    pub code: Option<String>,
    /// Banking `Type`: how to treat the error (see [`Error::retry_advice`]).
    pub kind: Option<ErrorType>,
    /// Banking `Description`, or the payments `message`.
    pub message: Option<String>,
    /// Per-field errors (payments `errors[]`).
    pub fields: Vec<FieldError>,
}

impl ErrorBody {
    /// Khipu's error body in `bytes`, recognized by shape; `None` for anything else (an HTML page
    /// from a gateway, an empty body, JSON of another shape).
    pub(crate) fn parse(bytes: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        let object = value.as_object()?;
        if let Some(error) = object.get("Error").filter(|e| e.is_object()) {
            let detail: ErrorDetail = serde_json::from_value(error.clone()).ok()?;
            return Some(Self::from(detail));
        }
        let text = |key: &str| match object.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let fields: Vec<FieldError> = object
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| {
                Some(FieldError {
                    field: e.get("field")?.as_str().unwrap_or_default().to_owned(),
                    message: e
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                })
            })
            .collect();
        let body = Self {
            code: text("error_code").or_else(|| text("status")),
            kind: None,
            // Automatic Payments' 422 says `error_message`.
            message: text("message").or_else(|| text("error_message")),
            fields,
        };
        (body.code.is_some() || body.message.is_some() || !body.fields.is_empty()).then_some(body)
    }
}

impl From<ErrorDetail> for ErrorBody {
    fn from(detail: ErrorDetail) -> Self {
        Self {
            code: detail.code,
            kind: detail.kind,
            message: detail.description,
            fields: Vec::new(),
        }
    }
}

/// `[Code E201, Type DO_NOT_RETRY, Description ...; amount: too large]`, sanitized.
impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(code) = &self.code {
            parts.push(format!("Code {}", sanitize(code)));
        }
        if let Some(kind) = &self.kind {
            parts.push(format!("Type {}", sanitize(kind.as_str())));
        }
        if let Some(message) = &self.message {
            parts.push(sanitize(message));
        }
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|e| format!("{}: {}", sanitize(&e.field), sanitize(&e.message)))
            .collect();
        if !fields.is_empty() {
            parts.push(fields.join("; "));
        }
        if parts.is_empty() {
            // Say what arrived rather than print `[]`.
            return f.write_str("[an error object with no code, type, description or fields]");
        }
        write!(f, "[{}]", parts.join(", "))
    }
}

/// How far a failed request got (smithy-rs calls these construction, dispatch and response):
/// [`Error::phase`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Khipu did not act on it: refused before sending (a wrong argument, the configuration, no
    /// token) or answered 401. Sending it again, corrected, is safe.
    NotSent,
    /// It left, and no answer came back (a transport failure, a timeout, a callback that never
    /// arrived). Reads end here; a write ends in [`Phase::OutcomeUnknown`] instead.
    Dispatch,
    /// A write that may or may not have been carried out: look it up before sending it again.
    OutcomeUnknown,
    /// Khipu answered, and the answer is the error.
    Answered,
}

/// Why a call failed, whichever client made it. Never contains a credential.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Khipu ran the operation and answered `Status: ERROR` (even with HTTP 200).
    Khipu {
        /// API and operation.
        context: Context,
        /// Khipu's id of the operation, for its support.
        operation_id: String,
        /// Khipu's error: `code` (`E201`), `kind` (how to treat it), `message`.
        body: Box<ErrorBody>,
    },
    /// HTTP 400 (or 422): Khipu refused the request's data; `body.fields` says which fields.
    Validation {
        /// API and operation.
        context: Context,
        /// 400, or 422 (Automatic Payments).
        status: u16,
        /// Khipu's error body, when it sent one.
        body: Option<Box<ErrorBody>>,
        /// The start of the body.
        excerpt: String,
    },
    /// A write (create, confirm, refund, void, delete, subscribe, charge) failed after it may have
    /// reached Khipu: a 5xx with any body or none, an answer that does not decode, a timeout or a
    /// reset after sending. Khipu may have carried it out (it once answered 500 to a refund it
    /// had made). Never retried: read it back before trying again ([`RetryAdvice::AfterCheck`]).
    OutcomeUnknown {
        /// API and operation.
        context: Context,
        /// What happened (`HTTP 500: ...`, `timed out waiting for the answer`).
        cause: String,
        /// The HTTP status, when Khipu answered.
        status: Option<u16>,
    },
    /// HTTP 401: missing, invalid or expired credentials.
    Unauthorized {
        /// API and operation.
        context: Context,
        /// Khipu's error body, when it sent one.
        body: Option<Box<ErrorBody>>,
        /// The start of the body.
        excerpt: String,
    },
    /// HTTP 403: not allowed (v2.0: wrong receiver id or signature; a feature not contracted).
    Forbidden {
        /// API and operation.
        context: Context,
        /// Khipu's error body, when it sent one.
        body: Option<Box<ErrorBody>>,
        /// The start of the body.
        excerpt: String,
    },
    /// HTTP 404: no such payment, or a path Khipu does not serve.
    NotFound {
        /// API and operation.
        context: Context,
        /// Khipu's error body, when it sent one.
        body: Option<Box<ErrorBody>>,
        /// The start of the body.
        excerpt: String,
    },
    /// HTTP 5xx on a read (after the retries its API allows).
    Server {
        /// API and operation.
        context: Context,
        /// The status code.
        status: u16,
        /// Khipu's error body, when it sent one.
        body: Option<Box<ErrorBody>>,
        /// The start of the body.
        excerpt: String,
    },
    /// Any other status.
    UnexpectedStatus {
        /// API and operation.
        context: Context,
        /// The status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The server answered with a redirect. Redirects are never followed: the credentials and
    /// the request body would go with it to wherever it points.
    Redirect {
        /// API and operation.
        context: Context,
        /// The HTTP status (301, 302, 303, 307, 308...).
        status: u16,
        /// Where it pointed, sanitized, with any password redacted.
        location: String,
    },
    /// The answer was larger than [`Config::max_response_bytes`](crate::Config::max_response_bytes);
    /// reading stopped there.
    TooLarge {
        /// API and operation.
        context: Context,
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// The answer could not be decoded.
    Decode {
        /// API and operation.
        context: Context,
        /// The status code, when known.
        status: Option<u16>,
        /// What did not decode.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The request did not complete (connection, TLS, timeout).
    Transport {
        /// API and operation.
        context: Context,
        /// The attempt timed out ([`Config::timeout`](crate::Config::timeout)).
        timeout: bool,
        /// What failed.
        source: reqwest::Error,
    },
    /// The request was refused before anything was sent: a missing or invalid value, named by its
    /// field on the wire (`AccountNumber`, `transaction_id`, `amount`).
    InvalidRequest {
        /// API and operation.
        context: Context,
        /// The field at fault.
        field: String,
        /// Why, after the field's name (`is 25 characters long; the bank accepts at most 20`).
        reason: String,
    },
    /// The bank cannot do what was asked.
    Unsupported {
        /// Bank id.
        bank: &'static str,
        /// What was asked (`transactions for a card`).
        asked: String,
        /// What the bank offers.
        offers: Vec<String>,
    },
    /// No such bank in this build.
    UnknownBank {
        /// The id asked for.
        id: String,
        /// The ids of the banks compiled in.
        known: Vec<&'static str>,
    },
    /// No token could be had from the OAuth token source (the identity server refused the
    /// client, did not answer in time...): the request was not sent.
    Token {
        /// API and operation.
        context: Context,
        /// What the token source said (the identity server's `error` and `error_description`).
        source: khipu_types::oauth::TokenError,
    },
    /// A bank result awaited through a [`CallbackHub`](crate::callback::CallbackHub) did not
    /// come: its `LifeSpan` passed (Khipu's `LIFESPAN_EXCEEDED`), the hub shut down or is full.
    Callback {
        /// The operation, once Khipu accepted the request.
        operation_id: Option<String>,
        /// What happened.
        reason: String,
    },
    /// A bank this release knows, whose cargo feature this build did not enable.
    BankNotEnabled {
        /// The id asked for.
        id: String,
        /// The cargo feature that brings it (`cl-personal-bancochile`).
        feature: &'static str,
    },
    /// The configuration cannot work (base URL, credentials the API does not take).
    Config(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Khipu {
                context,
                operation_id,
                body,
                ..
            } => write!(
                f,
                "{context}: Khipu error {body} (operation {})",
                sanitize(operation_id)
            ),
            Self::Validation {
                context,
                status,
                body,
                excerpt,
                ..
            } => write!(
                f,
                "{context}: HTTP {status} validation error{}: {excerpt}",
                shown(body)
            ),
            Self::OutcomeUnknown { context, cause, .. } => write!(
                f,
                "{context}: outcome unknown ({cause}); Khipu may have carried it out: look it up before trying again"
            ),
            Self::Unauthorized {
                context,
                body,
                excerpt,
                ..
            } => write!(
                f,
                "{context}: HTTP 401 unauthorized (check the token or API key){}: {excerpt}",
                shown(body)
            ),
            Self::Forbidden {
                context,
                body,
                excerpt,
                ..
            } => write!(f, "{context}: HTTP 403 forbidden{}: {excerpt}", shown(body)),
            Self::NotFound {
                context,
                body,
                excerpt,
                ..
            } => write!(f, "{context}: HTTP 404 not found{}: {excerpt}", shown(body)),
            Self::Server {
                context,
                status,
                body,
                excerpt,
                ..
            } => write!(
                f,
                "{context}: HTTP {status} server error{}: {excerpt}",
                shown(body)
            ),
            Self::UnexpectedStatus {
                context,
                status,
                excerpt,
                ..
            } => write!(f, "{context}: unexpected HTTP {status}: {excerpt}"),
            Self::Redirect {
                context,
                status,
                location,
                ..
            } => write!(
                f,
                "{context}: HTTP {status} redirect to {location}, not followed (check the base URL)"
            ),
            Self::TooLarge { context, limit, .. } => write!(
                f,
                "{context}: the answer exceeded the {limit}-byte response limit; reading stopped"
            ),
            Self::Decode {
                context,
                status,
                message,
                excerpt,
                ..
            } => write!(
                f,
                "{context}: cannot decode the {}answer ({message}): {excerpt}",
                status.map(|s| format!("HTTP {s} ")).unwrap_or_default()
            ),
            Self::Transport {
                context,
                timeout,
                source,
                ..
            } => write!(
                f,
                "{context}: {}: {source}",
                if *timeout {
                    "timed out"
                } else {
                    "transport failure"
                }
            ),
            Self::InvalidRequest {
                context,
                field,
                reason,
                ..
            } => write!(f, "{context}: `{field}` {reason}; nothing was sent"),
            Self::Unsupported {
                bank,
                asked,
                offers,
                ..
            } => write!(
                f,
                "bank {bank} cannot give {asked}; it offers: {}",
                if offers.is_empty() {
                    "nothing through the Bank trait".to_owned()
                } else {
                    offers.join("; ")
                }
            ),
            Self::UnknownBank { id, known, .. } => write!(
                f,
                "unknown bank `{id}`; this build knows: {}",
                known.join(", ")
            ),
            Self::Token {
                context, source, ..
            } => write!(f, "{context}: no token, nothing was sent: {source}"),
            Self::Callback {
                operation_id,
                reason,
                ..
            } => write!(
                f,
                "callback{}: {reason}",
                operation_id
                    .as_deref()
                    .map(|id| format!(" for operation {}", sanitize(id)))
                    .unwrap_or_default()
            ),
            Self::BankNotEnabled { id, feature, .. } => write!(
                f,
                "bank `{id}` is not compiled into this build: enable the cargo feature `{feature}` of khipu-rs (features = [\"{feature}\"])"
            ),
            Self::Config(what) => write!(f, "configuration: {what}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            Self::Token { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn shown(body: &Option<Box<ErrorBody>>) -> String {
    body.as_ref().map(|b| format!(" {b}")).unwrap_or_default()
}

impl Error {
    /// A fixed name for the kind of failure, for traces and metrics (never text from the network).
    pub fn label(&self) -> &'static str {
        match self {
            Error::Khipu { .. } => "khipu error",
            Error::Validation { .. } => "validation error",
            Error::OutcomeUnknown { .. } => "outcome unknown",
            Error::Unauthorized { .. } => "unauthorized",
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not found",
            Error::Server { .. } => "server error",
            Error::UnexpectedStatus { .. } => "unexpected status",
            Error::Redirect { .. } => "redirect",
            Error::TooLarge { .. } => "too large",
            Error::Decode { .. } => "undecodable answer",
            Error::Transport { timeout: true, .. } => "timed out",
            Error::Transport { .. } => "transport failure",
            Error::Token { .. } => "no token",
            Error::Callback { .. } => "callback not received",
            Error::InvalidRequest { .. }
            | Error::Unsupported { .. }
            | Error::UnknownBank { .. }
            | Error::BankNotEnabled { .. }
            | Error::Config(_) => "not sent",
        }
    }

    /// What Khipu advises: for `Status: ERROR` answers its `Error.Type`; `Now` for transport
    /// failures and server errors; `AfterCheck` for a write whose outcome is unknown; `Never` for
    /// errors in the request or configuration. Reads are retried exactly when this says `Now`.
    pub fn retry_advice(&self) -> RetryAdvice {
        match self {
            Error::Khipu { body, .. } => match &body.kind {
                Some(kind) => RetryAdvice::from(kind),
                None => RetryAdvice::Unknown(String::new()),
            },
            Error::Transport { .. } | Error::Server { .. } => RetryAdvice::Now,
            Error::Token { source, .. } if source.is_transient() => RetryAdvice::Now,
            Error::OutcomeUnknown { .. } => RetryAdvice::AfterCheck,
            _ => RetryAdvice::Never,
        }
    }

    /// Khipu's error body, for `Status: ERROR` answers and HTTP errors whose body had one.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            Error::Khipu { body, .. } => Some(body),
            Error::Validation { body, .. }
            | Error::Unauthorized { body, .. }
            | Error::Forbidden { body, .. }
            | Error::NotFound { body, .. }
            | Error::Server { body, .. } => body.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when Khipu answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { .. } => Some(401),
            Error::Forbidden { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::Validation { status, .. }
            | Error::Server { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::OutcomeUnknown { status, .. } | Error::Decode { status, .. } => *status,
            _ => None,
        }
    }

    /// How far the request got: never sent, sent without an answer, answered, or a write whose
    /// outcome is unknown. Every variant has one phase, so a new variant must choose.
    pub fn phase(&self) -> Phase {
        match self {
            Error::InvalidRequest { .. }
            | Error::Unsupported { .. }
            | Error::UnknownBank { .. }
            | Error::BankNotEnabled { .. }
            | Error::Config(_)
            | Error::Token { .. }
            // Khipu authenticates before it acts: a request answered 401 did nothing.
            | Error::Unauthorized { .. } => Phase::NotSent,
            Error::OutcomeUnknown { .. } => Phase::OutcomeUnknown,
            Error::Transport { .. } | Error::Callback { .. } => Phase::Dispatch,
            Error::Khipu { .. }
            | Error::Validation { .. }
            | Error::Forbidden { .. }
            | Error::NotFound { .. }
            | Error::Server { .. }
            | Error::UnexpectedStatus { .. }
            | Error::Redirect { .. }
            | Error::TooLarge { .. }
            | Error::Decode { .. } => Phase::Answered,
        }
    }

    /// `true` when a write may or may not have been carried out (see [`Error::OutcomeUnknown`]).
    pub fn is_outcome_unknown(&self) -> bool {
        self.phase() == Phase::OutcomeUnknown
    }

    /// `true` when Khipu did not act on the request: it was refused before sending, no token
    /// could be had, the configuration cannot work, or Khipu answered 401 (it authenticates
    /// before it acts, so a write answered 401 was not carried out).
    pub fn is_not_sent(&self) -> bool {
        self.phase() == Phase::NotSent
    }

    /// The API and operation, when the error is about one.
    pub fn context(&self) -> Option<&Context> {
        match self {
            Error::Khipu { context, .. }
            | Error::Validation { context, .. }
            | Error::OutcomeUnknown { context, .. }
            | Error::Unauthorized { context, .. }
            | Error::Forbidden { context, .. }
            | Error::NotFound { context, .. }
            | Error::Server { context, .. }
            | Error::UnexpectedStatus { context, .. }
            | Error::Redirect { context, .. }
            | Error::TooLarge { context, .. }
            | Error::Decode { context, .. }
            | Error::Transport { context, .. }
            | Error::InvalidRequest { context, .. }
            | Error::Token { context, .. } => Some(context),
            Error::Unsupported { .. }
            | Error::UnknownBank { .. }
            | Error::BankNotEnabled { .. }
            | Error::Callback { .. }
            | Error::Config(_) => None,
        }
    }

    /// What this error means for a write: once the request may have reached Khipu, any failure
    /// (a 5xx, an answer that does not decode or is too large, a timeout or reset after sending)
    /// is [`Error::OutcomeUnknown`]; a definite answer (4xx, a redirect) and anything that never
    /// left (a refused connection, a request refused before sending) is kept.
    pub(crate) fn after_write(self) -> Self {
        let cause = match &self {
            Error::Server {
                status, excerpt, ..
            } => format!("HTTP {status}: {excerpt}"),
            Error::UnexpectedStatus {
                status, excerpt, ..
            } if *status >= 500 => format!("HTTP {status}: {excerpt}"),
            Error::Decode {
                message, status, ..
            } => format!(
                "the {}answer does not decode: {message}",
                status.map(|s| format!("HTTP {s} ")).unwrap_or_default()
            ),
            Error::TooLarge { limit, .. } => {
                format!("the answer exceeded the {limit}-byte response limit")
            }
            Error::Transport {
                timeout: true,
                source,
                ..
            } if !source.is_connect() => "timed out waiting for the answer".to_owned(),
            Error::Transport { source, .. } if !source.is_connect() => {
                format!("the connection failed after sending: {source}")
            }
            _ => return self,
        };
        let status = self.status();
        match self {
            Error::Server { context, .. }
            | Error::UnexpectedStatus { context, .. }
            | Error::Decode { context, .. }
            | Error::TooLarge { context, .. }
            | Error::Transport { context, .. } => Error::OutcomeUnknown {
                context,
                cause,
                status,
            },
            other => other,
        }
    }
}

/// At most this many characters of a body go into an error.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// The start of a body, as text safe for a terminal, for error messages.
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

#[cfg(test)]
mod tests {
    use super::{Context, Error, ErrorBody, Phase};

    #[test]
    fn every_failure_has_its_phase_and_a_write_answered_5xx_moves_to_outcome_unknown() {
        let context = || Context::api("payments v3.0", "postPayment");
        let server = Error::Server {
            context: context(),
            status: 503,
            body: None,
            excerpt: String::new(),
        };
        assert_eq!(server.phase(), Phase::Answered);
        let unknown = server.after_write();
        assert_eq!(unknown.phase(), Phase::OutcomeUnknown);
        assert!(unknown.is_outcome_unknown() && !unknown.is_not_sent());
        let refused = Error::InvalidRequest {
            context: context(),
            field: "amount".into(),
            reason: "is negative".into(),
        };
        assert_eq!(refused.after_write().phase(), Phase::NotSent);
        let config = Error::Config("no key".into());
        assert!(config.is_not_sent() && !config.is_outcome_unknown());
    }

    #[test]
    fn an_error_object_without_fields_says_so() {
        let empty = ErrorBody::parse(br#"{"Status":"ERROR","Error":{}}"#).unwrap();
        assert_eq!(
            empty.to_string(),
            "[an error object with no code, type, description or fields]"
        );
        let full = ErrorBody::parse(
            br#"{"Error":{"Code":"E201","Type":"DO_NOT_RETRY","Description":"No account"}}"#,
        )
        .unwrap();
        assert_eq!(
            full.to_string(),
            "[Code E201, Type DO_NOT_RETRY, No account]"
        );
    }
}

//! Errors of the payments clients (v3.0 and v2.0 alike).

use progenitor_client::Error as ApiError;

/// A field Khipu rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// The field (`amount`).
    pub field: String,
    /// Why.
    pub message: String,
}

/// Why a payments call failed. Never contains the API key or the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentsError {
    /// HTTP 400: the data is invalid; `errors` says which fields.
    #[error("{operation}: validation error {status}: {message}{}", fields(errors))]
    Validation {
        /// The operation.
        operation: &'static str,
        /// Khipu's `status` code.
        status: i64,
        /// Khipu's message.
        message: String,
        /// Per-field errors.
        errors: Vec<FieldError>,
    },
    /// HTTP 401: the API key is missing or wrong.
    #[error("{operation}: unauthorized (HTTP 401): {message}")]
    Unauthorized {
        /// The operation.
        operation: &'static str,
        /// Khipu's message.
        message: String,
    },
    /// HTTP 403: not allowed (v2.0: wrong receiver id or signature; a feature not contracted).
    #[error("{operation}: forbidden (HTTP 403): {message}")]
    Forbidden {
        /// The operation.
        operation: &'static str,
        /// Khipu's message.
        message: String,
    },
    /// HTTP 404: no such payment or resource.
    #[error("{operation}: not found (HTTP 404): {message}")]
    NotFound {
        /// The operation.
        operation: &'static str,
        /// Khipu's message.
        message: String,
    },
    /// HTTP 5xx on a read (already retried as the policy allows).
    #[error("{operation}: Khipu server error (HTTP {status}): {message}")]
    Server {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// Khipu's message, or the start of the body.
        message: String,
    },
    /// A create, confirm, refund, delete or receiver call failed after it may have reached Khipu
    /// (a 5xx, a timeout, a broken connection). Khipu may have carried it out: Khipu once answered
    /// 500 to a refund it had made. It is never retried automatically; look the payment up before
    /// trying again.
    #[error(
        "{operation}: outcome unknown ({cause}); Khipu may have carried it out: look the payment up before trying again"
    )]
    OutcomeUnknown {
        /// The operation.
        operation: &'static str,
        /// What happened (`HTTP 500: ...`, `timed out`).
        cause: String,
        /// The HTTP status, when Khipu answered.
        status: Option<u16>,
    },
    /// Any other status.
    #[error("{operation}: unexpected HTTP {status}: {excerpt}")]
    UnexpectedStatus {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The server answered with a redirect. Redirects are never followed: the API key or a
    /// signed body would go with it to wherever it points.
    #[error("{operation}: HTTP {status} redirect to {location}, not followed (check the base URL)")]
    Redirect {
        /// The operation.
        operation: &'static str,
        /// The HTTP status (301, 302, 303, 307, 308...).
        status: u16,
        /// Where it pointed, sanitized, with any password redacted.
        location: String,
    },
    /// The answer was larger than the client's response limit; reading stopped there.
    #[error("{operation}: the answer exceeded the {limit}-byte response limit; reading stopped")]
    TooLarge {
        /// The operation.
        operation: &'static str,
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// The answer could not be decoded.
    #[error("{operation}: cannot decode the answer ({message}): {excerpt}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// What did not decode.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The request was not sent: a value breaks the spec (too long, missing) or cannot be signed.
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The operation.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The request did not complete (connection, TLS, timeout) and, for a write, surely never
    /// reached Khipu (it could not connect).
    #[error("{operation}: {}transport failure: {source}", if *timeout { "timed out: " } else { "" })]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The attempt timed out.
        timeout: bool,
        /// What failed.
        #[source]
        source: reqwest::Error,
    },
    /// The client cannot be set up (base URL, HTTP client, credentials).
    #[error("configuration: {0}")]
    Config(String),
}

fn fields(errors: &[FieldError]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let list: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    format!(" ({})", list.join("; "))
}

/// Khipu's error body, in whichever version's generated type.
pub(crate) trait ErrorBody: std::fmt::Debug {
    /// `(status, message, field errors)`.
    fn parts(self) -> (Option<i64>, String, Vec<FieldError>);
}

/// Both versions' error bodies have the same fields, under different generated names.
macro_rules! error_body {
    ($($body:ty),*) => {$(
        impl ErrorBody for $body {
            fn parts(self) -> (Option<i64>, String, Vec<FieldError>) {
                let errors = self
                    .errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: e.field.unwrap_or_default(),
                        message: e.message.unwrap_or_default(),
                    })
                    .collect();
                (self.status, self.message.unwrap_or_default(), errors)
            }
        }
    )*};
}
error_body!(
    khipu_generated::payments::v3_0::types::KhipuError,
    khipu_generated::payments::v2_0::types::ErrorResponse
);

impl PaymentsError {
    /// A fixed name for the kind of failure, for traces (never text from the network).
    pub(crate) fn label(&self) -> &'static str {
        match self {
            PaymentsError::Validation { .. } => "validation error",
            PaymentsError::Unauthorized { .. } => "unauthorized",
            PaymentsError::Forbidden { .. } => "forbidden",
            PaymentsError::NotFound { .. } => "not found",
            PaymentsError::Server { .. } => "server error",
            PaymentsError::OutcomeUnknown { .. } => "outcome unknown",
            PaymentsError::UnexpectedStatus { .. } => "unexpected status",
            PaymentsError::Redirect { .. } => "redirect",
            PaymentsError::TooLarge { .. } => "too large",
            PaymentsError::Decode { .. } => "undecodable answer",
            PaymentsError::Transport { timeout: true, .. } => "timed out",
            PaymentsError::Transport { .. } => "transport failure",
            PaymentsError::InvalidRequest { .. } | PaymentsError::Config(_) => "not sent",
        }
    }

    /// `true` for failures a safe read may retry: 5xx and transport failures.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            PaymentsError::Server { .. } | PaymentsError::Transport { .. }
        )
    }

    /// `true` when a write may or may not have been carried out.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, PaymentsError::OutcomeUnknown { .. })
    }

    /// The HTTP status, when Khipu answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            PaymentsError::Validation { .. } => Some(400),
            PaymentsError::Unauthorized { .. } => Some(401),
            PaymentsError::Forbidden { .. } => Some(403),
            PaymentsError::NotFound { .. } => Some(404),
            PaymentsError::Server { status, .. }
            | PaymentsError::UnexpectedStatus { status, .. }
            | PaymentsError::Redirect { status, .. } => Some(*status),
            PaymentsError::OutcomeUnknown { status, .. } => *status,
            _ => None,
        }
    }

    /// What a write's failure means: a 5xx or a failure after the request may have reached Khipu
    /// is [`PaymentsError::OutcomeUnknown`]; anything else (a 4xx, a refused connection) is kept.
    pub(crate) fn for_write(self) -> Self {
        let (cause, status) = match &self {
            PaymentsError::Server {
                status, message, ..
            } => (format!("HTTP {status}: {message}"), Some(*status)),
            PaymentsError::UnexpectedStatus {
                status, excerpt, ..
            } if *status >= 500 => (format!("HTTP {status}: {excerpt}"), Some(*status)),
            PaymentsError::Transport {
                timeout, source, ..
            } if !source.is_connect() => (
                if *timeout {
                    "timed out waiting for the answer".to_owned()
                } else {
                    format!("the connection failed: {source}")
                },
                None,
            ),
            _ => return self,
        };
        PaymentsError::OutcomeUnknown {
            operation: self.operation(),
            cause,
            status,
        }
    }

    fn operation(&self) -> &'static str {
        match self {
            PaymentsError::Validation { operation, .. }
            | PaymentsError::Unauthorized { operation, .. }
            | PaymentsError::Forbidden { operation, .. }
            | PaymentsError::NotFound { operation, .. }
            | PaymentsError::Server { operation, .. }
            | PaymentsError::OutcomeUnknown { operation, .. }
            | PaymentsError::UnexpectedStatus { operation, .. }
            | PaymentsError::Redirect { operation, .. }
            | PaymentsError::TooLarge { operation, .. }
            | PaymentsError::Decode { operation, .. }
            | PaymentsError::InvalidRequest { operation, .. }
            | PaymentsError::Transport { operation, .. } => operation,
            PaymentsError::Config(_) => "configuration",
        }
    }

    pub(crate) async fn from_api<E: ErrorBody>(
        operation: &'static str,
        limit: usize,
        error: ApiError<E>,
    ) -> Self {
        match error {
            ApiError::UnexpectedResponse(response) if response.status().is_redirection() => {
                PaymentsError::Redirect {
                    operation,
                    status: response.status().as_u16(),
                    location: khipu_types::http::redirect_location(response.headers()),
                }
            }
            ApiError::CommunicationError(source) | ApiError::ResponseBodyError(source)
                if khipu_types::http::is_too_large(&source) =>
            {
                PaymentsError::TooLarge { operation, limit }
            }
            ApiError::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let (code, message, errors) = response.into_inner().parts();
                let message = crate::error::sanitize(&message);
                match status {
                    400 => PaymentsError::Validation {
                        operation,
                        status: code.unwrap_or(400),
                        message,
                        errors,
                    },
                    401 => PaymentsError::Unauthorized { operation, message },
                    403 => PaymentsError::Forbidden { operation, message },
                    404 => PaymentsError::NotFound { operation, message },
                    500..=599 => PaymentsError::Server {
                        operation,
                        status,
                        message,
                    },
                    _ => PaymentsError::UnexpectedStatus {
                        operation,
                        status,
                        excerpt: message,
                    },
                }
            }
            ApiError::InvalidResponsePayload(bytes, e) => PaymentsError::Decode {
                operation,
                message: e.to_string(),
                excerpt: crate::error::excerpt(&bytes),
            },
            ApiError::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let body = crate::error::read_capped(response).await;
                let excerpt = crate::error::excerpt(&body);
                if status >= 500 {
                    PaymentsError::Server {
                        operation,
                        status,
                        message: excerpt,
                    }
                } else {
                    PaymentsError::UnexpectedStatus {
                        operation,
                        status,
                        excerpt,
                    }
                }
            }
            ApiError::CommunicationError(source) | ApiError::ResponseBodyError(source) => {
                PaymentsError::Transport {
                    operation,
                    timeout: source.is_timeout(),
                    source,
                }
            }
            ApiError::InvalidRequest(message) | ApiError::Custom(message) => {
                PaymentsError::InvalidRequest { operation, message }
            }
            other => PaymentsError::InvalidRequest {
                operation,
                message: format!("{other:?}"),
            },
        }
    }
}

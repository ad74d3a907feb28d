//! Errors of the payments client.

use progenitor_client::Error as ApiError;

use super::types::ErrorResponse;

/// A field Khipu rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// The field (`amount`).
    pub field: String,
    /// Why.
    pub message: String,
}

/// Why a payments call failed. Never contains the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentsError {
    /// HTTP 400 `ValidationError`: the data is invalid.
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
    /// HTTP 403 `AuthorizationError`: wrong receiver id or signature, or a feature not contracted.
    #[error("{operation}: authorization error {status}: {message}")]
    Authorization {
        /// The operation.
        operation: &'static str,
        /// Khipu's `status` code.
        status: i64,
        /// Khipu's message.
        message: String,
    },
    /// HTTP 503 `ServiceError`: Khipu could not complete the operation.
    #[error("{operation}: service error {status}: {message}")]
    Service {
        /// The operation.
        operation: &'static str,
        /// Khipu's `status` code.
        status: i64,
        /// Khipu's message.
        message: String,
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
    /// The request did not complete (connection, TLS, timeout).
    #[error("{operation}: transport failure: {source}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// What failed.
        #[source]
        source: reqwest::Error,
    },
    /// The client cannot be set up (base URL, HTTP client).
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

impl PaymentsError {
    /// `true` for failures a safe read may retry: 503 and transport failures.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            PaymentsError::Service { .. } | PaymentsError::Transport { .. }
        )
    }

    /// The HTTP status, when Khipu answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            PaymentsError::Validation { .. } => Some(400),
            PaymentsError::Authorization { .. } => Some(403),
            PaymentsError::Service { .. } => Some(503),
            PaymentsError::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub(crate) async fn from_api(operation: &'static str, error: ApiError<ErrorResponse>) -> Self {
        match error {
            ApiError::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let body = response.into_inner();
                let code = body.status.unwrap_or(i64::from(status));
                let message = body.message.unwrap_or_default();
                match status {
                    400 => PaymentsError::Validation {
                        operation,
                        status: code,
                        message,
                        errors: body
                            .errors
                            .into_iter()
                            .map(|e| FieldError {
                                field: e.field.unwrap_or_default(),
                                message: e.message.unwrap_or_default(),
                            })
                            .collect(),
                    },
                    403 => PaymentsError::Authorization {
                        operation,
                        status: code,
                        message,
                    },
                    503 => PaymentsError::Service {
                        operation,
                        status: code,
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
                let body = response
                    .bytes()
                    .await
                    .map(|b| b.to_vec())
                    .unwrap_or_default();
                PaymentsError::UnexpectedStatus {
                    operation,
                    status,
                    excerpt: crate::error::excerpt(&body),
                }
            }
            ApiError::CommunicationError(source) | ApiError::ResponseBodyError(source) => {
                PaymentsError::Transport { operation, source }
            }
            ApiError::InvalidRequest(message) | ApiError::Custom(message) => {
                PaymentsError::InvalidRequest { operation, message }
            }
            other => PaymentsError::InvalidRequest {
                operation,
                message: other.to_string(),
            },
        }
    }
}

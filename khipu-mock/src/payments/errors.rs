//! Khipu's payments error bodies: `{"status", "message", "errors": [{"field", "message"}]}`.

use serde_json::{Value, json};

use crate::exchange::Reply;
use crate::inject::Injection;
use crate::validate::FieldError;

/// How a payments API authenticates, which also decides how it answers a missing payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// A fixed key in a header (Payments v3.0): a missing payment is 404.
    ApiKey,
    /// The v2.0 signature: a missing payment is a validation error on its id.
    Signed,
}

/// A 400 naming every field at fault.
pub(crate) fn validation(message: &str, errors: &[FieldError]) -> Reply {
    let list: Vec<Value> = errors
        .iter()
        .map(|e| json!({"field": e.field, "message": e.message}))
        .collect();
    Reply::json(
        400,
        &json!({"status": 400, "message": message, "errors": list}),
    )
}

/// A 400 naming one field.
pub(crate) fn field_error(field: &str, message: &str) -> Reply {
    validation(
        "Datos inválidos",
        &[FieldError {
            field: field.into(),
            message: message.into(),
        }],
    )
}

/// Any other status, with Khipu's message.
pub(crate) fn error(status: u16, message: &str) -> Reply {
    Reply::json(status, &json!({"status": status, "message": message}))
}

/// Nothing (`what`: payment, subscription) has the id asked for: API-key APIs answer 404, v2.0
/// a validation error on the id.
pub(crate) fn missing(version: Version, what: &str) -> Reply {
    let why = format!("no {what} has this id");
    match version {
        Version::ApiKey => error(404, &why),
        Version::Signed => field_error("id", &why),
    }
}

/// What the run's or the request's directives say to answer instead, if anything.
pub(crate) fn injected(injection: &Injection) -> Option<Reply> {
    if let Some(status) = injection.status {
        let reply = match status {
            400 => field_error("(sandbox)", "khipu-mock injected 400"),
            401 | 403 | 404 | 500..=599 => {
                error(status, &format!("khipu-mock injected HTTP {status}"))
            }
            _ => Reply::text(status, &format!("khipu-mock injected HTTP {status}")),
        };
        return Some(reply);
    }
    let (code, kind) = injection.error.as_ref()?;
    Some(error(503, &format!("khipu-mock injected {code} {kind}")))
}

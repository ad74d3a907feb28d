//! What an answer stands for: the one mapping from HTTP status, body and transport failure to
//! [`Error`], for the requests the `Bank` trait sends and for the generated clients' alike.
//!
//! The status decides first; Khipu's error body is read only if it decodes (an HTML page from a
//! gateway is still a 500). Generated clients never decode error bodies themselves (the
//! generator's `error-responses` pass), so no status is lost on the way.

use bytes::Bytes;

use crate::error::{Context, Error, ErrorBody, excerpt};

/// One attempt's result: the HTTP status if an answer came, and what it means.
pub(crate) type Outcome<T> = (Option<u16>, Result<T, Error>);

/// At most this much of an error body is read: enough for Khipu's error object and an excerpt,
/// bounded against a hostile server that sends gigabytes.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The error a non-success answer stands for: the status class first, with Khipu's error body
/// when the bytes hold one.
pub(crate) fn from_status(context: &Context, status: u16, bytes: &[u8]) -> Error {
    let body = ErrorBody::parse(bytes).map(Box::new);
    let (context, excerpt) = (context.clone(), excerpt(bytes));
    match status {
        400 | 422 => Error::Validation {
            context,
            status,
            body,
            excerpt,
        },
        401 => Error::Unauthorized {
            context,
            body,
            excerpt,
        },
        403 => Error::Forbidden {
            context,
            body,
            excerpt,
        },
        404 => Error::NotFound {
            context,
            body,
            excerpt,
        },
        500..=599 => Error::Server {
            context,
            status,
            body,
            excerpt,
        },
        _ => Error::UnexpectedStatus {
            context,
            status,
            excerpt,
        },
    }
}

/// A reqwest failure: a body past the response cap, a request that could not be built (nothing
/// was sent), or a transport failure (connection, TLS, timeout).
pub(crate) fn transport(context: &Context, limit: usize, e: reqwest::Error) -> Error {
    if khipu_types::http::is_too_large(&e) {
        return Error::TooLarge {
            context: context.clone(),
            limit,
        };
    }
    if e.is_builder() {
        return Error::InvalidRequest {
            context: context.clone(),
            field: "request".into(),
            reason: format!("cannot be built: {e}"),
        };
    }
    Error::Transport {
        context: context.clone(),
        timeout: e.is_timeout(),
        source: e,
    }
}

/// Reads an answer: a success's status and whole body (under the cap), or the error it stands for.
pub(crate) async fn read(
    context: &Context,
    limit: usize,
    response: reqwest::Response,
) -> Outcome<(u16, Bytes)> {
    let status = response.status();
    let code = Some(status.as_u16());
    if status.is_success() {
        return match response.bytes().await {
            Ok(bytes) => (code, Ok((status.as_u16(), bytes))),
            Err(e) => (code, Err(transport(context, limit, e))),
        };
    }
    (code, Err(failure(context, response).await))
}

/// The error a non-success response stands for: a redirect (never followed), or its status with
/// the start of its body.
pub(crate) async fn failure(context: &Context, response: reqwest::Response) -> Error {
    let status = response.status();
    if status.is_redirection() {
        return Error::Redirect {
            context: context.clone(),
            status: status.as_u16(),
            location: khipu_types::http::redirect_location(response.headers()),
        };
    }
    from_status(context, status.as_u16(), &read_capped(response).await)
}

/// The start of `response`'s body, at most [`ERROR_BODY_LIMIT`] bytes; what cannot be read is left.
async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
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

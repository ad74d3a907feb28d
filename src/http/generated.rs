//! Calls through a generated client (the payments APIs): each attempt's result mapped as every
//! answer is ([`answer`]), repeated as the call's rule allows ([`attempt`]).

use std::future::Future;

use progenitor_client::{Error as ApiError, ResponseValue};

use super::Connection;
use super::answer::{self, Outcome, from_status, transport};
use super::attempt::{self, Call, Rule};
use crate::error::{Context, Error, excerpt};

/// A call through a generated client: each attempt calls `send` anew and maps its result the one
/// way ([`outcome`]), repeated as `rule` allows.
#[cfg_attr(
    not(any(
        feature = "payments-v3-0",
        feature = "payments-v2-0",
        feature = "automatic-payments-v1-0"
    )),
    allow(
        dead_code,
        reason = "the payments clients call through it; typed bank clients use `typed`"
    )
)]
pub(crate) async fn generated<T, E, F, Fut>(
    connection: &Connection,
    context: &Context,
    rule: Rule,
    send: F,
) -> Result<T, Error>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, ApiError<E>>>,
{
    let limit = connection.options.response_limit();
    let call = Call {
        context,
        rule,
        subject: None,
    };
    attempt::run(call, &connection.retry, || async {
        outcome(context, limit, send().await).await
    })
    .await
}

/// A typed client's result (`client.op().send().await`), mapped as every other client's: the
/// error body read within the default cap, Khipu's error object recognized, the status mapped.
pub(crate) async fn typed<T, E>(result: Result<ResponseValue<T>, ApiError<E>>) -> Result<T, Error> {
    let context = typed_context(&result);
    let limit = khipu_types::http::DEFAULT_MAX_RESPONSE_BYTES;
    outcome(&context, limit, result).await.1
}

/// The bank and operation an answer came from, found by its path among the compiled banks; an
/// error raised before sending names only the kind of client.
fn typed_context<T, E>(result: &Result<ResponseValue<T>, ApiError<E>>) -> Context {
    if let Err(ApiError::UnexpectedResponse(response)) = result {
        let path = response.url().path();
        for bank in crate::banks() {
            if let Some(op) = bank.operations.iter().find(|o| o.path == path) {
                return Context::bank(bank.id, op.operation_id);
            }
        }
    }
    Context::api(TYPED_CLIENT, "")
}

/// How an error of a typed client names its API when no bank operation matches.
const TYPED_CLIENT: &str = "typed client";

/// A generated client's result as an outcome: the same mapping as [`answer::read`], from progenitor's
/// error shapes.
async fn outcome<T, E>(
    context: &Context,
    limit: usize,
    result: Result<ResponseValue<T>, ApiError<E>>,
) -> Outcome<T> {
    match result {
        Ok(value) => (Some(value.status().as_u16()), Ok(value.into_inner())),
        Err(ApiError::UnexpectedResponse(response)) => {
            let status = Some(response.status().as_u16());
            (status, Err(answer::failure(context, response).await))
        }
        // Not produced since the generator removes declared error bodies; mapped by status all
        // the same, should a hand-written spec keep one.
        Err(ApiError::ErrorResponse(value)) => {
            let status = value.status().as_u16();
            (Some(status), Err(from_status(context, status, b"")))
        }
        Err(ApiError::InvalidResponsePayload(bytes, e)) => (
            None,
            Err(Error::Decode {
                context: context.clone(),
                status: None,
                message: e.to_string(),
                excerpt: excerpt(&bytes),
            }),
        ),
        Err(
            ApiError::CommunicationError(e)
            | ApiError::ResponseBodyError(e)
            | ApiError::InvalidUpgrade(e),
        ) => (None, Err(transport(context, limit, e))),
        Err(ApiError::InvalidRequest(message)) => (None, Err(invalid_request(context, &message))),
        // The pre-hook's authentication failed: the credentials do not fit this operation.
        Err(ApiError::Custom(message)) => {
            (None, Err(Error::Config(format!("{context}: {message}"))))
        }
    }
}

/// A generated builder's refusal, with the field it names when it names one (progenitor says
/// "error converting supplied value for {field}: {why}"; a bank client's check says "`{field}` {why}").
fn invalid_request(context: &Context, message: &str) -> Error {
    let (field, reason) = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
        .map(|(f, r)| (f.to_owned(), r.to_owned()))
        .or_else(|| {
            let rest = message.strip_prefix('`')?;
            let (field, reason) = rest.split_once("` ")?;
            Some((field.to_owned(), reason.to_owned()))
        })
        .unwrap_or_else(|| ("request".to_owned(), message.to_owned()));
    Error::InvalidRequest {
        context: context.clone(),
        field,
        reason,
    }
}

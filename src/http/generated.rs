//! Calls through a generated client (the payments APIs): each attempt's result mapped as every
//! answer is ([`answer`]), repeated as the call's rule allows ([`attempt`]).

use khipu_types::client::Request;
use progenitor_client::{Error as ApiError, ResponseValue};

use super::answer::{self, Outcome, from_status, transport};
use super::attempt::{self, Call};
use crate::error::{Context, Error, excerpt};

/// A generated client's request, sent as its operation's rule allows: each attempt sends a copy
/// and maps its result the one way ([`outcome`]).
pub(crate) async fn send<R: Request>(request: R) -> Result<R::Output, Error> {
    let operation = R::OPERATION;
    let context = Context::of(operation);
    let options = request.options();
    let (limit, retry) = (options.response_limit(), options.retry_policy().clone());
    let call = Call {
        context: &context,
        rule: operation.retry,
        subject: None,
    };
    attempt::run(call, &retry, || {
        let copy = request.clone();
        let context = &context;
        async move { outcome(context, limit, copy.send_once().await).await }
    })
    .await
}

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

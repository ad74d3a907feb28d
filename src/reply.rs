//! What a `Bank` call answers.

use khipu_types::DateTime;
use khipu_types::banking::{Container, Envelope, Status};

use crate::error::{Context, Error, ErrorBody};

/// A bank's answer: the data now, or the promise of a callback.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reply<T> {
    /// The data (HTTP 200, or the callback POST).
    Ready {
        /// The operation's id.
        operation_id: String,
        /// The items; may be empty.
        items: Vec<T>,
        /// Khipu's remarks, e.g. that the data is incomplete.
        additional_information: Option<String>,
    },
    /// Accepted for asynchronous processing (HTTP 202, a CallbackUrl was given): the data will be
    /// POSTed to the callback URL.
    Accepted {
        /// The operation's id; the callback carries the same one.
        operation_id: String,
        /// Latest delivery time Khipu estimates.
        life_span: Option<DateTime>,
        /// Khipu's remarks.
        additional_information: Option<String>,
    },
}

impl<T> Reply<T> {
    /// The operation's id.
    pub fn operation_id(&self) -> &str {
        match self {
            Reply::Ready { operation_id, .. } | Reply::Accepted { operation_id, .. } => {
                operation_id
            }
        }
    }

    /// The items (empty when accepted).
    pub fn items(&self) -> &[T] {
        match self {
            Reply::Ready { items, .. } => items,
            Reply::Accepted { .. } => &[],
        }
    }

    /// The items, moved out (empty when accepted).
    pub fn into_items(self) -> Vec<T> {
        match self {
            Reply::Ready { items, .. } => items,
            Reply::Accepted { .. } => Vec::new(),
        }
    }

    /// `true` for an accepted (asynchronous) answer.
    pub fn is_accepted(&self) -> bool {
        matches!(self, Reply::Accepted { .. })
    }

    /// Khipu's remarks.
    pub fn additional_information(&self) -> Option<&str> {
        match self {
            Reply::Ready {
                additional_information,
                ..
            }
            | Reply::Accepted {
                additional_information,
                ..
            } => additional_information.as_deref(),
        }
    }
}

/// Turns a decoded envelope into a reply, or the `Status: ERROR` it carries into an error.
pub(crate) fn from_envelope<C: Container>(
    envelope: Envelope<C>,
    accepted: bool,
    context: &Context,
) -> Result<Reply<C::Item>, Error> {
    let failed = envelope.status == Status::Error
        || (envelope.status != Status::Ok && envelope.error.is_some());
    if failed {
        return Err(Error::Khipu {
            context: context.clone(),
            operation_id: envelope.operation_id,
            body: Box::new(ErrorBody::from(envelope.error.unwrap_or_default())),
        });
    }
    if accepted {
        return Ok(Reply::Accepted {
            operation_id: envelope.operation_id,
            life_span: envelope.life_span,
            additional_information: envelope.additional_information,
        });
    }
    Ok(Reply::Ready {
        operation_id: envelope.operation_id,
        items: envelope.data.map(Container::into_items).unwrap_or_default(),
        additional_information: envelope.additional_information,
    })
}

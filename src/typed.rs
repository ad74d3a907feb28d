//! Typed per-bank clients fail the way every other client fails.

use std::future::Future;

use progenitor_client::{Error as ApiError, ResponseValue};

use crate::error::Error;

/// A typed client's result as [`Error`]: `client.op().body(..).send().await.khipu().await?`.
///
/// A generated client hands back progenitor's error shapes (the raw response for any
/// non-success answer); `.khipu()` maps them exactly as the [`Bank`](crate::Bank) trait and the
/// payments clients do: Khipu's error object read from the body (within the default response cap)
/// with its retry advice, the status mapped (`Unauthorized`, `Server`...), a request the spec
/// refuses `Error::InvalidRequest` naming the field, and the bank and operation in the message
/// when the answer's path is one of a compiled bank's.
pub trait TypedResult<T>: Sized {
    /// The value, or the error as [`Error`].
    fn khipu(self) -> impl Future<Output = Result<T, Error>> + Send;
}

impl<T: Send, E: Send> TypedResult<T> for Result<ResponseValue<T>, ApiError<E>> {
    fn khipu(self) -> impl Future<Output = Result<T, Error>> + Send {
        crate::http::generated::typed(self)
    }
}

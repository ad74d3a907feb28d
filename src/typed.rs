//! Every generated client's request is sent one way: `.call()`.

use std::future::Future;

use khipu_types::client::Request;

use crate::error::Error;

/// Sends a generated client's request the way every client of the SDK sends:
/// `client.op().param(..).call().await?`, for a bank's typed client (from
/// [`Config::client`](crate::Config::client)) or any operation of a payments client's `api()`.
///
/// - Retried by the operation's rule, which the generator decided from its spec and is in
///   [`Request::OPERATION`] (reads on Khipu's advice, writes never, a bank request with a
///   `CallbackUrl` only when it never reached Khipu), under the config's
///   [`RetryPolicy`](crate::RetryPolicy).
/// - Each attempt in a `khipu.http` span (feature `tracing`).
/// - Failing with [`Error`]: Khipu's error object with its retry advice, the status mapped, a
///   write that may have been carried out as [`Error::OutcomeUnknown`], a request the spec
///   refuses as [`Error::InvalidRequest`] naming the field, and the API and operation named.
pub trait Call: Request {
    /// Sends it; the decoded answer or the error.
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

impl<R> Call for R
where
    R: Request,
    R::Output: Send,
    R::ErrorBody: Send,
{
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send {
        crate::http::generated::send(self)
    }
}

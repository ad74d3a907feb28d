//! What a generated client carries besides its `reqwest::Client`: the credential its spec asks
//! for and the limits it reads answers under. It is progenitor's "inner" value: generated clients
//! are built with `Client::new_with_client(base, http, Options::new(auth))` (or `auth.into()`).

use std::future::Future;
use std::time::Duration;

use crate::auth::{Auth, AuthError, AuthSpec};
use crate::http::DEFAULT_MAX_RESPONSE_BYTES;

/// What every generated client says about the API it speaks, from its spec, so that one piece of
/// code can build any of them: `khipu::Config::client::<C>()` builds a bank's typed client, the
/// Payments v3.0 client and every other the same way (base URL checked, one HTTP policy, the
/// credential checked against the spec's schemes).
pub trait ApiClient: Sized {
    /// Which API, for messages and traces (`cl/personal/demo-bank.khipu.com`, `payments v3.0`).
    const NAME: &'static str;

    /// The spec's auth (the module's `AUTH`).
    fn auth() -> &'static AuthSpec;

    /// Where Khipu serves the API: the spec's first server (`https://api.khipu.com`).
    fn default_base_url() -> &'static str;

    /// The client for `base_url`, sending with `http` under `options`.
    fn from_parts(base_url: &str, http: reqwest::Client, options: Options) -> Self;
}

/// A generated client's credential and limits. `Debug` never shows the credential.
#[derive(Debug, Clone)]
pub struct Options {
    auth: Auth,
    max_response_bytes: usize,
    retry: RetryPolicy,
}

impl Options {
    /// `auth`, with [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
        }
    }

    /// How the client's reads are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Caps every response body at `bytes`; a larger answer fails while it streams.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The credential and the spec's auth.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The response body cap in bytes.
    pub fn response_limit(&self) -> usize {
        self.max_response_bytes
    }
}

impl From<Auth> for Options {
    fn from(auth: Auth) -> Self {
        Self::new(auth)
    }
}

/// progenitor's pre-hook in generated clients: authenticates `request` as its operation requires.
pub async fn prepare(options: &Options, request: &mut reqwest::Request) -> Result<(), AuthError> {
    crate::auth::apply(&options.auth, request).await
}

/// How generated clients send a request: with `http`, the body capped at the options' limit.
pub async fn exec(
    http: &reqwest::Client,
    options: &Options,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let response = http.execute(request).await?;
    Ok(crate::http::limit_body(
        response,
        options.max_response_bytes,
    ))
}

/// How often and how patiently to retry what may be retried: reads whose error's
/// `retry_advice` is `Now` (Khipu's `RETRY_IMMEDIATELY`, transport
/// failures, 5xx). Writes are never retried, whatever the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: usize,
    /// Delay before the first retry; doubles each time, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one delay.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 2 retries, 200 ms then 400 ms (with jitter), at most 2 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets the number of retries.
    pub fn max_retries(mut self, n: usize) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first delay and its upper bound.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }
}

/// How an operation may be repeated after a failed attempt, decided by the generator from the
/// spec by one rule: `GET` and `HEAD` are reads; a bank API's operations are reads (Open Data
/// POSTs what to read), and those that take a `CallbackUrl` are [`Retry::Callback`]; everything
/// else is a write. An overlay's `x-khipu-retry` on the operation overrides it, citing its source
/// in `x-khipu-retry-source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retry {
    /// Repeated while the error's advice is to retry now.
    Read,
    /// Repeated only when it never reached Khipu or Khipu asked for it (`RETRY_IMMEDIATELY`), so
    /// Khipu is not asked twice to call back.
    Callback,
    /// Sent once; a failure after sending is an unknown outcome.
    Write,
}

/// One operation of a generated client, as its spec declares it: every module lists its own in
/// `operations` (`operations::GET_BANKS`, `operations::ALL`), so no operationId is typed by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The API (`payments v3.0`; a bank's id for a bank).
    pub api: &'static str,
    /// `true` for a bank's Open Data API.
    pub bank: bool,
    /// The spec's operationId (after normalization).
    pub id: &'static str,
    /// The method on the generated client.
    pub client_method: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// The path as in the spec (`/v3/payments/{id}`).
    pub path: &'static str,
    /// How it may be repeated.
    pub retry: Retry,
    /// The spec's summary.
    pub summary: &'static str,
}

impl Operation {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        api: &'static str,
        bank: bool,
        id: &'static str,
        client_method: &'static str,
        method: &'static str,
        path: &'static str,
        retry: Retry,
        summary: &'static str,
    ) -> Self {
        Self {
            api,
            bank,
            id,
            client_method,
            method,
            path,
            retry,
            summary,
        }
    }
}

/// A generated client's request, ready to send (progenitor's builder for one operation). The
/// generator implements it for every builder of every module; `khipu::Call` sends any of them
/// the one way (retries by [`Operation::retry`], the trace span, `khipu::Error`).
pub trait Request: Clone + Send + Sync {
    /// What a success decodes to.
    type Output;
    /// The error body type progenitor declares (`()`: error bodies are read by the SDK).
    type ErrorBody;
    /// The operation.
    const OPERATION: &'static Operation;
    /// The client's options (its credential, limits and retry policy).
    fn options(&self) -> &Options;
    /// Sends it once (progenitor's `send`).
    fn send_once(
        self,
    ) -> impl Future<
        Output = Result<
            progenitor_client::ResponseValue<Self::Output>,
            progenitor_client::Error<Self::ErrorBody>,
        >,
    > + Send;
}

/// One generated API as a whole: what a caller needs to send any of its operations from text
/// (the `khipu api` command). Every module has one (`API`); `khipu_generated::catalog::apis()`
/// lists the compiled ones.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ApiInfo {
    /// `payments v3.0`, or a bank's id.
    pub name: &'static str,
    /// `true` for a bank's Open Data API.
    pub bank: bool,
    /// The spec below `specs/`, without its extension (`payments/v3.0`).
    pub spec: &'static str,
    /// Where Khipu serves it.
    pub default_base_url: &'static str,
    /// How it authenticates.
    pub auth: &'static AuthSpec,
    /// Its operations.
    pub operations: &'static [Operation],
}

impl ApiInfo {
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        bank: bool,
        spec: &'static str,
        default_base_url: &'static str,
        auth: &'static AuthSpec,
        operations: &'static [Operation],
    ) -> Self {
        Self {
            name,
            bank,
            spec,
            default_base_url,
            auth,
            operations,
        }
    }

    /// The operation with this operationId.
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.operations.iter().find(|o| o.id == id)
    }
}

//! HTTP plumbing: accept connections, read a request, dispatch, write the answer.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

use crate::exchange::{Reply, Req};
use crate::inject::{HEADER, Injection, PlannedRequest};
use crate::spec::Api;
use crate::state::State;
use crate::{admin, banking, oauth, payments};

/// Largest request body accepted.
const MAX_BODY: usize = 1 << 20;

/// The first pause after `accept` fails; it doubles up to [`ACCEPT_BACKOFF_MAX`].
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(5);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Serves until `shutdown`, with at most `max_connections` at once. A failed `accept` (out of
/// file descriptors, EMFILE) is followed by a growing pause instead of an immediate retry, which
/// would spin a core until a descriptor frees up.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(state.config.max_connections));
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            _ = &mut shutdown => return,
        };
        let Ok(slot) = slot else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => {
                backoff = ACCEPT_BACKOFF_MIN;
                stream
            }
            Err(e) => {
                if backoff == ACCEPT_BACKOFF_MIN {
                    eprintln!("khipu-mock: accept failed ({e}); backing off");
                }
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = &mut shutdown => return,
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        let state = state.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let read_timeout = state.config.read_timeout;
            let service = hyper::service::service_fn(move |request| {
                let state = state.clone();
                async move { Ok::<_, std::convert::Infallible>(answer(&state, request).await) }
            });
            // hyper starts the header timer whenever it waits for a request, so a connection
            // idle after an answer is closed as well as one trickling headers.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = tokio::time::timeout(
        state.config.read_timeout,
        Limited::new(body, MAX_BODY).collect(),
    )
    .await;
    let reply = match body {
        Err(_) => Reply::text(
            408,
            &format!(
                "request body not received within {:?}",
                state.config.read_timeout
            ),
        ),
        Ok(Ok(collected)) => {
            let req = Req {
                method: parts.method.as_str().to_owned(),
                path: parts.uri.path().to_owned(),
                query: url::form_urlencoded::parse(
                    parts.uri.query().unwrap_or_default().as_bytes(),
                )
                .into_owned()
                .collect(),
                headers: parts.headers,
                body: collected.to_bytes(),
            };
            let (method, path) = (req.method.clone(), req.path.clone());
            let auth = auth_kind(&req);
            let reply = dispatch(state, req).await;
            state.journal.answered(crate::journal::RequestRecord {
                method,
                path,
                auth,
                status: reply.status,
            });
            reply
        }
        Ok(Err(_)) => Reply::text(413, "request body larger than 1 MiB"),
    };
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(reply.content_type),
    );
    for (name, value) in reply.headers {
        if let Ok(value) = hyper::header::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// How a request authenticated, in a word: the journal never keeps the credential.
fn auth_kind(req: &Req) -> &'static str {
    let authorization = req.header("authorization").unwrap_or_default();
    if authorization
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer "))
    {
        "bearer"
    } else if req.header("x-api-key").is_some() {
        "x-api-key"
    } else if !authorization.is_empty() {
        "signature"
    } else {
        "none"
    }
}

async fn dispatch(state: &State, req: Req) -> Reply {
    if let Some(rest) = req.path.strip_prefix("/_sandbox") {
        return admin::handle(state, &req, rest).await;
    }
    if let Some(reply) = oauth::handle(state.identity(), &req) {
        return reply;
    }
    let Some((route, params)) = state.specs.route(&req.method, &req.path) else {
        let allowed = state.specs.methods(&req.path);
        if !allowed.is_empty() {
            // A known path asked with another method: 405 with what it takes.
            let allow = allowed.join(", ");
            return Reply::text(
                405,
                &format!("khipu-mock: {} takes {allow}, not {}", req.path, req.method),
            )
            .header("allow", allow);
        }
        return Reply::text(
            404,
            &format!(
                "khipu-mock: no operation {} {} in the specs it serves",
                req.method, req.path
            ),
        );
    };
    let planned = match &state.config.plan {
        Some(plan) => state.config.inject.merge(&plan.decide(&PlannedRequest {
            method: &req.method,
            path: &req.path,
            body: &req.body,
        })),
        None => state.config.inject.clone(),
    };
    let injection = match req.header(HEADER).map(Injection::parse).transpose() {
        Ok(own) => planned.merge(&own.unwrap_or_default()),
        Err(e) => return Reply::text(400, &format!("khipu-mock: {HEADER}: {e}")),
    };
    if let Some(delay) = injection.delay {
        tokio::time::sleep(delay).await;
    }
    if injection.malformed {
        let mut truncated = Reply::text(200, "{\"OperationId\": \"truncated");
        truncated.content_type = "application/json";
        return truncated;
    }
    match state.specs.api(route) {
        Api::Banking => banking::handle(state, route, &req, &injection).await,
        Api::Payments => payments::handle(state, route, &params, &req, &injection).await,
    }
}

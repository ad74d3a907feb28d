//! Khipu's APIs other than banking, served from their specs: Payments v3.0 and Automatic
//! Payments v1 (`x-api-key`), Payments v2.0 (the HMAC signature), and whatever else
//! authenticates the same ways. A request is authenticated
//! ([`auth`]), checked against the spec ([`call`]), then handled by its operation
//! ([`operations`], dispatched by operationId, which the versions share while their paths differ)
//! against the payments the sandbox keeps ([`store`]). Khipu's error bodies are in [`errors`].

mod auth;
mod call;
mod errors;
mod notices;
pub(crate) mod operations;
pub(crate) mod store;

use crate::exchange::{Reply, Req};
use crate::inject::Injection;
use crate::spec::Route;
use crate::state::State;

pub use operations::subscriptions::SignOutcome;
pub use store::PayOutcome;

/// Answers a payments request.
pub(crate) async fn handle(
    state: &State,
    route: &Route,
    params: &[(String, String)],
    req: &Req,
    injection: &Injection,
) -> Reply {
    let doc = state.specs.doc(route);
    let version = match auth::check(state, doc, req) {
        Ok(version) => version,
        Err(refused) => return refused,
    };
    if let Some(injected) = errors::injected(injection) {
        return injected;
    }
    match call::Call::read(doc, route, params, req, version) {
        Ok(call) => {
            let reply = operations::run(state, &call).await;
            match injection.applied {
                // Carried out (its answer discarded), then a failure: the outcome is unknown.
                Some(status) if reply.status < 300 => errors::error(
                    status,
                    &format!("khipu-mock: carried out, then answered HTTP {status}"),
                ),
                _ => reply,
            }
        }
        Err(refused) => refused,
    }
}

//! `/_sandbox/...`: control endpoints that are not Khipu's (pay a payment, pay it out, sign a
//! subscription, list the routes).

use serde_json::{Value, json};

use crate::exchange::{Reply, Req};
use crate::payments::operations::subscriptions::sign;
use crate::payments::store::{pay, payout};
use crate::state::State;

/// Answers a `/_sandbox` request; `rest` is the path after `/_sandbox`.
pub(crate) async fn handle(state: &State, req: &Req, rest: &str) -> Reply {
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("POST", ["payments", id, "pay"]) => match pay(state, id).await {
            Ok(o) => Reply::json(
                200,
                &json!({"payment_id": id, "notification_token": o.notification_token, "notified": o.notified}),
            ),
            Err(e) => Reply::text(400, &e),
        },
        ("POST", ["payments", id, "payout"]) => match payout(state, id).await {
            Ok(()) => Reply::json(200, &json!({"payment_id": id, "paid_out": true})),
            Err(e) => Reply::text(400, &e),
        },
        ("POST", ["subscriptions", id, "sign"]) => match sign(state, id).await {
            Ok(o) => Reply::json(
                200,
                &json!({"subscription_id": id, "status": o.status, "notified": o.notified}),
            ),
            Err(e) => Reply::text(400, &e),
        },
        ("GET", ["routes"]) => routes(state),
        ("GET", ["deliveries"]) => {
            let list: Vec<Value> = state
                .journal
                .deliveries()
                .into_iter()
                .map(|d| {
                    json!({"payment_id": d.payment_id, "url": d.url, "attempt": d.attempt,
                           "status": d.outcome.as_ref().ok(), "error": d.outcome.as_ref().err()})
                })
                .collect();
            Reply::json(200, &Value::Array(list))
        }
        (method, ["oauth", rest @ ..]) => {
            match crate::oauth::admin(state.identity(), method, &rest.join("/")) {
                Some(reply) => reply,
                None => Reply::text(
                    404,
                    "khipu-mock: /_sandbox/oauth has GET (counts) and POST revoke",
                ),
            }
        }
        _ => Reply::text(
            404,
            "khipu-mock: /_sandbox has GET routes, GET deliveries, GET oauth, POST oauth/revoke and POST payments/{id}/pay, payments/{id}/payout, subscriptions/{id}/sign",
        ),
    }
}

fn routes(state: &State) -> Reply {
    let routes: Vec<Value> = state
        .specs
        .routes
        .iter()
        .map(|r| {
            json!({"method": r.method, "path": r.path,
                "spec": state.specs.specs[r.spec].name, "operation_id": r.operation["operationId"]})
        })
        .collect();
    Reply::json(200, &Value::Array(routes))
}

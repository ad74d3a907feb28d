//! `/_sandbox/...`: control endpoints that are not Khipu's (pay a payment, list the routes).

use serde_json::{Value, json};

use crate::exchange::{Reply, Req};
use crate::payments::store::pay;
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
        ("GET", ["routes"]) => routes(state),
        _ => Reply::text(
            404,
            "khipu-mock: /_sandbox has GET routes and POST payments/{id}/pay",
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

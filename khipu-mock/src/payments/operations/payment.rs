//! A payment's life: create, read (by id or notification token), delete while pending, confirm.

use serde_json::{Map, Value, json};

use crate::exchange::Reply;
use crate::payments::call::Call;
use crate::payments::errors::{field_error, missing};
use crate::payments::store;
use crate::state::State;

pub(super) async fn create(state: &State, call: &Call<'_>) -> Reply {
    let (id, record) = store::create(state, &call.body);
    let answer = store::created(&record);
    state.payments.lock().await.insert(id, record);
    Reply::json(200, &answer)
}

pub(super) async fn get(state: &State, call: &Call<'_>) -> Reply {
    match state.payments.lock().await.get(call.path("id")) {
        Some(p) => Reply::json(200, &store::shown(call.doc, &call.route.operation, p)),
        None => missing(call.version, "payment"),
    }
}

pub(super) async fn by_token(state: &State, call: &Call<'_>) -> Reply {
    let token = call.query("notification_token").unwrap_or_default();
    let payments = state.payments.lock().await;
    match payments.values().find(|p| p["notification_token"] == token) {
        Some(p) => Reply::json(200, &store::shown(call.doc, &call.route.operation, p)),
        None => field_error(
            "notification_token",
            "no payment has this notification token",
        ),
    }
}

pub(super) async fn delete(state: &State, call: &Call<'_>) -> Reply {
    let id = call.path("id");
    let mut payments = state.payments.lock().await;
    match payments.get(id).map(|p| p["status"] == "pending") {
        None => missing(call.version, "payment"),
        Some(false) => field_error("id", "only pending payments can be deleted"),
        Some(true) => {
            payments.remove(id);
            Reply::json(200, &json!({"message": "Pago borrado."}))
        }
    }
}

pub(super) async fn confirm(state: &State, call: &Call<'_>) -> Reply {
    change(state, call, |p| {
        if p["status"] != "done" {
            return Err("only paid (done) payments can be confirmed".into());
        }
        p.insert("confirmed".into(), json!(true));
        Ok("Pago confirmado.")
    })
    .await
}

/// Applies `f` to the payment the call names, answering its message or the reason it refused.
pub(super) async fn change(
    state: &State,
    call: &Call<'_>,
    f: impl FnOnce(&mut Map<String, Value>) -> Result<&'static str, String>,
) -> Reply {
    let mut payments = state.payments.lock().await;
    let Some(Value::Object(p)) = payments.get_mut(call.path("id")) else {
        return missing(call.version, "payment");
    };
    match f(p) {
        Ok(message) => Reply::json(200, &json!({"message": message})),
        Err(why) => field_error("id", &why),
    }
}

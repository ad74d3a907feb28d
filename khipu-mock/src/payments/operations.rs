//! One handler per payments operation, by operationId.

use khipu_types::Decimal;
use serde_json::{Map, Value, json};

use super::call::Call;
use super::errors::{field_error, missing};
use super::store;
use crate::clock::later_rfc3339;
use crate::examples;
use crate::exchange::Reply;
use crate::state::State;

/// Runs the operation `call` is for; one the sandbox keeps no state for answers its example.
pub(crate) async fn run(state: &State, call: &Call<'_>) -> Reply {
    match call.route.operation_id() {
        "postPayment" => create(state, call).await,
        "getPaymentById" => get(state, call).await,
        "postPaymentByToken" => by_token(state, call).await,
        "deletePaymentById" => delete(state, call).await,
        "postPaymentConfirmById" => confirm(state, call).await,
        "postPaymentRefundsById" => refund(state, call).await,
        "getPredict" => predict(call),
        "postReceiver" => receiver(state),
        _ => Reply::json(
            200,
            &examples::response(call.doc, &call.route.operation, "200"),
        ),
    }
}

async fn create(state: &State, call: &Call<'_>) -> Reply {
    let (id, record) = store::create(state, &call.body);
    let answer = store::created(&record);
    state.payments.lock().await.insert(id, record);
    Reply::json(200, &answer)
}

async fn get(state: &State, call: &Call<'_>) -> Reply {
    match state.payments.lock().await.get(call.path("id")) {
        Some(p) => Reply::json(200, &store::shown(call.doc, &call.route.operation, p)),
        None => missing(call.version),
    }
}

async fn by_token(state: &State, call: &Call<'_>) -> Reply {
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

async fn delete(state: &State, call: &Call<'_>) -> Reply {
    let id = call.path("id");
    let mut payments = state.payments.lock().await;
    match payments.get(id).map(|p| p["status"] == "pending") {
        None => missing(call.version),
        Some(false) => field_error("id", "only pending payments can be deleted"),
        Some(true) => {
            payments.remove(id);
            Reply::json(200, &json!({"message": "Pago borrado."}))
        }
    }
}

async fn confirm(state: &State, call: &Call<'_>) -> Reply {
    change(state, call, |p| {
        if p["status"] != "done" {
            return Err("only paid (done) payments can be confirmed".into());
        }
        p.insert("confirmed".into(), json!(true));
        Ok("Pago confirmado.")
    })
    .await
}

async fn refund(state: &State, call: &Call<'_>) -> Reply {
    let asked = call.body.get("amount").map(store::amount);
    change(state, call, |p| {
        if p["status"] != "done" || p["status_detail"] == "reversed" {
            return Err("only paid payments that were not refunded can be refunded".into());
        }
        let total = store::amount(&p["amount"]);
        let done = p.get("refunded").map(store::amount).unwrap_or_default();
        let left = total - done;
        let refund = asked.unwrap_or(left);
        if refund <= Decimal::ZERO || refund > left {
            return Err(format!(
                "amount must be more than 0 and at most what is left to refund, {left}"
            ));
        }
        p.insert("refunded".into(), store::number(done + refund));
        if done + refund == total {
            p.insert("status_detail".into(), json!("reversed"));
        }
        Ok("Reembolso solicitado.")
    })
    .await
}

/// Applies `f` to the payment the call names, answering its message or the reason it refused.
async fn change(
    state: &State,
    call: &Call<'_>,
    f: impl FnOnce(&mut Map<String, Value>) -> Result<&'static str, String>,
) -> Reply {
    let mut payments = state.payments.lock().await;
    let Some(Value::Object(p)) = payments.get_mut(call.path("id")) else {
        return missing(call.version);
    };
    match f(p) {
        Ok(message) => Reply::json(200, &json!({"message": message})),
        Err(why) => field_error("id", &why),
    }
}

fn predict(call: &Call<'_>) -> Reply {
    let max = Decimal::from(5_000_000);
    let amount = call
        .query("amount")
        .and_then(|a| a.parse::<khipu_types::Amount>().ok())
        .map(|a| a.decimal())
        .unwrap_or_default();
    let result = if amount > max {
        "max_amount_exceeded"
    } else {
        "ok"
    };
    Reply::json(
        200,
        &json!({"result": result, "max_amount": store::number(max), "new_destinatary_max_amount": 100000,
                "cool_down_date": later_rfc3339(86_400)}),
    )
}

fn receiver(state: &State) -> Reply {
    let number = u64::from_str_radix(&state.id(8), 16).unwrap_or_default() % 900_000 + 100_000;
    Reply::json(
        200,
        &json!({"receiver_id": number.to_string(), "secret": state.id(40)}),
    )
}

//! Automatic Payments charges: a charge on an `ENABLED` subscription within its maximum becomes a
//! pending payment with `payment_method: direct_debit`, which the sandbox's pay route settles
//! (notifying its `notify_url`, signed with `notify_api_version: 3.0`). One on a subscription that
//! is not enabled, or over its maximum, is accepted too and then fails as Khipu's do: its
//! `error_response_url` hears why. An unknown subscription is Khipu's 422
//! `SUBSCRIPTION_NOT_CHARGEABLE` (its newer revision).

use khipu_types::Decimal;
use serde_json::{Value, json};

use super::subscriptions::find;
use crate::exchange::Reply;
use crate::payments::call::Call;
use crate::payments::notices::post_json;
use crate::payments::store;
use crate::state::State;

/// `POST /v1/automatic-payment/charge-intent`: 201 with the payment's id.
pub(super) async fn create(state: &State, call: &Call<'_>) -> Reply {
    let subscription_id = call.body["subscription_id"].as_str().unwrap_or_default();
    let Some(subscription) = find(state, subscription_id).await else {
        return Reply::json(
            422,
            &json!({"error_code": "SUBSCRIPTION_NOT_CHARGEABLE",
                "error_message": format!("no subscription `{subscription_id}`")}),
        );
    };
    let amount = store::amount(&call.body["amount"]);
    let fields = [
        "subject",
        "amount",
        "body",
        "custom",
        "transaction_id",
        "notify_url",
        "notify_api_version",
    ];
    let mut payment =
        json!({"currency": subscription["currency"], "payment_method": "direct_debit"});
    for key in fields {
        if let Some(value) = call.body.get(key) {
            payment[key] = value.clone();
        }
    }
    let (id, record) = store::create(state, &payment);
    if let Some(why) = refusal(&subscription, amount) {
        let notice = json!({"subscription_id": subscription_id,
            "transaction_id": call.body["transaction_id"], "error_message": why, "payment_id": id});
        let url = call.body["error_response_url"].as_str().unwrap_or_default();
        let _ = post_json(state, url, &notice).await;
    } else {
        state.payments.lock().await.insert(id.clone(), record);
    }
    Reply::json(201, &json!({"payment_id": id}))
}

/// Why the charge fails, if it does.
fn refusal(subscription: &Value, amount: Decimal) -> Option<String> {
    if subscription["status"] != "ENABLED" {
        return Some(format!(
            "the subscription is {}, not ENABLED",
            subscription["status"].as_str().unwrap_or("?")
        ));
    }
    // The newer revision's per-charge maximum; Khipu's pages make `max_amount` per charge.
    let limit = subscription
        .get("max_amount_per_charge")
        .unwrap_or(&subscription["max_amount"]);
    (amount > store::amount(limit))
        .then(|| "amount exceeds the maximum allowed per charge for this subscription".into())
}

//! Automatic Payments subscriptions: created `PENDING` (Khipu's newer revision; its pages show
//! `DISABLED` before signing), `ENABLED` once the sandbox's admin route signs them (the customer
//! at their bank, in production), `DISCARDED` once cancelled. Signing and cancelling POST the
//! subscription's `notify_url` as Khipu does.

use serde_json::{Value, json};

use crate::exchange::Reply;
use crate::payments::call::Call;
use crate::payments::errors::missing;
use crate::payments::notices::post_json;
use crate::payments::store;
use crate::state::State;

/// `POST /v1/automatic-payment/subscription`.
pub(super) async fn create(state: &State, call: &Call<'_>) -> Reply {
    // Live ids are short opaque strings, not UUIDs.
    let id = state.id(12);
    let mut record = json!({"subscription_id": id, "status": "PENDING", "developer": true,
        "customer_bank_code": "no-bank", "service_reference": ""});
    if let (Some(record), Some(given)) = (record.as_object_mut(), call.body.as_object()) {
        for (key, value) in given {
            record.insert(key.clone(), value.clone());
        }
    }
    state.subscriptions.lock().await.insert(id.clone(), record);
    Reply::json(
        200,
        &json!({"subscription_id": id, "redirect_url": format!("https://khipu.com/pac-manager/{id}")}),
    )
}

/// `GET /v1/automatic-payment/subscription/{id}`.
pub(super) async fn get(state: &State, call: &Call<'_>) -> Reply {
    match state.subscriptions.lock().await.get(call.path("id")) {
        Some(s) => Reply::json(200, &store::shown(call.doc, &call.route.operation, s)),
        None => missing(call.version, "subscription"),
    }
}

/// `DELETE /v1/automatic-payment/subscription/{id}`: `DISCARDED` for good; the first time, the
/// `notify_url` hears `discarded`.
pub(super) async fn cancel(state: &State, call: &Call<'_>) -> Reply {
    let id = call.path("id");
    let (shown, notify) = {
        let mut subscriptions = state.subscriptions.lock().await;
        let Some(s) = subscriptions.get_mut(id) else {
            return missing(call.version, "subscription");
        };
        let first = s["status"] != "DISCARDED";
        s["status"] = json!("DISCARDED");
        let notify = first.then(|| s["notify_url"].as_str().unwrap_or_default().to_owned());
        (store::shown(call.doc, &call.route.operation, s), notify)
    };
    if let Some(url) = notify {
        // The answer does not wait on the merchant's endpoint being right.
        let _ = post_json(
            state,
            &url,
            &json!({"subscription_id": id, "status": "discarded"}),
        )
        .await;
    }
    Reply::json(200, &shown)
}

/// What signing did: the subscription's new status and what its `notify_url` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignOutcome {
    /// The status now (`ENABLED`).
    pub status: String,
    /// The HTTP status `notify_url` answered, if a notice was sent (loopback URLs only).
    pub notified: Option<u16>,
}

/// Signs subscription `id` as its customer would at their bank, then notifies `enabled`.
pub(crate) async fn sign(state: &State, id: &str) -> Result<SignOutcome, String> {
    let url = {
        let mut subscriptions = state.subscriptions.lock().await;
        let Some(s) = subscriptions.get_mut(id) else {
            return Err(format!("no subscription `{id}`"));
        };
        if s["status"] == "DISCARDED" {
            return Err(format!("subscription `{id}` was cancelled (DISCARDED)"));
        }
        s["status"] = json!("ENABLED");
        s["customer_bank_code"] = json!("SBX01");
        if s["service_reference"] == "" {
            s["service_reference"] = s["name"].clone();
        }
        s["notify_url"].as_str().unwrap_or_default().to_owned()
    };
    let notified = post_json(
        state,
        &url,
        &json!({"subscription_id": id, "status": "enabled"}),
    )
    .await?;
    Ok(SignOutcome {
        status: "ENABLED".into(),
        notified,
    })
}

/// The subscription `id`, if the sandbox has it.
pub(super) async fn find(state: &State, id: &str) -> Option<Value> {
    state.subscriptions.lock().await.get(id).cloned()
}

//! Bank operations: auth as Khipu checks it, request validation, answers from the spec with the
//! request's values echoed, and CallbackUrl handled asynchronously.

use serde_json::{Value, json};

use crate::clock::now_text;
use crate::exchange::{Reply, Req, loopback_url};
use crate::inject::Injection;
use crate::spec::{Route, request_schema};
use crate::state::State;
use crate::{examples, validate};

fn envelope_error(operation_id: &str, code: &str, kind: &str, description: &str) -> Value {
    json!({"OperationId": operation_id, "Status": "ERROR", "Data": null, "AdditionalInformation": null,
           "Error": {"Code": code, "Type": kind, "Description": description}, "LifeSpan": null})
}

pub(crate) async fn handle(
    state: &State,
    route: &Route,
    req: &Req,
    injection: &Injection,
) -> Reply {
    let operation_id = uuid_like(state);
    // The scheme is case-insensitive (RFC 9110): `bearer tok` is a bearer token too.
    let bearer = req
        .header("authorization")
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()
        });
    let api_key = req
        .header("x-api-key")
        .is_some_and(|k| !k.trim().is_empty());
    if bearer == api_key {
        let why = if bearer {
            "send a bearer token or an x-api-key, not both"
        } else {
            "missing credentials: send Authorization: Bearer <JWT> or x-api-key"
        };
        return Reply::json(
            401,
            &envelope_error(&operation_id, "A000", "DO_NOT_RETRY", why),
        );
    }
    if let Some(status) = injection.status {
        let body = envelope_error(
            &operation_id,
            "I001",
            "RETRY_IMMEDIATELY",
            &format!("khipu-mock injected HTTP {status}"),
        );
        return Reply::json(status, &body);
    }
    if let Some((code, kind)) = &injection.error {
        return Reply::json(
            200,
            &envelope_error(
                &operation_id,
                code,
                kind,
                &format!("khipu-mock injected {code} {kind}"),
            ),
        );
    }
    let doc = state.specs.doc(route);
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            return Reply::json(
                400,
                &envelope_error(
                    &operation_id,
                    "P001",
                    "DO_NOT_RETRY",
                    &format!("the body is not JSON: {e}"),
                ),
            );
        }
    };
    if let Some((_, schema)) = request_schema(doc, &route.operation) {
        let errors = validate::validate(doc, schema, &body);
        if !errors.is_empty() {
            let list: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            return Reply::json(
                400,
                &envelope_error(&operation_id, "P001", "DO_NOT_RETRY", &list.join("; ")),
            );
        }
    }
    let mut answer = examples::response(doc, &route.operation, "200");
    echo(&mut answer, &body, &operation_id);
    match body.get("CallbackUrl").and_then(Value::as_str) {
        None => Reply::json(200, &answer),
        Some(url) if !loopback_url(url) => Reply::json(
            400,
            &envelope_error(
                &operation_id,
                "P001",
                "DO_NOT_RETRY",
                "CallbackUrl: khipu-mock calls back only http(s) URLs on loopback addresses",
            ),
        ),
        Some(url) => {
            let (http, url) = (state.http.clone(), url.to_owned());
            tokio::spawn(async move {
                // Khipu delivers later; a short pause keeps the 202 first, as a client expects.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                if let Err(e) = http.post(&url).json(&answer).send().await {
                    // The URL came from a request: no password and no terminal escapes in the log.
                    let shown = khipu_types::display::redact_url(&url);
                    let why = khipu_types::display::sanitize(&e.without_url().to_string());
                    eprintln!("khipu-mock: callback to {shown} failed: {why}");
                }
            });
            Reply::json(
                202,
                &json!({"OperationId": operation_id, "Status": "OK", "Data": null,
                "AdditionalInformation": "Los datos serán enviados a la URL de callback.", "Error": null, "LifeSpan": now_text(3600)}),
            )
        }
    }
}

fn uuid_like(state: &State) -> String {
    let hex = state.id(32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The request's values where they belong in the answer: its OperationId, the account number as
/// each item's AccountId, the currency in each item's amounts.
fn echo(answer: &mut Value, request: &Value, operation_id: &str) {
    if let Some(obj) = answer.as_object_mut() {
        obj.insert("OperationId".into(), json!(operation_id));
    }
    let account = request
        .pointer("/RequestData/AccountNumber")
        .and_then(Value::as_str);
    let currency = request
        .pointer("/RequestData/Currency")
        .and_then(Value::as_str);
    let Some(data) = answer.get_mut("Data").and_then(Value::as_object_mut) else {
        return;
    };
    for items in data.values_mut().filter_map(Value::as_array_mut) {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            if let (Some(a), true) = (account, item.contains_key("AccountId")) {
                item.insert("AccountId".into(), json!(a));
            }
            if let Some(c) = currency {
                set_currency(item.get_mut("Amount"), c);
            }
        }
    }
}

fn set_currency(amount: Option<&mut Value>, currency: &str) {
    match amount {
        Some(Value::Object(a)) if a.contains_key("Currency") => {
            a.insert("Currency".into(), json!(currency));
        }
        Some(Value::Array(list)) => list
            .iter_mut()
            .for_each(|a| set_currency(Some(a), currency)),
        _ => {}
    }
}

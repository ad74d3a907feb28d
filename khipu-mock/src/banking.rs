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

/// A bank operation's error envelope as a reply (`P001`, `DO_NOT_RETRY`: the request's fault).
fn refused(status: u16, operation_id: &str, code: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &envelope_error(operation_id, code, "DO_NOT_RETRY", description),
    )
}

pub(crate) async fn handle(
    state: &State,
    route: &Route,
    req: &Req,
    injection: &Injection,
) -> Reply {
    let operation_id = uuid_like(state);
    let refusal = unauthenticated(state, req);
    state.oauth.count_data_request(refusal.is_some());
    if let Some(why) = refusal {
        return refused(401, &operation_id, "A000", why);
    }
    if let Some(reply) = injected(injection, &operation_id) {
        return reply;
    }
    let doc = state.specs.doc(route);
    let body = match checked_body(doc, route, req, state.config.forbid_api_key) {
        Ok(body) => body,
        Err(why) => return refused(400, &operation_id, "P001", &why),
    };
    let mut answer = examples::response(doc, &route.operation, "200");
    echo(&mut answer, &body, &operation_id);
    match body.get("CallbackUrl").and_then(Value::as_str) {
        None => Reply::json(200, &answer),
        Some(url) if !loopback_url(url) => refused(
            400,
            &operation_id,
            "P001",
            "CallbackUrl: khipu-mock calls back only http(s) URLs on loopback addresses",
        ),
        Some(url) => call_back(state, url, answer, &operation_id),
    }
}

/// Why the request's credentials are refused: exactly one of a bearer token (the scheme is
/// case-insensitive, RFC 9110) or an `x-api-key`. A JWT of the sandbox's identity server must be
/// unexpired and unrevoked (Khipu's 401 `A000`: "JWT expired, revoked or invalid"). With
/// `forbid_api_key`, as Khipu announced, an API key is refused and only its own tokens pass;
/// otherwise any other bearer text is accepted, as before it issued tokens.
fn unauthenticated(state: &State, req: &Req) -> Option<&'static str> {
    let bearer = req
        .header("authorization")
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .map(|(_, token)| token.trim());
    let api_key = req
        .header("x-api-key")
        .is_some_and(|k| !k.trim().is_empty());
    let strict = state.config.forbid_api_key;
    match (bearer, api_key) {
        (Some(_), true) => Some("send a bearer token or an x-api-key, not both"),
        (None, false) => Some("missing credentials: send Authorization: Bearer <JWT> or x-api-key"),
        (None, true) if strict => Some(
            "Khipu no longer accepts API keys for the Open Data API: send Authorization: Bearer <JWT> from the OAuth token endpoint",
        ),
        (None, true) => None,
        (Some(token), false) => match state.oauth.verify(token) {
            Ok(()) => None,
            Err(crate::oauth::Rejection::NotIssuedHere) if !strict && !looks_like_jwt(token) => {
                None
            }
            Err(rejection) => Some(rejection.describe()),
        },
    }
}

/// Three dot-separated parts: a JWT, which the sandbox checks; other text is a placeholder token.
fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

/// The failure the request asks for: a status with Khipu's envelope, or an envelope `error` on 200.
fn injected(injection: &Injection, operation_id: &str) -> Option<Reply> {
    if let Some(status) = injection.status {
        let body = envelope_error(
            operation_id,
            "I001",
            "RETRY_IMMEDIATELY",
            &format!("khipu-mock injected HTTP {status}"),
        );
        return Some(Reply::json(status, &body));
    }
    let (code, kind) = injection.error.as_ref()?;
    let description = format!("khipu-mock injected {code} {kind}");
    Some(Reply::json(
        200,
        &envelope_error(operation_id, code, kind, &description),
    ))
}

/// The request body as JSON, checked against the operation's schema; else every field at fault.
fn checked_body(
    doc: &Value,
    route: &Route,
    req: &Req,
    ignore_account_credential: bool,
) -> Result<Value, String> {
    let mut body: Value =
        serde_json::from_slice(&req.body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if ignore_account_credential
        && let Some(data) = body.get_mut("RequestData").and_then(Value::as_object_mut)
    {
        // Khipu: "an AccountCredential sent in the payload will be ignored".
        data.remove("AccountCredential");
    }
    if let Some((_, schema)) = request_schema(doc, &route.operation) {
        let errors = validate::validate(doc, schema, &body);
        if !errors.is_empty() {
            let list: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            return Err(list.join("; "));
        }
    }
    Ok(body)
}

/// Khipu's 202 now, and `answer` POSTed to the (loopback) `url` a moment later.
fn call_back(state: &State, url: &str, answer: Value, operation_id: &str) -> Reply {
    let (http, url) = (state.http.clone(), url.to_owned());
    tokio::spawn(async move {
        // Khipu delivers later; a short pause keeps the 202 first, as a client expects.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        if let Err(e) = http.post(&url).json(&answer).send().await {
            eprintln!("khipu-mock: {}", crate::exchange::delivery_failed(&url, &e));
        }
    });
    Reply::json(
        202,
        &json!({"OperationId": operation_id, "Status": "OK", "Data": null,
        "AdditionalInformation": "Los datos serán enviados a la URL de callback.", "Error": null, "LifeSpan": now_text(3600)}),
    )
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

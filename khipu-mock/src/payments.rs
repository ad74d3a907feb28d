//! Payments API v2.0: HMAC signature checked as Khipu does, bodies validated, payments kept and
//! changed by create, confirm, refund, delete, and paid (with the notification) on request.

use serde_json::{Map, Value, json};

use crate::inject::Injection;
use crate::server::{Reply, Req};
use crate::spec::{Route, request_schema};
use crate::validate::{self, FieldError};
use crate::{State, examples, loopback_url, now_text};

fn validation(message: &str, errors: &[FieldError]) -> Reply {
    let list: Vec<Value> = errors
        .iter()
        .map(|e| json!({"field": e.field, "message": e.message}))
        .collect();
    Reply::json(
        400,
        &json!({"status": 400, "message": message, "errors": list}),
    )
}

fn error(status: u16, message: &str) -> Reply {
    Reply::json(status, &json!({"status": status, "message": message}))
}

fn field_error(field: &str, message: &str) -> Reply {
    validation(
        "Datos inválidos",
        &[FieldError {
            field: field.into(),
            message: message.into(),
        }],
    )
}

/// What Khipu signs for this request, as this server received it.
fn expected_authorization(state: &State, req: &Req) -> Option<String> {
    let host = req.header("host")?;
    let url = format!("http://{host}{}", req.path);
    let mut params = req.query.clone();
    let content_type = req
        .header("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut json_body = None;
    if !req.body.is_empty() {
        if content_type.starts_with("application/x-www-form-urlencoded") {
            params.extend(url::form_urlencoded::parse(&req.body).into_owned());
        } else {
            json_body = Some(std::str::from_utf8(&req.body).ok()?);
        }
    }
    let to_sign = khipu_types::payments::string_to_sign(&req.method, &url, &params, json_body);
    let signer = khipu_types::payments::Signer::new(
        state.config.receiver_id.clone(),
        state.config.secret.clone(),
    );
    Some(signer.authorization(&to_sign))
}

pub(crate) async fn handle(
    state: &State,
    route: &Route,
    params: &[(String, String)],
    req: &Req,
    injection: &Injection,
) -> Reply {
    if req.header("authorization") != expected_authorization(state, req).as_deref() {
        return error(
            403,
            "Firma inválida: el encabezado Authorization no corresponde a la cuenta de cobro y su secreto",
        );
    }
    if let Some(status) = injection.status {
        return match status {
            400 => field_error("(sandbox)", "khipu-mock injected 400"),
            403 | 503 => error(status, &format!("khipu-mock injected HTTP {status}")),
            _ => Reply::text(status, &format!("khipu-mock injected HTTP {status}")),
        };
    }
    if let Some((code, kind)) = &injection.error {
        return error(503, &format!("khipu-mock injected {code} {kind}"));
    }
    let doc = state.specs.doc(route);
    let body = match body(doc, &route.operation, req) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    for p in route
        .operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(place)) = (p["name"].as_str(), p["in"].as_str()) else {
            continue;
        };
        let value = match place {
            "query" => req
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            "path" => params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            _ => continue,
        };
        match value {
            None if p["required"] == true => return field_error(name, "is required"),
            Some(v) => {
                let typed = validate::form_to_json(
                    doc,
                    &json!({"properties": {name: p["schema"].clone()}}),
                    &[(name.to_owned(), v)],
                );
                let errors = validate::validate(
                    doc,
                    &json!({"properties": {name: p["schema"].clone()}}),
                    &typed,
                );
                if !errors.is_empty() {
                    return validation("Datos inválidos", &errors);
                }
            }
            None => {}
        }
    }
    let id = params
        .iter()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let template = route.path.as_str();
    match (route.method.as_str(), template) {
        ("POST", t) if t.ends_with("/payments") => create(state, &body).await,
        ("GET", t) if t.ends_with("/payments") => {
            let token = req
                .query
                .iter()
                .find(|(k, _)| k == "notification_token")
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            let payments = state.payments.lock().await;
            match payments.values().find(|p| p["notification_token"] == token) {
                Some(p) => Reply::json(200, p),
                None => field_error(
                    "notification_token",
                    "no payment has this notification token",
                ),
            }
        }
        ("GET", t) if t.ends_with("/payments/{id}") => match state.payments.lock().await.get(id) {
            Some(p) => Reply::json(200, p),
            None => field_error("id", "no payment has this id"),
        },
        ("DELETE", t) if t.ends_with("/payments/{id}") => {
            let mut payments = state.payments.lock().await;
            match payments.get(id).map(|p| p["status"] == "pending") {
                None => field_error("id", "no payment has this id"),
                Some(false) => field_error("id", "only pending payments can be deleted"),
                Some(true) => {
                    payments.remove(id);
                    Reply::json(200, &json!({"message": "Pago borrado."}))
                }
            }
        }
        ("POST", t) if t.ends_with("/confirm") => {
            change(state, id, |p| {
                if p["status"] != "done" {
                    return Err("only paid (done) payments can be confirmed".into());
                }
                p.insert("confirmed".into(), json!(true));
                Ok("Pago confirmado.")
            })
            .await
        }
        ("POST", t) if t.ends_with("/refunds") => {
            let refund = body.get("amount").and_then(Value::as_f64);
            change(state, id, |p| {
                if p["status"] != "done" || p["status_detail"] == "reversed" {
                    return Err("only paid payments that were not refunded can be refunded".into());
                }
                let total = p["amount"].as_f64().unwrap_or_default();
                if refund.is_some_and(|r| r <= 0.0 || r > total) {
                    return Err(format!("amount must be more than 0 and at most {total}"));
                }
                p.insert("status_detail".into(), json!("reversed"));
                Ok("Reembolso solicitado.")
            })
            .await
        }
        ("POST", t) if t.ends_with("/receivers") => {
            let number =
                u64::from_str_radix(&state.id(8), 16).unwrap_or_default() % 900_000 + 100_000;
            Reply::json(
                200,
                &json!({"receiver_id": number.to_string(), "secret": state.id(40)}),
            )
        }
        _ => Reply::json(200, &examples::response(doc, &route.operation, "200")),
    }
}

/// The request body as JSON (forms converted by the schema), validated.
fn body(doc: &Value, op: &Value, req: &Req) -> Result<Value, Reply> {
    let Some((media, schema)) = request_schema(doc, op) else {
        return Ok(Value::Null);
    };
    let value = if req.body.is_empty() {
        json!({})
    } else if media.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
            .into_owned()
            .collect();
        validate::form_to_json(doc, schema, &pairs)
    } else {
        serde_json::from_slice(&req.body)
            .map_err(|e| field_error("(body)", &format!("is not JSON: {e}")))?
    };
    let errors = validate::validate(doc, schema, &value);
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(validation("Datos inválidos", &errors))
    }
}

async fn change(
    state: &State,
    id: &str,
    f: impl FnOnce(&mut Map<String, Value>) -> Result<&'static str, String>,
) -> Reply {
    let mut payments = state.payments.lock().await;
    let Some(Value::Object(p)) = payments.get_mut(id) else {
        return field_error("id", "no payment has this id");
    };
    match f(p) {
        Ok(message) => Reply::json(200, &json!({"message": message})),
        Err(why) => field_error("id", &why),
    }
}

async fn create(state: &State, body: &Value) -> Reply {
    let id = state.id(12);
    let token = state.id(64);
    let base = "https://khipu.com";
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let flag = |k: &str| body.get(k).and_then(Value::as_bool).unwrap_or(false);
    let payment = json!({
        "payment_id": id, "payment_url": format!("{base}/payment/info/{id}"),
        "simplified_transfer_url": format!("https://app.khipu.com/payment/simplified/{id}"),
        "transfer_url": format!("{base}/payment/manual/{id}"), "app_url": format!("khipu:///pos/{id}"),
        "ready_for_terminal": false, "notification_token": token,
        "receiver_id": state.config.receiver_id.parse::<i64>().unwrap_or_default(),
        "subject": text("subject"), "amount": body["amount"], "currency": text("currency"),
        "status": "pending", "status_detail": "pending", "body": text("body"), "picture_url": text("picture_url"),
        "receipt_url": "", "return_url": text("return_url"), "cancel_url": text("cancel_url"),
        "notify_url": text("notify_url"), "notify_api_version": body.get("notify_api_version").and_then(Value::as_str).unwrap_or("1.3"),
        "expires_date": body.get("expires_date").and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| now_text(86_400)),
        "attachment_urls": [], "bank": "", "bank_id": text("bank_id"), "payer_name": text("payer_name"),
        "payer_email": text("payer_email"), "personal_identifier": "", "bank_account_number": "",
        "out_of_date_conciliation": false, "transaction_id": text("transaction_id"), "custom": text("custom"),
        "responsible_user_email": text("responsible_user_email"), "send_reminders": flag("send_reminders"),
        "send_email": flag("send_email"), "payment_method": "not_available", "funds_source": "", "discount": 0,
        "third_party_authorization_details": ""
    });
    let created: Map<String, Value> = [
        "payment_id",
        "payment_url",
        "simplified_transfer_url",
        "transfer_url",
        "app_url",
        "ready_for_terminal",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), payment[*k].clone()))
    .collect();
    state.payments.lock().await.insert(id, payment);
    Reply::json(200, &Value::Object(created))
}

/// What paying a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayOutcome {
    /// The payment's notification token.
    pub notification_token: String,
    /// The HTTP status `notify_url` answered, if a notification was sent.
    pub notified: Option<u16>,
}

pub(crate) async fn pay(state: &State, id: &str) -> Result<PayOutcome, String> {
    let (token, notify_url, version) = {
        let mut payments = state.payments.lock().await;
        let Some(Value::Object(p)) = payments.get_mut(id) else {
            return Err(format!("no payment `{id}`"));
        };
        if p["status"] != "pending" {
            return Err(format!("payment `{id}` is {}, not pending", p["status"]));
        }
        for (k, v) in [
            ("status", json!("done")),
            ("status_detail", json!("normal")),
            ("conciliation_date", json!(now_text(0))),
            ("payment_method", json!("simplified_transfer")),
            ("funds_source", json!("debit")),
            ("bank", json!("Banco Sandbox")),
            ("bank_id", json!("SBX01")),
            ("payer_name", json!("Pagador Sandbox")),
            ("personal_identifier", json!("11.111.111-1")),
        ] {
            p.insert(k.into(), v);
        }
        let text = |k: &str| {
            p.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        (
            text("notification_token"),
            text("notify_url"),
            text("notify_api_version"),
        )
    };
    let mut notified = None;
    if loopback_url(&notify_url) {
        let form = [
            ("api_version", version.as_str()),
            ("notification_token", token.as_str()),
        ];
        match state.http.post(&notify_url).form(&form).send().await {
            Ok(r) => notified = Some(r.status().as_u16()),
            Err(e) => return Err(format!("notifying {notify_url} failed: {e}")),
        }
    }
    Ok(PayOutcome {
        notification_token: token,
        notified,
    })
}

/// `/_sandbox/...`: control endpoints that are not Khipu's.
pub(crate) async fn admin(state: &State, req: &Req, rest: &str) -> Reply {
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("POST", ["payments", id, "pay"]) => match pay(state, id).await {
            Ok(o) => Reply::json(
                200,
                &json!({"payment_id": id, "notification_token": o.notification_token, "notified": o.notified}),
            ),
            Err(e) => Reply::text(400, &e),
        },
        ("GET", ["routes"]) => {
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
        _ => Reply::text(
            404,
            "khipu-mock: /_sandbox has GET routes and POST payments/{id}/pay",
        ),
    }
}

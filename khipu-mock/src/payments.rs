//! Payments API v2.0: HMAC signature checked as Khipu does, bodies validated, payments kept and
//! changed by create, confirm, refund, delete, and paid (with the notification) on request.

use serde_json::{Map, Value, json};

use crate::clock::{now_rfc3339, now_text};
use crate::examples;
use crate::exchange::{Reply, Req, loopback_url};
use crate::inject::Injection;
use crate::spec::{Route, request_schema};
use crate::state::State;
use crate::validate::{self, FieldError};

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

/// The header of the document's API-key scheme (v3.0's `x-api-key`), when its requests carry a
/// fixed key rather than v2.0's signature in `Authorization`.
fn api_key_header(doc: &Value) -> Option<String> {
    let schemes = doc.pointer("/components/securitySchemes")?.as_object()?;
    schemes.values().find_map(|s| {
        let header = s["name"].as_str()?.to_ascii_lowercase();
        (s["type"] == "apiKey" && s["in"] == "header" && header != "authorization")
            .then_some(header)
    })
}

pub(crate) async fn handle(
    state: &State,
    route: &Route,
    params: &[(String, String)],
    req: &Req,
    injection: &Injection,
) -> Reply {
    let doc = state.specs.doc(route);
    let v3 = match api_key_header(doc) {
        Some(header) => {
            if req.header(&header) != Some(state.config.api_key.as_str()) {
                return error(
                    401,
                    &format!("Credenciales no válidas o faltantes: `{header}`"),
                );
            }
            true
        }
        None => {
            if req.header("authorization") != expected_authorization(state, req).as_deref() {
                return error(
                    403,
                    "Firma inválida: el encabezado Authorization no corresponde a la cuenta de cobro y su secreto",
                );
            }
            false
        }
    };
    // v3.0 answers 404 for an unknown payment; v2.0 a validation error on the id.
    let missing = |field: &str, why: &str| {
        if v3 {
            error(404, why)
        } else {
            field_error(field, why)
        }
    };
    if let Some(status) = injection.status {
        return match status {
            400 => field_error("(sandbox)", "khipu-mock injected 400"),
            401 | 403 | 404 | 500..=599 => {
                error(status, &format!("khipu-mock injected HTTP {status}"))
            }
            _ => Reply::text(status, &format!("khipu-mock injected HTTP {status}")),
        };
    }
    if let Some((code, kind)) = &injection.error {
        return error(503, &format!("khipu-mock injected {code} {kind}"));
    }
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
    // By operationId, which v2.0 and v3.0 share (their paths differ).
    match route.operation_id() {
        "postPayment" => create(state, &body).await,
        "postPaymentByToken" => {
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
        "getPaymentById" => match state.payments.lock().await.get(id) {
            Some(p) => Reply::json(200, p),
            None => missing("id", "no payment has this id"),
        },
        "deletePaymentById" => {
            let mut payments = state.payments.lock().await;
            match payments.get(id).map(|p| p["status"] == "pending") {
                None => missing("id", "no payment has this id"),
                Some(false) => field_error("id", "only pending payments can be deleted"),
                Some(true) => {
                    payments.remove(id);
                    Reply::json(200, &json!({"message": "Pago borrado."}))
                }
            }
        }
        "postPaymentConfirmById" => {
            if !state.payments.lock().await.contains_key(id) {
                return missing("id", "no payment has this id");
            }
            change(state, id, |p| {
                if p["status"] != "done" {
                    return Err("only paid (done) payments can be confirmed".into());
                }
                p.insert("confirmed".into(), json!(true));
                Ok("Pago confirmado.")
            })
            .await
        }
        "postPaymentRefundsById" => {
            if !state.payments.lock().await.contains_key(id) {
                return missing("id", "no payment has this id");
            }
            let refund = body.get("amount").and_then(Value::as_f64);
            change(state, id, |p| {
                if p["status"] != "done" || p["status_detail"] == "reversed" {
                    return Err("only paid payments that were not refunded can be refunded".into());
                }
                let field = |k: &str| p.get(k).map(number).unwrap_or_default();
                let (total, done) = (field("amount"), field("refunded"));
                let left = total - done;
                let r = refund.unwrap_or(left);
                if r <= 0.0 || r > left + 1e-9 {
                    return Err(format!(
                        "amount must be more than 0 and at most what is left to refund, {left}"
                    ));
                }
                let refunded = done + r;
                p.insert("refunded".into(), json!(refunded));
                if total - refunded <= 1e-9 {
                    p.insert("status_detail".into(), json!("reversed"));
                }
                Ok("Reembolso solicitado.")
            })
            .await
        }
        "getPredict" => {
            let max = 5_000_000.0;
            let amount = req
                .query
                .iter()
                .find(|(k, _)| k == "amount")
                .and_then(|(_, v)| v.parse::<f64>().ok())
                .unwrap_or_default();
            let result = if amount > max {
                "max_amount_exceeded"
            } else {
                "ok"
            };
            Reply::json(
                200,
                &json!({"result": result, "max_amount": max, "new_destinatary_max_amount": 100000,
                        "cool_down_date": now_text(86_400)}),
            )
        }
        "postReceiver" => {
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

/// A JSON amount as a number, whether Khipu wrote it as a number or a decimal string.
fn number(value: &Value) -> f64 {
    match value {
        Value::String(s) => s.parse().unwrap_or_default(),
        other => other.as_f64().unwrap_or_default(),
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
            ("conciliation_date", json!(now_rfc3339())),
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
        let request = if version == "3.0" {
            // A signed 3.0 notification: the payment's data as JSON, amounts as Khipu writes them
            // there (decimal strings with four places).
            let body = notification_body(state, id).await;
            let millis = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or_default();
            let signature =
                khipu_types::payments::notification_signature(&state.config.secret, &body, millis);
            state
                .http
                .post(&notify_url)
                .header("content-type", "application/json")
                .header("x-khipu-signature", format!("t={millis},s={signature}"))
                .body(body)
        } else {
            let form = [
                ("api_version", version.as_str()),
                ("notification_token", token.as_str()),
            ];
            state.http.post(&notify_url).form(&form)
        };
        match request.send().await {
            Ok(r) => notified = Some(r.status().as_u16()),
            Err(e) => return Err(format!("notifying {notify_url} failed: {e}")),
        }
    }
    Ok(PayOutcome {
        notification_token: token,
        notified,
    })
}

/// The JSON a 3.0 notification carries for payment `id`.
async fn notification_body(state: &State, id: &str) -> Vec<u8> {
    let payments = state.payments.lock().await;
    let Some(p) = payments.get(id) else {
        return Vec::new();
    };
    let mut out = Map::new();
    for key in [
        "payment_id",
        "receiver_id",
        "subject",
        "amount",
        "discount",
        "currency",
        "receipt_url",
        "bank",
        "bank_id",
        "payer_name",
        "payer_email",
        "personal_identifier",
        "bank_account_number",
        "out_of_date_conciliation",
        "transaction_id",
        "responsible_user_email",
        "payment_method",
        "conciliation_date",
    ] {
        let value = match (key, &p[key]) {
            ("amount" | "discount", v) => json!(format!("{:.4}", number(v))),
            (_, v) => v.clone(),
        };
        out.insert(key.into(), value);
    }
    serde_json::to_vec(&Value::Object(out)).unwrap_or_default()
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

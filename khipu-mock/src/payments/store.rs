//! The payments the sandbox keeps: created through the APIs (and by Automatic Payments charges),
//! changed by confirm, refunds, void and delete, paid and paid out on request (paying notifies the
//! payment's `notify_url`), and shown to each API as its spec's answer describes them. Fields a
//! spec does not show (`paid_out`) stay in the record only.

use khipu_types::Decimal;
use serde_json::{Map, Value, json};

use crate::clock::{later_rfc3339, now_rfc3339};
use crate::exchange::loopback_url;
use crate::state::State;

/// What paying a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayOutcome {
    /// The payment's notification token.
    pub notification_token: String,
    /// The HTTP status `notify_url` answered last, if a notification was sent.
    pub notified: Option<u16>,
    /// How many times it was delivered (Khipu delivers again until it gets a 200).
    pub attempts: u32,
}

/// The fields of a create answer.
const CREATED: [&str; 6] = [
    "payment_id",
    "payment_url",
    "simplified_transfer_url",
    "transfer_url",
    "app_url",
    "ready_for_terminal",
];

/// A new pending payment from a create request's (validated) body; what the request left out
/// stays out, but for what every payment has.
pub(crate) fn create(state: &State, body: &Value) -> (String, Value) {
    let id = state.id(12);
    let base = "https://khipu.com";
    let mut record = json!({
        "payment_id": id, "payment_url": format!("{base}/payment/info/{id}"),
        "simplified_transfer_url": format!("https://app.khipu.com/payment/simplified/{id}"),
        "transfer_url": format!("{base}/payment/manual/{id}"), "app_url": format!("khipu:///pos/{id}"),
        "ready_for_terminal": false, "notification_token": state.id(64),
        "receiver_id": state.config.receiver_id.parse::<i64>().unwrap_or_default(),
        "status": "pending", "status_detail": "pending", "receipt_url": "",
        "notify_api_version": "1.3", "expires_date": later_rfc3339(86_400),
        "attachment_urls": [], "bank": "", "personal_identifier": "", "bank_account_number": "",
        "out_of_date_conciliation": false, "payment_method": "not_available", "funds_source": "",
        "discount": 0, "third_party_authorization_details": "", "send_email": false,
        "send_reminders": false,
    });
    if let (Some(record), Some(given)) = (record.as_object_mut(), body.as_object()) {
        for (key, value) in given {
            record.insert(key.clone(), value.clone());
        }
    }
    (id, record)
}

/// What a create answers: the payment's id and where to send the payer.
pub(crate) fn created(record: &Value) -> Value {
    let fields: Map<String, Value> = CREATED
        .iter()
        .map(|k| ((*k).to_owned(), record[*k].clone()))
        .collect();
    Value::Object(fields)
}

/// `record` as the operation's success answer shows it: the fields its schema has; an optional
/// one left out rather than empty (an empty `payer_email` is not an e-mail address); a required
/// one the record lacks as an empty string, as Khipu sends it, unless the schema refuses an empty
/// string (v2.0's required `payer_email` is `format: email`): then the document's own example for
/// it, so the answer always fits the document the sandbox serves (no source says what Khipu
/// sends for a payment created without an e-mail).
pub(crate) fn shown(doc: &Value, op: &Value, record: &Value) -> Value {
    let Some(schema) = success_schema(doc, op) else {
        return record.clone();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Map::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let needed = required.contains(&name.as_str());
        match record.get(name) {
            Some(Value::String(s)) if s.is_empty() && !needed => {}
            Some(value) => {
                out.insert(name.clone(), value.clone());
            }
            None if needed => {
                let property = khipu_doc::resolve(doc, property);
                let empty = json!("");
                let fits = crate::validate::validate(doc, property, &empty).is_empty();
                let shown = match property.get("example") {
                    Some(example) if !fits => example.clone(),
                    _ => empty,
                };
                out.insert(name.clone(), shown);
            }
            None => {}
        }
    }
    Value::Object(out)
}

fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let (_, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let response = khipu_doc::resolve(doc, response);
    let (_, media) = response.get("content")?.as_object()?.iter().next()?;
    Some(khipu_doc::resolve(doc, media.get("schema")?))
}

/// A JSON amount as an exact decimal, whether Khipu wrote a number or a decimal string.
pub(crate) fn amount(value: &Value) -> Decimal {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let Ok(amount) = text.parse::<khipu_types::Amount>() else {
        return Decimal::ZERO;
    };
    // Past what a decimal holds, a hostile amount saturates (and so is over every limit, or
    // below every minimum) instead of passing as zero.
    amount.to_decimal().unwrap_or_else(|_| {
        let one = khipu_types::Amount::from(1);
        if amount > one {
            Decimal::MAX
        } else if amount < khipu_types::Amount::from(-1) {
            Decimal::MIN
        } else {
            Decimal::ZERO
        }
    })
}

/// A decimal as a JSON number (the specs type amounts as numbers).
pub(crate) fn number(value: Decimal) -> Value {
    serde_json::from_str(&khipu_types::Amount::from(value).to_wire_text()).unwrap_or(json!(0))
}

/// Marks payment `id` paid and notifies its `notify_url` (a loopback one only).
pub(crate) async fn pay(state: &State, id: &str) -> Result<PayOutcome, String> {
    let (token, notify_url, version) = {
        let mut payments = state.payments.lock().await;
        let Some(Value::Object(p)) = payments.get_mut(id) else {
            return Err(format!("no payment `{id}`"));
        };
        if p["status"] != "pending" {
            return Err(format!("payment `{id}` is {}, not pending", p["status"]));
        }
        if p["payment_method"] == "not_available" {
            // A charge keeps its `direct_debit`.
            p.insert("payment_method".into(), json!("simplified_transfer"));
        }
        for (k, v) in [
            ("status", json!("done")),
            ("status_detail", json!("normal")),
            ("conciliation_date", json!(now_rfc3339())),
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
    let (mut notified, mut attempts, mut last_error) = (None, 0, None);
    if loopback_url(&notify_url) {
        let mut pause = state.config.delivery_backoff;
        while attempts < state.config.delivery_attempts {
            attempts += 1;
            // Each attempt is signed anew (its timestamp is now); the first may go twice at once.
            let copies = if attempts == 1 && state.config.deliver_twice {
                2
            } else {
                1
            };
            let sends = (0..copies).map(|_| notify(state, id, &token, &notify_url, &version));
            let mut delivered = false;
            for outcome in futures_util::future::join_all(sends).await {
                state.journal.delivered(crate::journal::DeliveryRecord {
                    payment_id: id.to_owned(),
                    url: khipu_types::display::redact_url(&notify_url),
                    attempt: attempts,
                    outcome: outcome.clone(),
                });
                match outcome {
                    Ok(status) => {
                        delivered |= status == 200;
                        notified = Some(status);
                    }
                    Err(e) => last_error = Some(e),
                }
            }
            if delivered {
                break;
            }
            if attempts < state.config.delivery_attempts {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
            }
        }
        if notified.is_none()
            && let Some(e) = last_error
        {
            return Err(e);
        }
    }
    Ok(PayOutcome {
        notification_token: token,
        notified,
        attempts,
    })
}

/// Pays paid payment `id` out to the merchant, as Khipu's daily cycle does; a voided one has its
/// void paid out (`void_payout_date`). Voiding is refused from then on.
pub(crate) async fn payout(state: &State, id: &str) -> Result<(), String> {
    let mut payments = state.payments.lock().await;
    let Some(Value::Object(p)) = payments.get_mut(id) else {
        return Err(format!("no payment `{id}`"));
    };
    if p["status"] != "done" {
        return Err(format!("payment `{id}` is {}, not done", p["status"]));
    }
    if p.insert("paid_out".into(), json!(true)).is_none() && p["status_detail"] == "reversed" {
        p.insert("void_payout_date".into(), json!(now_rfc3339()));
    }
    Ok(())
}

/// Sends payment `id`'s notification: a signed 3.0 JSON body, or the 1.3 form with its token.
async fn notify(
    state: &State,
    id: &str,
    token: &str,
    url: &str,
    version: &str,
) -> Result<u16, String> {
    let request = if version == "3.0" {
        let body = notification_body(state, id).await;
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let signature =
            khipu_types::payments::notification_signature(&state.config.secret, &body, millis);
        state
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("x-khipu-signature", format!("t={millis},s={signature}"))
            .body(body)
    } else {
        let form = [("api_version", version), ("notification_token", token)];
        state.http.post(url).form(&form)
    };
    match request.send().await {
        Ok(r) => Ok(r.status().as_u16()),
        Err(e) => Err(crate::exchange::delivery_failed(url, &e)),
    }
}

/// The JSON a 3.0 notification carries for payment `id`: its data, amounts as Khipu writes them
/// there (decimal strings with four places).
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
        let value = match (key, p.get(key)) {
            (_, None) => continue,
            ("amount" | "discount", Some(v)) => json!(format!("{:.4}", amount(v))),
            (_, Some(v)) => v.clone(),
        };
        out.insert(key.into(), value);
    }
    serde_json::to_vec(&Value::Object(out)).unwrap_or_default()
}

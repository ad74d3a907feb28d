//! Predictions: a payment from one bank, or from each bank `GET /v3/banks` lists. The sandbox's
//! payer may send up to [`MAX_AMOUNT`] and [`NEW_DESTINATARY_MAX_AMOUNT`] to a new recipient.

use khipu_types::Decimal;
use serde_json::{Value, json};

use crate::clock::later_rfc3339;
use crate::examples;
use crate::exchange::Reply;
use crate::payments::call::Call;
use crate::payments::store;

/// The most the sandbox's payer may transfer.
const MAX_AMOUNT: i64 = 5_000_000;
/// The most the sandbox's payer may transfer to a new recipient.
const NEW_DESTINATARY_MAX_AMOUNT: i64 = 100_000;

/// The prediction for the call's `amount`, its result written by `case`.
fn prediction(call: &Call<'_>, case: fn(&str) -> String) -> Value {
    // Read as every amount the sandbox is sent (`store::amount`: a hostile one saturates).
    let amount = call
        .query("amount")
        .map(|a| store::amount(&Value::String(a.to_owned())))
        .unwrap_or_default();
    let result = if amount > Decimal::from(MAX_AMOUNT) {
        "max_amount_exceeded"
    } else {
        "ok"
    };
    json!({"result": case(result), "max_amount": store::number(Decimal::from(MAX_AMOUNT)),
        "new_destinatary_max_amount": NEW_DESTINATARY_MAX_AMOUNT,
        "cool_down_date": later_rfc3339(86_400)})
}

/// `GET /v3/predict`: lower case, as Khipu's page writes it.
pub(super) fn one(call: &Call<'_>) -> Reply {
    Reply::json(200, &prediction(call, str::to_owned))
}

/// `GET /v3/predict/all`: one upper-case prediction per bank of the spec's `getBanks` example.
pub(super) fn all(call: &Call<'_>) -> Reply {
    let banks = banks_op(call.doc)
        .map(|op| examples::response(call.doc, op, "200"))
        .unwrap_or(Value::Null);
    let list: Vec<Value> = banks["banks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|bank| {
            let mut p = prediction(call, str::to_ascii_uppercase);
            p["bank_id"] = bank["bank_id"].clone();
            p["name"] = bank["name"].clone();
            p
        })
        .collect();
    Reply::json(200, &json!({"banks": list}))
}

/// The document's `getBanks` operation.
fn banks_op(doc: &Value) -> Option<&Value> {
    doc["paths"]
        .as_object()?
        .values()
        .filter_map(|item| item.get("get"))
        .find(|op| op["operationId"] == khipu_generated::payments::v3_0::operations::GET_BANKS.id)
}

//! Giving money back: refunds from the refund wallet (`POST /v3/refunds`), the obsolete refund
//! by payment id, voids before payout, and the wallet's balance.
//!
//! Every refund is kept on its payment (`refunds`, `total_refunded`, `status_detail`) and paid
//! from the wallet, which starts with [`WALLET_START`]; a refund the wallet cannot cover is still
//! taken, with Khipu's informational `message`, since Khipu settles refunds in its daily cycle.

use khipu_types::Decimal;
use serde_json::{Map, Value, json};

use super::payment::change;
use crate::clock::now_rfc3339;
use crate::exchange::Reply;
use crate::payments::call::Call;
use crate::payments::errors::{field_error, missing};
use crate::payments::store;
use crate::state::State;

/// What the sandbox's refund wallet holds before any refund (CLP).
pub(crate) const WALLET_START: i64 = 1_000_000;

/// Where Khipu's answer says to top the wallet up.
const ADD_FUNDS_URL: &str = "https://khipu.com/merchant/refund-wallet";

/// What one payment can still give back, or why it gives nothing back.
fn refundable(p: &Map<String, Value>) -> Result<(Decimal, Decimal), String> {
    let id = p.get("payment_id").and_then(Value::as_str).unwrap_or("?");
    if p["status"] != "done" || p["status_detail"] == "reversed" {
        return Err(format!("El pago con ID {id} no es reembolsable"));
    }
    let total = store::amount(&p["amount"]);
    let done = p
        .get("total_refunded")
        .map(store::amount)
        .unwrap_or_default();
    Ok((total, total - done))
}

/// Keeps a refund of `amount` on payment `p`; answers its id and what was refunded in all.
fn record(state: &State, p: &mut Map<String, Value>, amount: Decimal) -> (String, Decimal) {
    let id = state.id(32);
    let total = store::amount(&p["amount"]);
    let done = p
        .get("total_refunded")
        .map(store::amount)
        .unwrap_or_default()
        + amount;
    let entry = json!({"id": id, "status": "pending", "amount": store::number(amount),
        "currency": p["currency"], "request_date": now_rfc3339()});
    match p.get_mut("refunds").and_then(Value::as_array_mut) {
        Some(list) => list.push(entry),
        None => {
            p.insert("refunds".into(), json!([entry]));
        }
    }
    p.insert("total_refunded".into(), store::number(done));
    let detail = if done == total {
        "fully-refunded"
    } else {
        "partially-refunded"
    };
    p.insert("status_detail".into(), json!(detail));
    (id, done)
}

/// The wallet's balance: what it started with, less every refund taken.
async fn balance(state: &State) -> Decimal {
    let refunded: Decimal = state
        .payments
        .lock()
        .await
        .values()
        .filter_map(|p| p.get("total_refunded"))
        .map(store::amount)
        .sum();
    Decimal::from(WALLET_START) - refunded
}

/// `POST /v3/refunds`: `type` full (no `amount`) or partial (`amount`, at most what remains).
pub(super) async fn refund(state: &State, call: &Call<'_>) -> Reply {
    let payment_id = call.body["payment_id"].as_str().unwrap_or_default();
    let asked = match (call.body["type"].as_str(), call.body.get("amount")) {
        (Some("partial"), Some(amount)) => Some(store::amount(amount)),
        (Some("partial"), None) => return field_error("amount", "is required with type partial"),
        (_, Some(_)) => return field_error("amount", "must be left out with type full"),
        (_, None) => None,
    };
    let wallet = balance(state).await;
    let mut payments = state.payments.lock().await;
    let Some(Value::Object(p)) = payments.get_mut(payment_id) else {
        return missing(call.version, "payment");
    };
    let (_, left) = match refundable(p) {
        Ok(amounts) => amounts,
        Err(why) => return field_error("payment_id", &why),
    };
    let amount = asked.unwrap_or(left);
    if amount <= Decimal::ZERO || amount > left {
        return field_error("amount", "El monto excede el saldo reembolsable del pago");
    }
    let (id, total_refunded) = record(state, p, amount);
    let mut answer = json!({"id": id, "payment_id": payment_id, "refunded_amount": store::number(amount),
        "total_refunded": store::number(total_refunded), "remaining": store::number(left - amount),
        "currency": p["currency"]});
    if amount > wallet {
        answer["message"] = json!(
            "El saldo de la billetera de reembolsos no alcanza para las devoluciones del día; recárguela"
        );
    }
    Reply::json(200, &answer)
}

/// `POST /v3/payments/{id}/refunds` (obsolete) and v2.0's refund: all that remains, or `amount`;
/// the payment keeps the older states (`normal` until refunded in full, then `reversed`).
pub(super) async fn legacy(state: &State, call: &Call<'_>) -> Reply {
    let asked = call.body.get("amount").map(store::amount);
    change(state, call, |p| {
        let (_, left) = refundable(p)?;
        let amount = asked.unwrap_or(left);
        if amount <= Decimal::ZERO || amount > left {
            return Err(format!(
                "amount must be more than 0 and at most what is left to refund, {left}"
            ));
        }
        record(state, p, amount);
        // The older states: v2.0's documents know no `partially-refunded`.
        let detail = if amount == left { "reversed" } else { "normal" };
        p.insert("status_detail".into(), json!(detail));
        Ok("Reembolso solicitado.")
    })
    .await
}

/// `POST /v3/payments/{id}/void`: all of a paid payment back, only before it is paid out and
/// before any refund.
pub(super) async fn void(state: &State, call: &Call<'_>) -> Reply {
    change(state, call, |p| {
        if p["status"] != "done" {
            return Err("only paid (done) payments can be voided".into());
        }
        if p.get("paid_out") == Some(&json!(true)) {
            return Err("the payment was already paid out; refund it instead".into());
        }
        if p["status_detail"] == "reversed" || p.contains_key("refunds") {
            return Err("the payment was already voided or refunded".into());
        }
        p.insert("status_detail".into(), json!("reversed"));
        Ok("Pago anulado.")
    })
    .await
}

/// `GET /v3/refund-wallet/balance`.
pub(super) async fn wallet(state: &State) -> Reply {
    Reply::json(
        200,
        &json!({"balance": store::number(balance(state).await), "currency": "CLP",
            "add_funds_url": ADD_FUNDS_URL}),
    )
}

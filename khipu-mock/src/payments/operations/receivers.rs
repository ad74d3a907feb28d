//! An integrator's collection accounts: created with `POST /v3/receivers`, listed page by page
//! with `GET /v3/receivers/children` (the sandbox starts with [`SEEDED`] of them).

use serde_json::{Value, json};

use crate::clock::now_rfc3339;
use crate::exchange::Reply;
use crate::payments::call::Call;
use crate::state::State;

/// Collection accounts the sandbox starts with.
pub(crate) const SEEDED: u64 = 3;

/// Gives a fresh sandbox its first accounts.
pub(crate) fn seed(state: &State) {
    if let Ok(mut receivers) = state.receivers.try_lock() {
        receivers
            .extend((1..=SEEDED).map(|n| account(100_000 + n, &format!("Cobrador sandbox {n}"))));
    }
}

fn account(id: u64, name: &str) -> Value {
    json!({"id": id, "name": name, "date_created": now_rfc3339(), "disabled": false,
        "can_collect": true})
}

/// `POST /v3/receivers`: a new account, listed from then on.
pub(super) async fn create(state: &State, call: &Call<'_>) -> Reply {
    let mut receivers = state.receivers.lock().await;
    let id = 100_001 + receivers.len() as u64;
    let name = call.body["business_name"].as_str().unwrap_or("Cobrador");
    receivers.push(account(id, name));
    Reply::json(
        200,
        &json!({"receiver_id": id.to_string(), "secret": state.id(40)}),
    )
}

/// `GET /v3/receivers/children`: `max` accounts from `offset`, by `sort` in `order`.
pub(super) async fn list(state: &State, call: &Call<'_>) -> Reply {
    let number = |name: &str, default: usize| {
        call.query(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (offset, max) = (number("offset", 0), number("max", 100));
    let key = call.query("sort").unwrap_or("id").to_owned();
    let mut all = state.receivers.lock().await.clone();
    all.sort_by(|a, b| {
        let (a, b) = (&a[&key], &b[&key]);
        match (a.as_u64(), b.as_u64()) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => a.as_str().cmp(&b.as_str()),
        }
    });
    if call.query("order") == Some("desc") {
        all.reverse();
    }
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(offset).take(max).collect();
    Reply::json(200, &json!({"receivers": page, "total": total}))
}

//! The unsigned JSON notices of Automatic Payments (a subscription's `notify_url`, a charge's
//! `error_response_url`): Khipu documents no signature for them. Like every notice the sandbox
//! sends, they go to loopback URLs only, so a sandbox never calls out of the machine.

use serde_json::Value;

use crate::exchange::loopback_url;
use crate::state::State;

/// POSTs `body` to `url`: the status it answered, `None` for a URL that is not loopback.
pub(crate) async fn post_json(
    state: &State,
    url: &str,
    body: &Value,
) -> Result<Option<u16>, String> {
    if !loopback_url(url) {
        return Ok(None);
    }
    match state.http.post(url).json(body).send().await {
        Ok(r) => Ok(Some(r.status().as_u16())),
        Err(e) => Err(crate::exchange::delivery_failed(url, &e)),
    }
}

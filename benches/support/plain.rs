//! The plain side of the call and allocations benches: the transactions call as a service would
//! write it without the SDK, with reqwest and serde_json into the same types. One copy, so both
//! benches compare `dyn Bank` with the same code.

use khipu::model::{Status, TransactionsEnvelope};

/// The account both sides ask for.
pub const ACCOUNT: &str = "000011887755";

/// A reqwest client built as the SDK builds its own, and the request it sends each call.
pub struct Plain {
    http: reqwest::Client,
    endpoint: String,
    payload: serde_json::Value,
}

impl Plain {
    /// Calls the demo bank's transactions operation at the server `url`.
    pub fn new(url: &str) -> Self {
        Self {
            http: khipu_types::http::client().expect("a client"),
            endpoint: format!("{url}/v1/cl/banking/personal/demo-bank.khipu.com/transactions"),
            payload: serde_json::json!({"RequestData": {"AccountNumber": ACCOUNT}}),
        }
    }

    /// One call, its answer checked to hold `items` transactions.
    pub async fn transactions(&self, items: usize) {
        let response = self
            .http
            .post(&self.endpoint)
            .bearer_auth("bench")
            .json(&self.payload)
            .send()
            .await
            .expect("sent");
        let bytes = response.bytes().await.expect("read");
        let envelope: TransactionsEnvelope = serde_json::from_slice(&bytes).expect("decodes");
        assert_eq!(envelope.status, Status::Ok);
        assert_eq!(envelope.data.map(|d| d.transaction.len()), Some(items));
    }
}

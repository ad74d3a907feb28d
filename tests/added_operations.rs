//! An operation a maintainer adds to an overlay is usable with no hand edit: the generator gives
//! it its operation constant, its retry rule by the stated rule (a GET is a read, a POST a write)
//! and a `Request` impl, so `khipu::Call` sends it with retries, the span and `khipu::Error`.
//!
//! First on a copy of the workspace's Payments v3.0 document with two operations added to its
//! overlay (what `cargo xtask codegen` would write), then end to end on a small document whose
//! overlay adds the same two, compiled by the proc macro and called against a local server.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]

use std::path::Path;
use std::time::Duration;

use khipu::{Call, Config, Credentials, Error, RetryPolicy};
use khipu_codegen_engine::catalog::Retry;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The two operations, as overlay actions appended to the workspace's v3.0 overlay.
const ADDED: &str = r##"
  - target: $.paths
    description: Added by tests/added_operations.rs (a read).
    update:
      /v3/payouts/{id}:
        get:
          operationId: getPayoutById
          summary: A payout
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          responses:
            "200":
              description: The payout
              content: {application/json: {schema: {$ref: "#/components/schemas/success"}}}
  - target: $.paths
    description: Added by tests/added_operations.rs (a write).
    update:
      /v3/payouts:
        post:
          operationId: postPayout
          summary: Pays out
          responses:
            "200":
              description: Done
              content: {application/json: {schema: {$ref: "#/components/schemas/success"}}}
"##;

#[test]
fn operations_added_to_the_workspace_overlay_get_constants_rules_and_requests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("khipu-added-{}", std::process::id()));
    let specs = dir.join("specs/payments");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::copy(
        root.join("specs/payments/v3.0.json"),
        specs.join("v3.0.json"),
    )
    .unwrap();
    let overlay = std::fs::read_to_string(root.join("specs/payments/v3.0.overlay.yaml")).unwrap();
    std::fs::write(specs.join("v3.0.overlay.yaml"), overlay + ADDED).unwrap();

    let generated =
        khipu_codegen_engine::generate_file(&specs.join("v3.0.json"), "specs/payments/v3.0.json");
    std::fs::remove_dir_all(&dir).unwrap();
    let generated = generated.unwrap();
    let ops = &generated.client.operations;
    let rule = |id: &str| ops.iter().find(|o| o.operation_id == id).map(|o| o.retry);
    assert_eq!(rule("getPayoutById"), Some(Retry::Read));
    assert_eq!(rule("postPayout"), Some(Retry::Write));
    assert_eq!(rule("getBanks"), Some(Retry::Read));
    assert_eq!(rule("postPayment"), Some(Retry::Write));
    let code = generated.code.tokens().to_string().replace(' ', "");
    for (constant, builder) in [
        ("GET_PAYOUT_BY_ID", "GetPayoutById"),
        ("POST_PAYOUT", "PostPayout"),
    ] {
        assert!(
            code.contains(&format!(
                "pubconst{constant}:::khipu_types::client::Operation"
            )),
            "no constant {constant}"
        );
        assert!(
            code.contains(&format!("::khipu_types::client::Requestfor{builder}<'a>")),
            "no Request impl for {builder}"
        );
    }
}

/// The small document of `tests/fixtures/added-operations`, with the two operations its overlay
/// adds, compiled as a maintainer's new document would be.
mod added {
    khipu_codegen::payments!("tests/fixtures/added-operations/payments/v9.0.yaml");
}

async fn client(server: &MockServer) -> added::Client {
    let fast = RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1));
    Config::new(Credentials::api_key("k"))
        .base_url(server.uri())
        .retry(fast)
        .client()
        .unwrap()
}

#[tokio::test]
async fn the_added_read_is_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v9/payouts/p-1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v9/payouts/p-1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"amount": 10, "currency": "CLP"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let payout = client(&server)
        .await
        .get_payout_by_id()
        .id("p-1")
        .call()
        .await
        .unwrap();
    assert_eq!(payout.currency, "CLP");
    assert_eq!(
        <added::builder::GetPayoutById<'_> as khipu_types::client::Request>::OPERATION.id,
        "getPayoutById"
    );
}

#[tokio::test]
async fn the_added_write_is_sent_once_and_a_500_is_an_unknown_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v9/payouts"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .await
        .post_payout()
        .body(added::types::Balance {
            amount: 10.into(),
            currency: "CLP".into(),
        })
        .call()
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(
        matches!(&err, Error::OutcomeUnknown { context, status: Some(500), .. }
        if context.operation == "postPayout")
    );
}

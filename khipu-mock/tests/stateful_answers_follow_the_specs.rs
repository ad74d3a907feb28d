//! Every answer of the sandbox's stateful newer operations (refunds, void, wallet, predictions
//! for every bank, receivers, subscriptions, charges) validates against the success schema its
//! spec declares for it, through a whole flow: state must never drift from what clients decode.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use khipu_mock::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

struct Flow {
    sandbox: Sandbox,
    http: reqwest::Client,
    checked: usize,
}

impl Flow {
    /// Calls `method path` with the sandbox's key, expects `status`, and validates the answer
    /// against the route's `status` response schema; the answer.
    async fn call(&mut self, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
        let url = format!("{}{path}", self.sandbox.url());
        let mut request = self
            .http
            .request(method.parse().unwrap(), url)
            .header("x-api-key", self.sandbox.api_key());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        let got = answer.status().as_u16();
        let value: Value = answer.json().await.unwrap_or(Value::Null);
        assert_eq!(got, status, "{method} {path}: {value}");
        let bare = path.split('?').next().unwrap();
        let specs = self.sandbox.specs();
        let (route, _) = specs.route(method, bare).unwrap();
        let doc = specs.doc(route);
        let schema = khipu_doc::resolve(
            doc,
            &route.operation["responses"][status.to_string()]["content"]["application/json"]["schema"],
        );
        let errors = khipu_mock::validate::validate(doc, schema, &value);
        assert!(errors.is_empty(), "{method} {path}: {errors:?} in {value}");
        self.checked += 1;
        value
    }

    async fn paid(&mut self, amount: u32) -> String {
        let created = self
            .call(
                "POST",
                "/v3/payments",
                Some(json!({"amount": amount, "currency": "CLP", "subject": "x"})),
                200,
            )
            .await;
        let id = created["payment_id"].as_str().unwrap().to_owned();
        self.sandbox.pay(&id).await.unwrap();
        id
    }
}

#[tokio::test]
async fn the_newer_operations_answer_as_their_specs_declare() {
    let mut f = Flow {
        sandbox: Sandbox::start(SandboxConfig::default()).await.unwrap(),
        http: reqwest::Client::new(),
        checked: 0,
    };
    let id = f.paid(3000).await;
    let refund = f
        .call(
            "POST",
            "/v3/refunds",
            Some(json!({"type": "partial", "payment_id": id, "amount": "1000.5"})),
            200,
        )
        .await;
    assert_eq!(refund["remaining"], json!(1999.5), "{refund}");
    f.call(
        "POST",
        "/v3/refunds",
        Some(json!({"type": "full", "payment_id": id})),
        200,
    )
    .await;
    let payment = f
        .call("GET", &format!("/v3/payments/{id}"), None, 200)
        .await;
    assert_eq!(payment["status_detail"], "fully-refunded");
    let wallet = f.call("GET", "/v3/refund-wallet/balance", None, 200).await;
    assert_eq!(wallet["balance"], json!(997_000));
    let voided = f.paid(500).await;
    f.call("POST", &format!("/v3/payments/{voided}/void"), None, 200)
        .await;
    f.sandbox.payout(&voided).await.unwrap();
    let payment = f
        .call("GET", &format!("/v3/payments/{voided}"), None, 200)
        .await;
    assert!(payment["void_payout_date"].is_string(), "{payment}");
    f.call(
        "GET",
        "/v3/predict/all?payer_email=a@b.cl&amount=1000&currency=CLP",
        None,
        200,
    )
    .await;
    f.call(
        "GET",
        "/v3/predict?payer_email=a@b.cl&bank_id=SDdGj&amount=1000&currency=CLP",
        None,
        200,
    )
    .await;
    let page = f
        .call(
            "GET",
            "/v3/receivers/children?offset=1&max=1&sort=name&order=desc",
            None,
            200,
        )
        .await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["receivers"][0]["name"].as_str()
        ),
        (Some(3), Some("Cobrador sandbox 2"))
    );

    let created = f
        .call(
            "POST",
            "/v1/automatic-payment/subscription",
            Some(json!({"name": "Plan", "email": "a@b.cl", "max_amount": 1000, "currency": "CLP",
                "notify_url": "https://x.example/n", "return_url": "https://x.example/r", "cancel_url": "https://x.example/c"})),
            200,
        )
        .await;
    let sub = created["subscription_id"].as_str().unwrap().to_owned();
    let path = format!("/v1/automatic-payment/subscription/{sub}");
    assert_eq!(f.call("GET", &path, None, 200).await["status"], "PENDING");
    f.sandbox.sign_subscription(&sub).await.unwrap();
    assert_eq!(f.call("GET", &path, None, 200).await["status"], "ENABLED");
    let charge = json!({"subscription_id": sub, "amount": 900, "subject": "s",
        "notify_url": "https://x.example/n", "error_response_url": "https://x.example/e"});
    let charged = f
        .call(
            "POST",
            "/v1/automatic-payment/charge-intent",
            Some(charge),
            201,
        )
        .await;
    let payment = f
        .call(
            "GET",
            &format!("/v3/payments/{}", charged["payment_id"].as_str().unwrap()),
            None,
            200,
        )
        .await;
    assert_eq!(payment["payment_method"], "direct_debit");
    let unknown = json!({"subscription_id": "nope", "amount": 1, "subject": "s",
        "notify_url": "https://x.example/n", "error_response_url": "https://x.example/e"});
    f.call(
        "POST",
        "/v1/automatic-payment/charge-intent",
        Some(unknown),
        422,
    )
    .await;
    assert_eq!(
        f.call("DELETE", &path, None, 200).await["status"],
        "DISCARDED"
    );
    assert!(
        f.sandbox.sign_subscription(&sub).await.is_err(),
        "a discarded subscription stays so"
    );
    assert_eq!(f.checked, 18);
}

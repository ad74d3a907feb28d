//! The sandbox keeps to its own specs: what it serves passes the formats it declares, what it
//! accepts is what the specs allow, and HTTP is answered as HTTP says (405 with `Allow`,
//! case-insensitive auth schemes). One test per defect found by the conformance tools.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use khipu_mock::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

async fn start() -> (Sandbox, reqwest::Client) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let http = reqwest::Client::builder().build().unwrap();
    (sandbox, http)
}

/// POST `body` to v3.0 `path`, with the sandbox's key: (status, JSON answer).
async fn v3(
    sandbox: &Sandbox,
    http: &reqwest::Client,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", sandbox.url());
    let mut request = http
        .request(method.parse().unwrap(), url)
        .header("x-api-key", sandbox.api_key());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// The schema of the v3.0 answer to `GET /v3/payments/{id}`.
fn payment_schema(sandbox: &Sandbox) -> (Value, Value) {
    let spec = sandbox
        .specs()
        .specs
        .iter()
        .find(|s| s.name == "payments/v3.0.json")
        .unwrap();
    let op = &spec.doc["paths"]["/v3/payments/{id}"]["get"];
    let schema = op["responses"]["200"]["content"]["application/json"]["schema"].clone();
    (spec.doc.clone(), schema)
}

#[tokio::test]
async fn a_payment_created_with_only_what_is_required_is_served_as_its_spec_says() {
    let (sandbox, http) = start().await;
    let (status, created) = v3(
        &sandbox,
        &http,
        "POST",
        "/v3/payments",
        Some(json!({"amount": 1000, "currency": "CLP", "subject": "x"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["payment_id"].as_str().unwrap();
    let (status, payment) = v3(&sandbox, &http, "GET", &format!("/v3/payments/{id}"), None).await;
    assert_eq!(status, 200);
    // RFC 3339 (was `+0000`), and no empty e-mail (was `payer_email: ""`).
    let expires = payment["expires_date"].as_str().unwrap();
    assert!(
        khipu_mock::formats::check("date-time", expires).is_ok(),
        "{expires}"
    );
    assert!(payment.get("payer_email").is_none(), "{payment}");
    let (doc, schema) = payment_schema(&sandbox);
    let errors = khipu_mock::validate::validate(&doc, &schema, &payment);
    assert!(errors.is_empty(), "{errors:?} in {payment}");
}

#[tokio::test]
async fn values_that_break_a_declared_format_are_refused_naming_the_field() {
    let (sandbox, http) = start().await;
    for (field, value) in [
        ("expires_date", "not-a-date"),
        ("confirm_timeout_date", ""),
        ("payer_email", "nope"),
    ] {
        let mut body = json!({"amount": 1000, "currency": "CLP", "subject": "x"});
        body[field] = json!(value);
        let (status, answer) = v3(&sandbox, &http, "POST", "/v3/payments", Some(body)).await;
        assert_eq!(status, 400, "{field}: {answer}");
        assert_eq!(answer["errors"][0]["field"], field, "{answer}");
    }
    let receiver = json!({"admin_first_name": "Ana", "admin_last_name": "Pérez", "admin_email": "ana@example.cl",
        "country_code": "CL", "business_identifier": "76.123.456-7", "business_category": "Retail",
        "business_name": "Tienda", "business_phone": "+56 2 1234 5678", "business_address_line_1": "Calle 1",
        "business_address_line_2": "Of. 2", "business_address_line_3": "Santiago", "contact_full_name": "Ana Pérez",
        "contact_job_title": "CEO", "contact_email": "", "contact_phone": "+56 9 1234 5678"});
    let (status, answer) = v3(&sandbox, &http, "POST", "/v3/receivers", Some(receiver)).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["errors"][0]["field"], "contact_email", "{answer}");
}

#[tokio::test]
async fn a_null_account_credential_is_refused_like_a_null_account_number() {
    let (sandbox, http) = start().await;
    let url = format!(
        "{}/v1/cl/banking/personal/demo-bank.khipu.com/transactions",
        sandbox.url()
    );
    for body in [
        json!({"RequestData": {"AccountNumber": "1", "AccountCredential": null}}),
        json!({"RequestData": {"AccountNumber": null}}),
    ] {
        let answer = http
            .post(&url)
            .bearer_auth("t")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{body}");
        let text = answer.text().await.unwrap();
        assert!(text.contains("must not be null"), "{text}");
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let (sandbox, http) = start().await;
    let url = format!(
        "{}/v1/cl/banking/personal/demo-bank.khipu.com/transactions",
        sandbox.url()
    );
    let answer = http.get(&url).bearer_auth("t").send().await.unwrap();
    assert_eq!(answer.status(), 405);
    assert_eq!(answer.headers()["allow"], "POST");
    let unknown = http
        .get(format!("{}/v1/nowhere", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let (sandbox, http) = start().await;
    let url = format!(
        "{}/v1/cl/banking/personal/demo-bank.khipu.com/transactions",
        sandbox.url()
    );
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let answer = http
            .post(&url)
            .header("authorization", format!("{scheme} tok"))
            .json(&json!({"RequestData": {"AccountNumber": "1"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn the_banner_names_every_api_and_its_credentials() {
    let sandbox = Sandbox::start(
        SandboxConfig::default()
            .api_key("my-key")
            .credentials("985101", "my-secret"),
    )
    .await
    .unwrap();
    let banner = khipu_mock::banner(&sandbox);
    let first = banner.lines().next().unwrap();
    assert!(first.contains(sandbox.url()), "{banner}");
    for expected in [
        "/v1/",
        "/v3/",
        "/2.0/",
        "/v1/automatic-payment/",
        "x-api-key: my-key",
        "receiver id 985101",
        "secret my-secret",
        // What a client needs to verify the v3.0 notifications the sandbox sends.
        "signed (x-khipu-signature) with the merchant secret: my-secret",
    ] {
        assert!(
            banner.contains(expected),
            "missing {expected:?} in:\n{banner}"
        );
    }
}

/// A port already taken is an error that names the address, as the CLI's is.
#[tokio::test]
async fn a_taken_port_names_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = Sandbox::start(SandboxConfig::default().port(port))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")),
        "{err}"
    );
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}

/// Every constraint a spec states on a query parameter is checked like the others: the receivers
/// page's `offset` (minimum 0) and `max` (minimum 1).
#[tokio::test]
async fn query_minimums_are_enforced_like_every_other_constraint() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let http = khipu_types::http::client().unwrap();
    let get = |query: &'static str| {
        http.get(format!("{}/v3/receivers/children?{query}", sandbox.url()))
            .header("x-api-key", sandbox.api_key())
            .send()
    };
    for query in ["offset=-1", "max=0", "max=-5"] {
        let answer = get(query).await.unwrap();
        assert_eq!(answer.status(), 400, "{query}");
        let body: serde_json::Value = answer.json().await.unwrap();
        let field = query.split('=').next().unwrap();
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    assert_eq!(get("offset=0&max=1").await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_v2_payment_created_without_an_email_reads_back_as_its_document_says() {
    let (sandbox, _) = start().await;
    let config = khipu::Config::new(khipu::Credentials::signed(
        sandbox.receiver_id(),
        sandbox.secret(),
    ))
    .base_url(sandbox.url());
    let v2 = khipu::raw::api("payments-v2.0").unwrap();
    let create = v2.operation("postPayment").unwrap();
    let form = [
        ("amount".to_owned(), "1000".to_owned()),
        ("currency".to_owned(), "CLP".to_owned()),
        ("subject".to_owned(), "x".to_owned()),
    ];
    let request = khipu::raw::RawRequest::new().form(&form);
    let (_, created) = khipu::raw::send(&config, v2, create, &request)
        .await
        .unwrap();
    let created: Value = serde_json::from_slice(&created).unwrap();
    let id = created["payment_id"].as_str().unwrap();
    let read = v2.operation("getPaymentById").unwrap();
    let request = khipu::raw::RawRequest::new().path_param("id", id);
    let (_, payment) = khipu::raw::send(&config, v2, read, &request).await.unwrap();
    let payment: Value = serde_json::from_slice(&payment).unwrap();
    let spec = sandbox
        .specs()
        .specs
        .iter()
        .find(|s| s.name == "payments/v2.0.yaml")
        .unwrap();
    let schema = &spec.doc["paths"]["/2.0/payments/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let errors = khipu_mock::validate::validate(&spec.doc, schema, &payment);
    assert!(errors.is_empty(), "{errors:?} in {payment}");
    // Required and `format: email`: the document's example, never `""` (which it refuses).
    assert_eq!(payment["payer_email"], "pagador@email.com", "{payment}");
}

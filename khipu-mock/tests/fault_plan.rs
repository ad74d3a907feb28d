//! A fault plan decides failures per request from what the request carries, and a request's own
//! `x-khipu-sandbox` header still overrides it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use khipu_mock::{FaultPlan, Injection, Sandbox, SandboxConfig};

const TRANSACTIONS: &str = "/v1/cl/banking/personal/demo-bank.khipu.com/transactions";

fn body(account: &str) -> String {
    format!(r#"{{"RequestData": {{"AccountNumber": "{account}"}}}}"#)
}

#[tokio::test]
async fn the_plan_sees_each_request_and_the_header_wins() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let plan = FaultPlan::new(move |request| {
        counter.fetch_add(1, Ordering::Relaxed);
        let body = String::from_utf8_lossy(request.body);
        if request.method == "POST" && body.contains("\"666\"") {
            Injection::parse("status=503").unwrap_or_default()
        } else {
            Injection::default()
        }
    });
    let sandbox = Sandbox::start(SandboxConfig::default().plan(plan))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let post = |account: &str, header: Option<&str>| {
        let mut request = http
            .post(format!("{}{TRANSACTIONS}", sandbox.url()))
            .bearer_auth("t")
            .header("content-type", "application/json")
            .body(body(account));
        if let Some(h) = header {
            request = request.header(khipu_mock::inject::HEADER, h);
        }
        request.send()
    };
    assert_eq!(post("000011887755", None).await.unwrap().status(), 200);
    assert_eq!(post("666", None).await.unwrap().status(), 503);
    // The header's directives override the plan's.
    assert_eq!(post("666", Some("status=429")).await.unwrap().status(), 429);
    assert_eq!(asked.load(Ordering::Relaxed), 3);
    assert!(
        format!(
            "{:?}",
            SandboxConfig::default().plan(FaultPlan::new(|_| Injection::default()))
        )
        .contains("FaultPlan(..)")
    );
}

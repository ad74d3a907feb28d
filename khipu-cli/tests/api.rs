//! `khipu api`: every operation of every compiled API from the command line, checked against its
//! spec before sending, against the sandbox (`--mock`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]

#[path = "support/run.rs"]
mod run;

use run::{khipu, stderr, stdout};
use serde_json::Value;

#[tokio::test]
async fn the_list_has_every_operation_of_every_compiled_api_with_its_rule() {
    let out = khipu(&["--mock", "api", "--list", "--json"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let expected: usize = khipu::raw::apis().iter().map(|a| a.operations.len()).sum();
    assert_eq!(listed.len(), expected);
    assert!(expected >= 40, "{expected} operations");
    let rule = |id: &str| {
        listed
            .iter()
            .find(|o| o["operation_id"] == id && o["api"] == "payments-v3.0")
            .map(|o| o["retry"].clone())
    };
    assert_eq!(rule("getPaymentById"), Some("read".into()));
    assert_eq!(rule("postRefund"), Some("write".into()));
    assert!(listed.iter().any(|o| o["retry"] == "callback"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_and_a_read_go_out_and_come_back() {
    let sandbox = khipu_mock::Sandbox::start(khipu_mock::SandboxConfig::default())
        .await
        .unwrap();
    let env = [("KHIPU_API_KEY", sandbox.api_key())];
    let api = |args: Vec<String>| {
        let mut full = vec![
            "--base-url".to_owned(),
            sandbox.url().to_owned(),
            "api".to_owned(),
        ];
        full.extend(args);
        full
    };
    let body =
        r#"{"amount": 1000, "currency": "CLP", "subject": "Order 1", "transaction_id": "t-1"}"#;
    let args = api(["payments-v3.0", "postPayment", "--body", body, "--json"]
        .map(String::from)
        .to_vec());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let created = khipu(&args, &env).await;
    assert!(created.status.success(), "{}", stderr(&created));
    let created: Value = serde_json::from_str(&stdout(&created)).unwrap();
    let id = created["payment_id"].as_str().unwrap();
    let args = api(vec![
        "payments-v3.0".into(),
        "getPaymentById".into(),
        "-p".into(),
        format!("id={id}"),
        "--json".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let read = khipu(&args, &env).await;
    assert!(read.status.success(), "{}", stderr(&read));
    let read: Value = serde_json::from_str(&stdout(&read)).unwrap();
    assert_eq!(
        (read["payment_id"].as_str(), read["transaction_id"].as_str()),
        (Some(id), Some("t-1"))
    );
    let posts = sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "the write went out once");
}

#[tokio::test]
async fn what_the_spec_refuses_is_a_usage_error_and_nothing_is_sent() {
    for (args, says) in [
        (
            vec!["payments-v3.0", "getPaymentById"],
            "parameter `id` is required",
        ),
        (
            vec![
                "payments-v3.0",
                "getPaymentById",
                "-p",
                "id=1",
                "-p",
                "nope=2",
            ],
            "`nope` is not one of its parameters",
        ),
        (
            vec!["payments-v3.0", "getBanks", "-p", "id"],
            "is not NAME=VALUE",
        ),
        (
            vec!["payments-v3.0", "getReceivers", "-p", "max=0"],
            "parameter `max`: is 0; at least 1 allowed",
        ),
        (
            vec![
                "payments-v3.0",
                "postPayment",
                "--body",
                r#"{"amount": "x", "currency": "CLP", "subject": "s"}"#,
            ],
            "body field `amount`",
        ),
        (
            vec!["payments-v3.0", "postPayment", "--body", "{"],
            "not JSON",
        ),
        (
            vec!["payments-v3.0", "getBanks", "--body", "{}"],
            "takes no body",
        ),
        (
            vec!["payments-v3.0", "nothingLikeThis"],
            "has no operation `nothingLikeThis`",
        ),
        (vec!["payments-v9.9", "getBanks"], "no API `payments-v9.9`"),
        (vec!["payments-v3.0"], "needs an API and an operationId"),
    ] {
        let mut full = vec!["--base-url", "http://127.0.0.1:9", "api"];
        full.extend(args.iter().copied());
        let out = khipu(&full, &[("KHIPU_API_KEY", "k")]).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

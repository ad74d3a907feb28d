//! The newer payments commands and Automatic Payments from the shell, against one sandbox kept
//! for the whole flow (state carries from command to command): refunds, void, the wallet,
//! predictions for every bank, receivers, subscriptions and charges.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use serde_json::Value;

#[path = "support/run.rs"]
mod run;
use run::{khipu, stderr, stdout};

/// The sandbox and the environment that points `khipu` at it.
struct Flow {
    sandbox: khipu_mock::Sandbox,
    env: Vec<(&'static str, String)>,
}

impl Flow {
    async fn start() -> Self {
        let sandbox = khipu_mock::Sandbox::start(khipu_mock::SandboxConfig::default().port(0))
            .await
            .unwrap();
        let env = vec![
            ("KHIPU_API_KEY", sandbox.api_key().to_owned()),
            ("KHIPU_PAYMENTS_BASE_URL", sandbox.url().to_owned()),
        ];
        Self { sandbox, env }
    }

    /// Runs `khipu args`; the output and the exit status.
    async fn run(&self, args: &[&str]) -> std::process::Output {
        let env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        khipu(args, &env).await
    }

    /// Runs `khipu args --json`, which must succeed; its JSON.
    async fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        let out = self.run(&args).await;
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&out)))
    }

    /// A payment of `amount` CLP, paid.
    async fn paid_payment(&self, amount: &str) -> String {
        let created = self
            .json(&[
                "payments",
                "create",
                "--amount",
                amount,
                "--currency",
                "CLP",
                "--subject",
                "Orden",
            ])
            .await;
        let id = created["payment_id"].as_str().unwrap().to_owned();
        self.sandbox.pay(&id).await.unwrap();
        id
    }
}

#[tokio::test]
async fn refunds_move_the_payment_and_the_wallet_and_refuse_more_than_remains() {
    let flow = Flow::start().await;
    let id = flow.paid_payment("3000").await;
    let partial = flow
        .json(&["payments", "refund", "--id", &id, "--amount", "1000"])
        .await;
    assert_eq!(
        (
            &partial["refunded_amount"],
            &partial["total_refunded"],
            &partial["remaining"]
        ),
        (&Value::from(1000), &Value::from(1000), &Value::from(2000)),
        "{partial}"
    );
    let too_much = flow
        .run(&["payments", "refund", "--id", &id, "--amount", "5000"])
        .await;
    assert_eq!(too_much.status.code(), Some(1));
    assert!(
        stderr(&too_much).contains("amount: El monto excede el saldo reembolsable del pago"),
        "{}",
        stderr(&too_much)
    );
    let full = flow
        .json(&["payments", "refund", "--id", &id, "--full"])
        .await;
    assert_eq!(full["refunded_amount"], 2000, "{full}");
    assert_eq!(full["remaining"], 0, "{full}");
    let payment = flow.json(&["payments", "get", "--id", &id]).await;
    assert_eq!(payment["status_detail"], "fully-refunded", "{payment}");
    assert_eq!(payment["total_refunded"], 3000, "{payment}");
    assert_eq!(
        payment["refunds"].as_array().map(Vec::len),
        Some(2),
        "{payment}"
    );
    let wallet = flow.json(&["payments", "wallet"]).await;
    assert_eq!(wallet["balance"], 1_000_000 - 3000, "{wallet}");
    let again = flow
        .run(&["payments", "refund", "--id", &id, "--full"])
        .await;
    assert_eq!(again.status.code(), Some(1), "nothing is left to refund");
}

#[tokio::test]
async fn void_only_before_payout() {
    let flow = Flow::start().await;
    let paid_out = flow.paid_payment("1500").await;
    flow.sandbox.payout(&paid_out).await.unwrap();
    let late = flow.run(&["payments", "void", "--id", &paid_out]).await;
    assert_eq!(late.status.code(), Some(1));
    assert!(stderr(&late).contains("paid out"), "{}", stderr(&late));
    let id = flow.paid_payment("1500").await;
    let voided = flow.json(&["payments", "void", "--id", &id]).await;
    assert!(voided["message"].is_string(), "{voided}");
    flow.sandbox.payout(&id).await.unwrap();
    let payment = flow.json(&["payments", "get", "--id", &id]).await;
    assert_eq!(payment["status_detail"], "reversed", "{payment}");
    assert!(payment["void_payout_date"].is_string(), "{payment}");
    let refund = flow
        .run(&["payments", "refund", "--id", &id, "--full"])
        .await;
    assert_eq!(
        refund.status.code(),
        Some(1),
        "a voided payment takes no refunds"
    );
}

#[tokio::test]
async fn predictions_for_every_bank_and_receivers_page_by_page() {
    let flow = Flow::start().await;
    let all = flow
        .json(&[
            "payments",
            "predict",
            "--payer-email",
            "ana@example.cl",
            "--amount",
            "6000000",
            "--currency",
            "CLP",
        ])
        .await;
    let banks = all.as_array().unwrap();
    assert!(!banks.is_empty(), "{all}");
    for bank in banks {
        assert_eq!(
            bank["result"], "max_amount_exceeded",
            "read from upper case: {bank}"
        );
        assert!(
            bank["bank_id"].is_string() && bank["name"].is_string(),
            "{bank}"
        );
    }
    let table = flow
        .run(&[
            "payments",
            "predict",
            "--payer-email",
            "ana@example.cl",
            "--amount",
            "1000",
            "--currency",
            "CLP",
        ])
        .await;
    assert_eq!(
        stdout(&table).lines().count(),
        banks.len(),
        "{}",
        stdout(&table)
    );
    let receivers = flow.json(&["payments", "receivers", "--max", "2"]).await;
    let ids: Vec<i64> = receivers
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        [100_001, 100_002, 100_003],
        "three accounts over two pages"
    );
    let requests = flow.json(&["payments", "receivers", "--max", "1"]).await;
    assert_eq!(requests.as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn subscriptions_and_charges_from_the_shell() {
    let flow = Flow::start().await;
    let created = flow
        .json(&[
            "subscriptions",
            "create",
            "--name",
            "Plan Pro",
            "--email",
            "ana@example.cl",
            "--max-amount",
            "20000",
            "--max-amount-per-charge",
            "10000",
            "--currency",
            "CLP",
            "--notify-url",
            "https://shop.example/n",
            "--return-url",
            "https://shop.example/ok",
            "--cancel-url",
            "https://shop.example/cancel",
        ])
        .await;
    let id = created["subscription_id"].as_str().unwrap().to_owned();
    assert!(
        created["redirect_url"].as_str().unwrap().contains(&id),
        "{created}"
    );
    let pending = flow.json(&["subscriptions", "get", "--id", &id]).await;
    assert_eq!(pending["status"], "PENDING", "{pending}");
    flow.sandbox.sign_subscription(&id).await.unwrap();
    let enabled = flow.json(&["subscriptions", "get", "--id", &id]).await;
    assert_eq!(enabled["status"], "ENABLED", "{enabled}");
    let charge = flow
        .json(&[
            "charges",
            "create",
            "--subscription-id",
            &id,
            "--amount",
            "9990",
            "--subject",
            "Plan Pro, diciembre",
            "--body",
            "Diciembre",
            "--notify-url",
            "https://shop.example/notify",
            "--notify-api-version",
            "3.0",
            "--error-response-url",
            "https://shop.example/error",
            "--transaction-id",
            "INV-12",
        ])
        .await;
    let payment_id = charge["payment_id"].as_str().unwrap();
    let payment = flow.json(&["payments", "get", "--id", payment_id]).await;
    assert_eq!(payment["payment_method"], "direct_debit", "{payment}");
    assert_eq!(payment["transaction_id"], "INV-12", "{payment}");
    let cancelled = flow.json(&["subscriptions", "cancel", "--id", &id]).await;
    assert_eq!(cancelled["status"], "DISCARDED", "{cancelled}");
    let unknown = flow
        .run(&[
            "charges",
            "create",
            "--subscription-id",
            "nope",
            "--amount",
            "1",
            "--subject",
            "x",
            "--notify-url",
            "https://shop.example/n",
            "--error-response-url",
            "https://shop.example/e",
        ])
        .await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("SUBSCRIPTION_NOT_CHARGEABLE"),
        "{}",
        stderr(&unknown)
    );
}

#[tokio::test]
async fn usage_errors_name_what_is_missing_and_send_nothing() {
    let flow = Flow::start().await;
    for (args, expected) in [
        (&["payments", "refund", "--id", "x"][..], "--amount"),
        (
            &["payments", "refund", "--id", "x", "--amount", "1", "--full"][..],
            "--full",
        ),
        (
            &["payments", "--api", "2.0", "void", "--id", "x"][..],
            "v3.0 operation",
        ),
        (
            &["payments", "--api", "2.0", "wallet"][..],
            "v3.0 operation",
        ),
        (&["subscriptions", "create", "--name", "x"][..], "--email"),
        (
            &[
                "charges",
                "create",
                "--subscription-id",
                "x",
                "--amount",
                "1",
                "--subject",
                "s",
            ][..],
            "--notify-url",
        ),
    ] {
        let mut env = flow.env.clone();
        env.push(("KHIPU_RECEIVER_ID", "985101".into()));
        env.push(("KHIPU_SECRET", "s".into()));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = khipu(args, &env).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = khipu(&["subscriptions", "get", "--id", "x"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("KHIPU_API_KEY"), "{}", stderr(&out));
}

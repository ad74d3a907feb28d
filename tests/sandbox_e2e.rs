//! End to end against the sandbox (khipu-mock), through the public API and the `khipu` command:
//! every bank times every capability, the payment flow, the callback round trip, and each injected
//! failure reaching the caller as the right typed error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::time::Duration;

use khipu::model::TransactionsData;
use khipu::payments::v2::{Currency, Expected, notification, types};
use khipu::{
    Bank, Config, Credentials, DataKind, DataRequest, Error, Reply, RetryAdvice, RetryPolicy,
};
use khipu_mock::{Injection, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{capabilities, request_for};

fn config(sandbox: &Sandbox) -> Config {
    Config::new(Credentials::bearer("sandbox-token"))
        .base_url(sandbox.url())
        .retry(
            RetryPolicy::default()
                .max_retries(1)
                .backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
}

async fn items(
    bank: &dyn Bank,
    kind: DataKind,
    request: &DataRequest,
) -> Result<Vec<Value>, Error> {
    fn json<T: serde::Serialize>(r: Reply<T>) -> Vec<Value> {
        r.items()
            .iter()
            .map(|i| serde_json::to_value(i).unwrap())
            .collect()
    }
    Ok(match kind {
        DataKind::Accounts => json(bank.accounts(request).await?),
        DataKind::Balances => json(bank.balances(request).await?),
        DataKind::Transactions => json(bank.transactions(request).await?),
        DataKind::Statements => json(bank.statements(request).await?),
        _ => unreachable!(),
    })
}

#[tokio::test]
async fn every_bank_times_every_capability_through_the_trait() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut calls = 0;
    for (info, op) in capabilities() {
        let bank = khipu::connect(info.id, config(&sandbox)).unwrap();
        let kind = op.capability.unwrap().kind;
        let got = items(bank.as_ref(), kind, &request_for(op).0)
            .await
            .unwrap_or_else(|e| panic!("{} {}: {e}", info.id, op.operation_id));
        assert!(
            !got.is_empty(),
            "{} {}: the sandbox answers with the spec's example",
            info.id,
            op.operation_id
        );
        if let Some(account) = got[0].get("AccountId").and_then(Value::as_str)
            && kind != DataKind::Accounts
            && matches!(request_for(op).0.subject, khipu::Subject::Account(_))
        {
            assert_eq!(
                account, "000011887755",
                "{}: the account number is echoed",
                info.id
            );
        }
        calls += 1;
    }
    assert_eq!(calls, 11);
}

#[tokio::test]
async fn every_bank_times_every_capability_through_the_khipu_command() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    for (info, op) in capabilities() {
        let cap = op.capability.unwrap();
        let mut args: Vec<String> = vec![
            cap.kind.name().into(),
            "--bank".into(),
            info.id.into(),
            "--json".into(),
        ];
        args.extend([
            "--base-url".into(),
            sandbox.url().into(),
            "--operation".into(),
            op.operation_id.into(),
        ]);
        for (param, flag, value) in [
            ("AccountNumber", "--account", "000011887755"),
            ("LastDigits", "--last-digits", "1234"),
            ("Currency", "--currency", "CLP"),
            ("BookingDate", "--month", "2022-07"),
        ] {
            if op.param(param).is_some_and(|p| p.required) {
                args.extend([flag.into(), value.into()]);
            }
        }
        if op.param("BookingDateStart").is_some_and(|p| p.required) {
            args.extend([
                "--from".into(),
                "2022-06".into(),
                "--to".into(),
                "2022-07".into(),
            ]);
        }
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_khipu"));
        cmd.args(&args)
            .env("KHIPU_TOKEN", "sandbox-token")
            .env_remove("KHIPU_API_KEY");
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(reply["status"], "ok");
        assert!(!reply["data"].as_array().unwrap().is_empty(), "{args:?}");
    }
}

#[tokio::test]
async fn the_quickstart_prints_the_demo_transactions() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_khipu"));
    cmd.args([
        "--mock",
        "transactions",
        "--bank",
        "cl/personal/demo-bank.khipu.com",
        "--account",
        "000011887755",
    ]);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("KHIPU_")) {
        cmd.env_remove(k);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("2017-07-22T00:00:00-0400") && text.contains("PAGO DE CUENTAS"),
        "{text}"
    );
}

#[tokio::test]
async fn callback_round_trip_gives_the_same_items_as_the_synchronous_call() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/khipu/callback"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&receiver)
        .await;
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", config(&sandbox)).unwrap();
    let sync = bank
        .transactions(&DataRequest::account("000011887755"))
        .await
        .unwrap();
    let request = DataRequest::account("000011887755")
        .callback_url(format!("{}/khipu/callback", receiver.uri()));
    let accepted = bank.transactions(&request).await.unwrap();
    assert!(accepted.is_accepted());
    let mut delivered = Vec::new();
    for _ in 0..100 {
        delivered = receiver.received_requests().await.unwrap();
        if !delivered.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let callback = khipu::callback::parse::<TransactionsData>(&delivered[0].body).unwrap();
    assert_eq!(
        callback.operation_id(),
        accepted.operation_id(),
        "the callback carries the accepted operation's id"
    );
    assert_eq!(callback.items(), sync.items());
}

#[tokio::test]
async fn the_payment_flow() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let shop = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notify"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&shop)
        .await;
    let client = khipu::payments::v2::Client::with_base_url(
        sandbox.receiver_id(),
        sandbox.secret(),
        sandbox.url(),
    )
    .unwrap();
    assert!(!client.banks().await.unwrap().banks.is_empty());
    let created = client
        .create_payment(
            types::PaymentsCreateRequest::builder()
                .amount(1000)
                .currency(Currency::Clp)
                .subject("Orden 123")
                .transaction_id(Some("order-123".parse().unwrap()))
                .notify_url(Some(format!("{}/notify", shop.uri()).parse().unwrap())),
        )
        .await
        .unwrap();
    let payment = client.payment(&created.payment_id).await.unwrap();
    assert_eq!(
        (payment.amount, payment.subject.as_str()),
        (khipu::payments::Amount::from(1000), "Orden 123")
    );
    assert_eq!(payment.status, types::PaymentsResponseStatus::Pending);
    // Khipu reconciles the payment and notifies the shop.
    let outcome = sandbox.pay(&created.payment_id).await.unwrap();
    assert_eq!(outcome.notified, Some(200));
    let body = shop.received_requests().await.unwrap().pop().unwrap().body;
    let notice = notification::parse(&body).unwrap();
    assert_eq!(notice.notification_token, outcome.notification_token);
    let verified = client
        .verify_notification(
            &notice,
            &Expected::new(1000, Currency::Clp).transaction_id("order-123"),
        )
        .await
        .unwrap();
    assert_eq!(verified.payment_id, created.payment_id);
    let tampered = client
        .verify_notification(&notice, &Expected::new(10, Currency::Clp))
        .await
        .unwrap_err();
    assert!(tampered.to_string().contains("amount"), "{tampered}");
    client.confirm_payment(&created.payment_id).await.unwrap();
    client
        .refund_payment(&created.payment_id, Some(400.into()))
        .await
        .unwrap();
    // A partial refund leaves the rest to refund; refunding the rest reverses the payment.
    let partly = client.payment(&created.payment_id).await.unwrap();
    assert_eq!(
        partly.status_detail,
        types::PaymentsResponseStatusDetail::Normal
    );
    client
        .refund_payment(&created.payment_id, None)
        .await
        .unwrap();
    let refunded = client.payment(&created.payment_id).await.unwrap();
    assert_eq!(
        refunded.status_detail,
        types::PaymentsResponseStatusDetail::Reversed
    );
    // only pending payments can be deleted
    assert!(matches!(
        client
            .delete_payment(&created.payment_id)
            .await
            .unwrap_err(),
        khipu::payments::PaymentsError::Validation { .. }
    ));
    let second = client
        .create_payment(
            types::PaymentsCreateRequest::builder()
                .amount("5.5")
                .currency(Currency::Usd)
                .subject("x"),
        )
        .await
        .unwrap();
    client.delete_payment(&second.payment_id).await.unwrap();
    assert!(client.payment(&second.payment_id).await.is_err());
    // the sandbox checks the signature: a wrong secret is refused with 403
    let forger = khipu::payments::v2::Client::with_base_url(
        sandbox.receiver_id(),
        "not-the-secret",
        sandbox.url(),
    )
    .unwrap();
    assert!(matches!(
        forger.banks().await.unwrap_err(),
        khipu::payments::PaymentsError::Forbidden { .. }
    ));
}

#[tokio::test]
async fn injected_failures_reach_the_caller_typed_with_their_advice() {
    let cases = [
        ("error=E201:RETRY_IMMEDIATELY", RetryAdvice::Now),
        ("error=E101:DO_NOT_RETRY", RetryAdvice::Never),
        (
            "error=E301:WAIT_4_HOURS_BEFORE_RETRY",
            RetryAdvice::After(Duration::from_secs(4 * 3600)),
        ),
        (
            "error=D000:RETRY_AFTER_NOTIFICATION",
            RetryAdvice::AfterNotification,
        ),
    ];
    for (directive, advice) in cases {
        let sandbox =
            Sandbox::start(SandboxConfig::default().inject(Injection::parse(directive).unwrap()))
                .await
                .unwrap();
        let bank = khipu::connect("cl/personal/btgpactual.cl", config(&sandbox)).unwrap();
        let err = bank
            .transactions(&DataRequest::account("1"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Khipu { .. }), "{directive}: {err:?}");
        assert_eq!(err.retry_advice(), advice, "{directive}");
    }
    let typed = |directive: &str| {
        let directive = directive.to_owned();
        async move {
            let sandbox = Sandbox::start(
                SandboxConfig::default().inject(Injection::parse(&directive).unwrap()),
            )
            .await
            .unwrap();
            let bank = khipu::connect(
                "ar/personal/santander.com.ar",
                config(&sandbox).timeout(Duration::from_millis(300)),
            )
            .unwrap();
            bank.balances(&DataRequest::account("1")).await.unwrap_err()
        }
    };
    assert!(matches!(
        typed("status=503").await,
        Error::Server { status: 503, .. }
    ));
    assert!(matches!(typed("status=404").await, Error::NotFound { .. }));
    assert!(matches!(typed("malformed").await, Error::Decode { .. }));
    assert!(matches!(
        typed("delay=2000").await,
        Error::Transport { timeout: true, .. }
    ));
    let sandbox =
        Sandbox::start(SandboxConfig::default().inject(Injection::parse("status=503").unwrap()))
            .await
            .unwrap();
    let payments = khipu::payments::v2::Client::with_base_url(
        sandbox.receiver_id(),
        sandbox.secret(),
        sandbox.url(),
    )
    .unwrap();
    let err = payments.banks().await.unwrap_err();
    assert!(
        matches!(
            err,
            khipu::payments::PaymentsError::Server { status: 503, .. }
        ) && err.is_transient(),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_sandbox_checks_auth_and_bodies_as_khipu_does() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let http = khipu_types::http::client().unwrap();
    let url = format!(
        "{}/v1/cl/banking/personal/demo-bank.khipu.com/transactions",
        sandbox.url()
    );
    let both = http
        .post(&url)
        .bearer_auth("t")
        .header("x-api-key", "k")
        .json(&json!({"RequestData": {"AccountNumber": "1"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 401);
    let none = http
        .post(&url)
        .json(&json!({"RequestData": {"AccountNumber": "1"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    let bad = http
        .post(&url)
        .bearer_auth("t")
        .json(&json!({"RequestData": {"AccountNumber": "1".repeat(21)}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert!(
        body["Error"]["Description"]
            .as_str()
            .unwrap()
            .contains("RequestData.AccountNumber"),
        "{body}"
    );
    let missing = http
        .post(&url)
        .header("x-api-key", "k")
        .json(&json!({"RequestData": {}}))
        .send()
        .await
        .unwrap();
    let body: Value = missing.json().await.unwrap();
    assert!(
        body["Error"]["Description"]
            .as_str()
            .unwrap()
            .contains("RequestData.AccountNumber: is required"),
        "{body}"
    );
}

#[tokio::test]
async fn the_v3_payment_flow_with_a_signed_notification() {
    use khipu::payments::{Amount, PaymentsError, PredictQuery, notification, types};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let shop = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notify"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&shop)
        .await;
    let client = khipu::payments::Client::builder()
        .api_key(sandbox.api_key())
        .base_url(sandbox.url())
        .build()
        .unwrap();
    assert!(!client.banks().await.unwrap().banks.is_empty());
    let created = client
        .create_payment(
            types::PaymentPostPayment::builder()
                .amount("1500.25")
                .currency(types::PaymentPostPaymentCurrency::Clp)
                .subject("Orden 3")
                .transaction_id(Some("order-3".parse().unwrap()))
                .notify_url(Some(format!("{}/notify", shop.uri()).parse().unwrap()))
                .notify_api_version(Some("3.0".parse().unwrap())),
        )
        .await
        .unwrap();
    let id = created.payment_id.as_str();
    let pending = client.payment(id).await.unwrap();
    assert_eq!(pending.status, types::PaymentGetPaymentStatus::Pending);
    assert_eq!(pending.amount, "1500.25".parse::<Amount>().unwrap());
    let prediction = client
        .predict(&PredictQuery::new("a@b.cl", "SDdGj", 1000, "CLP"))
        .await
        .unwrap();
    assert_eq!(prediction.result, types::PredictGetPredictResult::Ok);

    assert_eq!(sandbox.pay(id).await.unwrap().notified, Some(200));
    let delivered = &shop.received_requests().await.unwrap()[0];
    let signature = delivered.headers["x-khipu-signature"].to_str().unwrap();
    let n = notification::verify(&delivered.body, signature, sandbox.secret()).unwrap();
    assert_eq!((n.payment_id.as_str(), n.amount), (id, pending.amount));
    assert!(notification::verify(&delivered.body, signature, "not-the-secret").is_err());

    // Refunds: a part, then more than what is left is refused, then the rest.
    client
        .refund_payment(id, Some(Amount::from(500)))
        .await
        .unwrap();
    let too_much = client
        .refund_payment(id, Some(Amount::from(1001)))
        .await
        .unwrap_err();
    assert!(
        matches!(too_much, PaymentsError::Validation { .. }),
        "{too_much:?}"
    );
    client.refund_payment(id, None).await.unwrap();
    assert!(client.refund_payment(id, None).await.is_err());
    assert!(matches!(
        client.payment("nonexistent1").await.unwrap_err(),
        PaymentsError::NotFound { .. }
    ));
    let stranger = khipu::payments::Client::builder()
        .api_key("wrong-key")
        .base_url(sandbox.url())
        .build()
        .unwrap();
    assert!(matches!(
        stranger.banks().await.unwrap_err(),
        PaymentsError::Unauthorized { .. }
    ));
}

//! End to end against the sandbox (khipu-mock), through the public API: every bank times every
//! capability, the payment flows, the callback round trip, and each injected failure reaching the
//! caller as the right typed error (the same through the `khipu` command: khipu-cli/tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::time::Duration;

use khipu::model::TransactionsData;
use khipu::payments::NewPayment;
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
        let bank = khipu::connect(info.id, &config(&sandbox)).unwrap();
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
async fn callback_round_trip_gives_the_same_items_as_the_synchronous_call() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/khipu/callback"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&receiver)
        .await;
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config(&sandbox)).unwrap();
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
    let client = khipu::payments::v2::Client::new(
        &Config::new(Credentials::signed(sandbox.receiver_id(), sandbox.secret()))
            .base_url(sandbox.url()),
    )
    .unwrap();
    assert!(!client.banks().await.unwrap().banks.is_empty());
    let created = client
        .create_payment(
            &NewPayment::new(1000, "CLP", "Orden 123")
                .transaction_id("order-123")
                .notify_url(format!("{}/notify", shop.uri())),
        )
        .await
        .unwrap();
    let payment = client.payment(&created.payment_id).await.unwrap();
    assert_eq!(
        (payment.amount, payment.subject.as_str()),
        (khipu::Amount::from(1000), "Orden 123")
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
        .refund(
            &created.payment_id,
            khipu::payments::Refund::Partial(400.into()),
        )
        .await
        .unwrap();
    // A partial refund leaves the rest to refund; refunding the rest reverses the payment.
    let partly = client.payment(&created.payment_id).await.unwrap();
    assert_eq!(
        partly.status_detail,
        types::PaymentsResponseStatusDetail::Normal
    );
    client
        .refund(&created.payment_id, khipu::payments::Refund::Full)
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
        Error::Validation { .. }
    ));
    let second = client
        .create_payment(&NewPayment::new(
            "5.5".parse::<khipu::Amount>().unwrap(),
            "USD",
            "x",
        ))
        .await
        .unwrap();
    client.delete_payment(&second.payment_id).await.unwrap();
    assert!(client.payment(&second.payment_id).await.is_err());
    // the sandbox checks the signature: a wrong secret is refused with 403
    let forger = khipu::payments::v2::Client::new(
        &Config::new(Credentials::signed(sandbox.receiver_id(), "not-the-secret"))
            .base_url(sandbox.url()),
    )
    .unwrap();
    assert!(matches!(
        forger.banks().await.unwrap_err(),
        Error::Forbidden { .. }
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
        let bank = khipu::connect("cl/personal/btgpactual.cl", &config(&sandbox)).unwrap();
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
                &config(&sandbox).timeout(Duration::from_millis(300)),
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
    let payments = khipu::payments::v2::Client::new(
        &Config::new(Credentials::signed(sandbox.receiver_id(), sandbox.secret()))
            .base_url(sandbox.url()),
    )
    .unwrap();
    let err = payments.banks().await.unwrap_err();
    assert!(
        matches!(err, Error::Server { status: 503, .. }) && err.retry_advice() == RetryAdvice::Now,
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
    use khipu::Amount;
    use khipu::payments::api::types;
    use khipu::payments::{PredictQuery, PredictResult, Refund, notification};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let shop = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notify"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&shop)
        .await;
    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let client = khipu::payments::Client::new(&config).unwrap();
    assert!(!client.banks().await.unwrap().banks.is_empty());
    let created = client
        .create_payment(
            &NewPayment::new("1500.25".parse::<Amount>().unwrap(), "CLP", "Orden 3")
                .transaction_id("order-3")
                .notify_url(format!("{}/notify", shop.uri()))
                .notify_api_version("3.0"),
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
    assert_eq!(prediction.result, PredictResult::Ok);

    assert_eq!(sandbox.pay(id).await.unwrap().notified, Some(200));
    let delivered = &shop.received_requests().await.unwrap()[0];
    let signature = delivered.headers["x-khipu-signature"].to_str().unwrap();
    let n = notification::verify(&delivered.body, signature, sandbox.secret()).unwrap();
    assert_eq!((n.payment_id.as_str(), n.amount), (id, pending.amount));
    assert!(notification::verify(&delivered.body, signature, "not-the-secret").is_err());

    // Refunds: a part, then more than what is left is refused, then the rest.
    let part = client
        .refund(id, Refund::Partial(Amount::from(500)))
        .await
        .unwrap();
    assert_eq!(part.remaining, "1000.25".parse::<Amount>().unwrap());
    let too_much = client
        .refund(id, Refund::Partial(Amount::from(1001)))
        .await
        .unwrap_err();
    assert!(matches!(too_much, Error::Validation { .. }), "{too_much:?}");
    client.refund(id, Refund::Full).await.unwrap();
    assert!(client.refund(id, Refund::Full).await.is_err());
    let refunded = client.payment(id).await.unwrap();
    assert_eq!(refunded.total_refunded, Some(pending.amount));
    assert_eq!(
        refunded.status_detail,
        Some(types::PaymentGetPaymentStatusDetail::FullyRefunded)
    );
    assert_eq!(refunded.refunds.len(), 2);
    assert!(matches!(
        client.payment("nonexistent1").await.unwrap_err(),
        Error::NotFound { .. }
    ));
    let stranger = khipu::payments::Client::new(
        &Config::new(Credentials::api_key("wrong-key")).base_url(sandbox.url()),
    )
    .unwrap();
    assert!(matches!(
        stranger.banks().await.unwrap_err(),
        Error::Unauthorized { .. }
    ));
}

#[tokio::test]
async fn automatic_payments_subscribe_sign_charge_and_fail_through_the_sandbox() {
    use khipu::automatic_payments::api::types::SubscriptionStatusStatus as Status;
    use khipu::automatic_payments::{Client, NewCharge, NewSubscription, hints};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let shop = MockServer::start().await;
    for route in ["/subscription", "/charge-error"] {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200))
            .mount(&shop)
            .await;
    }
    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let pac = Client::new(&config).unwrap();
    let payments = khipu::payments::Client::new(&config).unwrap();
    let created = pac
        .subscribe(
            &NewSubscription::new("Plan", "ana@example.cl", 5000, "CLP")
                .notify_url(format!("{}/subscription", shop.uri()))
                .return_url("https://shop.example/ok")
                .cancel_url("https://shop.example/cancel"),
        )
        .await
        .unwrap();
    let id = created.subscription_id.as_str();
    assert_eq!(pac.subscription(id).await.unwrap().status, Status::Pending);
    let charge = |amount: u32| {
        NewCharge::new(id, amount, "Plan")
            .notify_url(format!("{}/charge", shop.uri()))
            .error_response_url(format!("{}/charge-error", shop.uri()))
            .transaction_id(format!("INV-{amount}"))
    };
    // Not enabled yet: accepted, then reported at error_response_url.
    let early = pac.charge(&charge(1000)).await.unwrap();
    assert_eq!(
        sandbox.sign_subscription(id).await.unwrap().notified,
        Some(200)
    );
    assert_eq!(pac.subscription(id).await.unwrap().status, Status::Enabled);
    let charged = pac.charge(&charge(4000)).await.unwrap();
    let payment = payments.payment(&charged.payment_id).await.unwrap();
    assert_eq!(
        payment.payment_method,
        Some(khipu::payments::api::types::PaymentGetPaymentPaymentMethod::DirectDebit)
    );
    // Over the subscription's maximum: reported too.
    pac.charge(&charge(6000)).await.unwrap();
    let cancelled = pac.cancel(id).await.unwrap();
    assert_eq!(cancelled.status, Status::Discarded);

    let sent = shop.received_requests().await.unwrap();
    let notices: Vec<(String, String)> = sent
        .iter()
        .filter(|r| r.url.path() == "/subscription")
        .map(|r| {
            let hint = hints::subscription(&r.body).unwrap();
            (
                hint.subscription_id().to_owned(),
                hint.claimed_status().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        notices,
        [
            (id.to_owned(), "enabled".to_owned()),
            (id.to_owned(), "discarded".to_owned())
        ]
    );
    let failures: Vec<hints::ChargeErrorHint> = sent
        .iter()
        .filter(|r| r.url.path() == "/charge-error")
        .map(|r| hints::charge_error(&r.body).unwrap())
        .collect();
    let invoices: Vec<Option<&str>> = failures.iter().map(|f| f.transaction_id()).collect();
    assert_eq!(invoices, [Some("INV-1000"), Some("INV-6000")]);
    assert_eq!(failures[0].payment_id(), Some(early.payment_id.as_str()));
}

//! The `tracing` output of the SDK, captured: one `khipu.http` span per attempt with the bank or
//! payments API, operationId, attempt number, status and elapsed time, a `WARN` event per retry,
//! and nothing secret: no credentials, no bodies, no Khipu error descriptions, no full account
//! numbers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]
#![cfg(all(feature = "tracing", feature = "payments"))]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use khipu::payments::{Client, NewPayment};
use khipu::{Config, Credentials, DataRequest, Error, RetryPolicy};
use serde_json::json;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::util::SubscriberInitExt;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-SECRET-7f3a9c";
const ACCOUNT: &str = "000011887755";
const BANK: &str = "cl/personal/demo-bank.khipu.com";

/// Everything the formatter writes, kept for the assertions.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A subscriber for this thread that writes everything from DEBUG up into `captured`.
fn capture() -> (Captured, impl Drop) {
    let captured = Captured::default();
    let writer = captured.clone();
    let guard = tracing_subscriber::fmt()
        .with_max_level(LevelFilter::DEBUG)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();
    (captured, guard)
}

fn envelope_with(description: &str) -> serde_json::Value {
    json!({"OperationId": "op-1", "Status": "OK", "AdditionalInformation": null, "Error": null,
           "LifeSpan": null, "Data": {"Transaction": [{"AccountId": "873458",
           "BookingDateTime": "2017-07-22T00:00:00-0400", "CreditDebitIndicator": "Debit",
           "Status": "Booked", "Amount": {"Amount": 10000, "Currency": "CLP"},
           "TransactionInformation": description}]}})
}

#[tokio::test(flavor = "current_thread")]
async fn banking_attempts_retries_and_errors_are_traced_without_secrets() {
    let (captured, _guard) = capture();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("BODY-OF-THE-503"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope_with("BODY-OF-THE-200")))
        .mount(&server)
        .await;
    let config = Config::new(Credentials::bearer(TOKEN))
        .base_url(server.uri())
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)));
    let bank = khipu::connect(BANK, &config).unwrap();
    let reply = bank
        .transactions(&DataRequest::account(ACCOUNT))
        .await
        .unwrap();
    assert_eq!(reply.items().len(), 1);

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"OperationId": "x",
            "Status": "ERROR", "Data": null, "Error": {"Code": "A000", "Type": "DO_NOT_RETRY",
            "Description": "DESCRIPTION-FROM-KHIPU"}})),
        )
        .mount(&server)
        .await;
    let err = bank
        .balances(&DataRequest::account(ACCOUNT))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");

    let text = captured.text();
    // One span per attempt, with what a service needs to see which call was slow or retried.
    for expected in [
        "khipu.http{",
        "api=\"banking\"",
        BANK,
        "fetchTransactions_1",
        "fetchBalance_1",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=200",
        "status=401",
        "elapsed_ms=",
        "outcome=\"server error\"",
        "outcome=\"unauthorized\"",
        "outcome=\"ok\"",
        "khipu call retrying",
        "advice=\"Now\"",
        "****7755",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(text.matches("khipu call retrying").count(), 1, "{text}");
    for secret in [
        TOKEN,
        ACCOUNT,
        "BODY-OF-THE-503",
        "BODY-OF-THE-200",
        "DESCRIPTION-FROM-KHIPU",
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn payments_calls_are_traced_without_the_key() {
    let (captured, _guard) = capture();
    let sandbox = khipu_mock::Sandbox::start(khipu_mock::SandboxConfig::default())
        .await
        .unwrap();
    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let client = Client::new(&config).unwrap();
    let created = client
        .create_payment(&NewPayment::new(1000, "CLP", "SUBJECT-IN-THE-BODY"))
        .await
        .unwrap();
    client.payment(&created.payment_id).await.unwrap();
    let missing = client.payment("no-such-payment").await.unwrap_err();
    assert_eq!(missing.status(), Some(404), "{missing:?}");

    let text = captured.text();
    for expected in [
        "api=\"payments v3.0\"",
        "operation=\"postPayment\"",
        "operation=\"getPaymentById\"",
        "operation=\"postPayment\" attempt=1 status=200",
        "status=404",
        "outcome=\"not found\"",
        "attempt=1",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    for secret in [
        sandbox.api_key(),
        sandbox.secret(),
        "SUBJECT-IN-THE-BODY",
        created.payment_url.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
    }
}

/// OAuth: a rejected token is a WARN event; the client secret, the access tokens (the one
/// rejected and the one that replaced it) are never recorded, nor shown by `Debug`.
#[tokio::test(flavor = "current_thread")]
async fn oauth_renewals_are_traced_without_the_secret_or_the_tokens() {
    let (captured, _guard) = capture();
    let sandbox = khipu_mock::Sandbox::start(
        khipu_mock::SandboxConfig::default().oauth_client("svc", "svc-SECRET-2b9d"),
    )
    .await
    .unwrap();
    let config = Config::new(Credentials::client_credentials("svc", "svc-SECRET-2b9d"))
        .token_url(sandbox.token_url())
        .base_url(sandbox.url());
    let bank = khipu::connect(BANK, &config).unwrap();
    bank.accounts(&DataRequest::new()).await.unwrap();
    let source = config.token_source().unwrap().unwrap();
    let first = source.token().await.unwrap().secret().expose().to_owned();
    sandbox.revoke_tokens();
    bank.accounts(&DataRequest::new()).await.unwrap();
    let second = source.token().await.unwrap().secret().expose().to_owned();
    assert_ne!(first, second);
    let text = captured.text();
    assert!(text.contains("khipu token rejected"), "{text}");
    let shown = format!(
        "{text}{config:?}{bank:?}{source:?}",
        source = source.token().await.unwrap()
    );
    for secret in ["svc-SECRET-2b9d", first.as_str(), second.as_str()] {
        assert!(!shown.contains(secret), "`{secret}` in:\n{shown}");
    }
}

//! A server that redirects never gets a credential sent elsewhere: every client (the `Bank`
//! trait, payments v3.0 and v2.0, the typed generated clients) stops at the 3xx and names its
//! `Location`, and the host it points to (a second loopback address) receives nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use khipu::banking::cl::personal::demo_bank;
use khipu::payments::{self, NewPayment};
use khipu::{Config, Credentials, DataRequest, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server on 127.0.0.2 that records everything (the attacker), and one on 127.0.0.1 that
/// answers every request with `status` pointing there.
async fn redirecting(status: u16) -> (MockServer, MockServer) {
    let listener = std::net::TcpListener::bind("127.0.0.2:0").expect("bind 127.0.0.2");
    let elsewhere = MockServer::builder().listener(listener).start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&elsewhere)
        .await;
    let origin = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("location", format!("{}/steal", elsewhere.uri())),
        )
        .mount(&origin)
        .await;
    (origin, elsewhere)
}

async fn assert_nothing_reached(elsewhere: &MockServer) {
    let got = elsewhere.received_requests().await.unwrap_or_default();
    assert!(
        got.is_empty(),
        "the redirect target got {} request(s)",
        got.len()
    );
}

#[tokio::test]
async fn the_bank_trait_stops_at_a_redirect_and_names_it() {
    for status in [301, 302, 303, 307, 308] {
        let (origin, elsewhere) = redirecting(status).await;
        let config = Config::new(Credentials::api_key("sk-live-secret")).base_url(origin.uri());
        let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config).unwrap();
        let err = bank
            .transactions(&DataRequest::account("000011887755"))
            .await
            .unwrap_err();
        match &err {
            Error::Redirect {
                status: got,
                location,
                ..
            } => {
                assert_eq!(*got, status);
                assert!(location.contains("127.0.0.2"), "{location}");
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
        assert!(err.to_string().contains("not followed"), "{err}");
        // Not retried: one request reached the origin.
        assert_eq!(origin.received_requests().await.unwrap().len(), 1);
        assert_nothing_reached(&elsewhere).await;
    }
}

#[tokio::test]
async fn payments_v3_stops_at_a_redirect_on_reads_and_writes() {
    let (origin, elsewhere) = redirecting(307).await;
    let config = Config::new(Credentials::api_key("sk-live-secret")).base_url(origin.uri());
    let client = payments::Client::new(&config).unwrap();
    let read = client.banks().await.unwrap_err();
    assert!(
        matches!(&read, Error::Redirect { status: 307, location, .. } if location.contains("127.0.0.2")),
        "{read:?}"
    );
    let write = client
        .create_payment(&NewPayment::new(1000, "CLP", "x"))
        .await
        .unwrap_err();
    assert!(matches!(write, Error::Redirect { .. }), "{write:?}");
    assert_eq!(read.status(), Some(307));
    assert_nothing_reached(&elsewhere).await;
}

#[tokio::test]
async fn payments_v2_stops_at_a_redirect() {
    let (origin, elsewhere) = redirecting(302).await;
    let config =
        Config::new(Credentials::signed("985101", "merchant-secret")).base_url(origin.uri());
    let client = payments::v2::Client::new(&config).unwrap();
    let err = client.banks().await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_nothing_reached(&elsewhere).await;
}

#[tokio::test]
async fn the_typed_clients_do_not_follow_redirects() {
    let (origin, elsewhere) = redirecting(308).await;
    let config = Config::new(Credentials::api_key("sk-live-secret")).base_url(origin.uri());
    let client: demo_bank::Client = config.client().unwrap();
    let err = client
        .fetch_transactions_1()
        .body(khipu::model::RequestBody::new().account_number("000011887755"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(308), "{err:?}");
    assert_nothing_reached(&elsewhere).await;
}

/// Waits until `server` has received `n` requests (at most 2 s).
async fn wait_for(server: &MockServer, n: usize) {
    for _ in 0..100 {
        if server.received_requests().await.unwrap_or_default().len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{} never got {n} request(s)", server.uri());
}

#[tokio::test]
async fn the_sandbox_does_not_follow_redirects_from_callbacks_or_notifications() {
    use khipu_mock::{Sandbox, SandboxConfig};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (origin, elsewhere) = redirecting(307).await;

    // A banking callback.
    let config = Config::new(Credentials::bearer("t")).base_url(sandbox.url());
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config).unwrap();
    let request = DataRequest::account("000011887755").callback_url(format!("{}/cb", origin.uri()));
    assert!(bank.transactions(&request).await.unwrap().is_accepted());
    wait_for(&origin, 1).await;

    // A 3.0 payment notification.
    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let client = payments::Client::new(&config).unwrap();
    let created = client
        .create_payment(
            &NewPayment::new(1000, "CLP", "x")
                .notify_url(format!("{}/notify", origin.uri()))
                .notify_api_version("3.0"),
        )
        .await
        .unwrap();
    let outcome = sandbox.pay(&created.payment_id).await.unwrap();
    assert_eq!(outcome.notified, Some(307));
    wait_for(&origin, 2).await;
    // Give a followed redirect the time it would need, then check nothing arrived.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_nothing_reached(&elsewhere).await;
}

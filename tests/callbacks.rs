//! Bank results through a CallbackUrl, correlated by `khipu::callback::CallbackHub` against the
//! sandbox (which answers 202, then POSTs the result to the loopback URL): `wait` gives the same
//! items as the synchronous call, a POST to a guessed URL is 404 and never reaches a waiter, and a
//! result past its LifeSpan is an error that names it. (`khipu::notify::axum` is in the
//! workspace's test build through khipu-mock's dev-dependency on the facade with `axum`.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]
#![cfg(all(feature = "cl-personal-demo-bank", feature = "axum"))]

use khipu::callback::CallbackHub;
use khipu::model::TransactionsData;
use khipu::{Config, Credentials, DataRequest, Error, Reply};
use khipu_mock::{Sandbox, SandboxConfig};

const BANK: &str = "cl/personal/demo-bank.khipu.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_resolves_to_the_synchronous_items_and_guesses_are_404() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/khipu/callbacks", listener.local_addr().unwrap());
    let hub = CallbackHub::new(&base).unwrap();
    let app = axum::Router::new().nest(
        "/khipu/callbacks",
        khipu::notify::axum::bank_callbacks(hub.clone()),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let config = Config::new(Credentials::bearer("any")).base_url(sandbox.url());
    let bank = khipu::connect(BANK, &config).unwrap();
    let request = DataRequest::account("000011887755");
    let synchronous = bank.transactions(&request).await.unwrap();

    let ticket = hub.ticket::<TransactionsData>().unwrap();
    let accepted = bank
        .transactions(&request.clone().callback_url(ticket.url()))
        .await
        .unwrap();
    assert!(matches!(accepted, Reply::Accepted { .. }), "{accepted:?}");
    let operation_id = accepted.operation_id().to_owned();
    // A stranger who guesses the base URL: 404, no waiter woken.
    let http = khipu_types::http::client().unwrap();
    let guessed = http
        .post(format!("{base}/guessed-token"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(guessed.status(), 404);

    let arrived = hub.wait(ticket, accepted).await.unwrap();
    assert_eq!(arrived.operation_id(), operation_id);
    let (a, b) = (
        format!("{:?}", arrived.items()),
        format!("{:?}", synchronous.items()),
    );
    assert!(!arrived.items().is_empty());
    assert_eq!(a, b, "the same items as the synchronous call");
    assert_eq!(hub.pending(), 0);

    // Past its LifeSpan: an error naming it (the sandbox is asked, the hub never hears back).
    let late = hub.ticket::<TransactionsData>().unwrap();
    let past = Reply::Accepted {
        operation_id: "op-late".into(),
        life_span: Some(khipu_types::DateTime::from_text("2020-01-01T00:00:00-0400")),
        additional_information: None,
    };
    let err = hub.wait(late, past).await.unwrap_err();
    assert!(matches!(err, Error::Callback { .. }), "{err:?}");
    let said = err.to_string();
    assert!(
        said.contains("op-late")
            && said.contains("LifeSpan 2020-01-01T00:00:00-0400")
            && said.contains("LIFESPAN_EXCEEDED"),
        "{said}"
    );
}

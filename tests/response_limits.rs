//! Answers larger than the limit stop being read while they stream: every client fails with a
//! typed error, even against a server that never ends its body and sends no length (the `khipu`
//! command's memory under the same server: khipu-cli/tests/response_limits.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::sync::atomic::Ordering;
use std::time::Duration;

use khipu::payments;
use khipu::{Config, Credentials, DataRequest, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/endless.rs"]
mod endless;
use endless::endless_server;

#[tokio::test]
async fn the_bank_trait_stops_reading_at_the_limit() {
    let (url, sent) = endless_server().await;
    let limit = 1024 * 1024;
    let config = Config::new(Credentials::api_key("k"))
        .base_url(url)
        .timeout(Duration::from_secs(10))
        .max_response_bytes(limit);
    let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config).unwrap();
    let err = bank
        .transactions(&DataRequest::account("000011887755"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit: l, .. } if l == limit),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("1048576-byte response limit"),
        "{err}"
    );
    // Not retried: a second endless body would change nothing.
    let total = sent.load(Ordering::Relaxed);
    // Kernel socket buffers on loopback absorb several MiB after the client stops reading.
    assert!(
        total < limit as u64 + 16 * 1024 * 1024,
        "the server sent {total} bytes"
    );
}

#[tokio::test]
async fn payments_and_typed_clients_stop_at_the_limit_too() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"banks":[],"pad":"{}"}}"#, "x".repeat(100_000))),
        )
        .mount(&server)
        .await;
    let config = Config::new(Credentials::api_key("k"))
        .base_url(server.uri())
        .max_response_bytes(10_000);
    let client = payments::Client::new(&config).unwrap();
    let err = client.banks().await.unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit: 10_000, .. }),
        "{err:?}"
    );
    // The same body fits the default limit.
    let roomy =
        payments::Client::new(&Config::new(Credentials::api_key("k")).base_url(server.uri()))
            .unwrap();
    assert!(roomy.banks().await.unwrap().banks.is_empty());

    // A typed client built from the same config keeps the same cap.
    let typed: payments::api::Client = config.client().unwrap();
    let err = typed.get_banks().send().await.unwrap_err();
    let source = std::error::Error::source(&err).expect("a body error has a source");
    assert!(khipu_types::http::is_too_large(source), "{err:?}");
}

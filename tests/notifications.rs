//! Payments v3.0 notifications received with `khipu::notify`, against the sandbox, which
//! delivers as Khipu does: again until it gets a 200, sometimes twice at once, each attempt signed
//! anew. The order ships once whatever happens; what does not verify never reaches the handler.
//! (`khipu::notify::axum` is compiled into the workspace's test build through khipu-mock's
//! dev-dependency on the facade with the `axum` feature.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]
#![cfg(all(feature = "payments-v3-0", feature = "axum"))]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use khipu::notify::PaymentInbox;
use khipu::notify::axum::payment_notifications;
use khipu::payments::notification::Verifier;
use khipu::payments::{Client, NewPayment};
use khipu::{Config, Credentials};
use khipu_mock::{Sandbox, SandboxConfig};

/// A shop: how often its handler ran, what it shipped, and how many failures it still owes.
#[derive(Default)]
struct Shop {
    calls: AtomicU32,
    fail_first: AtomicU32,
    shipped: Mutex<Vec<String>>,
}

/// Serves `inbox` with a handler that ships through `shop`; returns the notify URL.
async fn serve(inbox: PaymentInbox, shop: Arc<Shop>) -> String {
    let app = axum::Router::new().route(
        "/khipu/notify",
        payment_notifications(inbox, move |paid| {
            let shop = shop.clone();
            async move {
                shop.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await; // a slow database
                if shop.fail_first.load(Ordering::SeqCst) > 0 {
                    shop.fail_first.fetch_sub(1, Ordering::SeqCst);
                    return Err("the warehouse is unreachable");
                }
                shop.shipped.lock().unwrap().push(paid.payment_id);
                Ok(())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/khipu/notify", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn paid_order(sandbox: &Sandbox, notify_url: &str) -> (String, khipu_mock::PayOutcome) {
    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let created = Client::new(&config)
        .unwrap()
        .create_payment(
            &NewPayment::new(1000, "CLP", "Order 7")
                .notify_url(notify_url)
                .notify_api_version("3.0"),
        )
        .await
        .unwrap();
    let outcome = sandbox.pay(&created.payment_id).await.unwrap();
    (created.payment_id, outcome)
}

fn statuses(sandbox: &Sandbox) -> Vec<(u32, Option<u16>)> {
    sandbox
        .deliveries()
        .iter()
        .map(|d| (d.attempt, d.outcome.clone().ok()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_handler_is_delivered_again_and_the_order_ships_once() {
    let sandbox = Sandbox::start(SandboxConfig::default().delivery(5, Duration::from_millis(50)))
        .await
        .unwrap();
    let shop = Arc::new(Shop::default());
    shop.fail_first.store(1, Ordering::SeqCst);
    let url = serve(PaymentInbox::new(sandbox.secret()), shop.clone()).await;
    let (id, outcome) = paid_order(&sandbox, &url).await;
    assert_eq!((outcome.notified, outcome.attempts), (Some(200), 2));
    assert_eq!(statuses(&sandbox), [(1, Some(500)), (2, Some(200))]);
    assert_eq!(shop.calls.load(Ordering::SeqCst), 2);
    assert_eq!(*shop.shipped.lock().unwrap(), [id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deliveries_at_once_ship_once() {
    let sandbox = Sandbox::start(SandboxConfig::default().deliver_twice(true))
        .await
        .unwrap();
    let shop = Arc::new(Shop::default());
    let url = serve(PaymentInbox::new(sandbox.secret()), shop.clone()).await;
    let (id, outcome) = paid_order(&sandbox, &url).await;
    assert_eq!((outcome.notified, outcome.attempts), (Some(200), 1));
    assert_eq!(statuses(&sandbox), [(1, Some(200)), (1, Some(200))]);
    assert_eq!(
        shop.calls.load(Ordering::SeqCst),
        1,
        "the second delivery waited, then saw it handled"
    );
    assert_eq!(*shop.shipped.lock().unwrap(), [id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_does_not_verify_is_400_and_never_reaches_the_handler_and_a_rotated_secret_verifies() {
    // Khipu signs with the new secret; the shop still accepts the old one during the rotation.
    let sandbox = Sandbox::start(SandboxConfig::default().credentials("985101", "new-secret"))
        .await
        .unwrap();
    let shop = Arc::new(Shop::default());
    let inbox = PaymentInbox::new("old-secret").secret("new-secret");
    let url = serve(inbox, shop.clone()).await;
    let (_, outcome) = paid_order(&sandbox, &url).await;
    assert_eq!(outcome.notified, Some(200));
    assert_eq!(shop.calls.load(Ordering::SeqCst), 1);

    let body = br#"{"payment_id":"p-9","receiver_id":985101,"amount":"1000.0000","currency":"CLP","subject":"x","transaction_id":"t"}"#;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let old = Verifier::new("old-secret");
    let http = khipu_types::http::client().unwrap();
    let post = |body: Vec<u8>, signature: Option<String>| {
        let mut request = http.post(&url).body(body);
        if let Some(signature) = signature {
            request = request.header("x-khipu-signature", signature);
        }
        request.send()
    };
    let mut tampered = body.to_vec();
    tampered[30] ^= 1;
    let refused = [
        (tampered, Some(old.sign(body, now))),
        (body.to_vec(), Some(old.sign(body, now - 10 * 60 * 1000))), // stale
        (
            body.to_vec(),
            Some(Verifier::new("someone-else").sign(body, now)),
        ),
        (body.to_vec(), Some("t=1,s=garbage".to_owned())),
        (body.to_vec(), None),
    ];
    for (body, signature) in refused {
        assert_eq!(post(body, signature).await.unwrap().status(), 400);
    }
    assert_eq!(
        shop.calls.load(Ordering::SeqCst),
        1,
        "no refused delivery reached the handler"
    );
    // The old secret still verifies during the rotation.
    assert_eq!(
        post(body.to_vec(), Some(old.sign(body, now)))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(shop.calls.load(Ordering::SeqCst), 2);
}

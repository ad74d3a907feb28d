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

/// Serves `route` at `/hook`; returns its URL.
async fn serve_route(route: axum::routing::MethodRouter) -> String {
    let app = axum::Router::new().route("/hook", route);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[cfg(feature = "payments-v2-0")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v2_notification_is_read_back_and_handled_once_and_a_stranger_s_body_is_400() {
    use khipu::notify::PaymentV2Inbox;
    use khipu::notify::axum::payment_notifications_v2;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let config = Config::new(Credentials::signed(sandbox.receiver_id(), sandbox.secret()))
        .base_url(sandbox.url());
    let client = khipu::payments::v2::Client::new(&config).unwrap();
    let handled = Arc::new(Mutex::new(Vec::new()));
    let seen = handled.clone();
    let url = serve_route(payment_notifications_v2(
        PaymentV2Inbox::new(client.clone()),
        move |payment| {
            let seen = seen.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push((payment.payment_id, payment.status.to_string()));
                Ok::<(), String>(())
            }
        },
    ))
    .await;
    let created = client
        .create_payment(
            &NewPayment::new(1000, "CLP", "Order 2")
                .notify_url(&url)
                .notify_api_version("1.3"),
        )
        .await
        .unwrap();
    let outcome = sandbox.pay(&created.payment_id).await.unwrap();
    assert_eq!(outcome.notified, Some(200));
    let http = khipu_types::http::client().unwrap();
    // The same notice again (Khipu retries): handled already. A stranger's body: 400, no read.
    let again = format!(
        "api_version=1.3&notification_token={}",
        outcome.notification_token
    );
    let answer = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(again)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let junk = http.post(&url).body("hello").send().await.unwrap();
    assert_eq!(junk.status(), 400);
    // A token Khipu does not know: the read fails, 500, so Khipu would deliver again.
    let unknown = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("api_version=1.3&notification_token=nope")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 500);
    assert_eq!(
        *handled.lock().unwrap(),
        [(created.payment_id, "done".to_owned())]
    );
}

#[cfg(feature = "automatic-payments-v1-0")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_notice_is_confirmed_by_reading_it_back_and_handled_once() {
    use khipu::automatic_payments::{Client as Subscriptions, NewSubscription};
    use khipu::notify::SubscriptionInbox;
    use khipu::notify::axum::subscription_notices;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let client = Subscriptions::new(&config).unwrap();
    let handled = Arc::new(Mutex::new(Vec::new()));
    let seen = handled.clone();
    let url = serve_route(subscription_notices(
        SubscriptionInbox::new(client.clone()),
        move |status| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(status.status.to_string());
                Ok::<(), String>(())
            }
        },
    ))
    .await;
    let subscription = client
        .subscribe(
            &NewSubscription::new("Plan", "ana@example.cl", 20_000, "CLP")
                .notify_url(&url)
                .return_url("https://shop.example/ok")
                .cancel_url("https://shop.example/cancel"),
        )
        .await
        .unwrap();
    let signed = sandbox
        .sign_subscription(&subscription.subscription_id)
        .await
        .unwrap();
    assert_eq!(signed.notified, Some(200));
    // The notice says "enabled"; the handler got Khipu's word for it, once.
    let http = khipu_types::http::client().unwrap();
    let again =
        serde_json::json!({"subscription_id": subscription.subscription_id, "status": "enabled"});
    assert_eq!(
        http.post(&url).json(&again).send().await.unwrap().status(),
        200
    );
    assert_eq!(handled.lock().unwrap().len(), 1);
    assert_eq!(handled.lock().unwrap()[0].to_lowercase(), "enabled");
}

//! Writes whose outcome is unknown, resolved by reading Khipu's state back: with the sandbox
//! "carrying the write out, then answering 500" (as Khipu has done with refunds), the helper says
//! Done and the payment holds exactly one refund; with a 500 that did not apply, NotDone. The SDK
//! never sends the write twice by itself.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]
#![cfg(feature = "payments-v3-0")]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use khipu::payments::{Client, NewPayment, Outcome, Refund};
use khipu::{Config, Credentials};
use khipu_mock::{FaultPlan, Injection, Sandbox, SandboxConfig};

/// A sandbox whose next write to `path` fails with `directive`, once.
async fn sandbox_failing_once(
    path: &'static str,
    directive: &'static str,
) -> (Sandbox, Arc<AtomicBool>) {
    let armed = Arc::new(AtomicBool::new(false));
    let trigger = armed.clone();
    let plan = FaultPlan::new(move |request| {
        if request.method == "POST"
            && request.path.ends_with(path)
            && trigger.swap(false, Ordering::SeqCst)
        {
            Injection::parse(directive).unwrap()
        } else {
            Injection::default()
        }
    });
    (
        Sandbox::start(SandboxConfig::default().plan(plan))
            .await
            .unwrap(),
        armed,
    )
}

async fn paid(sandbox: &Sandbox, client: &Client) -> String {
    let id = client
        .create_payment(&NewPayment::new(10_000, "CLP", "Order 5"))
        .await
        .unwrap()
        .payment_id;
    sandbox.pay(&id).await.unwrap();
    id
}

fn client(sandbox: &Sandbox) -> Client {
    Client::new(&Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url()))
        .unwrap()
}

fn posts_to(sandbox: &Sandbox, suffix: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with(suffix))
        .count()
}

#[tokio::test]
async fn a_refund_carried_out_then_answered_500_is_done_and_held_once() {
    let (sandbox, armed) = sandbox_failing_once("/v3/refunds", "applied=500").await;
    let client = client(&sandbox);
    let id = paid(&sandbox, &client).await;
    let mark = client.refund_mark(&id).await.unwrap();
    assert_eq!(mark.refunds(), 0);
    armed.store(true, Ordering::SeqCst);
    let err = client
        .refund(&id, Refund::Partial("1000".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(matches!(client.refund_outcome(&mark).await, Outcome::Done));
    let payment = client.payment(&id).await.unwrap();
    assert_eq!(payment.refunds.len(), 1, "exactly one refund");
    assert_eq!(
        posts_to(&sandbox, "/v3/refunds"),
        1,
        "the SDK sent the refund once"
    );
}

#[tokio::test]
async fn a_refund_answered_500_without_applying_is_not_done() {
    let (sandbox, armed) = sandbox_failing_once("/v3/refunds", "status=500").await;
    let client = client(&sandbox);
    let id = paid(&sandbox, &client).await;
    let mark = client.refund_mark(&id).await.unwrap();
    armed.store(true, Ordering::SeqCst);
    let err = client
        .refund(&id, Refund::Partial("1000".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(matches!(
        client.refund_outcome(&mark).await,
        Outcome::NotDone
    ));
    assert!(client.payment(&id).await.unwrap().refunds.is_empty());
    assert_eq!(posts_to(&sandbox, "/v3/refunds"), 1);
    // Safe to send again now, and then it is done.
    client
        .refund(&id, Refund::Partial("1000".parse().unwrap()))
        .await
        .unwrap();
    assert!(matches!(client.refund_outcome(&mark).await, Outcome::Done));
}

#[tokio::test]
async fn a_void_carried_out_then_answered_500_is_done_and_one_that_was_not_is_not() {
    let (sandbox, armed) = sandbox_failing_once("/void", "applied=503").await;
    let client = client(&sandbox);
    let id = paid(&sandbox, &client).await;
    assert!(matches!(client.void_outcome(&id).await, Outcome::NotDone));
    armed.store(true, Ordering::SeqCst);
    let err = client.void_payment(&id).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(matches!(client.void_outcome(&id).await, Outcome::Done));
    assert_eq!(posts_to(&sandbox, "/void"), 1);
}

/// Automatic Payments charges: Khipu has no lookup by `transaction_id`, so the outcome comes from
/// what the sandbox sends later (as Khipu does), read back with the payments client.
#[cfg(feature = "automatic-payments-v1-0")]
mod charges {
    use std::sync::Mutex;

    use axum::body::Bytes;
    use axum::http::HeaderMap;
    use khipu::automatic_payments::{self as pac, Heard, NewCharge, NewSubscription, hints};

    use super::*;

    /// Every POST a loopback endpoint received: its path, `x-khipu-signature` and body.
    type Inbox = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

    async fn endpoint() -> (String, Inbox) {
        let inbox: Inbox = Arc::default();
        let seen = inbox.clone();
        let app = axum::Router::new().route(
            "/{kind}",
            axum::routing::post(
                move |axum::extract::Path(kind): axum::extract::Path<String>,
                      headers: HeaderMap,
                      body: Bytes| {
                    let seen = seen.clone();
                    async move {
                        let signature = headers
                            .get("x-khipu-signature")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        seen.lock().unwrap().push((kind, signature, body.to_vec()));
                        "ok"
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, inbox)
    }

    /// The sandbox, both clients, an enabled subscription (maximum 20,000) and the endpoint.
    async fn enabled(
        directive: &'static str,
    ) -> (
        Sandbox,
        Arc<AtomicBool>,
        pac::Client,
        Client,
        String,
        String,
        Inbox,
    ) {
        let (sandbox, armed) = sandbox_failing_once("/charge-intent", directive).await;
        let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
        let pac = pac::Client::new(&config).unwrap();
        let (url, inbox) = endpoint().await;
        let subscription = pac
            .subscribe(
                &NewSubscription::new("Plan", "ana@example.cl", 20_000, "CLP")
                    .notify_url(format!("{url}/subscription"))
                    .return_url("https://shop.example/ok")
                    .cancel_url("https://shop.example/cancel"),
            )
            .await
            .unwrap()
            .subscription_id;
        sandbox.sign_subscription(&subscription).await.unwrap();
        (
            sandbox,
            armed,
            pac,
            client_of(&config),
            subscription,
            url,
            inbox,
        )
    }

    fn client_of(config: &Config) -> Client {
        Client::new(config).unwrap()
    }

    fn charge(subscription: &str, url: &str, amount: u32, invoice: &str) -> NewCharge {
        NewCharge::new(subscription, amount, "Plan, diciembre")
            .notify_url(format!("{url}/paid"))
            .notify_api_version("3.0")
            .error_response_url(format!("{url}/refused"))
            .transaction_id(invoice)
    }

    fn received(inbox: &Inbox, kind: &str) -> Vec<(String, Vec<u8>)> {
        inbox
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, _, _)| k == kind)
            .map(|(_, s, b)| (s.clone(), b.clone()))
            .collect()
    }

    #[tokio::test]
    async fn a_charge_created_then_answered_500_is_done_once_its_notification_arrives() {
        let (sandbox, armed, pac, payments, subscription, url, inbox) =
            enabled("applied=500").await;
        let charge = charge(&subscription, &url, 9_990, "INV-2026-12");
        armed.store(true, Ordering::SeqCst);
        let err = pac.charge(&charge).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{err:?}");
        let before = pac.charge_outcome(&payments, &charge, Heard::Nothing).await;
        assert!(
            matches!(&before, Outcome::StillUnknown(e) if e.to_string().contains("INV-2026-12")),
            "{before:?}"
        );
        // The bank settles the charge; Khipu notifies its notify_url, signed.
        let held = sandbox.payments_with_transaction_id("INV-2026-12").await;
        assert_eq!(held.len(), 1, "the sandbox holds exactly one charge");
        sandbox.pay(&held[0]).await.unwrap();
        let (signature, body) = received(&inbox, "paid").pop().expect("a notification");
        let paid = hints::charge_notification(&body, &signature, sandbox.secret()).unwrap();
        let outcome = pac
            .charge_outcome(&payments, &charge, Heard::Paid(&paid))
            .await;
        assert!(matches!(outcome, Outcome::Done), "{outcome:?}");
        // Another charge's notification proves nothing about this one.
        let other = charge.clone().transaction_id("INV-OTHER");
        let outcome = pac
            .charge_outcome(&payments, &other, Heard::Paid(&paid))
            .await;
        assert!(matches!(outcome, Outcome::StillUnknown(_)), "{outcome:?}");
        assert_eq!(posts_to(&sandbox, "/charge-intent"), 1, "sent once");
    }

    #[tokio::test]
    async fn a_refused_charge_is_not_done_and_one_never_created_stays_unknown() {
        let (sandbox, armed, pac, payments, subscription, url, inbox) = enabled("status=500").await;
        // Over the subscription's maximum: Khipu accepts it, then its error notice says why.
        let refused = charge(&subscription, &url, 50_000, "INV-OVER");
        pac.charge(&refused).await.unwrap();
        let (_, body) = received(&inbox, "refused").pop().expect("an error notice");
        let hint = hints::charge_error(&body).unwrap();
        let outcome = pac
            .charge_outcome(&payments, &refused, Heard::Refused(&hint))
            .await;
        assert!(matches!(outcome, Outcome::NotDone), "{outcome:?}");
        // A 500 that created nothing: Khipu never says so, and the helper does not guess.
        let lost = charge(&subscription, &url, 9_990, "INV-LOST");
        armed.store(true, Ordering::SeqCst);
        assert!(pac.charge(&lost).await.unwrap_err().is_outcome_unknown());
        assert!(
            sandbox
                .payments_with_transaction_id("INV-LOST")
                .await
                .is_empty()
        );
        let outcome = pac.charge_outcome(&payments, &lost, Heard::Nothing).await;
        assert!(matches!(outcome, Outcome::StillUnknown(_)), "{outcome:?}");
        // The refusal of another charge does not count for this one.
        let outcome = pac
            .charge_outcome(&payments, &lost, Heard::Refused(&hint))
            .await;
        assert!(matches!(outcome, Outcome::StillUnknown(_)), "{outcome:?}");
        assert_eq!(posts_to(&sandbox, "/charge-intent"), 2);
    }
}

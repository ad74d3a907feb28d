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

//! A v3.0 checkout, end to end, offline: create a payment, receive Khipu's notification with
//! `khipu::notify::PaymentInbox` in an axum handler, and fulfil the order exactly once, though the
//! notification arrives twice at once and a forgery arrives too.
//!
//! ```sh
//! cargo run --example checkout
//! ```
//!
//! The embedded sandbox plays Khipu (it pays the payment and signs the notification with its
//! merchant secret, delivering it twice at once), so this runs with no credentials and no
//! network. Against Khipu, drop `.base_url(..)`, give your API key, and your merchant secret to
//! the inbox. With the `axum` feature, `khipu::notify::axum::payment_notifications` is the route.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use khipu::Amount;
use khipu::notify::PaymentInbox;
use khipu::payments::api::types::PaymentNotification;
use khipu::payments::notification::{SIGNATURE_HEADER, Verifier};
use khipu::payments::{Client, NewPayment};
use khipu::{Config, Credentials};
use khipu_mock::{Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The shop: what each payment should bring, and what shipped.
#[derive(Clone, Default)]
struct Shop {
    expected: Arc<Mutex<HashMap<String, Amount>>>,
    shipped: Arc<Mutex<Vec<String>>>,
}

impl Shop {
    /// Runs once per payment, only for notifications that verify. An `Err` answers 500 and Khipu
    /// delivers again; a payment that is not what was sold is logged and not shipped.
    async fn ship(self, paid: PaymentNotification) -> Result<(), String> {
        let expected = self
            .expected
            .lock()
            .map_err(|e| e.to_string())?
            .get(&paid.payment_id)
            .copied();
        if expected != Some(paid.amount) || paid.currency != "CLP" {
            eprintln!(
                "shop: {} is not an order of this shop at this price",
                paid.payment_id
            );
            return Ok(());
        }
        println!(
            "shop: payment {} of {} CLP received, shipping",
            paid.payment_id, paid.amount
        );
        self.shipped
            .lock()
            .map_err(|e| e.to_string())?
            .push(paid.payment_id);
        Ok(())
    }
}

/// The notification endpoint: the kit verifies, de-duplicates and decides 200, 400 or 500.
async fn notify(
    State((inbox, shop)): State<(PaymentInbox, Shop)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let delivery = inbox
        .receive(&body, signature, |paid| shop.clone().ship(paid))
        .await;
    StatusCode::from_u16(delivery.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let sandbox = Sandbox::start(SandboxConfig::default().deliver_twice(true)).await?;
    let shop = Shop::default();
    let app = axum::Router::new()
        .route("/khipu/notify", axum::routing::post(notify))
        .with_state((PaymentInbox::new(sandbox.secret()), shop.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let notify_url = format!("http://{}/khipu/notify", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let client = Client::new(&config)?;
    let amount: Amount = "15990".parse()?;
    let created = client
        .create_payment(
            &NewPayment::new(amount, "CLP", "Order 1042: one pair of shoes")
                .transaction_id("order-1042")
                .notify_url(&notify_url)
                .notify_api_version("3.0"),
        )
        .await?;
    println!("checkout: send the payer to {}", created.payment_url);
    shop.expected
        .lock()
        .map_err(|e| e.to_string())?
        .insert(created.payment_id.clone(), amount);

    // The payer pays; the sandbox notifies twice at once, as Khipu may.
    let outcome = sandbox.pay(&created.payment_id).await?;
    let answers: Vec<_> = sandbox
        .deliveries()
        .iter()
        .map(|d| d.outcome.clone())
        .collect();
    println!(
        "checkout: {} deliveries answered {answers:?}",
        answers.len()
    );

    // A forgery: a body signed with a secret that is not the merchant's.
    let forged = br#"{"payment_id":"x","receiver_id":985101,"amount":"1","currency":"CLP"}"#;
    let signature = Verifier::new("not-the-secret").sign(forged, khipu_now_millis());
    let http = reqwest::Client::builder().build()?;
    let forgery = http
        .post(&notify_url)
        .header(SIGNATURE_HEADER, signature)
        .body(&forged[..])
        .send()
        .await?;
    println!("checkout: the forgery was answered {}", forgery.status());

    let shipped = shop.shipped.lock().map_err(|e| e.to_string())?.clone();
    match (
        outcome.notified,
        answers.len(),
        shipped.len(),
        forgery.status().as_u16(),
    ) {
        (Some(200), 2, 1, 400) => {
            println!("checkout: 2 deliveries, 1 order shipped, forgery refused");
            Ok(())
        }
        other => Err(format!(
            "expected 2 deliveries, 1 shipment and a refused forgery, got {other:?}"
        )
        .into()),
    }
}

fn khipu_now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

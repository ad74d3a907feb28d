//! A v3.0 checkout, end to end, offline: create a payment, receive Khipu's notification in an axum
//! handler that verifies and de-duplicates it, and fulfil the order exactly once.
//!
//! ```sh
//! cargo run --example checkout
//! ```
//!
//! The embedded sandbox plays Khipu (it pays the payment and signs the notification with its
//! merchant secret), so this runs with no credentials and no network. Against Khipu, drop
//! `.base_url(..)`, give your API key, and give the handler your merchant secret.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use khipu::payments::notification::{SIGNATURE_HEADER, Verifier};
use khipu::payments::{Amount, Client, NewPayment};
use khipu::{Config, Credentials};
use khipu_mock::{Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// What the shop knows: its orders, by Khipu's payment id, and which of them it has shipped.
#[derive(Default)]
struct Orders {
    /// payment_id -> (amount, currency) the shop asked for.
    expected: HashMap<String, (Amount, String)>,
    /// Valid deliveries per payment_id; the first one ships. In a real service this is a unique
    /// key in the database, so two deliveries racing on two machines still ship once.
    handled: HashMap<String, u32>,
    /// Orders shipped, in order.
    shipped: Vec<String>,
    /// Every delivery, kept only so this example can replay one.
    deliveries: Vec<(Bytes, String)>,
}

#[derive(Clone)]
struct Shop {
    verifier: Verifier,
    orders: Arc<Mutex<Orders>>,
}

impl Shop {
    fn orders(&self) -> MutexGuard<'_, Orders> {
        // Poisoning only means another handler panicked; the maps themselves are still consistent.
        self.orders.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Khipu's notification endpoint: 400 unless the signature is good; 200 only once the order is
/// handled (Khipu retries anything else for two days); repeats answer 200 and do nothing.
async fn notify(State(shop): State<Shop>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(signature) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return StatusCode::BAD_REQUEST;
    };
    // Verify the raw bytes as received, before any parsing.
    let notification = match shop.verifier.verify(&body, signature) {
        Ok(n) => n,
        Err(why) => {
            eprintln!("shop: refused a notification: {why}");
            return StatusCode::BAD_REQUEST;
        }
    };
    let mut orders = shop.orders();
    orders.deliveries.push((body.clone(), signature.to_owned()));
    let Some((amount, currency)) = orders.expected.get(&notification.payment_id).cloned() else {
        eprintln!("shop: notification for an unknown payment");
        return StatusCode::BAD_REQUEST;
    };
    if (notification.amount, notification.currency.as_str()) != (amount, currency.as_str()) {
        eprintln!("shop: paid amount differs from the order's");
        return StatusCode::BAD_REQUEST;
    }
    // Check-and-insert under one lock: two concurrent deliveries cannot both fulfil.
    let count = orders
        .handled
        .entry(notification.payment_id.clone())
        .or_insert(0);
    *count += 1;
    if *count == 1 {
        orders.shipped.push(notification.payment_id.clone());
        println!(
            "shop: payment {} of {} {} received, shipping the order",
            notification.payment_id, notification.amount, notification.currency
        );
    } else {
        println!(
            "shop: repeat notification for {}, ignored",
            notification.payment_id
        );
    }
    StatusCode::OK
}

/// Serves the shop's notification endpoint on a free loopback port.
async fn serve_shop(shop: Shop) -> Result<SocketAddr, Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/khipu/notify", post(notify))
        .with_state(shop);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let shop = Shop {
        verifier: Verifier::new(sandbox.secret()),
        orders: Arc::default(),
    };
    let addr = serve_shop(shop.clone()).await?;
    let notify_url = format!("http://{addr}/khipu/notify");

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
    let id = created.payment_id.clone();
    println!("checkout: send the payer to {}", created.payment_url);
    shop.orders()
        .expected
        .insert(id.clone(), (amount, "CLP".to_owned()));

    // The payer pays; the sandbox marks the payment done and notifies the shop.
    let outcome = sandbox.pay(&id).await?;
    if outcome.notified != Some(200) {
        return Err(format!(
            "the shop answered {:?} to the notification",
            outcome.notified
        )
        .into());
    }
    let status = client.payment(&id).await?.status;
    println!("checkout: Khipu says the payment is {status}");

    // Khipu may deliver the same notification twice, at once; replay it concurrently, plus a forgery.
    let (body, signature) = shop
        .orders()
        .deliveries
        .first()
        .cloned()
        .ok_or("the shop recorded no delivery")?;
    let http = reqwest::Client::new();
    let send = |body: Bytes, signature: String| {
        http.post(&notify_url)
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
    };
    let (a, b) = tokio::join!(
        send(body.clone(), signature.clone()),
        send(body.clone(), signature.clone())
    );
    let forged = String::from_utf8_lossy(&body).replace("15990", "1");
    let forgery = send(Bytes::from(forged), signature).await?;
    println!(
        "checkout: repeats answered {} and {}, the forgery {}",
        a?.status(),
        b?.status(),
        forgery.status()
    );

    let orders = shop.orders();
    let handled = orders.handled.get(&id).copied();
    match (handled, orders.shipped.len(), forgery.status().as_u16()) {
        (Some(3), 1, 400) => {
            println!("checkout: 3 deliveries, 1 order shipped, forgery refused");
            Ok(())
        }
        other => Err(format!(
            "expected 3 deliveries, 1 shipment and a refused forgery, got {other:?}"
        )
        .into()),
    }
}

//! One service receiving everything Khipu sends back, in one axum router: signed Payments v3.0
//! notifications (`khipu::notify::PaymentInbox`: verified, handled once per payment) and bank
//! results at per-request callback URLs (`khipu::callback::CallbackHub`). Offline, against the
//! embedded sandbox, which delivers the notification twice at once as Khipu may.
//!
//! ```sh
//! cargo run --example service
//! ```
//!
//! With the `axum` feature, `khipu::notify::axum::{payment_notifications, bank_callbacks}` are
//! these two routes ready-made.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use khipu::callback::CallbackHub;
use khipu::model::BalancesData;
use khipu::notify::PaymentInbox;
use khipu::payments::notification::SIGNATURE_HEADER;
use khipu::payments::{Client, NewPayment};
use khipu::{Config, Credentials, DataRequest};
use khipu_mock::{Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let sandbox = Sandbox::start(SandboxConfig::default().deliver_twice(true)).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let public = format!("http://{}", listener.local_addr()?);

    let inbox = PaymentInbox::new(sandbox.secret());
    let hub = CallbackHub::new(&format!("{public}/khipu/callbacks"))?;
    let shipped = Arc::new(AtomicU32::new(0));
    let (receiving, counter) = (hub.clone(), shipped.clone());
    let app = axum::Router::new()
        .route(
            "/khipu/notify",
            post(move |headers: HeaderMap, body: Bytes| async move {
                let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
                let delivery = inbox
                    .receive(&body, signature, |paid| async move {
                        println!("service: shipping the order of payment {}", paid.payment_id);
                        counter.fetch_add(1, Ordering::SeqCst);
                        Ok::<(), String>(())
                    })
                    .await;
                status(delivery.status())
            }),
        )
        .route(
            "/khipu/callbacks/{token}",
            post(move |Path(token): Path<String>, body: Bytes| async move {
                status(receiving.deliver(&token, &body).await)
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });

    // A payment, paid: its notification arrives twice, the order ships once.
    let payments =
        Client::new(&Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url()))?;
    let payment = NewPayment::new(5000, "CLP", "Order 77")
        .notify_url(format!("{public}/khipu/notify"))
        .notify_api_version("3.0");
    let created = payments.create_payment(&payment).await?;
    sandbox.pay(&created.payment_id).await?;
    println!(
        "service: {} deliveries, {} shipment",
        sandbox.deliveries().len(),
        shipped.load(Ordering::SeqCst)
    );

    // Bank balances through a callback URL of their own.
    let bank = khipu::connect(
        "cl/personal/demo-bank.khipu.com",
        &Config::new(Credentials::bearer("any")).base_url(sandbox.url()),
    )?;
    let ticket = hub.ticket::<BalancesData>()?;
    let accepted = bank
        .balances(&DataRequest::account("000011887755").callback_url(ticket.url()))
        .await?;
    let balances = hub.wait(ticket, accepted).await?;
    println!(
        "service: {} balances arrived for operation {}",
        balances.items().len(),
        balances.operation_id()
    );

    match (
        sandbox.deliveries().len(),
        shipped.load(Ordering::SeqCst),
        balances.items().is_empty(),
    ) {
        (2, 1, false) => Ok(()),
        other => {
            Err(format!("expected 2 deliveries, 1 shipment and balances, got {other:?}").into())
        }
    }
}

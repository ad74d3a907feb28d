//! Recurring billing with Automatic Payments (PAC), end to end, offline: subscribe a customer,
//! hear that they signed the mandate and confirm it by reading the subscription, charge it,
//! receive the charge's signed payment notification and verify it, refund part of the charge and
//! see the refund wallet pay for it.
//!
//! ```sh
//! cargo run --example subscription
//! ```
//!
//! The embedded sandbox plays Khipu and the customer's bank (it signs the mandate and settles the
//! charge when told to). Against Khipu, drop `.base_url(..)`, give your API key and your merchant
//! secret, and serve the handlers on public HTTPS URLs.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use khipu::Amount;
use khipu::automatic_payments::api::types::SubscriptionStatusStatus;
use khipu::automatic_payments::{self, NewCharge, NewSubscription, hints};
use khipu::payments::notification::SIGNATURE_HEADER;
use khipu::payments::{self, Refund};
use khipu::{Config, Credentials};
use khipu_mock::{Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// What the shop learned from Khipu's notices, each checked before it counts.
#[derive(Default)]
struct Ledger {
    /// Subscriptions confirmed `ENABLED` by reading them back (the notice alone proves nothing).
    enabled: Vec<String>,
    /// Charges paid: (payment id, amount), from verified notifications.
    paid: Vec<(String, Amount)>,
    /// Charges that failed, as Khipu's unsigned notice claims.
    failed: Vec<String>,
}

#[derive(Clone)]
struct Shop {
    pac: automatic_payments::Client,
    secret: String,
    ledger: Arc<Mutex<Ledger>>,
}

impl Shop {
    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A subscription's `notify_url`: the body is an unsigned hint, so read the subscription itself.
async fn subscription_notice(State(shop): State<Shop>, body: Bytes) -> StatusCode {
    let Ok(hint) = hints::subscription(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    match shop.pac.subscription_of(&hint).await {
        Ok(status) => {
            println!(
                "shop: notice says {}, Khipu says {}",
                hint.claimed_status(),
                status.status
            );
            if status.status == SubscriptionStatusStatus::Enabled {
                shop.ledger().enabled.push(status.subscription_id);
            }
            StatusCode::OK
        }
        // Khipu sends the notice again later; nothing was decided on the hint.
        Err(e) => {
            eprintln!("shop: cannot read the subscription yet: {e}");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// A charge's `notify_url` with `notify_api_version: "3.0"`: a signed payment notification.
async fn charge_notice(State(shop): State<Shop>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(signature) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return StatusCode::BAD_REQUEST;
    };
    match hints::charge_notification(&body, signature, &shop.secret) {
        Ok(paid) => {
            println!(
                "shop: charge {} paid: {} {}",
                paid.payment_id, paid.amount, paid.currency
            );
            shop.ledger().paid.push((paid.payment_id, paid.amount));
            StatusCode::OK
        }
        Err(why) => {
            eprintln!("shop: refused a notification: {why}");
            StatusCode::BAD_REQUEST
        }
    }
}

/// A charge's `error_response_url`: an unsigned hint to read the payment or subscription.
async fn charge_error(State(shop): State<Shop>, body: Bytes) -> StatusCode {
    match hints::charge_error(&body) {
        Ok(hint) => {
            println!(
                "shop: charge {} reported failed ({}); re-read before acting",
                hint.transaction_id().unwrap_or("?"),
                khipu::display::sanitize(hint.claimed_reason())
            );
            shop.ledger().failed.push(hint.subscription_id().to_owned());
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

async fn serve_shop(shop: Shop) -> Result<SocketAddr, Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/khipu/subscription", post(subscription_notice))
        .route("/khipu/charge", post(charge_notice))
        .route("/khipu/charge-error", post(charge_error))
        .with_state(shop);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let started = std::time::Instant::now();
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    // One Config for both APIs: the same key, the same host.
    let config = Config::new(Credentials::api_key(sandbox.api_key())).base_url(sandbox.url());
    let pac = automatic_payments::Client::new(&config)?;
    let payments = payments::Client::new(&config)?;
    let shop = Shop {
        pac: pac.clone(),
        secret: sandbox.secret().to_owned(),
        ledger: Arc::default(),
    };
    let addr = serve_shop(shop.clone()).await?;
    let url = |path: &str| format!("http://{addr}{path}");

    let subscription = pac
        .subscribe(
            &NewSubscription::new("Plan Pro 11.222.333-0", "ana@example.cl", 20_000, "CLP")
                .max_amount_per_charge(10_000)
                .notify_url(url("/khipu/subscription"))
                .return_url("https://shop.example/subscribed")
                .cancel_url("https://shop.example/not-subscribed"),
        )
        .await?;
    let id = subscription.subscription_id.clone();
    println!(
        "billing: send the customer to {}",
        subscription.redirect_url
    );

    // The customer signs at their bank; Khipu notifies the shop, which reads the status back.
    let signed = sandbox.sign_subscription(&id).await?;
    if signed.notified != Some(200) || shop.ledger().enabled != [id.clone()] {
        return Err(format!("the subscription notice was not confirmed: {signed:?}").into());
    }

    let charge = |amount: u32, invoice: &str| {
        NewCharge::new(&id, amount, "Plan Pro, diciembre")
            .body("Plan Pro, diciembre 2026")
            .transaction_id(invoice)
            .notify_url(url("/khipu/charge"))
            .notify_api_version("3.0")
            .error_response_url(url("/khipu/charge-error"))
    };
    let charged = pac.charge(&charge(9_990, "INV-2026-12")).await?;
    // The bank settles the debit; Khipu sends the payment's signed notification.
    let settled = sandbox.pay(&charged.payment_id).await?;
    let paid = shop.ledger().paid.clone();
    if settled.notified != Some(200) || paid != [(charged.payment_id.clone(), Amount::from(9_990))]
    {
        return Err(format!("the charge notification was not verified: {paid:?}").into());
    }
    let method = payments.payment(&charged.payment_id).await?.payment_method;
    println!(
        "billing: the charge is payment {} ({method:?})",
        charged.payment_id
    );

    // Over the per-charge maximum: accepted, then reported failed at error_response_url.
    pac.charge(&charge(15_000, "INV-2026-12b")).await?;
    if shop.ledger().failed != [id.clone()] {
        return Err("the failed charge was not reported".into());
    }

    // Give part of it back, from the refund wallet.
    let before = payments.refund_wallet().await?.balance;
    let refund = payments
        .refund(&charged.payment_id, Refund::Partial(Amount::from(2_000)))
        .await?;
    let after = payments.refund_wallet().await?.balance;
    println!(
        "billing: refunded {} ({} left to refund); wallet {before} -> {after}",
        refund.refunded_amount, refund.remaining
    );
    let moved = before.to_decimal()? - after.to_decimal()?;
    if moved != Amount::from(2_000).to_decimal()? {
        return Err(format!("the wallet moved from {before} to {after}").into());
    }
    println!("billing: done in {} ms", started.elapsed().as_millis());
    Ok(())
}

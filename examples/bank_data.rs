//! Reading a bank's data through `dyn Bank`, offline: accounts, balances, transactions, a
//! statement, and the same transactions delivered asynchronously to a CallbackUrl that an axum
//! handler receives and parses.
//!
//! ```sh
//! cargo run --example bank_data
//! ```
//!
//! The embedded sandbox plays Khipu, so any token works and nothing leaves 127.0.0.1. Against
//! Khipu, drop `.base_url(..)` and give your JWT (`Credentials::bearer`) or API key.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use khipu::model::TransactionsData;
use khipu::{Bank, Config, Credentials, DataRequest, Reply};
use khipu_mock::{Sandbox, SandboxConfig};
use tokio::sync::mpsc;

type Error = Box<dyn std::error::Error + Send + Sync>;

const BANK: &str = "cl/personal/demo-bank.khipu.com";
const ACCOUNT: &str = "000011887755";

/// The callback endpoint: hands each body to `main` and answers 200 at once (Khipu only needs to
/// know it arrived; the work happens elsewhere).
async fn callback(State(bodies): State<mpsc::Sender<Bytes>>, body: Bytes) -> StatusCode {
    match bodies.try_send(body) {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let config = Config::new(Credentials::bearer("sandbox-token")).base_url(sandbox.url());
    let bank: Box<dyn Bank> = khipu::connect(BANK, &config)?;
    println!("{} ({})", bank.info().name, bank.info().id);

    let accounts = bank.accounts(&DataRequest::new()).await?;
    println!("accounts: {}", accounts.items().len());

    let balances = bank.balances(&DataRequest::account(ACCOUNT)).await?;
    for balance in balances.items() {
        for amount in &balance.amount {
            println!(
                "balance {:?} at {}: {} {}",
                balance.kind, balance.date_time, amount.amount, amount.currency
            );
        }
    }

    // Banks differ in what they need: this one takes no period (`khipu banks` lists each bank's
    // parameters); another might need `.month(YearMonth::new(2024, 6))` or a currency.
    let request = DataRequest::account(ACCOUNT);
    let transactions = bank.transactions(&request).await?;
    let count = transactions.items().len();
    for tx in transactions.items().iter().take(3) {
        println!(
            "{} {:?} {} {}",
            tx.booking_date_time, tx.credit_debit_indicator, tx.amount.amount, tx.amount.currency
        );
    }
    println!("transactions: {count}");

    let statements = bank.statements(&request).await?;
    println!("statements: {}", statements.items().len());

    // The same transactions, asynchronously: Khipu answers 202 and POSTs the data later.
    let (tx, mut bodies) = mpsc::channel(4);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/khipu/callback", listener.local_addr()?);
    let app = Router::new()
        .route("/khipu/callback", post(callback))
        .with_state(tx);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let accepted = bank
        .transactions(&request.clone().callback_url(&url))
        .await?;
    let Reply::Accepted { operation_id, .. } = &accepted else {
        return Err("expected the request to be accepted for a callback".into());
    };
    println!("accepted: operation {operation_id}; waiting for the callback");
    let body = tokio::time::timeout(Duration::from_secs(5), bodies.recv())
        .await
        .map_err(|_| "no callback within 5 s")?
        .ok_or("the callback endpoint stopped")?;
    // Khipu does not sign callbacks: match the OperationId with one this service sent.
    let delivered = khipu::callback::parse::<TransactionsData>(&body)?;
    if delivered.operation_id() != operation_id {
        return Err(format!(
            "callback for operation {}, expected {operation_id}",
            delivered.operation_id()
        )
        .into());
    }
    if delivered.items().len() != count {
        return Err(format!(
            "callback carried {} transactions, the direct call {count}",
            delivered.items().len()
        )
        .into());
    }
    println!(
        "callback: operation {} with {} transactions, as the direct call",
        delivered.operation_id(),
        delivered.items().len()
    );
    Ok(())
}

//! Reading a bank's data through `dyn Bank`, offline: accounts, balances, transactions, a
//! statement, and the same transactions delivered asynchronously to a CallbackUrl of their own,
//! correlated by `khipu::callback::CallbackHub`.
//!
//! ```sh
//! cargo run --example bank_data
//! ```
//!
//! The embedded sandbox plays Khipu, so any token works and nothing leaves 127.0.0.1. Against
//! Khipu, drop `.base_url(..)` and give your JWT (`Credentials::bearer`) or API key.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::post;
use khipu::callback::CallbackHub;
use khipu::model::TransactionsData;
use khipu::{Bank, Config, Credentials, DataRequest};
use khipu_mock::{Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

const BANK: &str = "cl/personal/demo-bank.khipu.com";
const ACCOUNT: &str = "000011887755";

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

    // The same transactions, asynchronously: Khipu answers 202 and POSTs the data later to a
    // URL of this request's own (a guessed URL is 404); the hub waits until the LifeSpan.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hub = CallbackHub::new(&format!(
        "http://{}/khipu/callbacks",
        listener.local_addr()?
    ))?;
    let receiving = hub.clone();
    let app = axum::Router::new().route(
        "/khipu/callbacks/{token}",
        post(move |Path(token): Path<String>, body: Bytes| async move {
            StatusCode::from_u16(receiving.deliver(&token, &body).await)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let ticket = hub.ticket::<TransactionsData>()?;
    let accepted = bank
        .transactions(&request.clone().callback_url(ticket.url()))
        .await?;
    println!(
        "accepted: operation {}; waiting for the callback",
        accepted.operation_id()
    );
    let delivered = hub.wait(ticket, accepted).await?;
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

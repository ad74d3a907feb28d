//! A bank-specific call through a generated typed client, offline: Banco de Chile's credit-card
//! purchases over a range of months. The request body is the one every bank client shares
//! (`khipu::model::RequestBody`); the client checks it against this bank's spec before anything is
//! sent (its required fields, and `LastDigits` against `^[0-9]{4}$`).
//!
//! ```sh
//! cargo run --example typed_client
//! ```
//!
//! `dyn Bank` covers what every bank shares; a typed client is for everything a bank's spec says,
//! exactly as it says it. Against Khipu, drop `.base_url(..)` and give your JWT or API key.

use khipu::banking::cl::personal::bancochile;
use khipu::model::RequestBody;
use khipu::{Call, Config, Credentials};
use khipu_mock::{Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The request body for card purchases between two months (`YYYY-MM`).
fn purchases(last_digits: &str, from: &str, to: &str) -> RequestBody {
    RequestBody::new()
        .last_digits(last_digits)
        .booking_date_start(from)
        .booking_date_end(to)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    // Built like every client: auth comes from the spec's securitySchemes (this bank takes a
    // bearer JWT or an x-api-key; a credential the spec does not list is refused here).
    let config = Config::new(Credentials::bearer("sandbox-token")).base_url(sandbox.url());
    let client: bancochile::Client = config.client()?;

    let envelope = client
        .fetch_booked_range_transactions_card_purchases_1()
        .body(purchases("1234", "2022-06", "2022-07"))
        .call() // retried, traced, failing as khipu::Error like every other client's
        .await?; // khipu::model::TransactionsEnvelope, the canonical type
    let purchases_found = envelope.data.map(|d| d.transaction).unwrap_or_default();
    println!(
        "operation {}: {} card purchases",
        envelope.operation_id,
        purchases_found.len()
    );
    for purchase in purchases_found.iter().take(3) {
        println!(
            "  {} {} {} {}",
            purchase.booking_date_time,
            purchase.transaction_information.as_deref().unwrap_or("-"),
            purchase.amount.amount,
            purchase.amount.currency
        );
    }

    // What the spec forbids is refused locally, with the field named, and nothing is sent;
    // `.call()` gives the same `khipu::Error` every other client fails with.
    let refused = client
        .fetch_booked_range_transactions_card_purchases_1()
        .body(purchases("12ab", "2022-06", "2022-07"))
        .call()
        .await;
    match refused {
        Err(e @ khipu::Error::InvalidRequest { .. }) if e.is_not_sent() => {
            println!("refused before sending: {e}");
            Ok(())
        }
        other => Err(format!("expected LastDigits `12ab` to be refused, got {other:?}").into()),
    }
}

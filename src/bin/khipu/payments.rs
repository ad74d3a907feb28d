//! The `khipu payments ...` commands.

use khipu::payments::{Client, Currency, PaymentsError, types};
use serde::Serialize;
use serde_json::Value;

use crate::args::{CreateArgs, PaymentsCommand};
use crate::{Failure, Target};

impl From<PaymentsError> for Failure {
    fn from(e: PaymentsError) -> Self {
        match e {
            // A value the spec refuses, or a bad base URL, is the caller's mistake.
            PaymentsError::InvalidRequest { .. } | PaymentsError::Config(_) => {
                Failure::Usage(e.to_string())
            }
            other => Failure::Payments(other),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn client(base_url: Option<String>, target: &Target) -> Result<Client, Failure> {
    if let Some(sandbox) = &target.sandbox {
        return Ok(Client::with_base_url(
            sandbox.receiver_id(),
            sandbox.secret(),
            sandbox.url(),
        )?);
    }
    let (Some(receiver), Some(secret)) = (env("KHIPU_RECEIVER_ID"), env("KHIPU_SECRET")) else {
        return Err(Failure::Usage(
            "payments need KHIPU_RECEIVER_ID and KHIPU_SECRET".into(),
        ));
    };
    let base = base_url
        .or_else(|| env("KHIPU_PAYMENTS_BASE_URL"))
        .unwrap_or_else(|| khipu::payments::DEFAULT_BASE_URL.into());
    Ok(Client::with_base_url(receiver, secret, &base)?)
}

pub async fn run(
    base_url: Option<String>,
    command: &PaymentsCommand,
    json: bool,
    target: &Target,
) -> Result<(), Failure> {
    let c = client(base_url, target)?;
    match command {
        PaymentsCommand::Banks => {
            let banks = c.banks().await?;
            if json {
                return print_json(&banks);
            }
            for b in &banks.banks {
                println!(
                    "{:<8} {:<40} {:<8} min {}",
                    b.bank_id,
                    b.name,
                    b.type_,
                    khipu_types::number::amount_text(b.min_amount)
                );
            }
            Ok(())
        }
        PaymentsCommand::Create(args) => show(&c.create_payment(create_body(args)?).await?, json),
        PaymentsCommand::Get { id: Some(id), .. } => show(&c.payment(id).await?, json),
        PaymentsCommand::Get {
            notification_token: Some(token),
            ..
        } => show(&c.payment_by_notification_token(token).await?, json),
        PaymentsCommand::Get { .. } => {
            Err(Failure::Usage("give --id or --notification-token".into()))
        }
        PaymentsCommand::Delete { id } => show(&c.delete_payment(id).await?, json),
        PaymentsCommand::Confirm { id } => show(&c.confirm_payment(id).await?, json),
        PaymentsCommand::Refund { id, amount } => show(&c.refund_payment(id, *amount).await?, json),
        PaymentsCommand::Methods { merchant_id } => {
            show(&c.payment_methods(merchant_id.as_deref()).await?, json)
        }
    }
}

fn create_body(args: &CreateArgs) -> Result<types::builder::PaymentsCreateRequest, Failure> {
    let invalid =
        |field: &str, e: &dyn std::fmt::Display| Failure::Usage(format!("--{field}: {e}"));
    let mut body = types::PaymentsCreateRequest::builder()
        .amount(args.amount)
        .currency(Currency::from(args.currency.as_str()))
        .subject(args.subject.clone())
        .send_email(Some(args.send_email));
    macro_rules! optional {
        ($field:ident, $flag:literal) => {
            if let Some(v) = &args.$field {
                body = body.$field(Some(v.parse().map_err(|e| invalid($flag, &e))?));
            }
        };
    }
    optional!(transaction_id, "transaction-id");
    optional!(body, "body");
    optional!(notify_url, "notify-url");
    optional!(notify_api_version, "notify-api-version");
    optional!(return_url, "return-url");
    optional!(cancel_url, "cancel-url");
    optional!(expires_date, "expires-date");
    optional!(payer_email, "payer-email");
    optional!(payer_name, "payer-name");
    optional!(bank_id, "bank-id");
    Ok(body)
}

fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Usage(format!("cannot print JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// One object: JSON, or one `field  value` line per field.
fn show<T: Serialize>(value: &T, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(value);
    }
    let Ok(Value::Object(fields)) = serde_json::to_value(value) else {
        return print_json(value);
    };
    let width = fields.keys().map(String::len).max().unwrap_or(0);
    for (k, v) in fields {
        let text = match v {
            Value::String(s) => s,
            other => other.to_string(),
        };
        println!("{k:<width$}  {text}");
    }
    Ok(())
}

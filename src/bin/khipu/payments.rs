//! The `khipu payments ...` commands: v3.0 by default, v2.0 with `--api 2.0`.

use khipu_types::display::sanitize;
use std::time::{Duration, UNIX_EPOCH};

use khipu::payments::notification::Verifier;
use khipu::payments::{self, PaymentsError, PredictQuery, v2};
use serde::Serialize;
use serde_json::Value;

use crate::args::{ApiVersion, CreateArgs, Network, PaymentsArgs, PaymentsCommand};
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

fn base(base_url: Option<String>, default: &str) -> String {
    base_url
        .or_else(|| env("KHIPU_PAYMENTS_BASE_URL"))
        .unwrap_or_else(|| default.into())
}

fn v3_client(
    base_url: Option<String>,
    net: Network,
    target: &Target,
) -> Result<payments::Client, Failure> {
    let mut builder = payments::Client::builder().retry(net.retry());
    if let Some(t) = net.timeout {
        builder = builder.timeout(t);
    }
    if let Some(sandbox) = &target.sandbox {
        return Ok(builder
            .api_key(sandbox.api_key())
            .base_url(sandbox.url())
            .build()?);
    }
    let Some(key) = env("KHIPU_API_KEY") else {
        return Err(Failure::Usage(
            "payments v3.0 need KHIPU_API_KEY (or --api 2.0 with KHIPU_RECEIVER_ID and KHIPU_SECRET)"
                .into(),
        ));
    };
    Ok(builder
        .api_key(key)
        .base_url(base(base_url, payments::DEFAULT_BASE_URL))
        .build()?)
}

fn v2_client(
    base_url: Option<String>,
    net: Network,
    target: &Target,
) -> Result<v2::Client, Failure> {
    let client = v2_unconfigured(base_url, target)?.retry(net.retry());
    Ok(match net.timeout {
        Some(t) => client.timeout(t)?,
        None => client,
    })
}

fn v2_unconfigured(base_url: Option<String>, target: &Target) -> Result<v2::Client, Failure> {
    if let Some(sandbox) = &target.sandbox {
        return Ok(v2::Client::with_base_url(
            sandbox.receiver_id(),
            sandbox.secret(),
            sandbox.url(),
        )?);
    }
    let (Some(receiver), Some(secret)) = (env("KHIPU_RECEIVER_ID"), env("KHIPU_SECRET")) else {
        return Err(Failure::Usage(
            "payments --api 2.0 need KHIPU_RECEIVER_ID and KHIPU_SECRET".into(),
        ));
    };
    Ok(v2::Client::with_base_url(
        receiver,
        secret,
        &base(base_url, v2::DEFAULT_BASE_URL),
    )?)
}

pub async fn run(
    base_url: Option<String>,
    net: Network,
    args: &PaymentsArgs,
    json: bool,
    target: &Target,
) -> Result<(), Failure> {
    if let PaymentsCommand::VerifyNotification {
        signature,
        body,
        at,
        tolerance,
    } = &args.command
    {
        return verify_notification(signature, body, *at, *tolerance, json);
    }
    match args.api {
        ApiVersion::V3 => run_v3(v3_client(base_url, net, target)?, &args.command, json).await,
        ApiVersion::V2 => run_v2(v2_client(base_url, net, target)?, &args.command, json).await,
    }
}

async fn run_v3(c: payments::Client, command: &PaymentsCommand, json: bool) -> Result<(), Failure> {
    match command {
        PaymentsCommand::Banks => {
            let banks = c.banks().await?;
            if json {
                return print_json(&banks);
            }
            for b in &banks.banks {
                print_bank(&b.bank_id, &b.name, &b.type_.to_string(), &b.min_amount);
            }
            Ok(())
        }
        PaymentsCommand::Predict {
            payer_email,
            bank_id,
            amount,
            currency,
        } => {
            let query = PredictQuery::new(payer_email, bank_id, *amount, currency);
            show(&c.predict(&query).await?, json)
        }
        PaymentsCommand::Create(args) => show(&c.create_payment(create_v3(args)?).await?, json),
        PaymentsCommand::Get { id: Some(id), .. } => show(&c.payment(id).await?, json),
        PaymentsCommand::Get { .. } => Err(Failure::Usage(
            "v3.0 looks payments up by --id (notification tokens are v2.0: --api 2.0)".into(),
        )),
        PaymentsCommand::Delete { id } => show(&c.delete_payment(id).await?, json),
        PaymentsCommand::Confirm { id } => show(&c.confirm_payment(id).await?, json),
        PaymentsCommand::Refund { id, amount } => show(&c.refund_payment(id, *amount).await?, json),
        PaymentsCommand::Methods { merchant_id } => {
            let id = merchant_id
                .as_deref()
                .ok_or_else(|| Failure::Usage("give --merchant-id".into()))?;
            let id: u64 = id
                .parse()
                .map_err(|_| Failure::Usage(format!("--merchant-id: `{id}` is not a number")))?;
            show(&c.payment_methods(id).await?, json)
        }
        PaymentsCommand::VerifyNotification { .. } => Ok(()),
    }
}

async fn run_v2(c: v2::Client, command: &PaymentsCommand, json: bool) -> Result<(), Failure> {
    match command {
        PaymentsCommand::Banks => {
            let banks = c.banks().await?;
            if json {
                return print_json(&banks);
            }
            for b in &banks.banks {
                print_bank(&b.bank_id, &b.name, &b.type_.to_string(), &b.min_amount);
            }
            Ok(())
        }
        PaymentsCommand::Predict { .. } => Err(Failure::Usage(
            "predict is a v3.0 operation; drop --api 2.0".into(),
        )),
        PaymentsCommand::Create(args) => show(&c.create_payment(create_v2(args)?).await?, json),
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
        PaymentsCommand::VerifyNotification { .. } => Ok(()),
    }
}

fn print_bank(id: &str, name: &str, kind: &str, min: &payments::Amount) {
    println!(
        "{:<8} {:<40} {:<8} min {min}",
        sanitize(id),
        sanitize(name),
        sanitize(kind)
    );
}

fn verify_notification(
    signature: &str,
    body: &std::path::Path,
    at: Option<u64>,
    tolerance: u64,
    json: bool,
) -> Result<(), Failure> {
    let secret = env("KHIPU_SECRET")
        .ok_or_else(|| Failure::Usage("verify-notification needs KHIPU_SECRET".into()))?;
    let bytes = if body.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure::Usage(format!("--body -: cannot read standard input: {e}")))?;
        buf
    } else {
        std::fs::read(body)
            .map_err(|e| Failure::Usage(format!("--body {}: {e}", body.display())))?
    };
    let mut verifier = Verifier::new(secret).tolerance(Duration::from_secs(tolerance));
    if let Some(ms) = at {
        verifier = verifier.now(UNIX_EPOCH + Duration::from_millis(ms));
    }
    match verifier.verify(&bytes, signature) {
        Ok(notification) => show(&notification, json),
        Err(e) => Err(Failure::Rejected(format!("notification rejected: {e}"))),
    }
}

fn invalid(field: &str, e: &dyn std::fmt::Display) -> Failure {
    Failure::Usage(format!("--{field}: {e}"))
}

macro_rules! optional_fields {
    ($body:ident, $args:ident: $($field:ident = $flag:literal),*) => {
        $(
            if let Some(v) = &$args.$field {
                $body = $body.$field(Some(v.parse().map_err(|e| invalid($flag, &e))?));
            }
        )*
    };
}

fn create_v3(args: &CreateArgs) -> Result<payments::types::builder::PaymentPostPayment, Failure> {
    use payments::types;
    let currency: types::PaymentPostPaymentCurrency =
        args.currency.parse().map_err(|e| invalid("currency", &e))?;
    let mut body = types::PaymentPostPayment::builder()
        .amount(args.amount)
        .currency(currency)
        .subject(args.subject.clone())
        .send_email(Some(args.send_email));
    optional_fields!(body, args: transaction_id = "transaction-id", body = "body",
        notify_url = "notify-url", notify_api_version = "notify-api-version",
        return_url = "return-url", cancel_url = "cancel-url", expires_date = "expires-date",
        payer_email = "payer-email", payer_name = "payer-name", bank_id = "bank-id");
    Ok(body)
}

fn create_v2(args: &CreateArgs) -> Result<v2::types::builder::PaymentsCreateRequest, Failure> {
    let mut body = v2::types::PaymentsCreateRequest::builder()
        .amount(args.amount)
        .currency(v2::Currency::from(args.currency.as_str()))
        .subject(args.subject.clone())
        .send_email(Some(args.send_email));
    optional_fields!(body, args: transaction_id = "transaction-id", body = "body",
        notify_url = "notify-url", notify_api_version = "notify-api-version",
        return_url = "return-url", cancel_url = "cancel-url", expires_date = "expires-date",
        payer_email = "payer-email", payer_name = "payer-name", bank_id = "bank-id");
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
        println!("{k:<width$}  {}", sanitize(&text));
    }
    Ok(())
}

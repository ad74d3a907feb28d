//! The `khipu payments ...` commands: v3.0 by default, v2.0 with `--api 2.0`. One dispatch for
//! both versions; what one version lacks is a row of [`LACKS`].

use std::time::{Duration, UNIX_EPOCH};

use khipu::display::sanitize;
use khipu::payments::notification::Verifier;
use khipu::payments::{self, BankPrediction, NewPayment, PredictQuery, Refund, v2};
use serde::Deserialize;

use crate::Failure;
use crate::answer::{Fields, show, text, value};
use crate::args::{ApiVersion, CreateArgs, PaymentsArgs, PaymentsCommand};
use crate::setters::apply;
use crate::stdout::outln;
use crate::target::Target;

/// The client of the version `--api` picks.
enum Client {
    V3(payments::Client),
    V2(v2::Client),
}

/// Commands one version does not have: (version, command, what to say instead).
const LACKS: &[(ApiVersion, &str, &str)] = &[
    (
        ApiVersion::V2,
        "predict",
        "predict is a v3.0 operation; drop --api 2.0",
    ),
    (
        ApiVersion::V2,
        "void",
        "void is a v3.0 operation; drop --api 2.0",
    ),
    (
        ApiVersion::V2,
        "wallet",
        "the refund wallet is a v3.0 operation; drop --api 2.0",
    ),
    (
        ApiVersion::V2,
        "receivers",
        "listing receivers is a v3.0 operation; drop --api 2.0",
    ),
    (
        ApiVersion::V3,
        "get --notification-token",
        "v3.0 looks payments up by --id (notification tokens are v2.0: --api 2.0)",
    ),
];

/// The same call on whichever version's client, as JSON text.
macro_rules! either {
    ($client:expr, |$c:ident| $call:expr) => {
        match $client {
            Client::V3($c) => value(&$call.await?),
            Client::V2($c) => value(&$call.await?),
        }
    };
}

pub async fn run(target: &Target, args: &PaymentsArgs, json: bool) -> Result<(), Failure> {
    use PaymentsCommand as C;
    if let C::VerifyNotification {
        signature,
        body,
        at,
        tolerance,
    } = &args.command
    {
        return verify_notification(signature, body, *at, *tolerance, json);
    }
    let client = match args.api {
        ApiVersion::V3 => Client::V3(payments::Client::new(&target.payments_v3()?)?),
        ApiVersion::V2 => Client::V2(v2::Client::new(&target.payments_v2()?)?),
    };
    let answer = match (&args.command, &client) {
        (C::Banks, _) => {
            let banks = either!(&client, |c| c.banks())?;
            return print_banks(&banks, json);
        }
        (
            C::Predict {
                payer_email,
                bank_id,
                amount,
                currency,
            },
            Client::V3(c),
        ) => match bank_id {
            Some(bank) => value(
                &c.predict(&PredictQuery::new(payer_email, bank, *amount, currency))
                    .await?,
            )?,
            None => {
                let query = PredictQuery::all_banks(payer_email, *amount, currency);
                return print_predictions(&c.predict_all(&query).await?, json);
            }
        },
        (C::Create(args), _) => {
            let payment = new_payment(args)?;
            either!(&client, |c| c.create_payment(&payment))?
        }
        (C::Get { id: Some(id), .. }, _) => either!(&client, |c| c.payment(id))?,
        (
            C::Get {
                notification_token: Some(token),
                ..
            },
            Client::V2(c),
        ) => value(&c.payment_by_notification_token(token).await?)?,
        (C::Delete { id }, _) => either!(&client, |c| c.delete_payment(id))?,
        (C::Confirm { id }, _) => either!(&client, |c| c.confirm_payment(id))?,
        (C::Refund { id, amount, .. }, _) => {
            let refund = amount.map_or(Refund::Full, Refund::Partial);
            either!(&client, |c| c.refund(id, refund))?
        }
        (C::Void { id }, Client::V3(c)) => value(&c.void_payment(id).await?)?,
        (C::Wallet, Client::V3(c)) => value(&c.refund_wallet().await?)?,
        (C::Receivers { max }, Client::V3(c)) => {
            let receivers: Vec<_> =
                futures_util::TryStreamExt::try_collect(c.receivers(*max)).await?;
            value(&receivers)?
        }
        (C::Methods { merchant_id }, Client::V3(c)) => {
            value(&c.payment_methods(merchant(merchant_id.as_deref())?).await?)?
        }
        (C::Methods { merchant_id }, Client::V2(c)) => {
            let id = merchant(merchant_id.as_deref().or(Some(c.receiver_id())))?;
            value(&c.payment_methods(id).await?)?
        }
        (command, _) => return Err(lacks(args.api, command)),
    };
    show(&answer, json)
}

/// `--merchant-id` (v2.0's default: the client's receiver id): required, and a number.
fn merchant(id: Option<&str>) -> Result<u64, Failure> {
    let id = id.ok_or_else(|| Failure::Usage("give --merchant-id".into()))?;
    id.parse()
        .map_err(|_| Failure::Usage(format!("--merchant-id: `{id}` is not a number")))
}

/// What to say when `version` lacks `command`.
fn lacks(version: ApiVersion, command: &PaymentsCommand) -> Failure {
    let name = match command {
        PaymentsCommand::Predict { .. } => "predict",
        PaymentsCommand::Void { .. } => "void",
        PaymentsCommand::Wallet => "wallet",
        PaymentsCommand::Receivers { .. } => "receivers",
        PaymentsCommand::Get {
            notification_token: Some(_),
            ..
        } => "get --notification-token",
        _ => "",
    };
    let why = LACKS
        .iter()
        .find(|(v, c, _)| *v == version && *c == name)
        .map_or("give --id or --notification-token", |(_, _, why)| *why);
    Failure::Usage(why.into())
}

fn print_banks(banks: &str, json: bool) -> Result<(), Failure> {
    if json {
        outln!("{banks}");
        return Ok(());
    }
    #[derive(Deserialize)]
    struct Banks {
        banks: Vec<Fields>,
    }
    let banks: Banks = serde_json::from_str(banks)
        .map_err(|e| Failure::Rejected(format!("cannot print the banks: {e}")))?;
    for b in &banks.banks {
        let field = |key: &str| b.get(key).map(|raw| text(raw)).unwrap_or_default();
        print_bank(
            &field("bank_id"),
            &field("name"),
            &field("type"),
            &field("min_amount"),
        );
    }
    Ok(())
}

/// One line per bank: whether the payment would go through, and the most the payer may send.
fn print_predictions(predictions: &[BankPrediction], json: bool) -> Result<(), Failure> {
    if json {
        outln!("{}", value(&predictions)?);
        return Ok(());
    }
    for p in predictions {
        outln!(
            "{:<8} {:<40} {:<32} max {}",
            sanitize(&p.bank_id),
            sanitize(&p.name),
            sanitize(p.prediction.result.as_str()),
            p.prediction.max_amount
        );
    }
    Ok(())
}

fn print_bank(id: &str, name: &str, kind: &str, min: &str) {
    outln!(
        "{:<8} {:<40} {:<8} min {}",
        sanitize(id),
        sanitize(name),
        sanitize(kind),
        sanitize(min)
    );
}

fn verify_notification(
    signature: &str,
    body: &std::path::Path,
    at: Option<u64>,
    tolerance: u64,
    json: bool,
) -> Result<(), Failure> {
    let secret = crate::target::env("KHIPU_SECRET")
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
        Ok(notification) => show(&value(&notification)?, json),
        Err(e) => Err(Failure::Rejected(format!("notification rejected: {e}"))),
    }
}

/// The payment `khipu payments create` describes, for either version.
fn new_payment(args: &CreateArgs) -> Result<NewPayment, Failure> {
    let payment =
        NewPayment::new(args.amount, &args.currency, &args.subject).send_email(args.send_email);
    let mut payment = apply(
        payment,
        [
            (&args.transaction_id, |p, v| p.transaction_id(v)),
            (&args.body, |p, v| p.body(v)),
            (&args.notify_url, |p, v| p.notify_url(v)),
            (&args.notify_api_version, |p, v| p.notify_api_version(v)),
            (&args.return_url, |p, v| p.return_url(v)),
            (&args.cancel_url, |p, v| p.cancel_url(v)),
            (&args.payer_email, |p, v| p.payer_email(v)),
            (&args.payer_name, |p, v| p.payer_name(v)),
            (&args.bank_id, |p, v| p.bank_id(v)),
        ],
    );
    if let Some(date) = &args.expires_date {
        let date = date
            .parse()
            .map_err(|e| Failure::Usage(format!("--expires-date: {e}")))?;
        payment = payment.expires_date(date);
    }
    Ok(payment)
}

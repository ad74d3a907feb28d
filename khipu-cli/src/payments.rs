//! The `khipu payments ...` commands: v3.0 by default, v2.0 with `--api 2.0`. One dispatch for
//! both versions; what one version lacks is a row of [`LACKS`].

use std::time::{Duration, UNIX_EPOCH};

use std::collections::BTreeMap;

use khipu::display::sanitize;
use khipu::payments::notification::Verifier;
use khipu::payments::{self, NewPayment, PredictQuery, v2};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::Failure;
use crate::args::{ApiVersion, CreateArgs, PaymentsArgs, PaymentsCommand};
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

/// An answer as pretty JSON text, exactly as decoded: amounts keep their digits (never through
/// `serde_json::Value`, whose numbers are `f64`).
fn value<T: Serialize>(answer: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(answer)
        .map_err(|e| Failure::Rejected(format!("cannot print the answer: {e}")))
}

/// An object's fields by name, each value's JSON text as it is.
type Fields = BTreeMap<String, Box<RawValue>>;

/// A value's JSON text as a person reads it: a string without its quotes, anything else as is.
fn text(raw: &RawValue) -> String {
    let json = raw.get();
    match serde_json::from_str::<String>(json) {
        Ok(s) => s,
        Err(_) if json == "null" => String::new(),
        Err(_) => json.to_owned(),
    }
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
        ) => value(
            &c.predict(&PredictQuery::new(payer_email, bank_id, *amount, currency))
                .await?,
        )?,
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
        (C::Refund { id, amount }, _) => either!(&client, |c| c.refund_payment(id, *amount))?,
        (C::Methods { merchant_id }, Client::V3(c)) => {
            let id = merchant_id
                .as_deref()
                .ok_or_else(|| Failure::Usage("give --merchant-id".into()))?;
            let id: u64 = id
                .parse()
                .map_err(|_| Failure::Usage(format!("--merchant-id: `{id}` is not a number")))?;
            value(&c.payment_methods(id).await?)?
        }
        (C::Methods { merchant_id }, Client::V2(c)) => {
            value(&c.payment_methods(merchant_id.as_deref()).await?)?
        }
        (command, _) => return Err(lacks(args.api, command)),
    };
    show(&answer, json)
}

/// What to say when `version` lacks `command`.
fn lacks(version: ApiVersion, command: &PaymentsCommand) -> Failure {
    let name = match command {
        PaymentsCommand::Predict { .. } => "predict",
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
        println!("{banks}");
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

fn print_bank(id: &str, name: &str, kind: &str, min: &str) {
    println!(
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

/// One of `NewPayment`'s optional text setters.
type Setter = fn(NewPayment, &String) -> NewPayment;

/// The payment `khipu payments create` describes, for either version.
fn new_payment(args: &CreateArgs) -> Result<NewPayment, Failure> {
    let mut payment =
        NewPayment::new(args.amount, &args.currency, &args.subject).send_email(args.send_email);
    let optional: [(&Option<String>, Setter); 9] = [
        (&args.transaction_id, |p, v| p.transaction_id(v)),
        (&args.body, |p, v| p.body(v)),
        (&args.notify_url, |p, v| p.notify_url(v)),
        (&args.notify_api_version, |p, v| p.notify_api_version(v)),
        (&args.return_url, |p, v| p.return_url(v)),
        (&args.cancel_url, |p, v| p.cancel_url(v)),
        (&args.payer_email, |p, v| p.payer_email(v)),
        (&args.payer_name, |p, v| p.payer_name(v)),
        (&args.bank_id, |p, v| p.bank_id(v)),
    ];
    for (value, set) in optional {
        if let Some(v) = value {
            payment = set(payment, v);
        }
    }
    if let Some(date) = &args.expires_date {
        let date = date
            .parse()
            .map_err(|e| Failure::Usage(format!("--expires-date: {e}")))?;
        payment = payment.expires_date(date);
    }
    Ok(payment)
}

/// One object's JSON text: as it is, or one `field  value` line per field.
fn show(answer: &str, json: bool) -> Result<(), Failure> {
    let fields: Option<Fields> = (!json).then(|| serde_json::from_str(answer).ok()).flatten();
    let Some(fields) = fields else {
        println!("{answer}");
        return Ok(());
    };
    let width = fields.keys().map(String::len).max().unwrap_or(0);
    for (k, v) in &fields {
        println!("{k:<width$}  {}", sanitize(&text(v)));
    }
    Ok(())
}

//! The banking commands: one `Bank` call each, printed as a table, JSON or CSV.

use khipu::{Bank, BoxFuture, DataRequest, Reply, YearMonth};

use crate::Failure;
use crate::args::{DataArgs, Output};
use crate::output;
use crate::target::{BankingAuth, Target};

/// One data command: the bank and request from `args`, the `call` (`Bank::transactions`...), the
/// reply printed in `format`.
pub async fn run<T: output::Item>(
    target: &Target,
    args: &DataArgs,
    format: Output,
    call: impl for<'a> FnOnce(
        &'a dyn Bank,
        &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<T>, khipu::Error>>,
) -> Result<(), Failure> {
    let (bank, request, auth) = prepare(target, args)?;
    match call(bank.as_ref(), &request).await {
        Ok(reply) => output::reply(&reply, format),
        Err(e @ khipu::Error::Unauthorized { .. }) if auth == BankingAuth::ApiKey => {
            Err(Failure::Rejected(format!(
                "{e}\nKhipu no longer takes API keys for the Open Data API (its authentication page: the x-api-key header \"will be forbidden\"; only Bearer tokens remain valid). Set KHIPU_CLIENT_ID, KHIPU_CLIENT_SECRET and KHIPU_TOKEN_URL (OAuth client credentials) instead of KHIPU_API_KEY."
            )))
        }
        Err(e) => Err(e.into()),
    }
}

fn prepare(
    target: &Target,
    args: &DataArgs,
) -> Result<(Box<dyn Bank>, DataRequest, BankingAuth), Failure> {
    let (config, auth) = target.banking()?;
    Ok((khipu::connect(&args.bank, &config)?, request(args)?, auth))
}

fn month(flag: &str, value: &str) -> Result<YearMonth, Failure> {
    value
        .parse()
        .map_err(|e| Failure::Usage(format!("--{flag}: {e}")))
}

fn request(args: &DataArgs) -> Result<DataRequest, Failure> {
    let mut request = match (&args.account, &args.last_digits) {
        (Some(n), _) => DataRequest::account(n.clone()),
        (None, Some(d)) => DataRequest::card(d.clone()),
        (None, None) => DataRequest::new(),
    };
    if let Some(c) = &args.currency {
        request = request.currency(c.clone());
    }
    if let Some(m) = &args.month {
        request = request.month(month("month", m)?);
    }
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let (from, to) = (month("from", from)?, month("to", to)?);
        if from > to {
            return Err(Failure::Usage(format!("--from {from} is after --to {to}")));
        }
        request = request.range(from, to);
    }
    if let Some(url) = &args.callback_url {
        request = request.callback_url(url.clone());
    }
    if let Some(op) = &args.operation {
        request = request.operation(op.clone());
    }
    Ok(request)
}

//! The banking commands.

use khipu::{Config, Credentials, DataRequest, YearMonth};

use crate::args::{Cli, Command, DataArgs, Output};
use crate::output;
use crate::{Failure, Target};

pub async fn run(cli: Cli, target: &Target) -> Result<(), Failure> {
    let format = cli.format();
    match &cli.command {
        Command::Banks => {
            refuse_csv(format, "banks")?;
            output::banks(&khipu::banks(), format == Output::Json);
            Ok(())
        }
        Command::Accounts(args) => {
            let (bank, request) = prepare(&cli, args, target)?;
            output::reply(&bank.accounts(&request).await?, format)
        }
        Command::Balances(args) => {
            let (bank, request) = prepare(&cli, args, target)?;
            output::reply(&bank.balances(&request).await?, format)
        }
        Command::Transactions(args) => {
            let (bank, request) = prepare(&cli, args, target)?;
            output::reply(&bank.transactions(&request).await?, format)
        }
        Command::Statements(args) => {
            let (bank, request) = prepare(&cli, args, target)?;
            output::reply(&bank.statements(&request).await?, format)
        }
        Command::Payments(command) => {
            refuse_csv(format, "payments commands")?;
            let json = format == Output::Json;
            crate::payments::run(cli.base_url.clone(), cli.network(), command, json, target).await
        }
        // Handled in main before anything starts.
        Command::Completions { .. } => Ok(()),
    }
}

fn refuse_csv(format: Output, what: &str) -> Result<(), Failure> {
    if format == Output::Csv {
        return Err(Failure::Usage(format!(
            "--output csv is for accounts, balances, transactions and statements; use table or json for {what}"
        )));
    }
    Ok(())
}

/// Credentials from KHIPU_TOKEN or KHIPU_API_KEY (exactly one).
fn credentials() -> Result<Credentials, Failure> {
    let token = std::env::var("KHIPU_TOKEN").ok().filter(|v| !v.is_empty());
    let key = std::env::var("KHIPU_API_KEY")
        .ok()
        .filter(|v| !v.is_empty());
    match (token, key) {
        (Some(t), None) => Ok(Credentials::bearer(t)),
        (None, Some(k)) => Ok(Credentials::api_key(k)),
        (Some(_), Some(_)) => Err(Failure::Usage("both KHIPU_TOKEN and KHIPU_API_KEY are set; Khipu accepts one scheme per request, unset one".into())),
        (None, None) => Err(Failure::Usage("no credentials: set KHIPU_TOKEN (OAuth JWT) or KHIPU_API_KEY".into())),
    }
}

fn month(flag: &str, value: &str) -> Result<YearMonth, Failure> {
    value
        .parse()
        .map_err(|e| Failure::Usage(format!("--{flag}: {e}")))
}

fn prepare(
    cli: &Cli,
    args: &DataArgs,
    target: &Target,
) -> Result<(Box<dyn khipu::Bank>, DataRequest), Failure> {
    if let Some(sandbox) = &target.sandbox {
        let config = network(
            cli,
            Config::new(Credentials::bearer("sandbox-token")).base_url(sandbox.url()),
        );
        return Ok((khipu::connect(&args.bank, config)?, request(args)?));
    }
    let mut config = network(cli, Config::new(credentials()?));
    if let Some(base) = cli.base_url.clone().or_else(|| {
        std::env::var("KHIPU_BASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
    }) {
        config = config.base_url(base);
    }
    Ok((khipu::connect(&args.bank, config)?, request(args)?))
}

/// `config` with `--timeout` and `--retries` applied.
fn network(cli: &Cli, config: Config) -> Config {
    let net = cli.network();
    let config = config.retry(net.retry());
    match net.timeout {
        Some(t) => config.timeout(t),
        None => config,
    }
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

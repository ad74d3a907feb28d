//! Which command runs: the one place that maps arguments to handlers.

use crate::args::{Cli, Command, Output};
use crate::target::Target;
use crate::{Failure, api, auth, automatic, banking, output, payments, sandbox};

/// Runs the command `cli` names.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let format = cli.format();
    if let Command::Sandbox(args) = &cli.command {
        return sandbox::run(args).await;
    }
    let target = Target::new(&cli).await?;
    match &cli.command {
        Command::Banks => {
            refuse_csv(format, "banks")?;
            output::banks(&khipu::banks(), format == Output::Json);
            Ok(())
        }
        Command::Accounts(args) => banking::run(&target, args, format, |b, r| b.accounts(r)).await,
        Command::Balances(args) => banking::run(&target, args, format, |b, r| b.balances(r)).await,
        Command::Transactions(args) => {
            banking::run(&target, args, format, |b, r| b.transactions(r)).await
        }
        Command::Statements(args) => {
            banking::run(&target, args, format, |b, r| b.statements(r)).await
        }
        Command::Payments(args) => {
            refuse_csv(format, "payments commands")?;
            payments::run(&target, args, format == Output::Json).await
        }
        Command::Subscriptions(args) => {
            refuse_csv(format, "subscriptions")?;
            automatic::subscriptions(&target, args, format == Output::Json).await
        }
        Command::Auth(args) => auth::run(&target, &args.command).await,
        Command::Api(args) => {
            refuse_csv(format, "khipu api")?;
            api::run(&target, args, format == Output::Json).await
        }
        Command::Charges(args) => {
            refuse_csv(format, "charges")?;
            automatic::charges(&target, args, format == Output::Json).await
        }
        // Handled before anything starts.
        Command::Completions { .. } | Command::Sandbox(_) => Ok(()),
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

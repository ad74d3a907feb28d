//! Command-line arguments.

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "khipu",
    version,
    about = "Khipu's Open Data API from the command line"
)]
pub struct Cli {
    /// Replaces https://api.khipu.com (also KHIPU_BASE_URL).
    #[arg(long, global = true, env = "KHIPU_BASE_URL")]
    pub base_url: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// List the banks this build knows, with their capabilities.
    Banks,
    /// The user's accounts.
    Accounts(DataArgs),
    /// Balances of an account.
    Balances(DataArgs),
    /// Transactions of an account or card.
    Transactions(DataArgs),
    /// Statements of an account.
    Statements(DataArgs),
}

#[derive(Args)]
pub struct DataArgs {
    /// Bank id, as `khipu banks` lists it (cl/personal/demo-bank.khipu.com).
    #[arg(long)]
    pub bank: String,
    /// Account number.
    #[arg(long, conflicts_with = "last_digits")]
    pub account: Option<String>,
    /// Last digits of a credit card.
    #[arg(long)]
    pub last_digits: Option<String>,
    /// Currency of the account (CLP).
    #[arg(long)]
    pub currency: Option<String>,
    /// One month, YYYY-MM.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,
    /// First month of a range, YYYY-MM (with --to).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last month of a range, YYYY-MM (with --from).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// Ask Khipu to POST the result to this URL; the command then prints the accepted operation.
    #[arg(long)]
    pub callback_url: Option<String>,
    /// Use this operation (operationId) rather than the one chosen from the arguments.
    #[arg(long)]
    pub operation: Option<String>,
}

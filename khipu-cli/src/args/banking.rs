//! The banking commands' arguments (`accounts`, `balances`, `transactions`, `statements`).

use clap::Args;

#[derive(Args)]
pub struct DataArgs {
    /// Bank id, as `khipu banks` lists it. Example: --bank cl/personal/demo-bank.khipu.com
    #[arg(long)]
    pub bank: String,
    /// Account number. Example: --account 000011887755
    #[arg(long, conflicts_with = "last_digits")]
    pub account: Option<String>,
    /// Last digits of a credit card. Example: --last-digits 1234
    #[arg(long)]
    pub last_digits: Option<String>,
    /// Currency of the account. Example: --currency CLP
    #[arg(long)]
    pub currency: Option<String>,
    /// One month, YYYY-MM. Example: --month 2024-06
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,
    /// First month of a range, YYYY-MM (with --to). Example: --from 2024-01
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last month of a range, YYYY-MM (with --from). Example: --to 2024-03
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// Ask Khipu to POST the result to this URL; the command then prints the accepted operation.
    /// Example: --callback-url https://my-api.example/khipu/callback
    #[arg(long)]
    pub callback_url: Option<String>,
    /// Use this operation (operationId) rather than the one chosen from the arguments.
    /// Example: --operation fetchTransactions_1
    #[arg(long)]
    pub operation: Option<String>,
}

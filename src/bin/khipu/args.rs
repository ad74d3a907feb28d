//! Command-line arguments.

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "khipu",
    version,
    about = "Khipu's Open Data API from the command line"
)]
pub struct Cli {
    /// Replaces https://api.khipu.com for banking commands (also KHIPU_BASE_URL) and
    /// https://payment-api.khipu.com (v3.0) or https://khipu.com/api (v2.0) for payments commands
    /// (also KHIPU_PAYMENTS_BASE_URL).
    #[arg(long, global = true)]
    pub base_url: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    /// Run against a local sandbox started for this command (throwaway credentials, no network).
    #[arg(long, global = true)]
    pub mock: bool,
    /// Seconds one attempt may take, connecting included (default 30 for banking, 15 for
    /// payments). Example: --timeout 5
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// Retries after a failed attempt, for what may be retried (default 2; payments writes are
    /// never retried). Example: --retries 0
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=10))]
    pub retries: Option<u64>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The network settings every client of this command uses.
    pub fn network(&self) -> Network {
        Network {
            timeout: self.timeout.map(std::time::Duration::from_secs),
            retries: self.retries.map(|n| n as usize),
        }
    }
}

/// `--timeout` and `--retries`, when given.
#[derive(Clone, Copy, Debug, Default)]
pub struct Network {
    /// Timeout of one attempt.
    pub timeout: Option<std::time::Duration>,
    /// Retries after the first attempt.
    pub retries: Option<usize>,
}

impl Network {
    /// The retry policy, with `--retries` applied to the default.
    pub fn retry(&self) -> khipu::RetryPolicy {
        let policy = khipu::RetryPolicy::default();
        match self.retries {
            Some(n) => policy.max_retries(n),
            None => policy,
        }
    }
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
    /// The Payments API: v3.0 with KHIPU_API_KEY (default), or `--api 2.0` with KHIPU_RECEIVER_ID
    /// and KHIPU_SECRET.
    Payments(PaymentsArgs),
}

/// Which Payments API version to speak.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApiVersion {
    /// v3.0: JSON, `x-api-key` (KHIPU_API_KEY).
    #[value(name = "3.0")]
    V3,
    /// v2.0: signed form posts (KHIPU_RECEIVER_ID, KHIPU_SECRET).
    #[value(name = "2.0")]
    V2,
}

#[derive(Args)]
pub struct PaymentsArgs {
    /// Payments API version.
    #[arg(long, value_enum, default_value = "3.0", global = true)]
    pub api: ApiVersion,
    #[command(subcommand)]
    pub command: PaymentsCommand,
}

#[derive(Subcommand)]
pub enum PaymentsCommand {
    /// Banks the payer can use with this collection account.
    Banks,
    /// Predict whether a payment would go through (v3.0).
    Predict {
        /// Payer's e-mail.
        #[arg(long)]
        payer_email: String,
        /// The payer's bank (bank id from `khipu payments banks`).
        #[arg(long)]
        bank_id: String,
        /// Amount, with `.` as decimal separator.
        #[arg(long)]
        amount: khipu::payments::Amount,
        /// ISO 4217 currency (CLP).
        #[arg(long)]
        currency: String,
    },
    /// Check a 3.0 notification's signature and age, then print it (secret from KHIPU_SECRET;
    /// exit 1 naming what failed).
    VerifyNotification {
        /// The `x-khipu-signature` header value (`t=...,s=...`).
        #[arg(long)]
        signature: String,
        /// File with the raw body as received (`-` for standard input).
        #[arg(long)]
        body: std::path::PathBuf,
        /// Check the timestamp against this time (unix milliseconds) instead of now.
        #[arg(long)]
        at: Option<u64>,
        /// Accepted distance from now, in seconds.
        #[arg(long, default_value_t = 300)]
        tolerance: u64,
    },
    /// Create a payment.
    Create(Box<CreateArgs>),
    /// Show a payment, by id or by notification token.
    Get {
        /// Payment id.
        #[arg(
            long,
            required_unless_present = "notification_token",
            conflicts_with = "notification_token"
        )]
        id: Option<String>,
        /// Notification token Khipu sent to notify_url.
        #[arg(long)]
        notification_token: Option<String>,
    },
    /// Delete a pending payment.
    Delete {
        /// Payment id.
        #[arg(long)]
        id: String,
    },
    /// Confirm a payment.
    Confirm {
        /// Payment id.
        #[arg(long)]
        id: String,
    },
    /// Refund a payment, in full or in part.
    Refund {
        /// Payment id.
        #[arg(long)]
        id: String,
        /// Amount to refund (default: all of it).
        #[arg(long)]
        amount: Option<khipu::payments::Amount>,
    },
    /// Payment methods of a collection account.
    Methods {
        /// Collection account id (v2.0 default: KHIPU_RECEIVER_ID; required with v3.0).
        #[arg(long)]
        merchant_id: Option<String>,
    },
}

#[derive(Args)]
pub struct CreateArgs {
    /// Amount, with `.` as decimal separator (up to 4 decimal places).
    #[arg(long)]
    pub amount: khipu::payments::Amount,
    /// ISO 4217 currency (CLP, ARS, PEN, MXN, USD, EUR, BOB, COP).
    #[arg(long)]
    pub currency: String,
    /// What the payment is for.
    #[arg(long)]
    pub subject: String,
    /// Your own id for the payment (order number).
    #[arg(long)]
    pub transaction_id: Option<String>,
    /// Description shown to the payer.
    #[arg(long)]
    pub body: Option<String>,
    /// Where Khipu notifies the payment.
    #[arg(long)]
    pub notify_url: Option<String>,
    /// Notification API version (3.0 or 1.3).
    #[arg(long)]
    pub notify_api_version: Option<String>,
    /// Where the payer returns after paying.
    #[arg(long)]
    pub return_url: Option<String>,
    /// Where the payer returns after giving up.
    #[arg(long)]
    pub cancel_url: Option<String>,
    /// Latest time to pay, ISO 8601 with offset.
    #[arg(long)]
    pub expires_date: Option<String>,
    /// Payer's e-mail.
    #[arg(long)]
    pub payer_email: Option<String>,
    /// Payer's name.
    #[arg(long)]
    pub payer_name: Option<String>,
    /// Have Khipu e-mail the payment request to the payer.
    #[arg(long)]
    pub send_email: bool,
    /// Bank to pay with.
    #[arg(long)]
    pub bank_id: Option<String>,
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

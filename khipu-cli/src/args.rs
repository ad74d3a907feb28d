//! Command-line arguments.

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "khipu",
    version,
    about = "Khipu's Open Data banking API and Payments API from the command line, and a local sandbox",
    after_help = "Examples:\n  khipu --mock transactions --bank cl/personal/demo-bank.khipu.com --account 000011887755\n  KHIPU_TOKEN=eyJ... khipu balances --bank cl/personal/demo-bank.khipu.com --account 000011887755 --output csv\n  khipu -v --mock payments create --amount 1000 --currency CLP --subject 'Order 1'\n  khipu sandbox --port 8080\n\nExit status: 0 success, 1 API, network or decode error, 2 usage error."
)]
pub struct Cli {
    /// Replaces https://api.khipu.com for banking commands (also KHIPU_BASE_URL) and
    /// https://payment-api.khipu.com (v3.0) or https://khipu.com/api (v2.0) for payments commands
    /// (also KHIPU_PAYMENTS_BASE_URL). Example: --base-url http://127.0.0.1:8080
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// How to print results: a table for people, JSON or CSV (one row per item: accounts,
    /// balances, transactions, statements) for scripts. Example: --output csv
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<Output>,
    /// Same as --output json.
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,
    /// Run against a local sandbox started for this command (throwaway credentials, no network).
    /// Example: khipu --mock banks
    #[arg(long, global = true)]
    pub mock: bool,
    /// Seconds one attempt may take, connecting included (default 30). Example: --timeout 5
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// Retries after a failed attempt, for what may be retried (default 2; payments writes are
    /// never retried). Example: --retries 0
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=10))]
    pub retries: Option<u64>,
    /// Show each HTTP attempt (bank or operation, attempt, status, time) and each retry on
    /// stderr; twice for connection details. Never credentials or bodies. Example: -vv
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Columns padded for reading; text from the server with control characters escaped.
    Table,
    /// The data as JSON, exactly as decoded.
    Json,
    /// RFC 4180 CSV with a header row (accounts, balances, transactions, statements).
    Csv,
}

impl Cli {
    /// The output format: `--output`, or `--json`, or a table.
    pub fn format(&self) -> Output {
        match (self.output, self.json) {
            (Some(format), _) => format,
            (None, true) => Output::Json,
            (None, false) => Output::Table,
        }
    }

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
    #[command(after_help = "Example:\n  khipu banks --output json")]
    Banks,
    /// The user's accounts.
    #[command(after_help = "Example:\n  khipu accounts --bank cl/personal/demo-bank.khipu.com")]
    Accounts(DataArgs),
    /// Balances of an account.
    #[command(
        after_help = "Example:\n  khipu balances --bank cl/entrepreneur/bci.cl --account 000011887755 --currency CLP"
    )]
    Balances(DataArgs),
    /// Transactions of an account or card.
    #[command(
        after_help = "Examples:\n  khipu transactions --bank cl/personal/demo-bank.khipu.com --account 000011887755 --output csv > june.csv\n  khipu transactions --bank cl/personal/bancochile.cl --last-digits 1234 --from 2024-01 --to 2024-03"
    )]
    Transactions(DataArgs),
    /// Statements of an account.
    #[command(
        after_help = "Example:\n  khipu statements --bank cl/personal/demo-bank.khipu.com --account 000011887755"
    )]
    Statements(DataArgs),
    /// The Payments API: v3.0 with KHIPU_API_KEY (default), or `--api 2.0` with KHIPU_RECEIVER_ID
    /// and KHIPU_SECRET.
    #[command(
        after_help = "Examples:\n  khipu payments banks\n  khipu payments --api 2.0 get --id abc123xyz"
    )]
    Payments(PaymentsArgs),
    /// Run the sandbox for other programs: every operation of every spec on 127.0.0.1, with
    /// throwaway credentials, until interrupted.
    #[command(
        after_help = "Example:\n  khipu sandbox --port 8080 --api-key my-test-key\n  then: KHIPU_API_KEY=my-test-key khipu --base-url http://127.0.0.1:8080 payments banks"
    )]
    Sandbox(SandboxArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  khipu completions bash > ~/.local/share/bash-completion/completions/khipu\n  khipu completions zsh > \"${fpath[1]}/_khipu\""
    )]
    Completions {
        /// The shell (bash, elvish, fish, powershell, zsh).
        shell: clap_complete::Shell,
    },
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
    /// Payments API version. Example: --api 2.0
    #[arg(long, value_enum, default_value = "3.0", global = true)]
    pub api: ApiVersion,
    #[command(subcommand)]
    pub command: PaymentsCommand,
}

#[derive(Subcommand)]
pub enum PaymentsCommand {
    /// Banks the payer can use with this collection account.
    #[command(after_help = "Example:\n  khipu payments banks --output json")]
    Banks,
    /// Predict whether a payment would go through (v3.0).
    #[command(
        after_help = "Example:\n  khipu payments predict --payer-email ana@example.cl --bank-id demobank --amount 1000 --currency CLP"
    )]
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
    #[command(
        after_help = "Example:\n  KHIPU_SECRET=... khipu payments verify-notification --signature \"$HEADER\" --body body.json"
    )]
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
    #[command(
        after_help = "Example:\n  khipu payments create --amount 15990 --currency CLP --subject 'Order 1042' --transaction-id order-1042 --notify-url https://shop.example/khipu/notify --notify-api-version 3.0"
    )]
    Create(Box<CreateArgs>),
    /// Show a payment, by id or by notification token.
    #[command(
        after_help = "Examples:\n  khipu payments get --id abc123xyz\n  khipu payments --api 2.0 get --notification-token 9dec8aa1..."
    )]
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
    #[command(after_help = "Example:\n  khipu payments delete --id abc123xyz")]
    Delete {
        /// Payment id.
        #[arg(long)]
        id: String,
    },
    /// Confirm a payment.
    #[command(after_help = "Example:\n  khipu payments confirm --id abc123xyz")]
    Confirm {
        /// Payment id.
        #[arg(long)]
        id: String,
    },
    /// Refund a payment, in full or in part.
    #[command(after_help = "Example:\n  khipu payments refund --id abc123xyz --amount 500")]
    Refund {
        /// Payment id.
        #[arg(long)]
        id: String,
        /// Amount to refund (default: all of it).
        #[arg(long)]
        amount: Option<khipu::payments::Amount>,
    },
    /// Payment methods of a collection account.
    #[command(after_help = "Example:\n  khipu payments methods --merchant-id 985101")]
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

#[derive(Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The x-api-key Payments v3.0 requests must carry.
    #[arg(long, default_value = "sandbox-api-key")]
    pub api_key: String,
    /// Receiver id Payments v2.0 requests must be signed for.
    #[arg(long, default_value = "985101")]
    pub receiver_id: String,
    /// Secret Payments v2.0 requests must be signed with, and 3.0 notifications are signed with
    /// (a throwaway).
    #[arg(long, default_value = "sandbox-secret")]
    pub secret: String,
    /// Failures for every request: error=CODE:TYPE; status=NNN; delay=MS; malformed.
    #[arg(long, value_parser = khipu_mock::Injection::parse)]
    pub inject: Option<khipu_mock::Injection>,
    /// Seconds a client may take to send headers, then the body, or stay idle.
    #[arg(long, default_value_t = 10)]
    pub read_timeout: u64,
    /// Connections served at once; more wait until one closes.
    #[arg(long, default_value_t = 256)]
    pub max_connections: usize,
}

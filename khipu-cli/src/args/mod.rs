//! Command-line arguments: the global options and the commands here, each family's arguments in
//! its own file.

mod api;
mod auth;
mod automatic;
mod banking;
mod payments;
mod sandbox;

pub use api::ApiArgs;
pub use auth::{AuthArgs, AuthCommand};
pub use automatic::{ChargesArgs, ChargesCommand, SubscriptionsArgs, SubscriptionsCommand};
pub use banking::DataArgs;
pub use payments::{ApiVersion, CreateArgs, PaymentsArgs, PaymentsCommand};
pub use sandbox::SandboxArgs;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "khipu",
    version,
    about = "Khipu's Open Data banking API and Payments API from the command line, and a local sandbox",
    after_help = "Examples:\n  khipu --mock transactions --bank cl/personal/demo-bank.khipu.com --account 000011887755\n  KHIPU_CLIENT_ID=... KHIPU_CLIENT_SECRET=... KHIPU_TOKEN_URL=https://... khipu accounts --bank cl/personal/bancochile.cl\n  KHIPU_TOKEN=eyJ... khipu balances --bank cl/personal/demo-bank.khipu.com --account 000011887755 --output csv\n  khipu -v --mock payments create --amount 1000 --currency CLP --subject 'Order 1'\n  khipu sandbox --port 8080\n\nExit status: 0 success, 1 API, network or decode error, 2 usage error."
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
    /// The OAuth token endpoint for client credentials (also KHIPU_TOKEN_URL). Khipu's URL is
    /// not in any document khipu-rs holds, so it has no default. Example: --token-url
    /// https://id.example/oauth/token
    #[arg(long, global = true, value_name = "URL")]
    pub token_url: Option<String>,
    /// The OAuth client id (also KHIPU_CLIENT_ID); its secret comes only from
    /// KHIPU_CLIENT_SECRET, never a flag (flags show in the process list).
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,
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
    /// Automatic Payments (PAC) subscriptions: a customer's direct-debit mandate (KHIPU_API_KEY).
    #[command(
        after_help = "Examples:\n  khipu subscriptions create --name 'Plan Pro' --email ana@example.cl --max-amount 20000 --currency CLP --notify-url https://shop.example/khipu/subscription --return-url https://shop.example/ok --cancel-url https://shop.example/cancel\n  khipu subscriptions get --id 9f5b6a0e-..."
    )]
    Subscriptions(SubscriptionsArgs),
    /// Automatic Payments (PAC) charges on an enabled subscription (KHIPU_API_KEY).
    #[command(
        after_help = "Example:\n  khipu charges create --subscription-id 9f5b6a0e-... --amount 9990 --subject 'Plan Pro, December' --notify-url https://shop.example/khipu/notify --error-response-url https://shop.example/khipu/charge-error"
    )]
    Charges(ChargesArgs),
    /// Run the sandbox for other programs: every operation of every spec on 127.0.0.1, with
    /// throwaway credentials, until interrupted.
    #[command(
        after_help = "Its identity server: token URL http://127.0.0.1:PORT/oauth/token, authorize URL http://127.0.0.1:PORT/oauth/authorize, client sandbox-client / sandbox-client-secret unless --client-id/--client-secret say otherwise.\n\nExamples:\n  khipu sandbox --port 8080 --api-key my-test-key\n  then: KHIPU_API_KEY=my-test-key khipu --base-url http://127.0.0.1:8080 payments banks\n  khipu sandbox --port 8080 --token-ttl 2 --forbid-api-key\n  then: KHIPU_CLIENT_ID=sandbox-client KHIPU_CLIENT_SECRET=sandbox-client-secret KHIPU_TOKEN_URL=http://127.0.0.1:8080/oauth/token khipu --base-url http://127.0.0.1:8080 accounts --bank cl/personal/demo-bank.khipu.com"
    )]
    Sandbox(SandboxArgs),
    /// OAuth tokens for the Open Data API: a fresh client-credentials token, or a user's login
    /// (authorization code with PKCE).
    #[command(
        after_help = "Examples:\n  khipu auth token\n  khipu auth login --save ./tokens.json"
    )]
    Auth(AuthArgs),
    /// Any operation of any API, checked against its spec before sending: path and query
    /// parameters as NAME=VALUE, the body as JSON.
    #[command(
        after_help = "Examples:\n  khipu api --list payments-v3.0\n  khipu api payments-v3.0 getPaymentById -p id=abc123xyz\n  khipu api payments-v3.0 postPayment --body '{\"amount\": 1000, \"currency\": \"CLP\", \"subject\": \"Order 1\"}'\n  khipu api cl/personal/demo-bank.khipu.com fetchAccounts_1 --body @request.json"
    )]
    Api(ApiArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  khipu completions bash > ~/.local/share/bash-completion/completions/khipu\n  khipu completions zsh > \"${fpath[1]}/_khipu\""
    )]
    Completions {
        /// The shell (bash, elvish, fish, powershell, zsh).
        shell: clap_complete::Shell,
    },
}

//! `khipu payments ...`.

use clap::{Args, Subcommand};

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
    /// Predict whether a payment would go through (v3.0): from one bank, or from each bank the
    /// payer could use when --bank-id is left out.
    #[command(
        after_help = "Examples:\n  khipu payments predict --payer-email ana@example.cl --bank-id demobank --amount 1000 --currency CLP\n  khipu payments predict --payer-email ana@example.cl --amount 1000 --currency CLP"
    )]
    Predict {
        /// Payer's e-mail.
        #[arg(long)]
        payer_email: String,
        /// The payer's bank (bank id from `khipu payments banks`); every bank when left out.
        #[arg(long)]
        bank_id: Option<String>,
        /// Amount, with `.` as decimal separator.
        #[arg(long, allow_negative_numbers = true)]
        amount: khipu::Amount,
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
    /// Refund a payment, in full or in part (v3.0: from the refund wallet, `POST /v3/refunds`).
    /// Never retried: if the outcome is unknown, look for the refund with `get` before trying
    /// again.
    #[command(
        after_help = "Examples:\n  khipu payments refund --id abc123xyz --amount 500\n  khipu payments refund --id abc123xyz --full"
    )]
    Refund {
        /// Payment id.
        #[arg(long)]
        id: String,
        /// Amount to refund (a partial refund).
        #[arg(
            long,
            allow_negative_numbers = true,
            required_unless_present = "full",
            conflicts_with = "full"
        )]
        amount: Option<khipu::Amount>,
        /// Refund all that is still refundable.
        #[arg(long)]
        full: bool,
    },
    /// Void a payment before it is paid out: all of it goes back to the payer (v3.0; merchants
    /// that collect into a Khipu account).
    #[command(after_help = "Example:\n  khipu payments void --id abc123xyz")]
    Void {
        /// Payment id.
        #[arg(long)]
        id: String,
    },
    /// The refund wallet's balance (v3.0).
    #[command(after_help = "Example:\n  khipu payments wallet --output json")]
    Wallet,
    /// The integrator's collection accounts, every page (v3.0).
    #[command(after_help = "Example:\n  khipu payments receivers --max 50")]
    Receivers {
        /// Accounts asked for per request (page size).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
        max: u32,
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
    #[arg(long, allow_negative_numbers = true)]
    pub amount: khipu::Amount,
    /// ISO 4217 currency; the codes are those Payments v3.0's spec lists.
    #[arg(long, help = currency_help())]
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

/// `--currency`'s help, from the spec's list (so it cannot omit one, as it once omitted `CLF`).
fn currency_help() -> String {
    let known = khipu::payments::api::types::PaymentPostPaymentCurrency::KNOWN;
    format!("ISO 4217 currency ({})", known.join(", "))
}

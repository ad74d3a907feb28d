//! `khipu subscriptions ...` and `khipu charges ...`: the Automatic Payments API (PAC).

use clap::{Args, Subcommand};

#[derive(Args)]
pub struct SubscriptionsArgs {
    #[command(subcommand)]
    pub command: SubscriptionsCommand,
}

#[derive(Subcommand)]
pub enum SubscriptionsCommand {
    /// Create a subscription; send the customer to the printed `redirect_url` to sign the mandate.
    /// Never retried.
    Create(Box<NewSubscriptionArgs>),
    /// A subscription's status (charges need `ENABLED`).
    #[command(after_help = "Example:\n  khipu subscriptions get --id 9f5b6a0e-...")]
    Get {
        /// Subscription id.
        #[arg(long)]
        id: String,
    },
    /// End a subscription: no new charges (known only from third-party code). Never retried.
    #[command(after_help = "Example:\n  khipu subscriptions cancel --id 9f5b6a0e-...")]
    Cancel {
        /// Subscription id.
        #[arg(long)]
        id: String,
    },
}

#[derive(Args)]
pub struct NewSubscriptionArgs {
    /// What the customer subscribes to.
    #[arg(long)]
    pub name: String,
    /// The customer's e-mail.
    #[arg(long)]
    pub email: String,
    /// The most that may be charged (per charge on Khipu's pages, per month in its newer
    /// revision).
    #[arg(long, allow_negative_numbers = true)]
    pub max_amount: khipu::Amount,
    /// ISO 4217 currency (CLP).
    #[arg(long)]
    pub currency: String,
    /// The most a single charge may take (Khipu's newer revision).
    #[arg(long, allow_negative_numbers = true)]
    pub max_amount_per_charge: Option<khipu::Amount>,
    /// Where Khipu POSTs its notice when the customer signs.
    #[arg(long)]
    pub notify_url: String,
    /// Where the customer goes once they signed.
    #[arg(long)]
    pub return_url: String,
    /// Where the customer goes if signing could not be completed.
    #[arg(long)]
    pub cancel_url: String,
    /// Shown in the bank's mandate form.
    #[arg(long)]
    pub service_reference: Option<String>,
    /// An image of the subscription.
    #[arg(long)]
    pub image_url: Option<String>,
    /// A longer description, shown at the bank.
    #[arg(long)]
    pub description: Option<String>,
}

#[derive(Args)]
pub struct ChargesArgs {
    #[command(subcommand)]
    pub command: ChargesCommand,
}

#[derive(Subcommand)]
pub enum ChargesCommand {
    /// Charge an enabled subscription; prints the payment it became. Never retried: if the
    /// outcome is unknown, look the payment up before trying again.
    Create(Box<NewChargeArgs>),
}

#[derive(Args)]
pub struct NewChargeArgs {
    /// Subscription id.
    #[arg(long)]
    pub subscription_id: String,
    /// Amount, with `.` as decimal separator.
    #[arg(long, allow_negative_numbers = true)]
    pub amount: khipu::Amount,
    /// What the charge is for.
    #[arg(long)]
    pub subject: String,
    /// Where Khipu notifies the payment once the charge is reconciled.
    #[arg(long)]
    pub notify_url: String,
    /// Where Khipu POSTs if the charge fails.
    #[arg(long)]
    pub error_response_url: String,
    /// Notification API of --notify-url (3.0: signed JSON).
    #[arg(long)]
    pub notify_api_version: Option<String>,
    /// The charge's description.
    #[arg(long)]
    pub body: Option<String>,
    /// Free data kept with the charge.
    #[arg(long)]
    pub custom: Option<String>,
    /// Your own id for the charge (an invoice number).
    #[arg(long)]
    pub transaction_id: Option<String>,
}

//! `khipu api`.

use clap::Args;

#[derive(Args)]
pub struct ApiArgs {
    /// List the operations of API (or of every API), with their method, path and retry rule.
    #[arg(long)]
    pub list: bool,
    /// The API: `payments-v3.0`, `payments-v2.0`, `automatic-payments-v1.0` or a bank's id
    /// (`cl/personal/demo-bank.khipu.com`); `khipu api --list` shows them.
    pub api: Option<String>,
    /// The operationId, as in the spec (`getPaymentById`).
    pub operation: Option<String>,
    /// A path or query parameter, checked against the spec (repeatable). Example: -p id=abc123
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The request body: JSON text, or @FILE to read it from a file (@- for standard input),
    /// checked against the spec. Form bodies (Payments v2.0) are given as a JSON object too.
    #[arg(long, value_name = "JSON|@FILE")]
    pub body: Option<String>,
}

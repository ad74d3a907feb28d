//! `khipu sandbox`.

use clap::Args;

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
    /// The OAuth client id its identity server knows.
    #[arg(long, default_value = "sandbox-client")]
    pub client_id: String,
    /// That client's secret (a throwaway).
    #[arg(long, default_value = "sandbox-client-secret")]
    pub client_secret: String,
    /// How long the tokens it issues live, in seconds. Example: --token-ttl 2
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub token_ttl: u64,
    /// Behave as Khipu announced for the Open Data API: x-api-key is refused (401), an
    /// AccountCredential in a payload is ignored, only its own tokens are accepted.
    #[arg(long)]
    pub forbid_api_key: bool,
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

//! `khipu auth`: OAuth tokens for the Open Data API.

use clap::{Args, Subcommand};

#[derive(Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: AuthCommand,
}

#[derive(Subcommand)]
pub enum AuthCommand {
    /// Get a fresh access token with the client credentials (KHIPU_CLIENT_ID,
    /// KHIPU_CLIENT_SECRET, KHIPU_TOKEN_URL) and print its expiry and scope.
    #[command(after_help = "Examples:\n  khipu auth token\n  khipu --mock auth token --show-token")]
    Token {
        /// Also print the token itself (on stdout, alone on its line). It is a credential.
        #[arg(long)]
        show_token: bool,
    },
    /// Run the authorization code flow with PKCE: open the printed URL, consent, and the token
    /// set (access and refresh token) is saved to a file only you can read (mode 0600).
    #[command(
        after_help = "Examples:\n  KHIPU_AUTHORIZE_URL=https://... khipu auth login\n  khipu --mock auth login --save ./tokens.json"
    )]
    Login {
        /// The authorization server's authorize endpoint (also KHIPU_AUTHORIZE_URL). Khipu's
        /// URL is not in any document khipu-rs holds: it must be given.
        #[arg(long, value_name = "URL")]
        authorize_url: Option<String>,
        /// The scope to ask for.
        #[arg(long)]
        scope: Option<String>,
        /// The port on 127.0.0.1 the redirect comes back to (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Where to save the token set (default: $XDG_CONFIG_HOME/khipu/tokens.json, else
        /// ~/.config/khipu/tokens.json).
        #[arg(long, value_name = "FILE")]
        save: Option<std::path::PathBuf>,
        /// Seconds to wait for the redirect before giving up.
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
        wait: u64,
    },
}

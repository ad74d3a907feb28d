//! The `khipu` command with the tokens Khipu will require for the Open Data API: client
//! credentials from the environment, `khipu auth token`, and API keys refused as Khipu announced.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]

use std::time::Duration;

use khipu_mock::{Sandbox, SandboxConfig};

#[path = "support/run.rs"]
mod run;
use run::{khipu, stderr, stdout};

const DEMO: &str = "cl/personal/demo-bank.khipu.com";
/// Recognisable values: none may appear in any output.
const CLIENT_SECRET: &str = "csecret-7f3a9e1d";
const API_KEY: &str = "apikey-5b2c8d0e";

async fn forbidding_sandbox() -> Sandbox {
    Sandbox::start(
        SandboxConfig::default()
            .oauth_client("cli-client", CLIENT_SECRET)
            .token_ttl(Duration::from_secs(60))
            .forbid_api_key(true),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn accounts_with_client_credentials_only_and_api_keys_refused_with_what_to_set() {
    let sandbox = forbidding_sandbox().await;
    let token_url = sandbox.token_url();
    let oauth = [
        ("KHIPU_CLIENT_ID", "cli-client"),
        ("KHIPU_CLIENT_SECRET", CLIENT_SECRET),
        ("KHIPU_TOKEN_URL", token_url.as_str()),
        ("KHIPU_BASE_URL", sandbox.url()),
    ];
    let mut outputs = Vec::new();
    let out = khipu(&["-vv", "accounts", "--bank", DEMO, "--json"], &oauth).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("005553344110"), "{}", stdout(&out));
    outputs.push(out);
    assert_eq!(sandbox.oauth_counts().token_requests, 1);

    // Only an API key: Khipu's 401, with what to set instead.
    let key_only = [
        ("KHIPU_API_KEY", API_KEY),
        ("KHIPU_BASE_URL", sandbox.url()),
    ];
    let out = khipu(&["accounts", "--bank", DEMO], &key_only).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("Khipu no longer takes API keys for the Open Data API"),
        "{said}"
    );
    assert!(
        said.contains("KHIPU_CLIENT_ID, KHIPU_CLIENT_SECRET and KHIPU_TOKEN_URL"),
        "{said}"
    );
    outputs.push(out);

    // Both: it says which it uses, and it is the one Khipu will keep.
    let both: Vec<(&str, &str)> = oauth
        .iter()
        .copied()
        .chain([("KHIPU_API_KEY", API_KEY)])
        .collect();
    let out = khipu(&["accounts", "--bank", DEMO], &both).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("using OAuth client credentials (KHIPU_CLIENT_ID) for the Open Data API; ignoring KHIPU_API_KEY"),
        "{}",
        stderr(&out)
    );
    outputs.push(out);

    // `auth token`: expiry and scope, the token only with --show-token.
    let out = khipu(&["auth", "token"], &oauth).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("expires in 5"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("eyJ"), "{}", stdout(&out));
    outputs.push(out);
    let shown = khipu(&["auth", "token", "--show-token"], &oauth).await;
    let token = stdout(&shown).lines().nth(1).unwrap().to_owned();
    assert!(
        token.starts_with("eyJ") && token.split('.').count() == 3,
        "{token}"
    );

    // A wrong secret: the identity server's error, named; nothing sent to the bank.
    let banks_before = sandbox.oauth_counts().bank_requests;
    let wrong: Vec<(&str, &str)> = oauth
        .iter()
        .map(|&(k, v)| {
            if k == "KHIPU_CLIENT_SECRET" {
                (k, "wrong")
            } else {
                (k, v)
            }
        })
        .collect();
    let out = khipu(&["accounts", "--bank", DEMO], &wrong).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("invalid_client"), "{}", stderr(&out));
    assert_eq!(sandbox.oauth_counts().bank_requests, banks_before);
    outputs.push(out);

    // No secret, no issued token and no API key in anything printed (-vv included).
    for out in &outputs {
        let all = format!("{}{}", stdout(out), stderr(out));
        for secret in [CLIENT_SECRET, API_KEY, token.as_str()] {
            assert!(!all.contains(secret), "`{secret}` printed in:\n{all}");
        }
    }
}

#[tokio::test]
async fn login_saves_a_token_set_only_its_owner_can_read() {
    let dir = std::env::temp_dir().join(format!("khipu-login-{}", std::process::id()));
    let file = dir.join("tokens.json");
    let out = khipu(
        &[
            "--mock",
            "auth",
            "login",
            "--save",
            file.to_str().unwrap(),
            "--wait",
            "20",
        ],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("token set saved to {}", file.display())));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(saved["access_token"].as_str().unwrap().starts_with("eyJ"));
    assert!(saved["refresh_token"].is_string());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains(saved["access_token"].as_str().unwrap()));
    assert!(!all.contains(saved["refresh_token"].as_str().unwrap()));
    let _ = std::fs::remove_dir_all(&dir);
}

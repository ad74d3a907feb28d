//! OAuth 2.0 for the Open Data API against the sandbox's identity server: tokens from client
//! credentials, cached and shared by every call, renewed once per expiry (not once per call), a
//! revoked token costing exactly one renewal and one resend per call, and a refusing identity
//! server failing every waiting call with its `error`, with nothing sent to the bank.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the run"
)]
#![cfg(feature = "cl-personal-demo-bank")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use khipu::{Bank, Config, Credentials, DataRequest, Error};
use khipu_mock::{Sandbox, SandboxConfig};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BANK: &str = "cl/personal/demo-bank.khipu.com";
const CALLS: usize = 100;

async fn sandbox(ttl: Duration, forbid_api_key: bool) -> Sandbox {
    Sandbox::start(
        SandboxConfig::default()
            .oauth_client("svc", "svc-secret-91c4")
            .token_ttl(ttl)
            .forbid_api_key(forbid_api_key),
    )
    .await
    .unwrap()
}

fn config(sandbox: &Sandbox) -> Config {
    Config::new(Credentials::client_credentials("svc", "svc-secret-91c4"))
        .token_url(sandbox.token_url())
        .base_url(sandbox.url())
}

/// `CALLS` concurrent `transactions` calls through one `dyn Bank`; all must succeed.
async fn wave(bank: &Arc<Box<dyn Bank>>) {
    let mut calls = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let bank = bank.clone();
        calls.push(tokio::spawn(async move {
            bank.transactions(&DataRequest::account("000011887755"))
                .await
                .map(|reply| reply.items().len())
        }));
    }
    for call in calls {
        let items = call.await.unwrap().unwrap();
        assert!(items > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_calls_across_three_expiries_cost_one_token_each_and_a_revocation_one_more() {
    let ttl = Duration::from_secs(2);
    let sandbox = sandbox(ttl, true).await;
    let config = config(&sandbox);
    let bank = Arc::new(khipu::connect(BANK, &config).unwrap());
    for expiry in 1..=3u64 {
        wave(&bank).await;
        let counts = sandbox.oauth_counts();
        assert_eq!(
            counts.token_requests, expiry,
            "after wave {expiry}: {counts:?}"
        );
        assert_eq!(counts.bank_requests, expiry * CALLS as u64, "{counts:?}");
        assert_eq!(counts.bank_requests_refused, 0, "{counts:?}");
        assert_eq!(config.token_requests(), Some(expiry));
        // Past the token's lifetime: the next wave needs a new one.
        tokio::time::sleep(ttl + Duration::from_millis(200)).await;
    }
    // A fresh token, then revoked mid-run: each call is refused once (401 A000), the token is
    // renewed once for all of them, and each call is sent once more.
    wave(&bank).await;
    let before = sandbox.oauth_counts();
    assert_eq!(before.token_requests, 4);
    assert_eq!(sandbox.revoke_tokens(), 4);
    wave(&bank).await;
    let after = sandbox.oauth_counts();
    assert_eq!(after.token_requests - before.token_requests, 1, "{after:?}");
    // Calls that started after the renewal carry the new token; each call refused was sent
    // exactly once more.
    let refused = after.bank_requests_refused - before.bank_requests_refused;
    assert!((1..=CALLS as u64).contains(&refused), "{after:?}");
    assert_eq!(
        after.bank_requests - before.bank_requests,
        CALLS as u64 + refused,
        "{after:?}"
    );
    println!(
        "revoked mid-run: {refused} of {CALLS} calls refused once and resent; 1 token request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_identity_server_fails_every_waiting_call_and_nothing_reaches_the_bank() {
    let identity = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "invalid_client", "error_description": "unknown client"}))
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&identity)
        .await;
    let bank_api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&bank_api)
        .await;
    let config = Config::new(Credentials::client_credentials("svc", "wrong-secret-8d2e"))
        .token_url(format!("{}/token", identity.uri()))
        .base_url(bank_api.uri())
        .timeout(Duration::from_secs(5));
    let bank = Arc::new(khipu::connect(BANK, &config).unwrap());
    let started = Instant::now();
    let mut calls = Vec::new();
    for _ in 0..20 {
        let bank = bank.clone();
        calls.push(tokio::spawn(async move {
            bank.accounts(&DataRequest::new()).await.unwrap_err()
        }));
    }
    for call in calls {
        let error = call.await.unwrap();
        assert!(
            matches!(&error, Error::Token { source, .. } if source.oauth_error() == Some("invalid_client")),
            "{error:?}"
        );
        assert!(error.is_not_sent() && !error.is_outcome_unknown());
        let said = error.to_string();
        assert!(
            said.contains("invalid_client") && said.contains("unknown client"),
            "{said}"
        );
        assert!(
            !said.contains("wrong-secret-8d2e")
                && !format!("{error:?}").contains("wrong-secret-8d2e")
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // wiremock checks on drop: one token request for all twenty calls, none to the bank.
}

#[tokio::test]
async fn with_api_keys_forbidden_a_key_is_refused_and_the_401_was_not_acted_on() {
    let sandbox = sandbox(Duration::from_secs(60), true).await;
    let keyed = Config::new(Credentials::api_key("key-1")).base_url(sandbox.url());
    let bank = khipu::connect(BANK, &keyed).unwrap();
    let error = bank.accounts(&DataRequest::new()).await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert_eq!(error.body().and_then(|b| b.code.as_deref()), Some("A000"));
    assert!(error.is_not_sent() && !error.is_outcome_unknown());
    // A bearer text the sandbox did not issue is refused too; its own tokens pass.
    let unknown = Config::new(Credentials::bearer("not-a-token")).base_url(sandbox.url());
    let error = khipu::connect(BANK, &unknown)
        .unwrap()
        .accounts(&DataRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    let ok = khipu::connect(BANK, &config(&sandbox)).unwrap();
    assert!(
        !ok.accounts(&DataRequest::new())
            .await
            .unwrap()
            .items()
            .is_empty()
    );
}

#[test]
fn client_credentials_without_a_token_url_are_refused_before_anything_is_sent() {
    let config = Config::new(Credentials::client_credentials("svc", "s-3e7a"));
    let error = khipu::connect(BANK, &config).unwrap_err();
    let said = error.to_string();
    assert!(
        said.contains("Config::token_url") && said.contains("KHIPU_TOKEN_URL"),
        "{said}"
    );
    assert!(error.is_not_sent());
    // Plain http to a remote host is refused for the token endpoint, as for the API.
    let remote = config.token_url("http://id.example/token");
    assert!(
        khipu::connect(BANK, &remote)
            .unwrap_err()
            .to_string()
            .contains("must be https")
    );
    assert!(!format!("{remote:?}").contains("s-3e7a"));
}

/// The authorization code flow against the sandbox: PKCE, the code exchanged once, the token set
/// used by a bank, renewed with its refresh token (rotated) after expiry; neither the code nor
/// any token shows in `Debug` or errors.
#[tokio::test]
async fn authorization_code_with_pkce_then_refresh_rotation() {
    use khipu::oauth::{AuthorizationCodeFlow, TokenEndpoint};
    let sandbox = sandbox(Duration::from_secs(1), true).await;
    let endpoint = TokenEndpoint::new(&sandbox.token_url(), Duration::from_secs(5)).unwrap();
    let redirect = "http://127.0.0.1:9/callback";
    let flow =
        AuthorizationCodeFlow::new(&sandbox.authorize_url(), endpoint, "svc", redirect).unwrap();
    let (url, pending) = flow.start().unwrap();
    // The user's browser: the sandbox consents at once and redirects with the code.
    // The one HTTP policy: redirects are not followed, so the Location can be read.
    let http = khipu_types::http::client().unwrap();
    let answer = http.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(redirect), "{location}");
    let query: std::collections::HashMap<String, String> = reqwest::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let code = query["code"].clone();
    assert_eq!(query["state"], pending.state());

    // A forged state is refused before anything is sent; the real one is exchanged, once.
    assert!(flow.exchange(&pending, "forged", &code).await.is_err());
    let tokens = flow
        .exchange(&pending, pending.state(), &code)
        .await
        .unwrap();
    let reused = flow
        .exchange(&pending, pending.state(), &code)
        .await
        .unwrap_err();
    assert_eq!(reused.oauth_error(), Some("invalid_grant"));
    let first_refresh = tokens.refresh_token().unwrap().expose().to_owned();

    let source = Arc::new(flow.source(tokens.clone()));
    let config = Config::new(Credentials::TokenSource(source.clone())).base_url(sandbox.url());
    let bank = khipu::connect(BANK, &config).unwrap();
    bank.accounts(&DataRequest::new()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await; // the access token expires
    bank.accounts(&DataRequest::new()).await.unwrap();
    let counts = sandbox.oauth_counts();
    // The exchange, the refused reuse of its code, and the source's refreshes (one, or one more
    // when a loaded machine lets the 1-second token expire before the first call); the forged
    // state never left.
    let refreshes = source.token_requests();
    assert!((1..=2).contains(&refreshes), "{refreshes} refreshes");
    assert_eq!(counts.token_requests, 2 + refreshes, "{counts:?}");
    assert_eq!(counts.bank_requests_refused, 0, "{counts:?}");
    let token_set = source.token_set();
    let rotated = token_set.refresh_token().unwrap().expose().to_owned();
    assert_ne!(rotated, first_refresh, "the refresh token is rotated");
    assert_ne!(token_set.access_token(), tokens.access_token());

    let shown =
        format!("{tokens:?} {token_set:?} {pending:?} {flow:?} {config:?} {reused} {reused:?}");
    for secret in [
        code.as_str(),
        first_refresh.as_str(),
        rotated.as_str(),
        tokens.access_token().expose(),
        token_set.access_token().expose(),
    ] {
        assert!(!shown.contains(secret), "`{secret}` in {shown}");
    }
}

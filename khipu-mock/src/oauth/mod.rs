//! The sandbox as Khipu's identity server for the Open Data API: a token endpoint (client
//! credentials, authorization code with PKCE, refresh token with rotation) and an authorize
//! endpoint that consents at once and redirects to a loopback `redirect_uri`. It issues HS256
//! JWTs that live `SandboxConfig::token_ttl`; the bank operations accept them until they expire or
//! are revoked (`POST /_sandbox/oauth/revoke`). Khipu's real endpoint URLs are not in any document
//! khipu-rs holds; these paths are the sandbox's own.

mod issuer;

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub(crate) use issuer::{Issuer, Rejection};

use crate::config::SandboxConfig;
use crate::exchange::{Reply, Req, loopback_url};

/// What the identity server works with: its issuer and the sandbox's client settings (the
/// sandbox's state holds both, and passes them in, so this module never names the state).
#[derive(Clone, Copy)]
pub(crate) struct Identity<'a> {
    pub(crate) issuer: &'a Issuer,
    pub(crate) config: &'a SandboxConfig,
}

/// The token endpoint's path.
pub(crate) const TOKEN_PATH: &str = "/oauth/token";
/// The authorize endpoint's path.
pub(crate) const AUTHORIZE_PATH: &str = "/oauth/authorize";

/// How long an authorization code may wait to be exchanged.
const CODE_LIFETIME_MS: u64 = 60_000;

/// The identity server's answer, when `req` is for it.
pub(crate) fn handle(state: Identity<'_>, req: &Req) -> Option<Reply> {
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", TOKEN_PATH) => Some(token(state, req)),
        ("GET", AUTHORIZE_PATH) => Some(authorize(state, req)),
        (_, TOKEN_PATH) => Some(
            Reply::text(405, "khipu-mock: the token endpoint takes POST")
                .header("allow", "POST".into()),
        ),
        (_, AUTHORIZE_PATH) => Some(
            Reply::text(405, "khipu-mock: the authorize endpoint takes GET")
                .header("allow", "GET".into()),
        ),
        _ => None,
    }
}

/// An OAuth error answer (RFC 6749 section 5.2).
fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
    let reply = Reply::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
    .header("cache-control", "no-store".into());
    if status == 401 {
        reply.header("www-authenticate", "Basic realm=\"khipu-mock\"".into())
    } else {
        reply
    }
}

/// Who is asking: a confidential client that proved its secret, or a public client (PKCE).
enum Client {
    Confidential,
    Public,
}

fn client(state: Identity<'_>, req: &Req, form: &HashMap<String, String>) -> Result<Client, Reply> {
    let config = &state.config;
    let refused = || oauth_error(401, "invalid_client", "unknown client or wrong secret");
    let basic = req
        .header("authorization")
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, value)| value.trim());
    let (id, secret) = match basic {
        Some(value) => {
            let decoded = STANDARD
                .decode(value)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(refused)?;
            let (id, secret) = decoded.split_once(':').ok_or_else(refused)?;
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            (decode(id), Some(decode(secret)))
        }
        None => (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned(),
        ),
    };
    if id != config.client_id {
        return Err(refused());
    }
    match secret {
        Some(secret) if secret == config.client_secret => Ok(Client::Confidential),
        Some(_) => Err(refused()),
        None => Ok(Client::Public),
    }
}

fn issued(state: Identity<'_>, subject: &str, scope: Option<&str>, refresh: Option<&str>) -> Reply {
    let access = state.issuer.access_token("khipu-mock", subject, scope);
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": state.issuer.ttl().as_secs().max(1),
    });
    if let Some(scope) = scope {
        body["scope"] = json!(scope);
    }
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    Reply::json(200, &body).header("cache-control", "no-store".into())
}

/// A user's access token and a new refresh token for the same grant.
fn for_user(state: Identity<'_>, grant: issuer::Grant) -> Reply {
    let refresh = state.issuer.opaque("refresh");
    let scope = grant.scope.clone();
    state.issuer.remember_refresh(&refresh, grant);
    issued(state, "sandbox-user", scope.as_deref(), Some(&refresh))
}

fn token(state: Identity<'_>, req: &Req) -> Reply {
    state.issuer.count_token_request();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&req.body)
        .into_owned()
        .collect();
    let client = match client(state, req, &form) {
        Ok(client) => client,
        Err(reply) => return reply,
    };
    let field = |name: &str| form.get(name).map(String::as_str);
    match field("grant_type") {
        Some("client_credentials") => match client {
            Client::Confidential => issued(state, &state.config.client_id, field("scope"), None),
            Client::Public => oauth_error(
                401,
                "invalid_client",
                "client credentials need the client secret",
            ),
        },
        Some("authorization_code") => {
            let Some(grant) = field("code").and_then(|c| state.issuer.take_code(c)) else {
                return oauth_error(400, "invalid_grant", "unknown, used or expired code");
            };
            let verifier = field("code_verifier").unwrap_or_default();
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if grant.expires_ms < issuer::now_ms()
                || grant.client_id != state.config.client_id
                || field("redirect_uri") != Some(grant.redirect_uri.as_str())
                || challenge != grant.challenge
            {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "the code does not match its redirect_uri or PKCE verifier, or expired",
                );
            }
            for_user(state, grant)
        }
        Some("refresh_token") => {
            let Some(grant) = field("refresh_token")
                .and_then(|r| state.issuer.take_refresh(r))
                .filter(|g| g.client_id == state.config.client_id)
            else {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "unknown, rotated or revoked refresh token",
                );
            };
            // Rotation: the old refresh token is gone (taken above); a new one comes back.
            for_user(state, grant)
        }
        Some(other) => oauth_error(
            400,
            "unsupported_grant_type",
            &format!(
                "grant_type `{}` is not supported",
                khipu_types::display::sanitize(other)
            ),
        ),
        None => oauth_error(400, "invalid_request", "grant_type is required"),
    }
}

/// Consents at once (there is no user to ask) and redirects to the loopback `redirect_uri`.
fn authorize(state: Identity<'_>, req: &Req) -> Reply {
    let query: HashMap<&str, &str> = req
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if query.get("client_id") != Some(&state.config.client_id.as_str()) {
        return Reply::text(400, "khipu-mock: unknown client_id");
    }
    let Some(redirect) = query.get("redirect_uri").filter(|u| loopback_url(u)) else {
        return Reply::text(
            400,
            "khipu-mock: redirect_uri must be an http(s) URL on a loopback address",
        );
    };
    let Ok(mut location) = url::Url::parse(redirect) else {
        return Reply::text(400, "khipu-mock: redirect_uri is not a URL");
    };
    {
        let mut pairs = location.query_pairs_mut();
        if let Some(state_value) = query.get("state") {
            pairs.append_pair("state", state_value);
        }
        match (
            query.get("response_type"),
            query.get("code_challenge"),
            query.get("code_challenge_method"),
        ) {
            (Some(&"code"), Some(challenge), Some(&"S256")) if !challenge.is_empty() => {
                let code = state.issuer.opaque("code");
                state.issuer.remember_code(
                    &code,
                    issuer::Grant {
                        client_id: state.config.client_id.clone(),
                        redirect_uri: (*redirect).to_owned(),
                        challenge: (*challenge).to_owned(),
                        scope: query.get("scope").map(|s| (*s).to_owned()),
                        expires_ms: issuer::now_ms() + CODE_LIFETIME_MS,
                    },
                );
                pairs.append_pair("code", &code);
            }
            _ => {
                pairs.append_pair("error", "invalid_request");
                pairs.append_pair(
                    "error_description",
                    "response_type=code with a PKCE S256 code_challenge is required",
                );
            }
        }
    }
    Reply::text(302, "").header("location", location.into())
}

/// The admin view: what the identity server counted, and a revocation.
pub(crate) fn admin(state: Identity<'_>, method: &str, action: &str) -> Option<Reply> {
    match (method, action) {
        ("POST", "revoke") => {
            let revoked = state.issuer.revoke_all();
            Some(Reply::json(200, &json!({"revoked_tokens": revoked})))
        }
        ("GET", "") => Some(Reply::json(200, &counts(state))),
        _ => None,
    }
}

fn counts(state: Identity<'_>) -> Value {
    let (tokens, data, rejected) = state.issuer.counts();
    json!({"token_requests": tokens, "bank_requests": data, "bank_requests_refused_401": rejected,
           "token_ttl_seconds": state.issuer.ttl().as_secs_f64()})
}

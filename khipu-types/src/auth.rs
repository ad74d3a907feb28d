//! Authentication as a spec declares it.
//!
//! The generator reads a document's `components/securitySchemes` and its `security` requirements
//! (global and per operation) into an [`AuthSpec`] constant (`AUTH`) in each generated module. A
//! generated client holds an [`Auth`]: that spec plus the one [`Credentials`] the caller has.
//! Before every request, [`apply`] (progenitor's pre-hook) finds the operation's requirement and
//! meets it with the credential:
//!
//! | scheme in the spec | credential | what the request carries |
//! |---|---|---|
//! | `apiKey`, `in: header` | [`Credentials::api_key`] | that header (`x-api-key: <key>`) |
//! | `http`, `scheme: bearer` | [`Credentials::bearer`] | `Authorization: Bearer <token>` |
//! | `http`, `scheme: bearer` | [`Credentials::TokenSource`] (OAuth) | `Authorization: Bearer <the source's current token>` |
//! | `apiKey` marked `x-khipu-auth: hmac-sha256-v2` | [`Credentials::signed`] | `Authorization: <receiver_id>:<HMAC>` over the built request |
//!
//! Nothing else is added: a v3.0 client sends `x-api-key` and no `Authorization` header.

use std::fmt;
use std::sync::Arc;

use crate::Secret;
use crate::oauth::{ClientCredentials, TokenError, TokenSource};
use crate::payments::Signer;

/// One security scheme of a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// `type: apiKey, in: header`: a fixed key in the header `header`.
    ApiKeyHeader {
        /// The scheme's name in the spec (`Api-Key`).
        name: &'static str,
        /// The header (`x-api-key`).
        header: &'static str,
    },
    /// `type: http, scheme: bearer`.
    Bearer {
        /// The scheme's name in the spec (`JWT`).
        name: &'static str,
    },
    /// Khipu's Payments v2.0 request signature (see [`crate::payments`]).
    KhipuSigned {
        /// The scheme's name in the spec (`khipu`).
        name: &'static str,
    },
}

impl Scheme {
    /// The scheme's name in the spec.
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::ApiKeyHeader { name, .. }
            | Scheme::Bearer { name }
            | Scheme::KhipuSigned { name } => name,
        }
    }

    fn describe(&self) -> String {
        match self {
            Scheme::ApiKeyHeader { name, header } => format!("`{name}` (API key in `{header}`)"),
            Scheme::Bearer { name } => format!("`{name}` (bearer token)"),
            Scheme::KhipuSigned { name } => format!("`{name}` (Khipu v2.0 request signature)"),
        }
    }
}

/// What an operation (or the whole API) requires: any one of `schemes`; nothing at all when
/// `schemes` is empty or `optional` is set and no credential is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// The alternatives, in the spec's order.
    pub schemes: &'static [Scheme],
    /// The spec lists `{}` among the alternatives: calling without credentials is allowed.
    pub optional: bool,
}

impl Requirement {
    /// A requirement (used by generated code).
    pub const fn new(schemes: &'static [Scheme], optional: bool) -> Self {
        Self { schemes, optional }
    }
}

/// An operation whose `security` differs from the API's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationAuth {
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template as in the spec (`/v3/payments/{id}`).
    pub path: &'static str,
    /// What it requires.
    pub requirement: Requirement,
}

impl OperationAuth {
    /// An override (used by generated code).
    pub const fn new(method: &'static str, path: &'static str, requirement: Requirement) -> Self {
        Self {
            method,
            path,
            requirement,
        }
    }
}

/// Everything a spec says about authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSpec {
    /// The top-level `security`.
    pub default: Requirement,
    /// Operations with their own `security`.
    pub operations: &'static [OperationAuth],
}

impl AuthSpec {
    /// A spec's auth (used by generated code).
    pub const fn new(default: Requirement, operations: &'static [OperationAuth]) -> Self {
        Self {
            default,
            operations,
        }
    }

    /// Every scheme the spec uses anywhere.
    pub fn schemes(&self) -> impl Iterator<Item = &'static Scheme> + '_ {
        self.default
            .schemes
            .iter()
            .chain(self.operations.iter().flat_map(|o| o.requirement.schemes))
    }

    /// The requirement of the operation `method` `path` (a request path, which may carry a base
    /// path before the template, as `https://khipu.com/api` + `/2.0/banks` does).
    pub fn requirement(&self, method: &str, path: &str) -> Requirement {
        self.operations
            .iter()
            .find(|o| o.method.eq_ignore_ascii_case(method) && path_matches(o.path, path))
            .map(|o| o.requirement)
            .unwrap_or(self.default)
    }
}

/// `true` when the request path ends with the template's segments (`{x}` matches one segment).
fn path_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.trim_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    path.len() >= template.len()
        && path[path.len() - template.len()..]
            .iter()
            .zip(&template)
            .all(|(p, t)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || p == t)
}

/// The one credential a client holds: the bearer JWT or API key of the Open Data API, the API key
/// of Payments v3.0 and Automatic Payments, or the receiver id and secret that sign Payments v2.0
/// requests. Which ones an API takes comes from its spec ([`Auth::new`] refuses the others).
/// `Debug` never shows the secret part.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// A fixed API key, sent in the header the spec names.
    ApiKey(Secret),
    /// A bearer token (a JWT for the banking API), used as given until it is refused.
    Bearer(Secret),
    /// A collection account and its secret, for Khipu's v2.0 signature.
    Signed(Signer),
    /// Bearer tokens from a source that obtains and renews them (OAuth).
    TokenSource(Arc<dyn TokenSource>),
    /// OAuth client credentials, turned into a [`TokenSource`] by the facade's `Config` (which
    /// knows the token endpoint).
    ClientCredentials(ClientCredentials),
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Credentials::ApiKey(a), Credentials::ApiKey(b))
            | (Credentials::Bearer(a), Credentials::Bearer(b)) => a == b,
            (Credentials::Signed(a), Credentials::Signed(b)) => a == b,
            // One source is equal only to itself: two sources hold two caches.
            (Credentials::TokenSource(a), Credentials::TokenSource(b)) => Arc::ptr_eq(a, b),
            (Credentials::ClientCredentials(a), Credentials::ClientCredentials(b)) => a == b,
            _ => false,
        }
    }
}

impl Credentials {
    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey(Secret::new(key))
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer(Secret::new(token))
    }

    /// The Payments v2.0 signature: requests are signed for the collection account `receiver_id`
    /// with its `secret`.
    pub fn signed(receiver_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::Signed(Signer::new(receiver_id, secret))
    }

    /// OAuth client credentials (the client credentials grant): tokens are obtained from the
    /// token endpoint set on the `Config`, cached, and renewed before they expire.
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self::ClientCredentials(ClientCredentials::new(client_id, client_secret))
    }

    /// Bearer tokens from `source` (a vault of your own, or an [`oauth`](crate::oauth) source).
    pub fn token_source(source: impl TokenSource) -> Self {
        Self::TokenSource(Arc::new(source))
    }

    fn fits(&self, scheme: &Scheme) -> bool {
        matches!(
            (self, scheme),
            (Credentials::ApiKey(_), Scheme::ApiKeyHeader { .. })
                | (
                    Credentials::Bearer(_)
                        | Credentials::TokenSource(_)
                        | Credentials::ClientCredentials(_),
                    Scheme::Bearer { .. }
                )
                | (Credentials::Signed(_), Scheme::KhipuSigned { .. })
        )
    }

    /// `true` when the secret part is empty (an unset environment variable, say).
    pub fn is_empty(&self) -> bool {
        match self {
            Credentials::ApiKey(s) | Credentials::Bearer(s) => s.expose().is_empty(),
            Credentials::Signed(signer) => {
                signer.receiver_id().is_empty() || signer.secret().expose().is_empty()
            }
            Credentials::TokenSource(_) => false,
            Credentials::ClientCredentials(c) => c.is_empty(),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Credentials::ApiKey(_) => "an API key",
            Credentials::Bearer(_) => "a bearer token",
            Credentials::Signed(_) => "a v2.0 signing secret",
            Credentials::TokenSource(_) => "an OAuth token source",
            Credentials::ClientCredentials(_) => "OAuth client credentials",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiKey(s) => f.debug_tuple("ApiKey").field(s).finish(),
            Credentials::Bearer(s) => f.debug_tuple("Bearer").field(s).finish(),
            Credentials::Signed(s) => f.debug_tuple("Signed").field(s).finish(),
            Credentials::TokenSource(_) => f.write_str("TokenSource(..)"),
            Credentials::ClientCredentials(c) => {
                f.debug_tuple("ClientCredentials").field(c).finish()
            }
        }
    }
}

/// A credential that does not fit the spec, or a request that cannot be authenticated (no token
/// could be had, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    message: String,
    token: Option<TokenError>,
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AuthError {}

impl AuthError {
    fn new(message: String) -> Self {
        Self {
            message,
            token: None,
        }
    }

    /// The token source's error, when the request could not be authenticated for want of a
    /// token: nothing was sent to the API.
    pub fn token_error(&self) -> Option<&TokenError> {
        self.token.as_ref()
    }
}

impl From<TokenError> for AuthError {
    fn from(error: TokenError) -> Self {
        Self {
            message: error.to_string(),
            token: Some(error),
        }
    }
}

/// A spec's auth and the credential that meets it: the inner value of a generated client.
#[derive(Clone)]
pub struct Auth {
    spec: &'static AuthSpec,
    credential: Option<Credentials>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("credential", &self.credential)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Auth for `spec` with `credential`; refused when the spec has no scheme that credential
    /// meets (an API key for an API that only takes bearer tokens).
    pub fn new(spec: &'static AuthSpec, credential: Credentials) -> Result<Self, AuthError> {
        if !spec.schemes().any(|s| credential.fits(s)) {
            let accepted: Vec<String> = spec.schemes().map(Scheme::describe).collect();
            return Err(AuthError::new(format!(
                "this API does not accept {}; it accepts {}",
                credential.kind(),
                if accepted.is_empty() {
                    "no credentials".to_owned()
                } else {
                    accepted.join(" or ")
                }
            )));
        }
        Ok(Self {
            spec,
            credential: Some(credential),
        })
    }

    /// No credential: only operations that require none can be called.
    pub fn none(spec: &'static AuthSpec) -> Self {
        Self {
            spec,
            credential: None,
        }
    }

    /// The credential held.
    pub fn credential(&self) -> Option<&Credentials> {
        self.credential.as_ref()
    }
}

fn sensitive(value: &str) -> Result<reqwest::header::HeaderValue, AuthError> {
    let mut value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        AuthError::new("the credential has characters not allowed in an HTTP header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Authenticates `request` as its operation requires: progenitor's pre-hook in generated clients.
pub async fn apply(auth: &Auth, request: &mut reqwest::Request) -> Result<(), AuthError> {
    let requirement = auth
        .spec
        .requirement(request.method().as_str(), request.url().path());
    if requirement.schemes.is_empty() {
        return Ok(());
    }
    let Some(credential) = &auth.credential else {
        if requirement.optional {
            return Ok(());
        }
        return Err(AuthError::new(format!(
            "this operation needs {} and the client has no credential",
            describe_all(requirement.schemes)
        )));
    };
    let Some(scheme) = requirement.schemes.iter().find(|s| credential.fits(s)) else {
        if requirement.optional {
            return Ok(());
        }
        return Err(AuthError::new(format!(
            "this operation needs {}; the client holds {}",
            describe_all(requirement.schemes),
            credential.kind()
        )));
    };
    match (scheme, credential) {
        (Scheme::ApiKeyHeader { header, .. }, Credentials::ApiKey(key)) => {
            let name = reqwest::header::HeaderName::from_bytes(header.as_bytes())
                .map_err(|_| AuthError::new(format!("`{header}` is not a valid header name")))?;
            request.headers_mut().insert(name, sensitive(key.expose())?);
        }
        (Scheme::Bearer { .. }, Credentials::Bearer(token)) => {
            request.headers_mut().insert(
                reqwest::header::AUTHORIZATION,
                sensitive(&format!("Bearer {}", token.expose()))?,
            );
        }
        (Scheme::Bearer { .. }, Credentials::TokenSource(source)) => {
            let token = source.token().await?;
            request.headers_mut().insert(
                reqwest::header::AUTHORIZATION,
                sensitive(&format!("Bearer {}", token.secret().expose()))?,
            );
        }
        (Scheme::Bearer { .. }, Credentials::ClientCredentials(_)) => {
            return Err(AuthError::new(
                "OAuth client credentials need Khipu's token endpoint: build the client from a khipu::Config with .token_url(..)".into(),
            ));
        }
        (Scheme::KhipuSigned { .. }, Credentials::Signed(signer)) => {
            crate::payments::sign(signer, request)
                .await
                .map_err(|e| AuthError::new(e.to_string()))?;
        }
        // `fits` paired the scheme with this credential's kind above.
        _ => {
            return Err(AuthError::new(
                "the credential does not fit the scheme".into(),
            ));
        }
    }
    Ok(())
}

fn describe_all(schemes: &[Scheme]) -> String {
    schemes
        .iter()
        .map(Scheme::describe)
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: Scheme = Scheme::ApiKeyHeader {
        name: "Api-Key",
        header: "x-api-key",
    };
    const JWT: Scheme = Scheme::Bearer { name: "JWT" };
    static SPEC: AuthSpec = AuthSpec::new(
        Requirement::new(&[KEY], false),
        &[
            OperationAuth::new("GET", "/v3/banks", Requirement::new(&[], false)),
            OperationAuth::new(
                "POST",
                "/v3/payments/{id}/refunds",
                Requirement::new(&[JWT], false),
            ),
        ],
    );

    fn request(method: &str, url: &str) -> reqwest::Request {
        reqwest::Request::new(method.parse().unwrap(), url.parse().unwrap())
    }

    async fn run(auth: &Auth, method: &str, url: &str) -> Result<reqwest::Request, AuthError> {
        let mut r = request(method, url);
        apply(auth, &mut r).await.map(|()| r)
    }

    #[tokio::test]
    async fn api_key_goes_in_its_header_and_nothing_else() {
        let auth = Auth::new(&SPEC, Credentials::api_key("k-123")).unwrap();
        let r = run(&auth, "POST", "https://x.test/v3/payments")
            .await
            .unwrap();
        assert_eq!(r.headers()["x-api-key"], "k-123");
        assert!(r.headers()["x-api-key"].is_sensitive());
        assert!(r.headers().get("authorization").is_none());
    }

    #[tokio::test]
    async fn per_operation_security_wins() {
        let auth = Auth::new(&SPEC, Credentials::api_key("k")).unwrap();
        let open = run(&auth, "GET", "https://x.test/base/v3/banks")
            .await
            .unwrap();
        assert!(open.headers().is_empty(), "security: [] sends nothing");
        let err = run(&auth, "POST", "https://x.test/v3/payments/abc/refunds")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("`JWT` (bearer token)"), "{err}");
    }

    #[test]
    fn a_credential_the_spec_does_not_take_is_refused_early() {
        static ONLY_KEY: AuthSpec = AuthSpec::new(Requirement::new(&[KEY], false), &[]);
        let err = Auth::new(&ONLY_KEY, Credentials::bearer("t")).unwrap_err();
        assert!(
            err.to_string().contains("does not accept a bearer token"),
            "{err}"
        );
        assert!(
            !format!(
                "{:?}",
                Auth::new(&ONLY_KEY, Credentials::api_key("hunter2")).unwrap()
            )
            .contains("hunter2")
        );
    }

    #[test]
    fn templates_match_whole_segments_at_the_end() {
        assert!(path_matches("/v3/payments/{id}", "/v3/payments/abc"));
        assert!(path_matches("/2.0/banks", "/api/2.0/banks"));
        assert!(!path_matches("/v3/payments/{id}", "/v3/payments"));
        assert!(!path_matches("/v3/payments/{id}", "/v3/payments//"));
        assert!(!path_matches("/v3/banks", "/v3/bankss"));
    }
}

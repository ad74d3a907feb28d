//! Authentication from the spec: `components/securitySchemes` and the `security` requirements,
//! global and per operation, become the module's `AUTH` constant (a
//! `khipu_types::auth::AuthSpec`), which the generated client's pre-hook applies to every request.
//!
//! | scheme | becomes |
//! |---|---|
//! | `type: apiKey, in: header, name: H` | `Scheme::ApiKeyHeader` (header `H`) |
//! | `type: apiKey` with `x-khipu-auth: hmac-sha256-v2` | `Scheme::KhipuSigned` (Khipu's v2.0 signature) |
//! | `type: http, scheme: bearer` | `Scheme::Bearer` |
//! | anything else a requirement uses (query or cookie keys, basic, OAuth 2, OpenID Connect, mutual TLS) | an error pointing at the scheme |
//!
//! A requirement naming several schemes at once (all must be met) is refused too: a client holds
//! one credential. `{}` among the alternatives makes authentication optional.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::doc::resolve;
use crate::pointer::Pointer;
use crate::walk;

/// The value of `x-khipu-auth` that marks Khipu's v2.0 request signature.
pub const SIGNED_V2: &str = "hmac-sha256-v2";

/// One scheme, as the generator understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// A fixed key in a header.
    ApiKeyHeader {
        /// Scheme name.
        name: String,
        /// Header name.
        header: String,
    },
    /// A bearer token.
    Bearer {
        /// Scheme name.
        name: String,
    },
    /// Khipu's v2.0 signature.
    KhipuSigned {
        /// Scheme name.
        name: String,
    },
}

/// Alternatives (any one), and whether `{}` made authentication optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    /// The schemes, in the spec's order.
    pub schemes: Vec<Scheme>,
    /// `{}` is among the alternatives.
    pub optional: bool,
}

/// A spec's authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Auth {
    /// The top-level `security`.
    pub default: Requirement,
    /// `(METHOD, path, requirement)` for operations whose `security` differs from the default.
    pub operations: Vec<(String, String, Requirement)>,
}

impl Auth {
    /// `true` when some operation is signed with Khipu's v2.0 scheme.
    pub fn signs(&self) -> bool {
        self.default
            .schemes
            .iter()
            .chain(self.operations.iter().flat_map(|o| &o.2.schemes))
            .any(|s| matches!(s, Scheme::KhipuSigned { .. }))
    }
}

/// Reads the document's authentication.
pub fn read(doc: &Value) -> Result<Auth, (Pointer, String)> {
    let root = Pointer::root();
    let default = match doc.get("security") {
        Some(security) => requirement(doc, security, &root.push("security"))?,
        None => Requirement::default(),
    };
    let mut operations = Vec::new();
    for (path, method, op, at) in walk::operations(doc) {
        let Some(security) = op.get("security") else {
            continue;
        };
        let own = requirement(doc, security, &at.push("security"))?;
        if own != default {
            operations.push((method.to_uppercase(), path, own));
        }
    }
    Ok(Auth {
        default,
        operations,
    })
}

fn requirement(
    doc: &Value,
    security: &Value,
    at: &Pointer,
) -> Result<Requirement, (Pointer, String)> {
    let Some(alternatives) = security.as_array() else {
        return Err((
            at.clone(),
            "`security` must be a list of requirement objects".into(),
        ));
    };
    let mut out = Requirement::default();
    for (i, alternative) in alternatives.iter().enumerate() {
        let at = at.push(i.to_string());
        let Some(names) = alternative.as_object() else {
            return Err((at, "a security requirement must be a mapping".into()));
        };
        match names.len() {
            0 => out.optional = true,
            1 => {
                let name = names.keys().next().map(String::as_str).unwrap_or_default();
                let scheme = scheme(doc, name, &at)?;
                if !out.schemes.contains(&scheme) {
                    out.schemes.push(scheme);
                }
            }
            _ => {
                return Err((
                    at,
                    "a requirement naming several schemes at once (all required) is not supported: \
                     a khipu-rs client holds one credential"
                        .into(),
                ));
            }
        }
    }
    Ok(out)
}

fn scheme(doc: &Value, name: &str, used_at: &Pointer) -> Result<Scheme, (Pointer, String)> {
    let at = Pointer::root()
        .push("components")
        .push("securitySchemes")
        .push(name);
    let Some(raw) = doc.pointer(&format!(
        "/components/securitySchemes/{}",
        name.replace('~', "~0").replace('/', "~1")
    )) else {
        return Err((
            used_at.push(name),
            format!("security scheme `{name}` is not defined in components/securitySchemes"),
        ));
    };
    let def = resolve(doc, raw);
    let text = |k: &str| def.get(k).and_then(Value::as_str).unwrap_or_default();
    let unsupported = |what: String| {
        Err((
            at.clone(),
            format!(
                "security scheme `{name}` is {what}, which khipu-rs does not support \
                 (it knows apiKey in a header, http bearer, and Khipu's v2.0 signature)"
            ),
        ))
    };
    match (text("type"), def.get("x-khipu-auth")) {
        ("apiKey", Some(Value::String(mark))) if mark == SIGNED_V2 => Ok(Scheme::KhipuSigned {
            name: name.to_owned(),
        }),
        (_, Some(other)) => Err((
            at.push("x-khipu-auth"),
            format!(
                "`x-khipu-auth: {other}` is not known; the one value is `{SIGNED_V2}` on an apiKey scheme"
            ),
        )),
        ("apiKey", None) if text("in") == "header" && !text("name").is_empty() => {
            let header = text("name");
            if reqwest_header_name_ok(header) {
                Ok(Scheme::ApiKeyHeader {
                    name: name.to_owned(),
                    header: header.to_ascii_lowercase(),
                })
            } else {
                Err((
                    at.push("name"),
                    format!("`{header}` is not a valid HTTP header name"),
                ))
            }
        }
        ("apiKey", None) => unsupported(format!("an API key in `{}`", text("in"))),
        ("http", None) if text("scheme").eq_ignore_ascii_case("bearer") => Ok(Scheme::Bearer {
            name: name.to_owned(),
        }),
        ("http", None) => unsupported(format!("HTTP `{}` authentication", text("scheme"))),
        ("", None) => Err((
            at.push("type"),
            format!("security scheme `{name}` has no `type`"),
        )),
        (other, None) => unsupported(format!("of type `{other}`")),
    }
}

/// RFC 9110 token characters.
fn reqwest_header_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The `AUTH` item of a generated module.
pub fn tokens(auth: &Auth) -> TokenStream {
    let default = requirement_tokens(&auth.default);
    let ops = auth.operations.iter().map(|(method, path, r)| {
        let r = requirement_tokens(r);
        quote! { ::khipu_types::auth::OperationAuth::new(#method, #path, #r) }
    });
    quote! {
        /// How this API authenticates, from the spec's `securitySchemes` and `security`: build the
        /// client's `khipu_types::auth::Auth` with it.
        pub static AUTH: ::khipu_types::auth::AuthSpec =
            ::khipu_types::auth::AuthSpec::new(#default, &[#(#ops),*]);
    }
}

fn requirement_tokens(r: &Requirement) -> TokenStream {
    let schemes = r.schemes.iter().map(|s| match s {
        Scheme::ApiKeyHeader { name, header } => {
            quote! { ::khipu_types::auth::Scheme::ApiKeyHeader { name: #name, header: #header } }
        }
        Scheme::Bearer { name } => quote! { ::khipu_types::auth::Scheme::Bearer { name: #name } },
        Scheme::KhipuSigned { name } => {
            quote! { ::khipu_types::auth::Scheme::KhipuSigned { name: #name } }
        }
    });
    let optional = r.optional;
    quote! { ::khipu_types::auth::Requirement::new(&[#(#schemes),*], #optional) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemes: Value, security: Value) -> Value {
        json!({"openapi": "3.1.0", "security": security,
               "components": {"securitySchemes": schemes},
               "paths": {"/v3/banks": {"get": {"responses": {"200": {"description": "ok"}}}},
                         "/v3/open": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}}}})
    }

    #[test]
    fn api_key_bearer_and_signed_schemes() {
        let d = doc(
            json!({"Api-Key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                   "JWT": {"type": "http", "scheme": "Bearer"},
                   "khipu": {"type": "apiKey", "in": "header", "name": "Authorization", "x-khipu-auth": SIGNED_V2}}),
            json!([{"JWT": []}, {"Api-Key": []}, {"khipu": []}, {}]),
        );
        let auth = read(&d).unwrap();
        assert_eq!(
            auth.default.schemes,
            [
                Scheme::Bearer { name: "JWT".into() },
                Scheme::ApiKeyHeader {
                    name: "Api-Key".into(),
                    header: "x-api-key".into()
                },
                Scheme::KhipuSigned {
                    name: "khipu".into()
                },
            ]
        );
        assert!(auth.default.optional && auth.signs());
        assert_eq!(
            auth.operations,
            [("GET".into(), "/v3/open".into(), Requirement::default())]
        );
    }

    #[test]
    fn unknown_schemes_are_errors_that_point_at_them() {
        for (scheme, at) in [
            (
                json!({"type": "oauth2", "flows": {}}),
                "#/components/securitySchemes/S",
            ),
            (
                json!({"type": "apiKey", "in": "query", "name": "k"}),
                "#/components/securitySchemes/S",
            ),
            (
                json!({"type": "http", "scheme": "basic"}),
                "#/components/securitySchemes/S",
            ),
            (
                json!({"type": "apiKey", "in": "header", "name": "x", "x-khipu-auth": "v9"}),
                "#/components/securitySchemes/S/x-khipu-auth",
            ),
            (
                json!({"in": "header"}),
                "#/components/securitySchemes/S/type",
            ),
        ] {
            let err = read(&doc(json!({"S": scheme}), json!([{"S": []}]))).unwrap_err();
            assert_eq!(err.0.to_string(), at, "{}", err.1);
        }
        let err = read(&doc(json!({}), json!([{"Nope": []}]))).unwrap_err();
        assert_eq!(err.0.to_string(), "#/security/0/Nope");
        let both = doc(
            json!({"A": {"type": "http", "scheme": "bearer"}, "B": {"type": "http", "scheme": "bearer"}}),
            json!([{"A": [], "B": []}]),
        );
        assert!(
            read(&both)
                .unwrap_err()
                .1
                .contains("several schemes at once")
        );
    }
}

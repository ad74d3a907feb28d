//! What a generated module says about itself: its operations (read from the document, each
//! bank operation with the parameters its spec declares and what the `Bank` trait can serve with
//! it), its default server, and the items placed before progenitor's: `SPEC_SHA256`, `AUTH`,
//! `DEFAULT_BASE_URL`, the `ApiClient` impl and, for a bank, its catalog entry `INFO`.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::identity::Identity;
use crate::model::{CONTAINERS, Container, DataKind, KNOWN_PARAMS};
use crate::{auth, doc, pointer, walk};

/// One operation of a generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// operationId after normalization.
    pub operation_id: String,
    /// The method progenitor generates for it.
    pub client_method: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path as in the spec.
    pub path: String,
    /// The spec's summary (empty if none).
    pub summary: String,
    /// Marked deprecated.
    pub deprecated: bool,
    /// Has a 202 response (CallbackUrl).
    pub accepts_callback: bool,
    /// Its request parameters (in `RequestData`, or at the top of the body when there is none),
    /// as the spec declares them; `AccountCredential` is not one.
    pub params: Vec<Param>,
    /// What the `Bank` trait can use it for, or why it cannot.
    pub capability: Result<Capability, String>,
    /// How it may be repeated after a failed attempt ([`retry_rule`]).
    pub retry: Retry,
}

/// How an operation may be repeated: `khipu_types::client::Retry`, decided by [`retry_rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retry {
    /// Repeated on the error's advice.
    Read,
    /// Repeated only when it never reached Khipu or Khipu asked for it.
    Callback,
    /// Sent once.
    Write,
}

impl Retry {
    /// The `khipu_types::client::Retry` variant.
    pub fn variant(self) -> &'static str {
        match self {
            Retry::Read => "Read",
            Retry::Callback => "Callback",
            Retry::Write => "Write",
        }
    }
}

/// The overlay extension that overrides an operation's retry rule (`read`, `callback`, `write`),
/// with the source that says so in [`RETRY_SOURCE`].
pub const RETRY: &str = "x-khipu-retry";
/// Where the override's fact comes from (required with [`RETRY`]).
pub const RETRY_SOURCE: &str = "x-khipu-retry-source";

/// The stated rule: `x-khipu-retry` when the operation has it; else `GET` and `HEAD` are reads; a
/// bank API's operations are reads (Open Data POSTs what to read), those answering 202 to a
/// `CallbackUrl` callbacks; everything else is a write.
pub fn retry_rule(
    op: &serde_json::Map<String, Value>,
    method: &str,
    bank: bool,
) -> Result<Retry, String> {
    if let Some(value) = op.get(RETRY) {
        if op
            .get(RETRY_SOURCE)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(format!(
                "`{RETRY}` needs `{RETRY_SOURCE}`: the fact that the API allows it, with its source"
            ));
        }
        return match value.as_str() {
            Some("read") => Ok(Retry::Read),
            Some("callback") => Ok(Retry::Callback),
            Some("write") => Ok(Retry::Write),
            _ => Err(format!(
                "`{RETRY}` is {value}; expected \"read\", \"callback\" or \"write\""
            )),
        };
    }
    Ok(match method.to_ascii_uppercase().as_str() {
        "GET" | "HEAD" => Retry::Read,
        _ if bank && accepts_callback(op) => Retry::Callback,
        _ if bank => Retry::Read,
        _ => Retry::Write,
    })
}

/// The operation answers 202 when given a `CallbackUrl`.
fn accepts_callback(op: &serde_json::Map<String, Value>) -> bool {
    op.get("responses").and_then(|r| r.get("202")).is_some()
}

/// Every operation's retry rule can be read: a malformed `x-khipu-retry` names its operation.
pub(crate) fn check_retry_rules(
    doc: &Value,
    identity: &Identity,
) -> Result<(), (pointer::Pointer, String)> {
    let bank = matches!(identity, Identity::Bank(_));
    for (_, method, op, at) in walk::operations(doc) {
        retry_rule(op, method, bank).map_err(|message| (at.push(RETRY), message))?;
    }
    Ok(())
}

/// What the `Bank` trait can use a bank operation for, found from its spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capability {
    /// The Data container it returns (`Transaction`).
    pub container: String,
}

impl Capability {
    /// What it serves on the `Bank` trait.
    pub fn kind(&self) -> DataKind {
        Container::named(&self.container).map_or(DataKind::AccountLink, |c| c.kind)
    }
}

/// A request parameter of a bank operation (in `RequestData`, or top level for Account Link).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Param {
    /// Khipu's name (`AccountNumber`).
    pub name: String,
    /// Must be sent.
    pub required: bool,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
}

/// The operations of the generated client; `declared` is the document before the canonical passes
/// replaced the bank's request bodies, where the parameters and their limits are read.
pub(crate) fn operations(doc: &Value, declared: &Value, identity: &Identity) -> Vec<Operation> {
    let bank = matches!(identity, Identity::Bank(_));
    walk::operations(doc)
        .into_iter()
        .map(|(path, method, op, at)| {
            let params = match doc::lookup(declared, &at) {
                Some(declared_op) if bank => params(declared, declared_op),
                _ => Vec::new(),
            };
            let capability = if bank {
                capability(doc, op, &params)
            } else {
                Err("not a bank operation".into())
            };
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            Operation {
                retry: retry_rule(op, method, bank).unwrap_or(Retry::Write),
                client_method: operation_id.to_snake_case(),
                operation_id,
                http_method: method.to_uppercase(),
                path,
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
                accepts_callback: accepts_callback(op),
                params,
                capability,
            }
        })
        .collect()
}

/// The request parameters of a bank operation with the limits the spec puts on them.
fn params(doc: &Value, op: &Value) -> Vec<Param> {
    let body = op
        .get("requestBody")
        .map(|b| doc::resolve(doc, b))
        .and_then(|b| doc::body_schema(b))
        .map(|s| doc::resolve(doc, s))
        .unwrap_or(&Value::Null);
    let holder = match body.get("properties").and_then(|p| p.get("RequestData")) {
        Some(rd) => doc::resolve(doc, rd),
        None => body,
    };
    let required: Vec<&str> = holder
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    holder
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| *name != "AccountCredential")
        .map(|(name, schema)| {
            let limits = doc::StringLimits::of(doc::resolve(doc, schema));
            Param {
                name: name.clone(),
                required: required.contains(&name.as_str()),
                min_length: limits.min_length,
                max_length: limits.max_length,
                pattern: limits.pattern,
            }
        })
        .collect()
}

/// What the operation returns (only if its envelope is canonical), if the `Bank` trait can fill
/// every parameter it requires.
fn capability(
    doc: &Value,
    op: &serde_json::Map<String, Value>,
    params: &[Param],
) -> Result<Capability, String> {
    let (_, response) = doc::success(doc, op).ok_or("no success body")?;
    let schema = doc::body_schema(response).ok_or("no success body")?;
    let reference = schema
        .get("$ref")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let container = CONTAINERS
        .iter()
        .find(|c| reference == format!("#/components/schemas/{}", c.stub()))
        .map(|c| c.name.to_owned())
        .ok_or("its response does not fit the canonical model")?;
    let top_level = container == "AccountLink";
    if let Some(p) = params
        .iter()
        .find(|p| p.required && !top_level && !KNOWN_PARAMS.contains(&p.name.as_str()))
    {
        return Err(format!(
            "it requires `{}`, which the Bank trait cannot fill",
            p.name
        ));
    }
    Ok(Capability { container })
}

/// Where Khipu serves the API: the spec's first server, an absolute `https` (or `http`) URL
/// without a trailing slash. Every client needs a default base URL, so a spec without one is
/// refused, pointing at `servers`.
pub(crate) fn server_url(doc: &Value) -> Result<String, (pointer::Pointer, String)> {
    let at = pointer::Pointer::root().push("servers");
    let url = doc
        .get("servers")
        .and_then(|s| s.get(0))
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            (
                at.clone(),
                "the spec names no server (`servers: [{url: https://...}]`); the client needs it as its default base URL".to_owned(),
            )
        })?;
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    if !absolute || url.contains('{') {
        return Err((
            at.push("0").push("url"),
            format!(
                "`{url}` is not an absolute http(s) URL without variables; the client needs one as its default base URL"
            ),
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// What the preamble says about a module.
pub(crate) struct Module<'a> {
    /// The spec below `specs/`, without its extension (`payments/v3.0`).
    pub(crate) spec: &'a str,
    pub(crate) identity: &'a Identity,
    pub(crate) title: &'a str,
    pub(crate) version: &'a str,
    pub(crate) sha256: &'a str,
    /// `None` for a module of types only.
    pub(crate) base_url: Option<&'a str>,
    pub(crate) operations: &'a [Operation],
    pub(crate) auth: &'a auth::Auth,
}

/// Items placed before progenitor's: what the module says about itself.
pub(crate) fn preamble(module: &Module<'_>) -> TokenStream {
    let Module {
        spec,
        identity,
        title,
        version,
        sha256,
        base_url,
        operations,
        auth,
    } = *module;
    let sha_doc = " SHA-256 of the spec this module was generated from.";
    let auth = auth::tokens(auth);
    let head = quote! {
        #[doc = #sha_doc]
        pub const SPEC_SHA256: &str = #sha256;
        #auth
    };
    let Some(base_url) = base_url else {
        return head;
    };
    let url_doc = " Where Khipu serves this API (the spec's first server).";
    let name = identity.name();
    let head = quote! {
        #head
        #[doc = #url_doc]
        pub const DEFAULT_BASE_URL: &str = #base_url;
        impl ::khipu_types::client::ApiClient for Client {
            const NAME: &'static str = #name;
            fn auth() -> &'static ::khipu_types::auth::AuthSpec {
                &AUTH
            }
            fn default_base_url() -> &'static str {
                DEFAULT_BASE_URL
            }
            fn from_parts(
                base_url: &str,
                http: ::reqwest::Client,
                options: ::khipu_types::client::Options,
            ) -> Self {
                Self::new_with_client(base_url, http, options)
            }
        }
    };
    let bank_api = matches!(identity, Identity::Bank(_));
    let consts = operations.iter().map(|o| {
        let name = quote::format_ident!("{}", o.client_method.to_uppercase());
        let (id, method, http, path, summary) =
            (&o.operation_id, &o.client_method, &o.http_method, &o.path, &o.summary);
        let retry = quote::format_ident!("{}", o.retry.variant());
        let doc = format!(" `{http} {path}`: {summary}");
        quote! {
            #[doc = #doc]
            pub const #name: ::khipu_types::client::Operation = ::khipu_types::client::Operation::new(
                <super::Client as ::khipu_types::client::ApiClient>::NAME, #bank_api, #id, #method,
                #http, #path, ::khipu_types::client::Retry::#retry, #summary,
            );
        }
    });
    let all = operations
        .iter()
        .map(|o| quote::format_ident!("{}", o.client_method.to_uppercase()));
    let head = quote! {
        #head
        /// Every operation of this API, as its spec declares it: the constants the facade, the
        /// CLI and the sandbox name operations by, so a renamed operation is a compile error.
        pub mod operations {
            #(#consts)*
            /// All of them, in the spec's order.
            pub const ALL: &[::khipu_types::client::Operation] = &[#(#all),*];
        }
        /// This API as a whole: its name, spec, server, auth and operations.
        pub const API: ::khipu_types::client::ApiInfo = ::khipu_types::client::ApiInfo::new(
            <Client as ::khipu_types::client::ApiClient>::NAME, #bank_api, #spec,
            DEFAULT_BASE_URL, &AUTH, operations::ALL,
        );
    };
    let Identity::Bank(bank) = identity else {
        return head;
    };
    let (id, country, segment, domain) = (bank.id(), &bank.country, &bank.segment, &bank.domain);
    let ops = operations.iter().map(|o| {
        let (op_id, method, http, path, summary) =
            (&o.operation_id, &o.client_method, &o.http_method, &o.path, &o.summary);
        let mut info = quote! { ::khipu_types::catalog::OperationInfo::new(#op_id, #method, #http, #path, #summary) };
        if o.deprecated {
            info.extend(quote! { .deprecated() });
        }
        if o.accepts_callback {
            info.extend(quote! { .callback() });
        }
        if let Ok(c) = &o.capability {
            let kind = quote::format_ident!("{}", c.kind().variant());
            info.extend(quote! { .serves(::khipu_types::catalog::DataKind::#kind) });
        }
        if !o.params.is_empty() {
            let params = o.params.iter().map(|p| {
                let (name, required) = (&p.name, p.required);
                let mut param = quote! { ::khipu_types::catalog::Param::new(#name, #required) };
                if let Some(n) = p.min_length {
                    param.extend(quote! { .min_length(#n) });
                }
                if let Some(n) = p.max_length {
                    param.extend(quote! { .max_length(#n) });
                }
                if let Some(pattern) = &p.pattern {
                    param.extend(match crate::pattern::parse(pattern) {
                        Some(compiled) => {
                            let compiled = compiled.tokens();
                            quote! { .pattern(#pattern, #compiled) }
                        }
                        None => quote! { .regex(#pattern) },
                    });
                }
                param
            });
            info.extend(quote! { .params(&[#(#params),*]) });
        }
        info
    });
    quote! {
        #head
        /// This bank in the catalog: its identity and the operations its spec describes.
        pub const INFO: ::khipu_types::catalog::BankInfo = ::khipu_types::catalog::BankInfo::new(
            #id, #country, #segment, #domain, #title, #version, #sha256, &[#(#ops),*],
            DEFAULT_BASE_URL, &AUTH,
        );
    }
}

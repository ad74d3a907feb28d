//! The khipu-rs generator engine: the one implementation behind `cargo xtask codegen` and the
//! `khipu_codegen::bank!` / `payments!` macros.
//!
//! A spec goes through four steps:
//! 1. [`load`]: YAML or JSON to a JSON document, with its SHA-256;
//! 2. [`normalize`]: small named passes that make Khipu's documents acceptable to progenitor,
//!    OpenAPI 3.1 / JSON Schema 2020-12 included (every construct and what becomes of it is in the
//!    table of the `normalize::openapi31` module);
//! 3. [`generate`]: progenitor-impl in builder style;
//! 4. [`postprocess`]: passes over the generated syntax tree (open enums, offset-keeping
//!    timestamps, a non-panicking constructor).
//!
//! Every failure is a [`SpecError`] naming the file and the place in it; nothing panics on a bad
//! spec. [`workspace`] lays the clients out as the `khipu-generated` crate, and [`api`] says what a
//! regeneration changed for users (API summaries, semver classes, the changelog).
#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod error;
pub mod generate;
pub mod identity;
pub mod load;
pub mod normalize;
pub mod overlay;
pub mod postprocess;
#[cfg(test)]
mod testing;
pub mod walk;
pub mod workspace;

/// The document model every pass queries (the `khipu-doc` crate, shared with the sandbox).
pub use khipu_doc as doc;
pub use khipu_doc::pointer;

use std::path::Path;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

pub use error::{SpecError, Warning};
pub use identity::{BankId, Identity};
pub use normalize::Report;

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
}

/// What the `Bank` trait can use a bank operation for, found from its spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capability {
    /// The Data container it returns (`Transaction`).
    pub container: String,
}

impl Capability {
    /// The `khipu_types::catalog::DataKind` variant it serves on the `Bank` trait (`Transactions`).
    pub fn kind(&self) -> &'static str {
        normalize::CONTAINERS
            .iter()
            .find(|c| c.name == self.container)
            .map_or("AccountLink", |c| c.kind)
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

/// The request parameters the `Bank` trait knows how to fill: the fields of
/// `khipu_types::banking::RequestData` besides the credential.
pub const KNOWN_PARAMS: [&str; 6] = [
    "AccountNumber",
    "LastDigits",
    "Currency",
    "BookingDate",
    "BookingDateStart",
    "BookingDateEnd",
];

/// A generated client.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Client {
    /// The spec file's name, as given.
    pub spec: String,
    /// Hex SHA-256 of the spec file.
    pub sha256: String,
    /// Bank or payments.
    pub identity: Identity,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Its operations, in spec order.
    pub operations: Vec<Operation>,
    /// How it authenticates, from the spec.
    pub auth: auth::Auth,
    /// The overlay applied to the spec, if any.
    pub overlay: Option<load::Overlay>,
    /// The module body, as tokens (what the proc macros expand to).
    pub tokens: TokenStream,
    /// The module's conformance hooks (`cargo xtask codegen` adds them behind a feature; the
    /// proc macros leave them out): see `postprocess::hooks`.
    pub hooks: TokenStream,
    /// What normalization and the code passes did.
    pub report: Report,
    /// Its public API, for the change report (module and feature are set by [`workspace`]).
    pub summary: api::ApiSummary,
}

impl Client {
    /// The module body, formatted (what `cargo xtask codegen` writes under its header).
    pub fn formatted(&self) -> Result<String, SpecError> {
        let file: syn::File = syn::parse2(self.tokens.clone()).map_err(|e| {
            SpecError::new(
                &self.spec,
                "",
                format!("generated code does not parse ({e}); please report it"),
            )
        })?;
        Ok(prettyplease::unparse(&file))
    }
}

/// Reads, normalizes and generates the client for the spec at `path`. `name` is how messages
/// refer to the file (for example the path relative to the repository).
pub fn generate_file(path: &Path, name: &str) -> Result<Client, SpecError> {
    let source = load::read_spec(path, name)?;
    generate_source(source, path)
}

/// Generates the client for an already-read spec; `path` places it in the `specs/` layout.
pub fn generate_source(source: load::Source, path: &Path) -> Result<Client, SpecError> {
    let load::Source {
        name,
        doc,
        sha256,
        overlay,
    } = source;
    let mut doc = doc::Doc::new(doc);
    let at = |(pointer, message): (pointer::Pointer, String)| {
        SpecError::new(&name, pointer.to_string(), message)
    };
    // The API summary lists the bank's own fields, which the canonical pass replaces.
    let mut declared = None;
    let mut report = normalize::normalize_observed(&mut doc, &mut |pass, doc| {
        if pass == normalize::CANONICAL_PASS {
            declared = Some(doc.clone());
        }
    })
    .map_err(|e| at((e.at, e.message)))?;
    let identity = identity::identify(&doc, path).map_err(at)?;
    let auth = auth::read(&doc).map_err(at)?;
    let spec = generate::parse(&doc).map_err(at)?;
    let bank = matches!(identity, Identity::Bank(_));
    let tokens = generate::tokens(&spec, &generate::replacements(&doc), bank)
        .map_err(|m| SpecError::new(&name, "", m))?;
    let tokens = postprocess::run_tokens(tokens, &mut report);
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        SpecError::new(
            &name,
            "",
            format!("progenitor produced code that does not parse ({e}); please report it"),
        )
    })?;
    postprocess::run(&mut file, &mut report);
    let hooks = postprocess::hooks(&file);
    let title = doc["info"]["title"].as_str().unwrap_or_default().to_owned();
    let version = doc["info"]["version"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let operations = operations(&doc, declared.as_ref().unwrap_or(&doc));
    // A module of types only (a webhooks document) is never called: it needs no server.
    let base_url = match operations.is_empty() {
        true => None,
        false => Some(server_url(&doc).map_err(at)?),
    };
    let preamble = preamble(
        &identity,
        &title,
        &version,
        &sha256,
        base_url.as_deref(),
        &operations,
        &auth,
    );
    let tokens = quote! { #preamble #file };
    let mut client = Client {
        spec: name,
        sha256,
        identity,
        title,
        version,
        operations,
        auth,
        overlay,
        tokens,
        hooks,
        report,
        summary: api::ApiSummary::default(),
    };
    client.summary = api::ApiSummary::read(declared.as_ref().unwrap_or(&doc), &client);
    Ok(client)
}

/// The operations of the generated client; `declared` is the document before the canonical passes
/// replaced the bank's request bodies, where the parameters and their limits are read.
fn operations(doc: &Value, declared: &Value) -> Vec<Operation> {
    let bank = normalize::is_bank(doc);
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
                accepts_callback: op.get("responses").and_then(|r| r.get("202")).is_some(),
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
    let container = normalize::CONTAINERS
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
fn server_url(doc: &Value) -> Result<String, (pointer::Pointer, String)> {
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

/// Items placed before progenitor's: what the module says about itself.
fn preamble(
    identity: &Identity,
    title: &str,
    version: &str,
    sha256: &str,
    base_url: Option<&str>,
    operations: &[Operation],
    auth: &auth::Auth,
) -> TokenStream {
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
            let kind = quote::format_ident!("{}", c.kind());
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
                    param.extend(quote! { .pattern(#pattern) });
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

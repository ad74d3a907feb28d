//! The khipu-rs generator engine: the one implementation behind `cargo xtask codegen` and the
//! `khipu_codegen::bank!` / `payments!` macros.
//!
//! A spec goes through these steps ([`generate_source`] is the whole pipeline):
//! 1. read: YAML or JSON to a JSON document with its SHA-256, its overlay applied
//!    (`khipu_doc::load`, shared with the sandbox);
//! 2. [`identity`]: which API it is (a bank, or a version of another API), decided once, first;
//! 3. [`normalize`]: small named passes that make Khipu's documents acceptable to progenitor,
//!    OpenAPI 3.1 / JSON Schema 2020-12 included; the document as declared is kept for the
//!    catalog and the API summary, then the bank-only passes put in the shared model;
//! 4. [`generate`]: progenitor-impl in builder style;
//! 5. [`postprocess`]: passes over the generated syntax tree (open enums, offset-keeping
//!    timestamps, exact money, a non-panicking constructor);
//! 6. [`catalog`]: what the module says about itself (`INFO`, `AUTH`, `DEFAULT_BASE_URL`).
//!
//! Every failure is a [`SpecError`] naming the file and the place in it; nothing panics on a bad
//! spec. [`workspace`] lays the clients out as the `khipu-generated` crate (plan, render, write),
//! [`format`](mod@format) is the one formatter, and [`api`] says what a regeneration changed for users.
//!
//! # Layers
//!
//! Each module uses only modules of its own layer or below (`tests/layers.rs` reads every `use`
//! line of the tree and fails on an upward one):
//!
//! | layer | modules | what |
//! |---|---|---|
//! | 0 | `error`, `pass` | what everything may fail with; the passes' plumbing (errors, fix log, registry entry) |
//! | 1 | `model`, `identity`, `walk`, `auth`, `pattern` | the canonical model; reading a document (who it is, where its schemas and operations are, how it authenticates, its `pattern`s compiled) |
//! | 2 | `normalize`, `postprocess` | the passes, over the document and over generated code |
//! | 3 | `generate`, `catalog`, `api`, `format` | progenitor; the module's own items; API summaries; the formatter |
//! | 4 | `workspace` | the `khipu-generated` crate: plan, render, write |
//!
//! `lib.rs` itself is the pipeline that strings layers 1 to 3 together.
#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod catalog;
pub mod error;
pub mod format;
pub mod generate;
pub mod identity;
pub mod model;
pub mod normalize;
pub mod pass;
pub(crate) mod pattern;
pub mod postprocess;
#[cfg(test)]
mod testing;
pub mod walk;
pub mod workspace;

/// The document model every pass queries (the `khipu-doc` crate, shared with the sandbox).
pub use khipu_doc as doc;
pub use khipu_doc::load;
pub use khipu_doc::pointer;

use std::path::Path;

use proc_macro2::TokenStream;
use quote::ToTokens;

pub use catalog::{Capability, Operation, Param};
pub use error::{SpecError, Warning};
pub use identity::{BankId, Identity};
pub use pass::Report;

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
    /// What normalization and the code passes did.
    pub report: Report,
    /// Its public API, for the change report (module and feature are set by [`workspace`]).
    pub summary: api::ApiSummary,
    /// Its code needs `regress` at run time (`khipu-types/regex`): a bank parameter's pattern
    /// outside the subset the generator compiles, or a pattern typify turned into a checked type.
    pub needs_regex: bool,
    /// Its code names chrono (`khipu-types/chrono`): a `format: date` or another chrono type the
    /// `date-times` pass routes through `khipu_types::chrono`.
    pub needs_chrono: bool,
}

/// A client's code: the module body, as a syntax tree, and its conformance hooks (not `Send`:
/// format it where it was made, with [`format::code`]).
#[derive(Debug, Clone)]
pub struct Code {
    /// The module body (what the proc macros expand to).
    pub file: syn::File,
    /// The module's conformance hooks (`cargo xtask codegen` adds them behind a feature; the
    /// proc macros leave them out): see `postprocess::hooks`.
    pub hooks: TokenStream,
}

impl Code {
    /// The module body as tokens (what the proc macros expand to).
    pub fn tokens(&self) -> TokenStream {
        self.file.to_token_stream()
    }
}

/// A generated client: what it is, and its code.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Generated {
    /// Everything about the client but its code.
    pub client: Client,
    /// Its code.
    pub code: Code,
}

/// Reads, normalizes and generates the client for the spec at `path`. `name` is how messages
/// refer to the file (for example the path relative to the repository).
pub fn generate_file(path: &Path, name: &str) -> Result<Generated, SpecError> {
    let source = load::read_spec(path, name)?;
    generate_source(source, path)
}

/// Generates the client for an already-read spec; `path` places it in the `specs/` layout.
pub fn generate_source(source: load::Source, path: &Path) -> Result<Generated, SpecError> {
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
    let identity = identity::identify(&doc, path).map_err(at)?;
    let mut report = Report::default();
    let failed = |e: pass::PassError| at((e.at, e.message));
    normalize::run(normalize::DECLARED, &mut doc, &identity, &mut report).map_err(failed)?;
    // The API summary and the catalog's parameters read the document as the API declares it,
    // before the bank's own types give way to the shared model.
    let declared = doc.clone();
    normalize::run(normalize::FOR_GENERATION, &mut doc, &identity, &mut report).map_err(failed)?;
    let auth = auth::read(&doc).map_err(at)?;
    catalog::check_retry_rules(&doc, &identity).map_err(at)?;
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
    let operations = catalog::operations(&doc, &declared, &identity);
    let methods: Vec<&str> = operations
        .iter()
        .map(|o| o.client_method.as_str())
        .collect();
    let requests = postprocess::requests::run(&mut file, &methods);
    if requests != operations.len() {
        return Err(SpecError::new(
            &name,
            "",
            format!(
                "{requests} of {} operations have a builder the generator recognizes; progenitor's output changed shape, please report it",
                operations.len()
            ),
        ));
    }
    let hooks = postprocess::hooks(&file);
    let title = doc["info"]["title"].as_str().unwrap_or_default().to_owned();
    let version = doc["info"]["version"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // A module of types only (a webhooks document) is never called: it needs no server.
    let base_url = match operations.is_empty() {
        true => None,
        false => Some(catalog::server_url(&doc).map_err(at)?),
    };
    // The spec as named below `specs/`, without its extension (`payments/v3.0`): the same
    // module whether the document is JSON or YAML.
    let below_specs = name
        .rsplit_once("specs/")
        .map_or(name.as_str(), |(_, rest)| rest);
    let below_specs = below_specs
        .rsplit_once('.')
        .filter(|(_, ext)| matches!(*ext, "json" | "yaml" | "yml"))
        .map_or(below_specs, |(stem, _)| stem);
    let preamble = catalog::preamble(&catalog::Module {
        spec: below_specs,
        identity: &identity,
        title: &title,
        version: &version,
        sha256: &sha256,
        base_url: base_url.as_deref(),
        operations: &operations,
        auth: &auth,
    });
    // The module's own items first, then progenitor's.
    let preamble: syn::File = syn::parse2(preamble).map_err(|e| {
        SpecError::new(
            &name,
            "",
            format!("the module's preamble does not parse ({e}); please report it"),
        )
    })?;
    file.items.splice(0..0, preamble.items);
    let mut client = Client {
        spec: name,
        sha256,
        identity,
        title,
        version,
        operations,
        auth,
        overlay,
        report,
        summary: api::ApiSummary::default(),
        needs_regex: false,
        needs_chrono: false,
    };
    let code_text = file.to_token_stream().to_string();
    client.needs_regex = client
        .operations
        .iter()
        .flat_map(|o| &o.params)
        .filter_map(|p| p.pattern.as_deref())
        .any(|p| pattern::parse(p).is_none())
        || code_text.contains("regress");
    client.needs_chrono = names_crate(&file, "chrono");
    client.summary = api::ApiSummary::read(&declared, &client);
    Ok(Generated {
        client,
        code: Code { file, hooks },
    })
}

/// `true` when a path in `file` has a segment `krate` (`::khipu_types::chrono::NaiveDate`); docs
/// and string literals do not count ("synchronously" contains "chrono").
fn names_crate(file: &syn::File, krate: &str) -> bool {
    struct Finder<'a> {
        krate: &'a str,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            self.found |= path.segments.iter().any(|s| s.ident == self.krate);
            syn::visit::visit_path(self, path);
        }
    }
    let mut finder = Finder {
        krate,
        found: false,
    };
    syn::visit::Visit::visit_file(&mut finder, file);
    finder.found
}

#[cfg(test)]
mod needs_tests {
    use serde_json::{Value, json};

    /// Whether a one-operation document with `field` in its answer needs chrono, and regress.
    fn needs(field: Value) -> (bool, bool) {
        let generated = crate::testing::generate(
            json!({
                "openapi": "3.0.3",
                "info": {"title": "T", "version": "1"},
                "paths": {"/things": {"get": {
                    "operationId": "getThing",
                    "description": "Answers synchronously.",
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {"field": field}}
                    }}}}
                }}}
            }),
            "specs/payments/v9.0.yaml",
        );
        (generated.client.needs_chrono, generated.client.needs_regex)
    }

    #[test]
    fn a_date_needs_chrono_and_a_date_time_or_a_doc_saying_chrono_does_not() {
        assert_eq!(
            needs(json!({"type": "string", "format": "date"})),
            (true, false)
        );
        // Read by khipu_types::DateTime, which needs no date library.
        assert_eq!(
            needs(json!({"type": "string", "format": "date-time", "description": "chrono"})),
            (false, false)
        );
    }
}

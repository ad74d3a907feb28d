//! Passes over the code progenitor generated, for what no spec rewrite can express: enums that keep
//! unknown values, timestamps that keep their offset, and a constructor that cannot panic.
//!
//! They run on the syntax tree, so each is a small, testable rewrite of well-known shapes of
//! progenitor 0.15 / typify 0.8 output; a test over the real specs fails if those shapes change.

mod bounded_strings;
mod client_new;
mod date_times;
mod doc_lines;
mod empty_types;
mod form_bodies;
mod hooks;
mod money;
mod open_enums;
mod request_builders;
pub(crate) mod requests;

pub use hooks::hooks;

use crate::pass::{Log, Report};

/// A pass over generated code: rewrites the syntax tree, recording what it changed.
pub(crate) type CodeFn = fn(&mut syn::File, &mut Log);

/// One pass over generated code.
pub type CodePass = crate::pass::Pass<CodeFn>;

/// The passes, in order.
pub const CODE_PASSES: &[CodePass] = &[
    CodePass {
        name: "open-enums",
        fixes: "string enums keep values they do not know (and `\"\"` gets a real name) instead of failing to decode",
        banks_only: false,
        run: open_enums::run,
    },
    CodePass {
        name: "date-times",
        fixes: "`format: date-time` decodes to khipu_types::DateTime, which keeps Khipu's offset; chrono/regress paths use khipu_types' re-exports",
        banks_only: false,
        run: date_times::run,
    },
    CodePass {
        name: "money",
        fixes: "JSON numbers (Khipu's amounts) are khipu_types::Amount, an exact decimal: no f64 for money; `1000` on the wire",
        banks_only: false,
        run: money::run,
    },
    CodePass {
        name: "form-bodies",
        fixes: "form bodies are sent as khipu_types::form::pairs, every value with its exact text (an amount's digits)",
        banks_only: false,
        run: form_bodies::run,
    },
    CodePass {
        name: "request-builders",
        fixes: "typify's struct builders stay only for request bodies and the types they contain; answers are read, never built",
        banks_only: false,
        run: request_builders::run,
    },
    CodePass {
        name: "bounded-strings",
        fixes: "typify's length-checked string newtypes (one per field) become aliases of khipu_types::BoundedString<MIN, MAX>, compiled once per range",
        banks_only: false,
        run: bounded_strings::run,
    },
    CodePass {
        name: "empty-types",
        fixes: "a `types` module left with only its ConversionError (every schema shared) is removed, with its import",
        banks_only: false,
        run: empty_types::run,
    },
    CodePass {
        name: "client-new",
        fixes: "`Client::new` returns a Result and installs the TLS provider instead of unwrapping",
        banks_only: false,
        run: client_new::run,
    },
];

/// The token-level pass, run on progenitor's output before it is parsed: multi-line docs become
/// `///` lines, so rustfmt's indentation never turns prose into doctests.
pub fn run_tokens(
    tokens: proc_macro2::TokenStream,
    report: &mut Report,
) -> proc_macro2::TokenStream {
    doc_lines::run_tokens(tokens, &mut Log::new(DOC_LINES, report))
}

/// Name of the token-level pass, for summaries.
pub const DOC_LINES: &str = "doc-lines";

/// Every code pass's name, in the order they run (the token-level pass first).
pub fn names() -> impl Iterator<Item = &'static str> {
    std::iter::once(DOC_LINES).chain(CODE_PASSES.iter().map(|p| p.name))
}

/// Runs every code pass over `file`, recording what each changed in `report`.
pub fn run(file: &mut syn::File, report: &mut Report) {
    for pass in CODE_PASSES {
        (pass.run)(file, &mut Log::new(pass.name, report));
    }
}

/// The items of the top-level `mod types`, where typify puts every type.
pub(crate) fn types_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The last identifier of a type path (`X` in `super::types::X`).
pub(crate) fn last_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

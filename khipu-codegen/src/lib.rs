//! Build-time code generation for Khipu's APIs.
//!
//! ```ignore
//! mod demo_bank {
//!     khipu_codegen::bank!("specs/banking/cl/personal/demo-bank.khipu.com.yaml");
//! }
//! mod payments {
//!     khipu_codegen::payments!("specs/payments/v2.0.yaml");
//! }
//! ```
//!
//! Both macros run the same engine as `cargo xtask codegen` (`khipu-codegen-engine`) and expand
//! to exactly the module it writes into `khipu-generated`. A spec that cannot be generated
//! becomes a `compile_error!` with the message `cargo xtask codegen` prints: the file, the JSON
//! pointer of the place at fault, and what is wrong.
//!
//! The path is relative to the invoking crate's `CARGO_MANIFEST_DIR`, or else to the directory of
//! the source file that invokes the macro. The expansion names `khipu_types`, `progenitor_client`,
//! `reqwest`, `serde` and `serde_json`, which the invoking crate must depend on (as
//! `khipu-generated` does). A service that depends on `khipu-rs` alone uses `khipu::bank!` (its
//! `macro` feature) instead: the same expansion, naming those crates through the facade.

use std::path::{Path, PathBuf};

use khipu_codegen_engine::{Identity, generate_file};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

mod reroot;

/// Expands to the typed client of one bank's Open Data spec.
#[proc_macro]
pub fn bank(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), Expect::Bank, caller_dir(), None).into()
}

/// Expands to the typed client of a Payments API spec.
#[proc_macro]
pub fn payments(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), Expect::Payments, caller_dir(), None).into()
}

/// `bank!` for `khipu::bank!` (the facade's `macro` feature): the expansion names every runtime
/// crate through `::khipu::__private`, so the invoking crate needs no dependency but `khipu-rs`.
#[doc(hidden)]
#[proc_macro]
pub fn facade_bank(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let root = Some(&reroot::FACADE_ROOT[..]);
    expand(input.into(), Expect::Bank, caller_dir(), root).into()
}

/// `payments!` for `khipu::payments!`, as [`facade_bank!`].
#[doc(hidden)]
#[proc_macro]
pub fn facade_payments(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let root = Some(&reroot::FACADE_ROOT[..]);
    expand(input.into(), Expect::Payments, caller_dir(), root).into()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Bank,
    Payments,
}

fn caller_dir() -> Option<PathBuf> {
    proc_macro::Span::call_site()
        .local_file()
        .and_then(|f| f.parent().map(Path::to_path_buf))
}

fn expand(
    input: TokenStream,
    expect: Expect,
    caller_dir: Option<PathBuf>,
    root: Option<&[&str]>,
) -> TokenStream {
    let lit: syn::LitStr = match syn::parse2(input) {
        Ok(lit) => lit,
        Err(e) => {
            return syn::Error::new(e.span(), "expected the spec path as a string literal")
                .to_compile_error();
        }
    };
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    match expand_spec(
        &lit.value(),
        manifest_dir.as_deref(),
        caller_dir.as_deref(),
        expect,
    ) {
        Ok((tokens, file)) => {
            let tokens = match root {
                Some(root) => reroot::reroot(tokens, root),
                None => tokens,
            };
            // Rebuild when the spec changes.
            let file = file.to_string_lossy().into_owned();
            quote! { #tokens const _: &[u8] = include_bytes!(#file); }
        }
        Err(message) => quote_spanned! { lit.span() => compile_error!(#message); },
    }
}

/// The module body for the spec `name`, and the file it was read from.
fn expand_spec(
    name: &str,
    manifest_dir: Option<&Path>,
    caller_dir: Option<&Path>,
    expect: Expect,
) -> Result<(TokenStream, PathBuf), String> {
    let candidates: Vec<PathBuf> = [manifest_dir, caller_dir]
        .into_iter()
        .flatten()
        .map(|d| d.join(name))
        .collect();
    let Some(file) = candidates.iter().find(|p| p.is_file()).cloned() else {
        let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "{name}: spec not found (looked at {})",
            tried.join(" and ")
        ));
    };
    let generated = generate_file(&file, name).map_err(|e| e.to_string())?;
    match (&generated.client.identity, expect) {
        (Identity::Bank(_), Expect::Bank) | (Identity::Api { .. }, Expect::Payments) => {
            Ok((generated.code.tokens(), file))
        }
        (Identity::Bank(bank), Expect::Payments) => Err(format!(
            "{name}: this is the spec of bank `{}`; use khipu_codegen::bank!",
            bank.id()
        )),
        (Identity::Api { .. }, Expect::Bank) => Err(format!(
            "{name}: this is not a bank's spec; use khipu_codegen::payments!"
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use khipu_codegen_engine::workspace;

    use super::{Expect, expand_spec};

    fn repo() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
    }

    /// The macros expand to exactly what `cargo xtask codegen` wrote into khipu-generated, but
    /// for the conformance hooks, which only the generated crate carries.
    #[test]
    fn expansion_is_the_file_xtask_writes() {
        let plan = workspace::plan(repo()).expect("the specs generate");
        assert!(plan.clients.len() >= 4);
        for planned in &plan.clients {
            let expect = match planned.client.identity {
                khipu_codegen_engine::Identity::Bank(_) => Expect::Bank,
                _ => Expect::Payments,
            };
            let (tokens, file) =
                expand_spec(&planned.client.spec, Some(repo()), None, expect).unwrap();
            // The hooks only the generated crate carries, from the engine itself.
            let hooks = khipu_codegen_engine::generate_file(&file, &planned.client.spec)
                .unwrap()
                .code
                .hooks;
            let expanded = khipu_codegen_engine::format::module(
                &planned.client.spec,
                &quote::quote! { #tokens #hooks },
            )
            .unwrap();
            let on_disk = std::fs::read_to_string(repo().join(&planned.file)).unwrap();
            let body = on_disk
                .strip_prefix(&workspace::module_header(&planned.client))
                .expect("the file starts with its header");
            assert!(
                body == expanded,
                "{} differs from the macro expansion of {}",
                planned.file.display(),
                planned.client.spec
            );
        }
    }

    #[test]
    fn wrong_macro_and_missing_file_are_explained() {
        let err =
            expand_spec("specs/payments/v2.0.yaml", Some(repo()), None, Expect::Bank).unwrap_err();
        assert!(err.contains("use khipu_codegen::payments!"), "{err}");
        let err = expand_spec("specs/nope.yaml", Some(repo()), None, Expect::Bank).unwrap_err();
        assert!(err.starts_with("specs/nope.yaml: spec not found"), "{err}");
    }

    #[test]
    fn broken_spec_message_matches_the_engine() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
        let name = "specs/missing-responses.yaml";
        let err = expand_spec(name, None, Some(&dir), Expect::Bank).unwrap_err();
        let engine = khipu_codegen_engine::generate_file(&dir.join(name), name).unwrap_err();
        assert_eq!(err, engine.to_string());
    }
}

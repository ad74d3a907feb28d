//! The one formatter: generated tokens as `cargo fmt` would leave them (prettyplease, then
//! rustfmt with the workspace's edition). `cargo xtask codegen` writes what it returns, the proc
//! macros' test compares against it, and nothing else formats generated code.

use std::io::Write as _;
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;

use crate::error::SpecError;

/// `tokens` (a module body) formatted; `spec` names the file in errors.
pub fn module(spec: &str, tokens: &TokenStream) -> Result<String, SpecError> {
    let file: syn::File = syn::parse2(tokens.clone()).map_err(|e| does_not_parse(spec, &e))?;
    rustfmt(spec, &print(spec, &file)?)
}

/// A client's code with its conformance hooks, formatted: what `cargo xtask codegen` writes.
/// The syntax tree is printed as it is, not parsed again, unless it holds verbatim tokens (which
/// the printer cannot lay out).
pub fn code(spec: &str, code: &crate::Code) -> Result<String, SpecError> {
    let hooks: syn::File = syn::parse2(code.hooks.clone()).map_err(|e| does_not_parse(spec, &e))?;
    let mut file = code.file.clone();
    file.items.extend(hooks.items);
    if has_verbatim(&file.items) {
        return module(spec, &quote::ToTokens::to_token_stream(&file));
    }
    rustfmt(spec, &print(spec, &file)?)
}

/// prettyplease's text for `file`. It panics on what it cannot lay out (verbatim tokens); that
/// is an error naming the spec here, never a panic of the generator.
fn print(spec: &str, file: &syn::File) -> Result<String, SpecError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prettyplease::unparse(file))).map_err(
        |_| {
            SpecError::new(
                spec,
                "",
                "the code printer cannot lay out the generated code; please report it",
            )
        },
    )
}

/// Whether any item, in any inline module, is verbatim tokens.
fn has_verbatim(items: &[syn::Item]) -> bool {
    items.iter().any(|item| match item {
        syn::Item::Verbatim(_) => true,
        syn::Item::Mod(m) => m
            .content
            .as_ref()
            .is_some_and(|(_, items)| has_verbatim(items)),
        _ => false,
    })
}

fn does_not_parse(spec: &str, e: &syn::Error) -> SpecError {
    SpecError::new(
        spec,
        "",
        format!("generated code does not parse ({e}); please report it"),
    )
}

/// Rust source text formatted by rustfmt (`RUSTFMT`, else `rustfmt` on the `PATH`).
pub fn rustfmt(spec: &str, code: &str) -> Result<String, SpecError> {
    let fail = |m: String| SpecError::new(spec, "", m);
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(format!(
                "cannot run rustfmt ({e}); install it with `rustup component add rustfmt`"
            ))
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| fail("rustfmt has no stdin".into()))?;
    let input = code.to_owned();
    // Written from another thread: rustfmt may fill its stdout before it has read all its input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| fail(format!("rustfmt failed: {e}")))?;
    writer
        .join()
        .map_err(|_| fail("rustfmt input thread failed".into()))?
        .map_err(|e| fail(format!("rustfmt input: {e}")))?;
    if !out.status.success() {
        return Err(fail(format!(
            "rustfmt rejected the generated code: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    String::from_utf8(out.stdout).map_err(|e| fail(format!("rustfmt output is not UTF-8: {e}")))
}

//! Running progenitor on a normalized document.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::pointer::Pointer;

/// The one set of progenitor settings every client is generated with; `replacements` maps stub
/// component names to the Rust types that replace them (the canonical pass's output).
fn settings(replacements: &[(String, String)]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    // Every client holds its credential as the spec's auth says (`crate::auth`) and its limits, in
    // `khipu_types::client::Options`. The credential is applied to each request after it is built,
    // so a v2.0 signature covers exactly what goes on the wire; requests are sent through
    // `khipu_types::client::exec` (the `ClientHooks` impl added in `tokens`), which caps the body.
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq")
        .with_inner_type(quote::quote!(::khipu_types::client::Options))
        .with_pre_hook_async(quote::quote!(::khipu_types::client::prepare))
        .with_hooks(progenitor_impl::HooksMode::Expected);
    for (name, rust) in replacements {
        settings.with_replacement(name, rust, std::iter::empty());
    }
    settings
}

/// How every generated client sends a request: through `khipu_types::client::exec`, so the
/// response size limit holds for the typed clients as for the facade. A bank client first checks
/// the body against its spec's parameter limits (kept in `INFO`, since the request types are
/// shared by every bank).
fn client_hooks(bank: bool) -> TokenStream {
    let pre = bank.then(|| {
        quote::quote! {
            async fn pre<E>(
                &self,
                request: &mut ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                INFO.check_request(info.operation_id, request)
                    .map_err(|e| ::progenitor_client::Error::InvalidRequest(e.to_string()))
            }
        }
    });
    quote::quote! {
        impl ::progenitor_client::ClientHooks<::khipu_types::client::Options> for Client {
            #pre
            async fn exec(
                &self,
                request: ::reqwest::Request,
                _info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                ::khipu_types::client::exec(
                    ::progenitor_client::ClientInfo::client(self),
                    ::progenitor_client::ClientInfo::inner(self),
                    request,
                )
                .await
            }
        }
    }
}

/// The replacements a normalized document asks for (`x-khipu-replacements`).
pub fn replacements(doc: &Value) -> Vec<(String, String)> {
    doc.get(crate::model::REPLACEMENTS)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Deserializes the document into openapiv3's model, naming the field at fault.
pub fn parse(doc: &Value) -> Result<OpenAPI, (Pointer, String)> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let mut at = Pointer::root();
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => at = at.push(index.to_string()),
                serde_path_to_error::Segment::Map { key } => at = at.push(key.as_str()),
                serde_path_to_error::Segment::Enum { variant } => at = at.push(variant.as_str()),
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        (
            at,
            format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        )
    })
}

/// progenitor's tokens for `spec` (`bank`: the module also has a catalog `INFO` its requests are
/// checked against). progenitor reports some problems by panicking; those are caught and returned
/// as errors so that a bad spec never takes the generator down.
pub fn tokens(
    spec: &OpenAPI,
    replacements: &[(String, String)],
    bank: bool,
) -> Result<TokenStream, String> {
    let run = catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings(replacements)).generate_tokens(spec)
    }));
    match run {
        Ok(Ok(mut tokens)) => {
            tokens.extend(client_hooks(bank));
            Ok(tokens)
        }
        Ok(Err(e)) => Err(format!("progenitor cannot generate a client: {e}")),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!(
                "progenitor failed on this document ({message}); please report it with the spec attached"
            ))
        }
    }
}

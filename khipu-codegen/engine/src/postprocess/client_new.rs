//! progenitor's `Client::new` builds its reqwest client with `.build().unwrap()`, which panics when
//! no rustls crypto provider is installed (our TLS feature leaves the choice to the application).
//! The generated constructor instead installs one if needed and returns the error, if any.

use syn::{ImplItem, Item};

use super::last_ident;
use crate::pass::Log;

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || last_ident(&imp.self_ty).is_none_or(|i| i != "Client") {
            continue;
        }
        for member in &mut imp.items {
            let ImplItem::Fn(f) = member else { continue };
            if f.sig.ident != "new" || f.sig.inputs.is_empty() {
                continue;
            }
            // progenitor's `new(baseurl[, inner])`: keep the parameters; the inner value is taken
            // as `impl Into<Inner>`, so `Client::new(base, auth)` works as well as with `Options`.
            let mut inputs = f.sig.inputs.clone();
            let mut extra = Vec::new();
            for arg in inputs.iter_mut().skip(1) {
                let syn::FnArg::Typed(t) = arg else { continue };
                let pat = t.pat.clone();
                let ty = t.ty.clone();
                *t.ty = syn::parse_quote!(impl ::std::convert::Into<#ty>);
                extra.push(quote::quote!(#pat.into()));
            }
            *f = syn::parse_quote! {
                /// Creates a client for `baseurl` with khipu-rs' HTTP defaults (see
                /// [`khipu_types::http::client_builder`]): TLS through rustls, 30 s timeouts,
                /// redirects not followed.
                ///
                /// `baseurl` is the scheme, host and optional port and path stem, such as
                /// `https://api.khipu.com`. Fails only if the HTTP client cannot be built.
                pub fn new(#inputs) -> ::std::result::Result<Self, ::reqwest::Error> {
                    ::std::result::Result::Ok(Self::new_with_client(baseurl, ::khipu_types::http::client()?, #(#extra),*))
                }
            };
            log.fix_item(
                "Client::new",
                "returns Result<Client, reqwest::Error> instead of panicking",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::pass::{Log, Report};
    use quote::quote;

    #[test]
    fn new_with_an_inner_value_keeps_it() {
        let mut file: syn::File = syn::parse2(quote! {
            impl Client {
                pub fn new(baseurl: &str, inner: Signer) -> Self { todo!() }
            }
        })
        .unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("client-new", &mut report));
        let out = quote!(#file).to_string();
        assert!(
            out.contains(
                "pub fn new (baseurl : & str , inner : impl :: std :: convert :: Into < Signer >)"
            ),
            "{out}"
        );
        assert!(out.contains("client () ? , inner . into ())"), "{out}");
    }

    #[test]
    fn new_no_longer_unwraps() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Client { baseurl: String }
            impl Client {
                pub fn new(baseurl: &str) -> Self { Self::new_with_client(baseurl, reqwest::ClientBuilder::new().build().unwrap()) }
                pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self { todo!() }
            }
        })
        .unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("client-new", &mut report));
        let out = quote!(#file).to_string();
        assert!(!out.contains("unwrap"), "{out}");
        assert!(out.contains("khipu_types :: http :: client ()"), "{out}");
        assert_eq!(report.fixes.len(), 1);
    }
}

//! typify's string enums fail on any value they do not list; Khipu adds values over time. Each one
//! is replaced by `khipu_types::open_enum!`, which keeps the same variants plus a catch-all, and the
//! impls typify wrote for it (Display, FromStr, TryFrom) are removed: the macro provides
//! infallible equivalents.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::{Fields, Item, ItemEnum};

use super::{last_ident, types_module};
use crate::pass::Log;

struct Variant {
    ident: syn::Ident,
    value: String,
    attrs: Vec<syn::Attribute>,
}

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let Some(items) = types_module(file) else {
        return;
    };
    let mut open: BTreeMap<String, Vec<Variant>> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Enum(e) = item
            && let Some(variants) = string_enum(e)
        {
            open.insert(e.ident.to_string(), variants);
        }
    }
    items.retain(|item| match item {
        Item::Impl(i) => {
            let target = last_ident(&i.self_ty)
                .map(ToString::to_string)
                .unwrap_or_default();
            let is_conversion = i
                .trait_
                .as_ref()
                .and_then(|(path, _)| path.segments.last())
                .is_some_and(|s| {
                    s.ident == "Display" || s.ident == "FromStr" || s.ident == "TryFrom"
                });
            !(is_conversion && open.contains_key(&target))
        }
        _ => true,
    });
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let Some(variants) = open.remove(&e.ident.to_string()) else {
            continue;
        };
        let name = e.ident.clone();
        let docs: Vec<_> = e
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect();
        let taken: Vec<String> = variants.iter().map(|v| v.ident.to_string()).collect();
        let unknown = ["Unknown", "UnknownValue", "Other"]
            .into_iter()
            .find(|n| !taken.iter().any(|t| t == n))
            .map(|n| format_ident!("{n}"))
            .unwrap_or_else(|| format_ident!("UnknownValue{}", taken.len()));
        let mut renamed_empty = false;
        let arms = variants.iter().map(|v| {
            let mut ident = v.ident.clone();
            if v.value.is_empty() && !taken.iter().any(|t| t == "Empty") {
                ident = format_ident!("Empty");
                renamed_empty = true;
            }
            let value = &v.value;
            let attrs = v.attrs.iter().filter(|a| a.path().is_ident("doc"));
            quote! { #(#attrs)* #ident = #value, }
        });
        let tokens = quote! {
            ::khipu_types::open_enum! {
                #(#docs)*
                pub enum #name {
                    #(#arms)*
                    ..#unknown
                }
            }
        };
        // A macro item, not verbatim tokens: the printer formats the tree as it is.
        *item = match syn::parse2::<syn::ItemMacro>(tokens.clone()) {
            Ok(mac) => Item::Macro(mac),
            Err(_) => Item::Verbatim(tokens),
        };
        let mut what = format!(
            "open enum ({} known values, others kept in `{unknown}`)",
            variants.len()
        );
        if renamed_empty {
            what.push_str("; the empty value is `Empty`");
        }
        log.fix_item(&format!("types::{name}"), what);
    }
}

/// The variants of an enum made only of unit variants with string names, the shape typify uses for
/// `type: string` + `enum`; `None` for any other enum.
fn string_enum(e: &ItemEnum) -> Option<Vec<Variant>> {
    let serde_tagged = e.attrs.iter().any(|a| {
        a.path().is_ident("serde") && {
            let mut tagged = false;
            let _ = a.parse_nested_meta(|m| {
                tagged |= m.path.is_ident("untagged")
                    || m.path.is_ident("tag")
                    || m.path.is_ident("content");
                if m.input.peek(syn::Token![=]) {
                    let _: syn::Expr = m.value()?.parse()?;
                }
                Ok(())
            });
            tagged
        }
    });
    if serde_tagged || e.variants.is_empty() {
        return None;
    }
    e.variants
        .iter()
        .map(|v| {
            if !matches!(v.fields, Fields::Unit) || v.discriminant.is_some() {
                return None;
            }
            Some(Variant {
                ident: v.ident.clone(),
                value: serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string()),
                attrs: v.attrs.clone(),
            })
        })
        .collect()
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                let lit: syn::LitStr = m.value()?.parse()?;
                rename = Some(lit.value());
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename
}

#[cfg(test)]
mod tests {
    use crate::pass::{Log, Report};
    use quote::quote;

    fn run(tokens: proc_macro2::TokenStream) -> (String, Report) {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("open-enums", &mut report));
        (quote!(#file).to_string(), report)
    }

    #[test]
    fn replaces_string_enums_and_their_impls() {
        let (out, report) = run(quote! {
            pub mod types {
                /// Origen de fondos.
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum FundsSource {
                    #[serde(rename = "debit")]
                    Debit,
                    #[serde(rename = "")]
                    X,
                    #[serde(rename = "not-available")]
                    NotAvailable,
                }
                impl ::std::fmt::Display for FundsSource { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() } }
                impl ::std::str::FromStr for FundsSource { type Err = (); fn from_str(v: &str) -> Result<Self, ()> { todo!() } }
                impl ::std::convert::TryFrom<&str> for FundsSource { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { todo!() } }
                impl ::std::convert::TryFrom<&str> for OperationId { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { todo!() } }
                #[serde(untagged)]
                pub enum Credential { Link(Link), Auth(Auth) }
            }
        });
        let expected = quote! {
            ::khipu_types::open_enum! {
                #[doc = r" Origen de fondos."]
                pub enum FundsSource { Debit = "debit", Empty = "", NotAvailable = "not-available", ..Unknown }
            }
        };
        assert!(out.contains(&expected.to_string()), "{out}");
        assert!(
            !out.contains("for FundsSource"),
            "typify's impls are gone: {out}"
        );
        assert!(out.contains("for OperationId"), "other types keep theirs");
        assert!(
            out.contains("pub enum Credential"),
            "tagged/untagged enums are not string enums"
        );
        assert_eq!(report.fixes.len(), 1);
        assert!(report.fixes[0].what.contains("`Empty`"));
    }

    #[test]
    fn picks_another_catch_all_when_unknown_is_a_value() {
        let (out, _) = run(
            quote! { pub mod types { #[derive(::serde::Deserialize)] pub enum S { Unknown, Known } } },
        );
        assert!(out.contains(".. UnknownValue"), "{out}");
    }
}

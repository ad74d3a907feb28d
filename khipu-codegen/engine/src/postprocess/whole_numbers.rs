//! serde writes every `f64` with a fraction (`1000.0`); Khipu documents amounts without needless
//! decimals (`1000`), and a form field's text is also what the payments signature covers. Every
//! `f64` field of a generated type serializes through `khipu_types::number`, which writes whole
//! values as integers.

use syn::{Fields, Item, Type};

use super::types_module;
use crate::normalize::Log;

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let Some(items) = types_module(file) else {
        return;
    };
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let serializes = s.attrs.iter().any(|a| {
            a.path().is_ident("derive") && quote::quote!(#a).to_string().contains("Serialize")
        });
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        if !serializes {
            continue;
        }
        for field in fields.named.iter_mut() {
            let helper = match number_kind(&field.ty) {
                Some(false) => "::khipu_types::number::serialize_f64",
                Some(true) => "::khipu_types::number::serialize_option_f64",
                None => continue,
            };
            field
                .attrs
                .push(syn::parse_quote!(#[serde(serialize_with = #helper)]));
            count += 1;
        }
    }
    if count > 0 {
        log.fix_item(
            "types",
            format!("{count} f64 fields write whole values as integers"),
        );
    }
}

/// `Some(false)` for `f64`, `Some(true)` for `Option<f64>`.
fn number_kind(ty: &Type) -> Option<bool> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident == "f64" {
        return Some(false);
    }
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(Type::Path(inner))) if inner.path.is_ident("f64") => {
            Some(true)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::{Log, Report};
    use quote::quote;

    #[test]
    fn f64_fields_get_the_whole_number_serializer() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct PaymentsCreateRequest {
                    pub amount: f64,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub discount: ::std::option::Option<f64>,
                    pub subject: ::std::string::String,
                }
                pub struct NotSerialized { pub amount: f64 }
            }
        })
        .unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("whole-numbers", &mut report));
        let out = quote!(#file).to_string();
        assert!(out.contains(r#"# [serde (serialize_with = "::khipu_types::number::serialize_f64")] pub amount : f64"#), "{out}");
        assert!(
            out.contains(
                r#"serialize_with = "::khipu_types::number::serialize_option_f64")] pub discount"#
            ),
            "{out}"
        );
        assert_eq!(out.matches("serialize_with").count(), 2, "{out}");
        assert_eq!(report.fixes.len(), 1);
    }
}

//! Money is exact. Khipu's documents use JSON `number` only for amounts (`amount`, `discount`,
//! `min_amount`, `max_amount`...; counts and ids are `integer` or `string`), and typify maps
//! `number` to `f64`. The rule: every `f64` in a generated `types` module, in fields, options,
//! lists and the builders' setters alike, becomes `khipu_types::Amount`, an exact decimal that
//! decodes numbers and decimal strings (`"1000.0000"`) and writes whole values as `1000`.
//!
//! Path and query parameters are not in `types` and keep their spec type (the v3.0 merchant id is
//! a `number` that is not money).

use syn::visit_mut::VisitMut;

use super::types_module;
use crate::pass::Log;

struct ToAmount(usize);

impl VisitMut for ToAmount {
    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        if ty.qself.is_none() && ty.path.is_ident("f64") {
            *ty = syn::parse_quote!(::khipu_types::Amount);
            self.0 += 1;
        } else {
            syn::visit_mut::visit_type_path_mut(self, ty);
        }
    }
}

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let Some(items) = types_module(file) else {
        return;
    };
    let mut visitor = ToAmount(0);
    for item in items.iter_mut() {
        visitor.visit_item_mut(item);
    }
    if visitor.0 > 0 {
        log.fix_item(
            "types",
            format!("{} uses of f64 are khipu_types::Amount", visitor.0),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::pass::{Log, Report};
    use quote::quote;

    #[test]
    fn every_f64_in_types_becomes_an_amount() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                pub struct PaymentsCreateRequest {
                    pub amount: f64,
                    pub discount: ::std::option::Option<f64>,
                    pub limits: ::std::vec::Vec<f64>,
                    pub count: i64,
                }
                pub mod builder {
                    pub struct PaymentsCreateRequest { amount: ::std::result::Result<f64, ::std::string::String> }
                    impl PaymentsCreateRequest {
                        pub fn amount<T>(self, value: T) -> Self where T: ::std::convert::TryInto<f64> { todo!() }
                    }
                }
            }
            pub fn merchant(id: f64) {}
        })
        .unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("money", &mut report));
        let out = quote!(#file).to_string();
        assert_eq!(
            out.matches("f64").count(),
            1,
            "only the path parameter keeps f64: {out}"
        );
        assert!(out.contains("pub fn merchant (id : f64)"), "{out}");
        assert_eq!(out.matches(":: khipu_types :: Amount").count(), 5, "{out}");
        assert!(out.contains("pub count : i64"), "{out}");
        assert_eq!(report.fixes.len(), 1);
    }
}

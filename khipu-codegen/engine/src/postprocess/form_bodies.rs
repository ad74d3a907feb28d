//! Form bodies keep every value's exact text. progenitor sends an
//! `application/x-www-form-urlencoded` body with `serde_urlencoded`, which has no way to write an
//! [`Amount`]'s digits (it is a raw JSON number) and would round through `f64` if it did. The
//! rule: every `.form_urlencoded(&body)` in a generated client sends
//! `khipu_types::form::pairs(&body)` instead, the body's fields as text pairs taken from its JSON
//! (exact numbers, dates as written, booleans as `true`/`false`); a body that has no form encoding
//! is refused before sending, as an `InvalidRequest`.
//!
//! [`Amount`]: https://docs.rs/khipu-types/latest/khipu_types/struct.Amount.html

use syn::visit_mut::VisitMut;

use crate::pass::Log;

struct ToPairs(usize);

impl VisitMut for ToPairs {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method != "form_urlencoded" || call.args.len() != 1 {
            return;
        }
        let Some(body) = call.args.first().cloned() else {
            return;
        };
        let pairs: syn::Expr = syn::parse_quote! {
            &::khipu_types::form::pairs(#body)
                .map_err(|e| Error::InvalidRequest(e.to_string()))?
        };
        call.args = syn::parse_quote!(#pairs);
        self.0 += 1;
    }
}

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let mut visitor = ToPairs(0);
    visitor.visit_file_mut(file);
    if visitor.0 > 0 {
        log.fix_item(
            "builder",
            format!(
                "{} form bodies are sent as khipu_types::form::pairs",
                visitor.0
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::pass::{Log, Report};
    use quote::quote;

    #[test]
    fn form_bodies_go_through_the_exact_pairs() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod builder {
                impl<'a> PostPayment<'a> {
                    pub async fn send(self) -> Result<(), Error<()>> {
                        let request = client.client.post(url).form_urlencoded(&body)?.build()?;
                        let other = client.client.post(url).json(&body).build()?;
                        Ok(())
                    }
                }
            }
        })
        .unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("form-bodies", &mut report));
        let out = quote!(#file).to_string();
        assert!(
            out.contains("form_urlencoded (& :: khipu_types :: form :: pairs (& body) . map_err (| e | Error :: InvalidRequest (e . to_string ())) ?) ?"),
            "{out}"
        );
        assert!(out.contains(". json (& body)"), "{out}");
        assert_eq!(report.fixes.len(), 1);
    }
}

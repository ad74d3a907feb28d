//! Conformance hooks: for each operation of a generated client, the type its `send` returns on
//! success and the type its `body` takes, read from the builders progenitor wrote, as two
//! functions a test can call with JSON text. `cargo xtask codegen` adds them to every module
//! behind the generated crate's `conformance` feature (khipu-rs' conformance test feeds them
//! random instances of the spec's schemas); the proc macros leave them out.

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit::Visit;

/// One builder: its operation (the client method's name), its success type, its body type.
#[derive(Default)]
struct Builder {
    operation: Option<String>,
    success: Option<syn::Type>,
    body: Option<syn::Type>,
}

/// Finds `OperationInfo { operation_id: "..." }` in a `send` body (also read by `requests`).
pub(super) struct OperationId(pub(super) Option<String>);

impl<'ast> Visit<'ast> for OperationId {
    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        if s.path.is_ident("OperationInfo") {
            for field in &s.fields {
                if let (syn::Member::Named(name), syn::Expr::Lit(lit)) =
                    (&field.member, &field.expr)
                    && name == "operation_id"
                    && let syn::Lit::Str(text) = &lit.lit
                {
                    self.0 = Some(text.value());
                }
            }
        }
        syn::visit::visit_expr_struct(self, s);
    }
}

/// The first generic argument of the last segment of a type path (`T` in `Result<T, E>`).
fn first_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn read(method: &syn::ImplItemFn, builder: &mut Builder) {
    if method.sig.ident == "send" {
        let mut id = OperationId(None);
        id.visit_block(&method.block);
        builder.operation = id.0;
        // `Result<ResponseValue<T>, Error<E>>`
        if let syn::ReturnType::Type(_, ret) = &method.sig.output
            && let Some(value) = first_argument(ret)
            && let Some(success) = first_argument(value)
        {
            builder.success = Some(success.clone());
        }
    }
    if method.sig.ident == "body" {
        // `where V: std::convert::TryInto<T>`
        let bound = method
            .sig
            .generics
            .where_clause
            .iter()
            .flat_map(|w| &w.predicates)
            .find_map(|p| {
                let syn::WherePredicate::Type(t) = p else {
                    return None;
                };
                t.bounds.iter().find_map(|b| match b {
                    syn::TypeParamBound::Trait(tr) => {
                        let last = tr.path.segments.last()?;
                        (last.ident == "TryInto").then_some(())?;
                        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                            return None;
                        };
                        args.args.iter().find_map(|a| match a {
                            syn::GenericArgument::Type(t) => Some(t.clone()),
                            _ => None,
                        })
                    }
                    _ => None,
                })
            });
        builder.body = bound;
    }
}

/// `pub mod conformance { decode_success, round_trip_request }` for the builders in `file`, or
/// nothing when it has no builders.
pub fn hooks(file: &syn::File) -> TokenStream {
    let Some(items) = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    }) else {
        return TokenStream::new();
    };
    let mut builders = Vec::new();
    for item in items {
        let syn::Item::Impl(imp) = item else { continue };
        let mut builder = Builder::default();
        for member in &imp.items {
            if let syn::ImplItem::Fn(f) = member {
                read(f, &mut builder);
            }
        }
        if builder.operation.is_some() {
            builders.push(builder);
        }
    }
    let decode = builders.iter().filter_map(|b| {
        let (op, ty) = (b.operation.as_ref()?, b.success.as_ref()?);
        // `()` and byte streams have nothing to decode.
        let text = quote!(#ty).to_string();
        if text == "()" || text.contains("ByteStream") {
            return None;
        }
        Some(quote! {
            #op => ::serde_json::from_str::<#ty>(json)
                .and_then(|answer| ::serde_json::to_string(&answer))
                .map_err(|e| e.to_string()),
        })
    });
    let round_trip = builders.iter().filter_map(|b| {
        let (op, ty) = (b.operation.as_ref()?, b.body.as_ref()?);
        Some(quote! {
            #op => ::serde_json::from_str::<#ty>(json)
                .and_then(|body| ::serde_json::to_string(&body))
                .map_err(|e| e.to_string()),
        })
    });
    quote! {
        /// Conformance hooks (feature `conformance`, for khipu-rs' tests): an operation's success
        /// answer decoded, and its request body read and written back, with the client's own
        /// types. Operations are named by their client method.
        #[cfg(feature = "conformance")]
        #[doc(hidden)]
        pub mod conformance {
            #[allow(unused_imports)]
            use super::*;

            /// Decodes `json` as `operation`'s success answer and writes it back (as a service
            /// that prints or stores it would); `None` for an operation without one.
            pub fn decode_success(operation: &str, json: &str) -> Option<Result<String, String>> {
                Some(match operation {
                    #(#decode)*
                    _ => return None,
                })
            }

            /// Reads `json` as `operation`'s request body and writes it back as the client sends
            /// it; `None` for an operation without a body.
            pub fn round_trip_request(operation: &str, json: &str) -> Option<Result<String, String>> {
                Some(match operation {
                    #(#round_trip)*
                    _ => return None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn reads_each_builders_types() {
        let file: syn::File = syn::parse2(quote! {
            pub mod builder {
                impl<'a> PostPayment<'a> {
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::PaymentPostPayment>,
                        <V as std::convert::TryInto<types::PaymentPostPayment>>::Error: std::fmt::Display,
                    { todo!() }
                    pub async fn send(self) -> Result<ResponseValue<types::PostPaymentResponse>, Error<()>> {
                        let info = OperationInfo { operation_id: "post_payment" };
                        todo!()
                    }
                }
                impl<'a> DeletePayment<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let info = OperationInfo { operation_id: "delete_payment" };
                        todo!()
                    }
                }
            }
        })
        .unwrap();
        let out = super::hooks(&file).to_string();
        assert!(
            out.contains(
                "\"post_payment\" => :: serde_json :: from_str :: < types :: PostPaymentResponse >"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "\"post_payment\" => :: serde_json :: from_str :: < types :: PaymentPostPayment >"
            ),
            "{out}"
        );
        assert!(!out.contains("\"delete_payment\""), "{out}");
        assert!(out.contains("cfg (feature = \"conformance\")"), "{out}");
    }
}

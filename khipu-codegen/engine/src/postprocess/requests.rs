//! `khipu_types::client::Request` for every builder progenitor wrote: its operation (the
//! module's `operations` constant), its success and error types (read from its `send`), its
//! options, and `send_once`. With it the facade sends any operation of any generated client one
//! way (`khipu::Call`), with the retry rule the generator decided.

use quote::quote;
use syn::visit::Visit;

use super::hooks::OperationId;

/// The generic arguments of the last segment of a type path (`T, E` in `Result<T, E>`).
fn arguments(ty: &syn::Type) -> Vec<&syn::Type> {
    let syn::Type::Path(p) = ty else {
        return Vec::new();
    };
    let Some(syn::PathArguments::AngleBracketed(args)) =
        p.path.segments.last().map(|s| &s.arguments)
    else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// The impl for one builder, when `imp` is a builder's and its operation (its client method) is
/// one of `methods`.
fn request(imp: &syn::ItemImpl, methods: &[&str]) -> Option<syn::Item> {
    if imp.trait_.is_some() {
        return None;
    }
    let send = imp.items.iter().find_map(|item| match item {
        syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    })?;
    let mut id = OperationId(None);
    id.visit_block(&send.block);
    let method = methods.iter().find(|m| Some(**m) == id.0.as_deref())?;
    // `Result<ResponseValue<T>, Error<E>>`
    let syn::ReturnType::Type(_, ret) = &send.sig.output else {
        return None;
    };
    let [value, error] = arguments(ret)[..] else {
        return None;
    };
    let (output, error_body) = (*arguments(value).first()?, *arguments(error).first()?);
    let constant = quote::format_ident!("{}", method.to_uppercase());
    let (generics, self_ty) = (&imp.generics, &imp.self_ty);
    syn::parse2(quote! {
        impl #generics ::khipu_types::client::Request for #self_ty {
            type Output = #output;
            type ErrorBody = #error_body;
            const OPERATION: &'static ::khipu_types::client::Operation =
                &super::operations::#constant;
            fn options(&self) -> &::khipu_types::client::Options {
                &self.client.inner
            }
            fn send_once(self) -> impl ::std::future::Future<Output = #ret> + Send {
                <#self_ty>::send(self)
            }
        }
    })
    .ok()
}

/// Adds the impls to the `builder` module of `file` for the operations whose client methods are
/// `methods` (the module's `operations` constants are named after them); returns how many.
pub fn run(file: &mut syn::File, methods: &[&str]) -> usize {
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return 0;
    };
    let impls: Vec<syn::Item> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) => request(imp, methods),
            _ => None,
        })
        .collect();
    let added = impls.len();
    items.extend(impls);
    added
}

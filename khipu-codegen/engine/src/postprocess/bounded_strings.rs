//! typify writes a newtype for every string with `minLength`/`maxLength`: a struct, eight derives
//! and six impls (about 50 lines), one per field and per path parameter, even when a hundred of
//! them say "at most 255 characters". Payments v3.0 had 53 (about 2,570 generated lines).
//!
//! The rule: a newtype over `String` whose whole check is a length range (typify's `chars().count()`
//! comparisons, nothing else) and whose impls and derives are typify's usual ones becomes
//! `pub type X = ::khipu_types::BoundedString<MIN, MAX>;` with its docs. The name, the checks, the
//! messages and the JSON stay; the code is compiled once per distinct range. A newtype with any
//! other check or impl (a pattern, a format) is left as typify wrote it.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::{BinOp, Expr, Fields, ImplItem, Item, Lit, Stmt};

use super::{last_ident, types_module};
use crate::pass::Log;

/// The derives `BoundedString` has too; a newtype deriving anything else keeps its own type.
const DERIVES: &[&str] = &[
    "Serialize",
    "Clone",
    "Debug",
    "Eq",
    "Hash",
    "Ord",
    "PartialEq",
    "PartialOrd",
];

/// The traits typify implements for a constrained string; `BoundedString` implements them all.
const TRAITS: &[&str] = &["Deref", "From", "FromStr", "TryFrom", "Deserialize"];

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let Some(items) = types_module(file) else {
        return;
    };
    let mut ranges = ranges(items);
    // A newtype with an impl this pass does not know keeps its type (and so its impls).
    for item in items.iter() {
        let Item::Impl(i) = item else { continue };
        let known = trait_name(i).is_some_and(|t| TRAITS.iter().any(|known| t == known));
        if let Some(owner) = owner(i).filter(|_| !known) {
            ranges.remove(&owner);
        }
    }
    if ranges.is_empty() {
        return;
    }
    items.retain(|item| match item {
        Item::Impl(i) => owner(i).is_none_or(|o| !ranges.contains_key(&o)),
        _ => true,
    });
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Some(&(min, max)) = ranges.get(&s.ident.to_string()) else {
            continue;
        };
        let docs = s.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let (vis, ident) = (&s.vis, &s.ident);
        let (min, max) = (bound(min), bound(max));
        *item = syn::parse_quote! {
            #(#docs)*
            #vis type #ident = ::khipu_types::BoundedString<#min, #max>;
        };
    }
    let distinct = ranges.values().collect::<BTreeSet<_>>().len();
    log.fix_item(
        "types",
        format!(
            "{} length-checked string newtypes are aliases of khipu_types::BoundedString ({distinct} distinct ranges)",
            ranges.len(),
        ),
    );
}

/// `0`, `255`, or `{ usize::MAX }` for no maximum.
fn bound(n: usize) -> TokenStream {
    if n == usize::MAX {
        quote!({ usize::MAX })
    } else {
        let n = Literal::usize_unsuffixed(n);
        quote!(#n)
    }
}

/// Every `pub struct X(String)` with only `DERIVES`, by name, with the range its `FromStr` checks.
fn ranges(items: &[Item]) -> BTreeMap<String, (usize, usize)> {
    let newtypes: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if is_string_newtype(&s.fields) && only_known_derives(&s.attrs) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let mut found = BTreeMap::new();
    for item in items {
        let Item::Impl(i) = item else { continue };
        let Some(name) = last_ident(&i.self_ty).map(ToString::to_string) else {
            continue;
        };
        let from_str = trait_name(i).is_some_and(|t| t == "FromStr");
        if !from_str || !newtypes.contains(&name) {
            continue;
        }
        let range = i.items.iter().find_map(|f| match f {
            ImplItem::Fn(f) if f.sig.ident == "from_str" => length_range(&f.block.stmts),
            _ => None,
        });
        if let Some(range) = range {
            found.insert(name, range);
        }
    }
    found
}

fn is_string_newtype(fields: &Fields) -> bool {
    let Fields::Unnamed(f) = fields else {
        return false;
    };
    f.unnamed.len() == 1 && quote!(#f).to_string().replace(' ', "") == "(::std::string::String)"
}

fn only_known_derives(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().all(|a| {
        if a.path().is_ident("doc") {
            return true;
        }
        if a.path().is_ident("serde") {
            // `transparent` is what `BoundedString`'s own impls do.
            return a
                .parse_args::<syn::Ident>()
                .is_ok_and(|i| i == "transparent");
        }
        if !a.path().is_ident("derive") {
            return false;
        }
        a.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        )
        .is_ok_and(|paths| {
            paths.iter().all(|p| {
                p.segments
                    .last()
                    .is_some_and(|s| DERIVES.contains(&s.ident.to_string().as_str()))
            })
        })
    })
}

/// The last segment of the trait an impl implements (`FromStr`); `None` for an inherent impl.
fn trait_name(i: &syn::ItemImpl) -> Option<&syn::Ident> {
    i.trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .map(|s| &s.ident)
}

/// The newtype an impl belongs to: its self type, or `X` in `impl From<X> for String`.
fn owner(i: &syn::ItemImpl) -> Option<String> {
    let self_ty = last_ident(&i.self_ty)?.to_string();
    if self_ty != "String" {
        return Some(self_ty);
    }
    let (path, _) = i.trait_.as_ref()?;
    let last = path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => last_ident(t).map(ToString::to_string),
        _ => None,
    }
}

/// typify's `from_str` for a length-checked string: `if value.chars().count() > N { return
/// Err(..) }` and `< N` checks, then `Ok(Self(value.to_string()))`. Anything else is `None`.
fn length_range(stmts: &[Stmt]) -> Option<(usize, usize)> {
    let (last, checks) = stmts.split_last()?;
    let end = match last {
        Stmt::Expr(e, None) => quote!(#e).to_string().replace(' ', ""),
        _ => return None,
    };
    if end != "Ok(Self(value.to_string()))" || checks.is_empty() {
        return None;
    }
    let (mut min, mut max) = (0, usize::MAX);
    for stmt in checks {
        let Stmt::Expr(Expr::If(check), _) = stmt else {
            return None;
        };
        let returns_err = check.else_branch.is_none()
            && matches!(check.then_branch.stmts.as_slice(),
                [Stmt::Expr(Expr::Return(r), _)] if r.expr.as_deref().is_some_and(is_err_call));
        let Expr::Binary(cond) = &*check.cond else {
            return None;
        };
        let left = &cond.left;
        let counted = quote!(#left).to_string().replace(' ', "");
        let Expr::Lit(syn::ExprLit {
            lit: Lit::Int(n), ..
        }) = &*cond.right
        else {
            return None;
        };
        let n = n.base10_parse::<usize>().ok()?;
        if !returns_err || counted != "value.chars().count()" {
            return None;
        }
        match cond.op {
            BinOp::Gt(_) => max = n,
            BinOp::Lt(_) => min = n,
            _ => return None,
        }
    }
    Some((min, max))
}

fn is_err_call(e: &Expr) -> bool {
    matches!(e, Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Err")))
}

#[cfg(test)]
mod tests {
    use crate::pass::Report;

    fn run(source: &str) -> (String, Report) {
        crate::testing::run_pass(super::run, source)
    }

    /// typify's output for one newtype, with `checks` as its `from_str` checks.
    fn newtype(name: &str, checks: &str) -> String {
        format!(
            r#"
            ///Docs of {name}.
            #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            #[serde(transparent)]
            pub struct {name}(::std::string::String);
            impl ::std::ops::Deref for {name} {{
                type Target = ::std::string::String;
                fn deref(&self) -> &::std::string::String {{ &self.0 }}
            }}
            impl ::std::convert::From<{name}> for ::std::string::String {{
                fn from(value: {name}) -> Self {{ value.0 }}
            }}
            impl ::std::str::FromStr for {name} {{
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {{
                    {checks}
                    Ok(Self(value.to_string()))
                }}
            }}
            impl ::std::convert::TryFrom<&str> for {name} {{
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {{ value.parse() }}
            }}
            impl<'de> ::serde::Deserialize<'de> for {name} {{
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where D: ::serde::Deserializer<'de> {{ todo!() }}
            }}"#
        )
    }

    const MAX_255: &str = r#"if value.chars().count() > 255usize { return Err("longer than 255 characters".into()); }"#;
    const MIN_3: &str =
        r#"if value.chars().count() < 3usize { return Err("shorter than 3 characters".into()); }"#;

    fn module(body: &str) -> String {
        format!("pub mod types {{ {body} pub mod error {{ pub struct ConversionError; }} }}")
    }

    #[test]
    fn length_checked_newtypes_become_aliases_with_their_docs_and_ranges() {
        let source = module(&format!(
            "{}{}{}",
            newtype("Id", MAX_255),
            newtype("Email", &format!("{MAX_255}{MIN_3}")),
            newtype("Code", MIN_3),
        ));
        let (out, report) = run(&source);
        for expected in [
            "///Docs of Id.\n    pub type Id = ::khipu_types::BoundedString<0, 255>;",
            "pub type Email = ::khipu_types::BoundedString<3, 255>;",
            "pub type Code = ::khipu_types::BoundedString<3, { usize::MAX }>;",
        ] {
            assert!(out.contains(expected), "{expected:?} missing from\n{out}");
        }
        assert!(!out.contains("impl"), "every impl goes:\n{out}");
        assert_eq!(report.fixes.len(), 1);
        assert!(
            report.fixes[0].what.starts_with("3 length-checked"),
            "{report:?}"
        );
        assert!(
            report.fixes[0].what.contains("(3 distinct ranges)"),
            "{report:?}"
        );
    }

    #[test]
    fn a_newtype_with_another_check_an_impl_or_a_derive_it_does_not_know_stays() {
        let pattern =
            format!("{MAX_255} if !value.starts_with('x') {{ return Err(\"pattern\".into()); }}");
        let source = module(&format!(
            "{}{}{} impl ::std::fmt::Display for Shown {{ }} {}",
            newtype("Patterned", &pattern),
            newtype("Shown", MAX_255),
            newtype("Defaulted", MAX_255).replace("Clone,", "Clone, Default,"),
            newtype("Plain", MAX_255),
        ));
        let (out, report) = run(&source);
        for kept in [
            "pub struct Patterned(",
            "pub struct Shown(",
            "pub struct Defaulted(",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from\n{out}");
        }
        assert!(
            out.contains("impl ::std::str::FromStr for Patterned"),
            "{out}"
        );
        assert!(out.contains("impl ::std::ops::Deref for Shown"), "{out}");
        assert!(
            out.contains("pub type Plain = ::khipu_types::BoundedString<0, 255>;"),
            "{out}"
        );
        assert!(
            report.fixes[0].what.starts_with("1 length-checked"),
            "{report:?}"
        );
    }

    #[test]
    fn a_module_without_such_newtypes_changes_nothing() {
        let source = module("pub struct Answer { pub id: String }");
        let (out, report) = run(&source);
        assert!(out.contains("pub struct Answer"), "{out}");
        assert!(report.fixes.is_empty(), "{report:?}");
    }
}

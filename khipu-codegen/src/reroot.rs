//! Expansions through the facade (`khipu::bank!`). Generated code names its runtime crates from
//! the extern prelude (`::serde::Deserialize`, `progenitor_client::encode_path`), which works only
//! when the invoking crate depends on each of them. A service that depends on `khipu-rs` alone
//! has none of them as direct dependencies, so every such path is re-rooted at the facade's
//! hidden re-export module, and serde's derives are told where serde is: without
//! `#[serde(crate = "...")]` their expansion says `extern crate serde`.
//!
//! The rule is on tokens, so it reaches inside attributes and macro calls that a syntax-tree
//! visitor sees as opaque: an identifier naming one of [`RUNTIME_CRATES`] and followed by `::`
//! starts a path to that crate (generated code has no items or fields by those names; `serde` in
//! `#[serde(rename = ..)]` is followed by parentheses, not `::`, and is left alone).

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// The crates generated code names by path; the facade re-exports each under its root.
pub(crate) const RUNTIME_CRATES: [&str; 5] = [
    "khipu_types",
    "progenitor_client",
    "reqwest",
    "serde",
    "serde_json",
];

/// The facade's hidden module that re-exports [`RUNTIME_CRATES`] (`::khipu::__private`).
pub(crate) const FACADE_ROOT: [&str; 2] = ["khipu", "__private"];

/// `tokens` with every path to a runtime crate starting at `::<root>::<crate>` instead, and a
/// `#[serde(crate = "::<root>::serde")]` after each derive of serde's traits.
pub(crate) fn reroot(tokens: TokenStream, root: &[&str]) -> TokenStream {
    let serde_path = format!("::{}::serde", root.join("::"));
    reroot_stream(tokens, root, &serde_path)
}

fn reroot_stream(tokens: TokenStream, root: &[&str], serde_path: &str) -> TokenStream {
    let input: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match &input[i] {
            TokenTree::Ident(ident)
                if is_runtime_crate(ident)
                    && starts_path(&input, i + 1)
                    && !follows_a_segment(&out) =>
            {
                // A leading `::` already emitted belongs to the old root: drop it.
                if ends_with_path_sep(&out) {
                    out.truncate(out.len() - 2);
                }
                for segment in root {
                    push_path_sep(&mut out, ident.span());
                    out.push(TokenTree::Ident(Ident::new(segment, ident.span())));
                }
                push_path_sep(&mut out, ident.span());
                out.push(TokenTree::Ident(ident.clone()));
                i += 1;
            }
            TokenTree::Punct(hash) if hash.as_char() == '#' => {
                out.push(TokenTree::Punct(hash.clone()));
                if let Some(TokenTree::Group(attr)) = input.get(i + 1)
                    && attr.delimiter() == Delimiter::Bracket
                {
                    let derives_serde = is_serde_derive(attr);
                    out.push(TokenTree::Group(reroot_group(attr, root, serde_path)));
                    if derives_serde {
                        out.extend(serde_crate_attribute(serde_path, hash.span()));
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
            TokenTree::Group(group) => {
                out.push(TokenTree::Group(reroot_group(group, root, serde_path)));
                i += 1;
            }
            other => {
                out.push(other.clone());
                i += 1;
            }
        }
    }
    out.into_iter().collect()
}

fn reroot_group(group: &Group, root: &[&str], serde_path: &str) -> Group {
    let mut rerooted = Group::new(
        group.delimiter(),
        reroot_stream(group.stream(), root, serde_path),
    );
    rerooted.set_span(group.span());
    rerooted
}

fn is_runtime_crate(ident: &Ident) -> bool {
    let name = ident.to_string();
    RUNTIME_CRATES.contains(&name.as_str())
}

/// `true` when `input[at..]` begins with `::`.
fn starts_path(input: &[TokenTree], at: usize) -> bool {
    matches!(
        (input.get(at), input.get(at + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

/// `true` when `out` ends with `segment ::`: what comes next is not a path's first segment.
/// Keywords before `::` (`impl ::serde::..`, `as ::serde::..`) begin a path; so does `>` in
/// `for<'de> ::serde::..`.
fn follows_a_segment(out: &[TokenTree]) -> bool {
    const KEYWORDS: [&str; 10] = [
        "as", "dyn", "for", "impl", "in", "mut", "pub", "return", "use", "where",
    ];
    let n = out.len();
    // `&'static ::khipu_types::..`: a lifetime is `'` then an identifier, not a segment.
    let lifetime = n >= 4 && matches!(&out[n - 4], TokenTree::Punct(p) if p.as_char() == '\'');
    ends_with_path_sep(out)
        && !lifetime
        && matches!(
            out.get(n.wrapping_sub(3)),
            Some(TokenTree::Ident(i)) if !KEYWORDS.contains(&i.to_string().as_str())
        )
}

fn ends_with_path_sep(out: &[TokenTree]) -> bool {
    out.len() >= 2 && starts_path(out, out.len() - 2)
}

fn push_path_sep(out: &mut Vec<TokenTree>, span: Span) {
    let mut first = Punct::new(':', Spacing::Joint);
    first.set_span(span);
    let mut second = Punct::new(':', Spacing::Alone);
    second.set_span(span);
    out.push(TokenTree::Punct(first));
    out.push(TokenTree::Punct(second));
}

/// `[derive(.., serde::Serialize, ..)]` or `Deserialize`.
fn is_serde_derive(attr: &Group) -> bool {
    let mut tokens = attr.stream().into_iter();
    let Some(TokenTree::Ident(name)) = tokens.next() else {
        return false;
    };
    let Some(TokenTree::Group(list)) = tokens.next() else {
        return false;
    };
    name == "derive"
        && list
            .stream()
            .into_iter()
            .any(|t| matches!(&t, TokenTree::Ident(i) if i == "Serialize" || i == "Deserialize"))
}

/// `#[serde(crate = "<serde_path>")]`.
fn serde_crate_attribute(serde_path: &str, span: Span) -> [TokenTree; 2] {
    let mut eq = Punct::new('=', Spacing::Alone);
    eq.set_span(span);
    let args: TokenStream = [
        TokenTree::Ident(Ident::new("crate", span)),
        TokenTree::Punct(eq),
        TokenTree::Literal(Literal::string(serde_path)),
    ]
    .into_iter()
    .collect();
    let inner: TokenStream = [
        TokenTree::Ident(Ident::new("serde", span)),
        TokenTree::Group(Group::new(Delimiter::Parenthesis, args)),
    ]
    .into_iter()
    .collect();
    let mut hash = Punct::new('#', Spacing::Alone);
    hash.set_span(span);
    [
        TokenTree::Punct(hash),
        TokenTree::Group(Group::new(Delimiter::Bracket, inner)),
    ]
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{FACADE_ROOT, RUNTIME_CRATES, reroot};

    fn rerooted(tokens: proc_macro2::TokenStream) -> String {
        reroot(tokens, &FACADE_ROOT).to_string()
    }

    #[test]
    fn leading_and_bare_crate_paths_start_at_the_facade() {
        let out = rerooted(quote! {
            pub use progenitor_client::{ByteStream, Error};
            impl<'de> ::serde::Deserialize<'de> for X {}
            fn f(v: ::serde_json::Value) -> reqwest::Result<()> { khipu_types::open_enum! { A } }
        });
        assert!(out.contains("pub use :: khipu :: __private :: progenitor_client :: { ByteStream"));
        assert!(out.contains("impl < 'de > :: khipu :: __private :: serde :: Deserialize"));
        assert!(out.contains("v : :: khipu :: __private :: serde_json :: Value"));
        assert!(out.contains("-> :: khipu :: __private :: reqwest :: Result"));
        assert!(out.contains(":: khipu :: __private :: khipu_types :: open_enum !"));
        assert!(!out.contains(":: :: khipu"), "{out}");
    }

    #[test]
    fn serde_derives_are_told_where_serde_is_and_serde_attributes_stay() {
        let out = rerooted(quote! {
            #[derive(::serde::Deserialize, Clone)]
            #[serde(rename_all = "camelCase")]
            pub struct A { #[serde(default)] pub b: Option<u8> }
            #[derive(Clone, Debug)]
            pub struct C;
        });
        assert_eq!(
            out.matches("# [serde (crate = \"::khipu::__private::serde\")]")
                .count(),
            1,
            "{out}"
        );
        assert!(out.contains("# [serde (rename_all = \"camelCase\")]"));
        assert!(out.contains("# [serde (default)]"));
    }

    #[test]
    fn other_paths_are_unchanged() {
        let tokens = quote! {
            use std::fmt; impl ::std::fmt::Debug for X {} let serde = 1; a::reqwest_like::b();
        };
        assert_eq!(rerooted(tokens.clone()), tokens.to_string());
    }

    #[test]
    fn only_a_path_s_first_segment_is_rerooted() {
        let out = rerooted(quote! {
            impl ::khipu_types::__private::serde::Serialize for X {}
            fn auth() -> &'static ::khipu_types::auth::AuthSpec { &AUTH }
        });
        assert!(
            out.contains("& 'static :: khipu :: __private :: khipu_types :: auth"),
            "{out}"
        );
        assert!(
            out.contains(
                "impl :: khipu :: __private :: khipu_types :: __private :: serde :: Serialize"
            ),
            "{out}"
        );
    }

    /// Every runtime crate in `tokens` followed by `::` is preceded by `__private ::`; returns
    /// the ones that are not, with what precedes them.
    fn named_outside(tokens: proc_macro2::TokenStream, found: &mut Vec<String>) {
        use proc_macro2::TokenTree;
        let all: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, t) in all.iter().enumerate() {
            match t {
                TokenTree::Group(g) => named_outside(g.stream(), found),
                TokenTree::Ident(id) if RUNTIME_CRATES.contains(&id.to_string().as_str()) => {
                    let next_is_path =
                        matches!(all.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                    let after_private =
                        i >= 3 && matches!(&all[i - 3], TokenTree::Ident(p) if p == "__private");
                    if next_is_path && !after_private {
                        let before: Vec<String> = all[i.saturating_sub(6)..=i]
                            .iter()
                            .map(ToString::to_string)
                            .collect();
                        found.push(before.join(" "));
                    }
                }
                _ => {}
            }
        }
    }

    /// The whole expansion of a real spec leaves no runtime crate named from the extern prelude.
    #[test]
    fn a_generated_module_names_its_runtime_crates_only_through_the_facade() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        for spec in [
            "specs/banking/cl/personal/demo-bank.khipu.com.yaml",
            "specs/payments/v3.0.json",
        ] {
            let generated = khipu_codegen_engine::generate_file(&repo.join(spec), spec).unwrap();
            let tokens = generated.code.tokens();
            let mut before = Vec::new();
            named_outside(tokens.clone(), &mut before);
            assert!(!before.is_empty(), "{spec}: the check would see nothing");
            let out = reroot(tokens, &FACADE_ROOT);
            let mut after = Vec::new();
            named_outside(out.clone(), &mut after);
            assert!(
                after.is_empty(),
                "{spec}: named outside the facade: {after:?}"
            );
            // The demo bank's types are all khipu-types' canonical ones; payments derive serde.
            let derives = out.to_string().matches("serde (crate = ").count();
            assert_eq!(
                derives > 0,
                spec.starts_with("specs/payments"),
                "{spec}: {derives}"
            );
        }
    }
}

//! progenitor writes each doc comment as one `#[doc = "..."]` with embedded newlines, which
//! prettyplease prints as a `/** ... */` block; once rustfmt indents that block inside an `impl`,
//! every line starts with four spaces and rustdoc reads the text as a Rust code block, and
//! doctests try to compile Khipu's prose. One attribute per line prints as `///` lines, which
//! rustfmt never re-indents. Fences without a language become `text` so that a code sample in a
//! spec's description is shown, not compiled.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;

use crate::pass::Log;

/// Rewrites progenitor's token stream before it is parsed, so the pass costs no extra parse.
pub(crate) fn run_tokens(tokens: TokenStream, log: &mut Log) -> TokenStream {
    let mut split = 0;
    let tokens = rewrite(tokens, &mut split);
    if split > 0 {
        log.fix_item(
            "docs",
            format!("{split} multi-line doc comments split into lines"),
        );
    }
    tokens
}

fn rewrite(tokens: TokenStream, split: &mut usize) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Group(g)) = iter.peek()
                    && g.delimiter() == Delimiter::Bracket
                    && let Some(text) = doc_text(g.stream())
                    && text.contains('\n')
                {
                    iter.next();
                    *split += 1;
                    for line in lines(&text) {
                        out.extend(quote! { #[doc = #line] });
                    }
                    continue;
                }
                out.push(TokenTree::Punct(p));
            }
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), rewrite(g.stream(), split));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The text of `doc = "..."`, if that is what the attribute is.
fn doc_text(attr: TokenStream) -> Option<String> {
    let meta: syn::MetaNameValue = syn::parse2(attr).ok()?;
    if !meta.path.is_ident("doc") {
        return None;
    }
    match meta.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if let Some(lang) = trimmed.strip_prefix("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                if opening && lang.trim().is_empty() {
                    return line.replacen("```", "```text", 1);
                }
            }
            line.to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::pass::{Log, Report};
    use quote::quote;

    #[test]
    fn splits_multi_line_docs_and_labels_bare_fences() {
        let tokens = quote! {
            impl Client {
                #[doc = "Summary\n\nDetails\n```\nnot rust\n```\n```ignore\nlet x = 1;\n```"]
                pub fn op(&self) {}
                #[doc = "one line"]
                pub fn other(&self) {}
            }
        };
        let mut report = Report::default();
        let file: syn::File = syn::parse2(super::run_tokens(
            tokens,
            &mut Log::new("doc-lines", &mut report),
        ))
        .unwrap();
        let expected = quote! {
            impl Client {
                #[doc = "Summary"] #[doc = ""] #[doc = "Details"] #[doc = "```text"] #[doc = "not rust"] #[doc = "```"]
                #[doc = "```ignore"] #[doc = "let x = 1;"] #[doc = "```"]
                pub fn op(&self) {}
                #[doc = "one line"]
                pub fn other(&self) {}
            }
        };
        let expected: syn::File = syn::parse2(expected).unwrap();
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
        assert_eq!(report.fixes.len(), 1);
    }
}

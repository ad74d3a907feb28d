//! progenitor writes each doc comment as one `#[doc = "..."]` with embedded newlines, which
//! prettyplease prints as a `/** ... */` block; once rustfmt indents that block inside an `impl`,
//! every line starts with four spaces and rustdoc reads the text as a Rust code block, and
//! doctests try to compile Khipu's prose. One attribute per line prints as `///` lines, which
//! rustfmt never re-indents. Fences without a language become `text` so that a code sample in a
//! spec's description is shown, not compiled.

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::normalize::Log;

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let mut split = 0;
    let tokens = rewrite(file.to_token_stream(), &mut split);
    match syn::parse2::<syn::File>(tokens) {
        Ok(rewritten) => {
            *file = rewritten;
            if split > 0 {
                log.fix_item(
                    "docs",
                    format!("{split} multi-line doc comments split into lines"),
                );
            }
        }
        Err(e) => log.fix_item("docs", format!("left as they were: {e}")),
    }
}

fn rewrite(tokens: TokenStream, split: &mut usize) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '#' && p.spacing() == Spacing::Alone => {
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
    use crate::normalize::{Log, Report};
    use quote::quote;

    #[test]
    fn splits_multi_line_docs_and_labels_bare_fences() {
        let mut file: syn::File = syn::parse2(quote! {
            impl Client {
                #[doc = "Summary\n\nDetails\n```\nnot rust\n```\n```ignore\nlet x = 1;\n```"]
                pub fn op(&self) {}
                #[doc = "one line"]
                pub fn other(&self) {}
            }
        })
        .unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("doc-lines", &mut report));
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

//! typify writes a struct builder (`types::builder::X`, with `X::builder()`) for every struct of a
//! spec, because progenitor's builder-style operations keep a request body as one. Answers are
//! read, never built: in Payments v3.0 the builders of answer types were 2,500 of 8,900 generated
//! lines, compiled by every service that picks the API. The rule: a struct builder stays for a type
//! an operation's body names and for every type such a body contains (so a request is built the
//! same way all the way down); every other builder goes, with its `builder()` constructor.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::Visit;
use syn::{Item, ItemMod};

use super::{last_ident, types_module};
use crate::pass::Log;

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let roots = body_builders(file);
    let Some(items) = types_module(file) else {
        return;
    };
    let kept = reachable(items, roots);
    let mut removed = BTreeSet::new();
    let mut builders_left = 0;
    for item in items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        let Some((_, inner)) = &mut m.content else {
            continue;
        };
        inner.retain(|i| match builder_of(i) {
            Some(name) if !kept.contains(&name) => {
                removed.insert(name);
                false
            }
            _ => true,
        });
        builders_left = inner
            .iter()
            .filter(|i| matches!(i, Item::Struct(_)))
            .count();
    }
    if removed.is_empty() {
        return;
    }
    // `impl X { pub fn builder() -> builder::X }` in `types`, for every builder removed.
    items.retain_mut(|item| {
        let Item::Impl(i) = item else { return true };
        if i.trait_.is_some() {
            return true;
        }
        let Some(target) = last_ident(&i.self_ty).map(ToString::to_string) else {
            return true;
        };
        if !removed.contains(&target) {
            return true;
        }
        i.items
            .retain(|f| !matches!(f, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
        !i.items.is_empty()
    });
    if builders_left == 0 {
        items.retain(|item| !matches!(item, Item::Mod(m) if m.ident == "builder"));
    }
    log.fix_item(
        "types::builder",
        format!(
            "{} struct builders of types no request body contains removed ({builders_left} kept)",
            removed.len(),
        ),
    );
}

/// The struct a builder-module item belongs to: the struct itself or one of its impls (`Default`,
/// the setters, `TryFrom<X> for super::X`, `From<super::X> for X`), all named by their self type's
/// last segment.
fn builder_of(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Impl(i) => last_ident(&i.self_ty).map(ToString::to_string),
        _ => None,
    }
}

/// The types operations take as a body: `body: Result<types::builder::X, String>` in the
/// top-level `builder` module's operation builders.
fn body_builders(file: &syn::File) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    for item in &file.items {
        let Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) = item
        else {
            continue;
        };
        if ident != "builder" {
            continue;
        }
        let mut names = BuilderPaths(&mut roots);
        for item in items {
            if let Item::Struct(s) = item {
                names.visit_fields(&s.fields);
            }
        }
    }
    roots
}

/// Collects `X` from every `types::builder::X` path.
struct BuilderPaths<'a>(&'a mut BTreeSet<String>);

impl<'ast> Visit<'ast> for BuilderPaths<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<_> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let [.., types, builder, name] = segments.as_slice()
            && types == "types"
            && builder == "builder"
        {
            self.0.insert(name.clone());
        }
        syn::visit::visit_path(self, path);
    }
}

/// `roots` and every type of the `types` module their fields name, transitively.
fn reachable(items: &[Item], roots: BTreeSet<String>) -> BTreeSet<String> {
    let defined: BTreeMap<String, &Item> = items
        .iter()
        .filter_map(|item| type_name(item).map(|name| (name, item)))
        .collect();
    let mut kept = BTreeSet::new();
    let mut queue: Vec<String> = roots.into_iter().collect();
    while let Some(name) = queue.pop() {
        if !kept.insert(name.clone()) {
            continue;
        }
        let Some(item) = defined.get(&name) else {
            continue;
        };
        let mut named = Idents(BTreeSet::new());
        named.visit_item(item);
        queue.extend(
            named
                .0
                .into_iter()
                .filter(|n| defined.contains_key(n) && !kept.contains(n)),
        );
    }
    kept
}

fn type_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// Every identifier in the types an item's fields use.
struct Idents(BTreeSet<String>);

impl<'ast> Visit<'ast> for Idents {
    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        for segment in &ty.path.segments {
            self.0.insert(segment.ident.to_string());
        }
        syn::visit::visit_type_path(self, ty);
    }
}

#[cfg(test)]
mod tests {
    use crate::pass::Report;

    fn run(source: &str) -> (String, Report) {
        crate::testing::run_pass(super::run, source)
    }

    const SOURCE: &str = "
        pub mod types {
            pub struct Body { pub payer: Payer, pub items: Vec<Item> }
            impl Body { pub fn builder() -> builder::Body { Default::default() } }
            pub struct Payer { pub name: String }
            impl Payer { pub fn builder() -> builder::Payer { Default::default() } }
            pub enum Item { One(Line) }
            pub struct Line { pub amount: ::khipu_types::Amount }
            impl Line { pub fn builder() -> builder::Line { Default::default() } }
            pub struct Answer { pub id: String, pub payer: Payer }
            impl Answer { pub fn builder() -> builder::Answer { Default::default() } }
            pub mod builder {
                pub struct Body { payer: Result<super::Payer, String> }
                impl Default for Body { fn default() -> Self { todo!() } }
                impl Body { pub fn payer<T>(self, v: T) -> Self { self } }
                impl TryFrom<Body> for super::Body { type Error = (); }
                impl From<super::Body> for Body { }
                pub struct Payer { name: Result<String, String> }
                impl Default for Payer { fn default() -> Self { todo!() } }
                pub struct Line { amount: Result<::khipu_types::Amount, String> }
                pub struct Answer { id: Result<String, String> }
                impl Default for Answer { fn default() -> Self { todo!() } }
                impl Answer { pub fn id<T>(self, v: T) -> Self { self } }
                impl TryFrom<Answer> for super::Answer { type Error = (); }
                impl From<super::Answer> for Answer { }
            }
            pub mod error { pub struct ConversionError; }
        }
        pub mod builder {
            pub struct PostThing<'a> { client: &'a super::Client, body: Result<types::builder::Body, String> }
        }";

    #[test]
    fn builders_stay_for_bodies_and_what_they_contain_and_go_for_answers() {
        let (out, report) = run(SOURCE);
        for kept in [
            "pub struct Body {\n            payer",
            "impl From<super::Body> for Body",
            "pub struct Payer {\n            name",
            "pub struct Line {\n            amount",
            "impl Line {\n        pub fn builder()",
        ] {
            assert!(out.contains(kept), "{kept:?} missing from\n{out}");
        }
        for gone in [
            "builder::Answer",
            "id: Result<String, String>",
            "for super::Answer",
            "impl Answer",
        ] {
            assert!(!out.contains(gone), "{gone:?} still in\n{out}");
        }
        assert!(
            out.contains("pub struct Answer {"),
            "the answer type stays: {out}"
        );
        assert_eq!(report.fixes.len(), 1);
        assert!(
            report.fixes[0].what.starts_with("1 struct builders"),
            "{report:?}"
        );
    }

    #[test]
    fn without_a_body_the_builder_module_goes() {
        let source = SOURCE.replace("body: Result<types::builder::Body, String>", "id: String");
        let (out, _) = run(&source);
        assert!(
            !out.contains("pub mod builder {\n        pub struct"),
            "{out}"
        );
        assert!(!out.contains("fn builder()"), "{out}");
        assert!(
            out.contains("pub mod builder {\n    pub struct PostThing"),
            "{out}"
        );
    }

    #[test]
    fn a_spec_whose_answers_all_have_bodies_changes_nothing() {
        let source = SOURCE
            .replace("pub struct Answer { pub id: String, pub payer: Payer }", "")
            .replace(
                "impl Answer { pub fn builder() -> builder::Answer { Default::default() } }",
                "",
            );
        let source = source
            .split('\n')
            .filter(|l| !l.contains("Answer"))
            .collect::<Vec<_>>()
            .join("\n");
        let (_, report) = run(&source);
        assert!(report.fixes.is_empty(), "{report:?}");
    }
}

//! When every schema of a spec is a shared `khipu_types` type (a bank whose request and response
//! bodies all fit Khipu's model), typify still emits a `types` module holding only its
//! `ConversionError`, and the operation builders still import it. Both go, so the module has no
//! empty namespace and compiles without an unused-import warning.

use syn::{Item, UseTree};

use crate::pass::Log;

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let only_errors = file.items.iter().any(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_ref().is_some_and(|(_, items)| {
            items
                .iter()
                .all(|i| matches!(i, Item::Mod(inner) if inner.ident == "error"))
        }),
        _ => false,
    });
    if !only_errors {
        return;
    }
    file.items
        .retain(|item| !matches!(item, Item::Mod(m) if m.ident == "types"));
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        if let Some((_, items)) = &mut m.content {
            items.retain(|i| !matches!(i, Item::Use(u) if imports_types(&u.tree)));
        }
    }
    log.fix_item(
        "types",
        "removed: every schema is a shared khipu_types type",
    );
}

/// `use super::types;`
fn imports_types(tree: &UseTree) -> bool {
    match tree {
        UseTree::Path(p) if p.ident == "super" => {
            matches!(&*p.tree, UseTree::Name(n) if n.ident == "types")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::pass::Report;

    fn run(source: &str) -> (String, Report) {
        crate::testing::run_pass(super::run, source)
    }

    #[test]
    fn a_types_module_with_only_its_errors_goes_with_its_import() {
        let (out, report) = run(
            "pub mod types { pub mod error { pub struct ConversionError; } }
             pub mod builder { use super::types; use super::Client; }",
        );
        assert!(!out.contains("mod types"), "{out}");
        assert!(!out.contains("super::types"), "{out}");
        assert!(out.contains("use super::Client;"), "{out}");
        assert_eq!(report.fixes.len(), 1);
    }

    #[test]
    fn a_types_module_with_types_stays() {
        let source = "pub mod types { pub struct Body; pub mod error {} }
             pub mod builder { use super::types; }";
        let (out, report) = run(source);
        assert!(out.contains("mod types") && out.contains("use super::types;"));
        assert!(report.fixes.is_empty());
    }
}

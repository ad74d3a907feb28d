//! The engine's layers hold: no module names a module of a higher layer, as the table in
//! `src/lib.rs`'s module doc assigns them, and neither the engine's nor `xtask`'s modules import
//! each other in a circle. Read from the source text: every `crate::` path (in `use` lines and
//! in code) of every file below a top-level module counts, except test-only code (`tests.rs`,
//! `testing.rs` and the `#[cfg(test)]` items), which may drive the whole pipeline. The facade's
//! and the sandbox's top-level modules are held to no circles too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to (`normalize` for `src/normalize/canonical.rs`), or
/// `lib` for `src/lib.rs`, `main` for `src/main.rs`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The source without test-only code.
fn production(file: &Path) -> String {
    let name = file.file_name().unwrap().to_string_lossy();
    if name == "tests.rs" || name == "testing.rs" {
        return String::new();
    }
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        // Comments may mention any path.
        if line.trim_start().starts_with("//") {
            continue;
        }
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // A test-only declaration (`mod testing;`) is one line; a test-only item with a body
        // (`mod tests { .. }`, a helper) runs to the end of the file, where they live.
        match lines.next() {
            Some(next) if next.trim_end().ends_with(';') => {}
            _ => break,
        }
    }
    out
}

/// The first names of every `crate::` path in `code`: `crate::walk::x` and
/// `use crate::{pass::Log, walk}` name `walk` and `pass`.
fn crate_names(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let name = ident(item.trim());
                if !name.is_empty() && name != "self" {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// `module -> the modules it names`, over every file of the crate at `src`.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files(src) {
        let code = production(&file);
        if code.is_empty() {
            continue;
        }
        let module = module_of(src, &file);
        let names = crate_names(&code);
        graph
            .entry(module.clone())
            .or_default()
            .extend(names.into_iter().filter(|n| *n != module));
    }
    graph
}

/// The layers as `src/lib.rs` lists them: rows `//! | n | `a`, `b` | ... |`.
fn layers() -> BTreeMap<String, u32> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let cells: Vec<&str> = line
            .trim_start_matches("//!")
            .split('|')
            .map(str::trim)
            .collect();
        let [_, level, modules, ..] = cells.as_slice() else {
            continue;
        };
        let Ok(level) = level.parse::<u32>() else {
            continue;
        };
        for m in modules.split(',') {
            out.insert(m.trim().trim_matches('`').to_owned(), level);
        }
    }
    out
}

/// What `lib.rs` itself defines or re-exports, by the layer it comes from: the pipeline's own
/// items (`Client`, `generate_source`...) sit just above the layers it strings together.
fn lib_item_layer(name: &str, layers: &BTreeMap<String, u32>) -> Option<u32> {
    let from = match name {
        // External crates re-exported at the root: below everything.
        "doc" | "pointer" | "load" => return Some(0),
        "SpecError" | "Warning" => "error",
        "Report" => "pass",
        "BankId" | "Identity" => "identity",
        "Capability" | "Operation" | "Param" => "catalog",
        "Client" | "Code" | "Generated" | "generate_source" | "generate_file" => {
            return layers.get("generate").copied();
        }
        _ => return None,
    };
    layers.get(from).copied()
}

#[test]
fn no_module_names_a_higher_layer() {
    let layers = layers();
    assert!(layers.len() >= 12, "the layer table in lib.rs: {layers:?}");
    let mut problems = Vec::new();
    for (module, names) in graph(&src()) {
        if module == "lib" {
            continue;
        }
        let Some(&own) = layers.get(&module) else {
            problems.push(format!(
                "module `{module}` is in no layer of lib.rs's table"
            ));
            continue;
        };
        for name in names {
            let theirs = layers
                .get(&name)
                .copied()
                .or_else(|| lib_item_layer(&name, &layers));
            match theirs {
                Some(l) if l > own => problems.push(format!(
                    "`{module}` (layer {own}) names `{name}` (layer {l})"
                )),
                None => problems.push(format!(
                    "`{module}` names `crate::{name}`, which no layer holds"
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A circle in `graph`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            return Some(path[i..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if graph.contains_key(next)
                && let Some(c) = visit(next, graph, path, done)
            {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn neither_the_engine_nor_xtask_imports_in_a_circle() {
    let mut engine = graph(&src());
    // The pipeline in lib.rs is the top; it is not one of the modules that could form a circle.
    engine.remove("lib");
    assert_eq!(circle(&engine), None, "engine");
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/src");
    let mut xtask = graph(&xtask);
    xtask.remove("main");
    assert!(xtask.len() >= 3, "{xtask:?}");
    assert_eq!(circle(&xtask), None, "xtask");
}

#[test]
fn neither_the_facade_nor_the_sandbox_imports_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (name, dir) in [("the facade", "src"), ("the sandbox", "khipu-mock/src")] {
        let mut modules = graph(&root.join(dir));
        // The crate root strings the modules together and re-exports them.
        modules.remove("lib");
        assert!(modules.len() >= 10, "{name}: {modules:?}");
        assert_eq!(circle(&modules), None, "{name}");
    }
}

#[test]
fn the_reader_finds_upward_names_and_circles() {
    let names = crate_names("use crate::{pass::Log, walk};\nlet x = crate::model::CONTAINERS;");
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["model", "pass", "walk"]
    );
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]
    .into();
    assert!(circle(&g).is_some());
}

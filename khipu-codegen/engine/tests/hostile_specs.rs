//! A broken spec never panics the generator: every mutation of a real spec either generates or
//! fails with an error that names the file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use khipu_codegen_engine::{generate_source, load};
use serde_json::Value;

/// Every JSON pointer in the document, in document order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(child.clone());
                pointers(v, child, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let child = format!("{at}/{i}");
                out.push(child.clone());
                pointers(v, child, out);
            }
        }
        _ => {}
    }
}

fn mutate(doc: &Value, pointer: &str, how: usize) -> Value {
    let mut doc = doc.clone();
    let (parent, key) = pointer.rsplit_once('/').expect("pointers have a parent");
    let replacement = match how {
        0 => None,
        1 => Some(Value::Null),
        2 => Some(Value::String("x".into())),
        _ => Some(serde_json::json!([1, {"$ref": "#/nowhere"}])),
    };
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            let key = key.replace("~1", "/").replace("~0", "~");
            match replacement {
                None => {
                    map.remove(&key);
                }
                Some(v) => {
                    map.insert(key, v);
                }
            }
        }
        Some(Value::Array(items)) => {
            let i: usize = key.parse().expect("array index");
            match replacement {
                None => {
                    items.remove(i);
                }
                Some(v) => items[i] = v,
            }
        }
        _ => {}
    }
    doc
}

#[test]
fn mutated_specs_fail_cleanly_or_generate() {
    let name = "specs/banking/ar/personal/santander.com.ar.yaml";
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    let source = load::read(&path, name).unwrap();
    let mut all = Vec::new();
    pointers(&source.doc, String::new(), &mut all);
    let (mut generated, mut failed) = (0, 0);
    // Every third (place, mutation) pair: each place still gets mutated, and the test stays at a
    // few seconds in a debug build.
    for (pointer, how) in all
        .iter()
        .flat_map(|p| (0..4).map(move |how| (p, how)))
        .step_by(3)
    {
        let doc = mutate(&source.doc, pointer, how);
        let mutated = load::Source {
            doc,
            ..source.clone()
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            generate_source(mutated, Path::new(name))
        }));
        match outcome {
            Ok(Ok(_)) => generated += 1,
            Ok(Err(e)) => {
                assert_eq!(e.file, name);
                assert!(
                    !e.message.contains("progenitor failed"),
                    "progenitor panicked on mutation {how} at {pointer}: {e}"
                );
                assert!(
                    !e.location.is_empty() || e.message.starts_with("progenitor cannot generate"),
                    "an error of ours without a location, mutation {how} at {pointer}: {e}"
                );
                failed += 1;
            }
            Err(_) => panic!("the generator panicked on mutation {how} at {pointer}"),
        }
    }
    println!(
        "{} mutations: {generated} generated, {failed} failed cleanly",
        generated + failed
    );
    assert!(
        failed > 10 && generated > 10,
        "generated {generated}, failed {failed}"
    );
}

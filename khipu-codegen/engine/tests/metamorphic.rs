//! The same API in any rendering gives the same client. Every spec in `specs/` is re-rendered
//! mechanically in the other style (3.0 `nullable` <-> 3.1 type arrays and `anyOf` null,
//! `example` <-> `examples`, boolean <-> numeric exclusive bounds, YAML <-> JSON, keyword order
//! reversed, bank request and response schemas inlined, then bank request bodies moved to
//! `components` under another name) and must generate the same module apart from its header and
//! spec hash, the same operations with the same `Bank` trait capabilities, and the same API summary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::path::{Path, PathBuf};

use khipu_codegen_engine::{Client, Generated, format, generate_source, load};
use serde_json::{Map, Value, json};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn specs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![repo().join("specs")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().to_string();
            if path.is_dir() {
                stack.push(path);
            } else if (name.ends_with(".yaml") || name.ends_with(".json"))
                && !name.contains(".overlay.")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Maps whose keys are names chosen by the author (their order is the generated order).
const NAMED: [&str; 10] = [
    "properties",
    "paths",
    "schemas",
    "responses",
    "content",
    "securitySchemes",
    "parameters",
    "headers",
    "requestBodies",
    "enum",
];

/// Whether a keyword object sits at a schema place (so nullable/example are schema keywords).
fn is_schema_key(parent: &str) -> bool {
    matches!(parent, "schema" | "items" | "additionalProperties" | "not")
        || parent.starts_with("properties/")
        || parent.starts_with("schemas/")
        || parent.starts_with("allOf/")
        || parent.starts_with("anyOf/")
        || parent.starts_with("oneOf/")
}

/// 3.0 -> 3.1 for one schema object, in place.
fn to_31(map: &mut Map<String, Value>) {
    // `type: [object, "null"]` is written the other 3.1 way, `anyOf` with a null branch (how
    // Khipu's current documents write envelopes).
    if let Some(Value::Array(types)) = map.get("type").cloned()
        && types.len() == 2
        && types.contains(&json!("object"))
        && types.contains(&json!("null"))
    {
        let docs = ["description", "example", "title"];
        let mut inner = Map::new();
        for (k, v) in std::mem::take(map) {
            if docs.contains(&k.as_str()) {
                map.insert(k, v);
            } else {
                inner.insert(k, v);
            }
        }
        inner.insert("type".into(), json!("object"));
        map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
        return;
    }
    if map.remove("nullable") == Some(Value::Bool(true)) {
        match map.get("type").cloned() {
            Some(Value::String(t)) => {
                map.insert("type".into(), json!([t, "null"]));
            }
            _ => {
                let inner = match map.remove("allOf") {
                    Some(Value::Array(list)) if list.len() == 1 => list[0].clone(),
                    Some(other) => json!({"allOf": other}),
                    None => Value::Object(std::mem::take(map)),
                };
                map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
            }
        }
    }
    if let Some(example) = map.remove("example") {
        map.insert("examples".into(), json!([example]));
    }
    if map.get("exclusiveMinimum") == Some(&Value::Bool(true))
        && let Some(min) = map.remove("minimum")
    {
        map.insert("exclusiveMinimum".into(), min);
    }
}

/// 3.1 -> 3.0 for one schema object, in place.
fn to_30(map: &mut Map<String, Value>) {
    if let Some(Value::Array(examples)) = map.remove("examples")
        && let Some(first) = examples.first()
    {
        map.insert("example".into(), first.clone());
    }
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        let rest: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
        if rest.len() == 1 && rest.len() < types.len() {
            map.insert("type".into(), rest[0].clone());
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

/// Applies `schema` to every schema object and reverses the order of keyword (not name) maps.
fn rerender(value: &mut Value, parent: &str, schema: &dyn Fn(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            if is_schema_key(parent) {
                schema(map);
            }
            // A path item's methods are in the author's order too (the catalog lists them so).
            let named = NAMED.contains(&parent.rsplit('/').next().unwrap_or(parent))
                || parent.starts_with("paths/");
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            if !named {
                entries.reverse();
            }
            for (k, mut v) in entries {
                if k != "example" && k != "examples" {
                    let last = parent.rsplit('/').next().unwrap_or_default();
                    let place =
                        if NAMED.contains(&last) || matches!(last, "allOf" | "anyOf" | "oneOf") {
                            format!("{last}/{k}")
                        } else {
                            k.clone()
                        };
                    rerender(&mut v, &place, schema);
                }
                map.insert(k, v);
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                rerender(v, parent, schema);
            }
        }
        _ => {}
    }
}

/// Inlines every `$ref` to a component schema that is not recursive, giving the copy the
/// component's name as `title` (what a bundler that dereferences keeps).
fn inline_components(doc: &mut Value) {
    let schemas = doc["components"]["schemas"].clone();
    fn walk(v: &mut Value, schemas: &Value, depth: usize) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref").cloned()
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                    && depth < 8
                    && let Some(Value::Object(target)) = schemas.get(name)
                    && !name.starts_with("KhipuCanonical")
                {
                    let mut copy = target.clone();
                    copy.entry("title")
                        .or_insert_with(|| Value::String(name.to_owned()));
                    map.remove("$ref");
                    for (k, v) in copy {
                        map.entry(k).or_insert(v);
                    }
                    walk_map(map, schemas, depth + 1);
                    return;
                }
                walk_map(map, schemas, depth);
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, schemas, depth)),
            _ => {}
        }
    }
    fn walk_map(map: &mut Map<String, Value>, schemas: &Value, depth: usize) {
        for (k, v) in map.iter_mut() {
            if k != "example" && k != "examples" {
                walk(v, schemas, depth);
            }
        }
    }
    // Only bank bodies: the generator recognizes their envelopes and request bodies by place and
    // shape, so a bank's client does not depend on how they are written. Elsewhere (payments)
    // progenitor names a type after its component, or after the operation when inline, so
    // inlining renames types: a known limit.
    for op in operations(doc) {
        for key in ["responses", "requestBody"] {
            if let Some(part) = op.get_mut(key) {
                walk(part, &schemas, 0);
            }
        }
    }
}

/// Every operation object (and any other value under a path item: the re-renderings skip what
/// they do not find).
fn operations(doc: &mut Value) -> impl Iterator<Item = &mut Value> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|p| p.values_mut())
        .flat_map(|item| {
            item.as_object_mut()
                .into_iter()
                .flat_map(|i| i.values_mut())
        })
}

/// Moves every inline JSON request body schema to `components/schemas`, under a name made from
/// its operationId (the other way a spec may be written).
fn hoist_request_bodies(doc: &mut Value) {
    let mut hoisted = Map::new();
    for op in operations(doc) {
        let name = format!("Hoisted{}Body", op["operationId"].as_str().unwrap_or("Op"));
        let Some(schema) = op.pointer_mut("/requestBody/content/application~1json/schema") else {
            continue;
        };
        let inline = std::mem::replace(
            schema,
            json!({ "$ref": format!("#/components/schemas/{name}") }),
        );
        hoisted.insert(name, inline);
    }
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    schemas.extend(hoisted);
}

fn generate(doc: Value, name: &str, path: &Path) -> Generated {
    let bytes = if name.ends_with(".json") {
        serde_json::to_vec_pretty(&doc).unwrap()
    } else {
        serde_yaml_ng::to_string(&doc).unwrap().into_bytes()
    };
    let source = load::parse(&bytes, name).unwrap_or_else(|e| panic!("{e}"));
    generate_source(source, path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The module as written, without what depends on the file's bytes (the spec hash).
fn module(generated: &Generated) -> String {
    let client = &generated.client;
    format::module(&client.spec, &generated.code.tokens())
        .unwrap()
        .replace(&client.sha256, "<sha>")
}

#[test]
fn every_spec_generates_the_same_client_in_the_other_style() {
    let specs = specs();
    assert!(specs.len() >= 9, "{specs:?}");
    for path in specs {
        let rel = path
            .strip_prefix(repo())
            .unwrap_or(&path)
            .to_string_lossy()
            .to_string();
        // As the generator reads it: with its overlay applied.
        let original = load::read_spec(&path, &rel).unwrap_or_else(|e| panic!("{e}"));
        let mut doc = original.doc.clone();
        let is_31 = doc["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1");
        let before = generate_source(original, &path).unwrap();
        if rel.contains("banking") {
            inline_components(&mut doc);
            hoist_request_bodies(&mut doc);
        }
        if is_31 {
            rerender(&mut doc, "", &to_30);
            doc["openapi"] = json!("3.0.3");
        } else {
            rerender(&mut doc, "", &to_31);
            doc["openapi"] = json!("3.1.0");
        }
        // The other serialization; the identity comes from the place, not the extension.
        let other = if rel.ends_with(".json") {
            rel.replace(".json", ".yaml")
        } else {
            rel.replace(".yaml", ".json")
        };
        let after = generate(doc.clone(), &other, &path);
        let (a, b) = (module(&before), module(&after));
        if a != b {
            let diff = similar::TextDiff::from_lines(&a, &b);
            let text = diff.unified_diff().context_radius(2).to_string();
            panic!(
                "{rel}: the module differs in the other style:\n{}",
                text.lines().take(60).collect::<Vec<_>>().join("\n")
            );
        }
        assert_eq!(
            before.client.operations, after.client.operations,
            "{rel}: operations or capabilities differ"
        );
        // The same API, apart from the documentation hash (inlining adds each schema's title).
        let api = |c: &Client| {
            let mut ops = c.summary.operations.clone();
            ops.values_mut().for_each(|o| o.docs.clear());
            ops
        };
        let (a, b) = (api(&before.client), api(&after.client));
        assert!(
            a == b,
            "{rel}: the API summary differs:\n{a:#?}\n---\n{b:#?}"
        );
    }
}

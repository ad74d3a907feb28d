//! The canonical model the generator checks banks against (`khipu_codegen_engine::model`, read
//! through its public API) and the Rust types in khipu-types describe the same JSON: an item with
//! every field decodes and re-encodes unchanged, an item with only the required fields decodes,
//! and every container of the engine's table has its envelope in both.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

fn model() -> Value {
    khipu_codegen_engine::model::schema().clone()
}

/// Follows `$ref`s (the engine's one `resolve`) and a leading `allOf`.
fn resolve<'a>(model: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = khipu_codegen_engine::doc::resolve(model, schema);
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        Some(one) => resolve(model, one),
        None => schema,
    }
}

/// A value for `schema`: every property when `full`, only the required ones otherwise.
fn example(model: &Value, schema: &Value, full: bool) -> Value {
    let s = resolve(model, schema);
    match s.get("type").and_then(Value::as_str) {
        Some("string") if s.get("format").and_then(Value::as_str) == Some("date-time") => {
            json!("2017-07-21T17:32:28-0400")
        }
        Some("string") => json!("text"),
        Some("number") => json!(1.5),
        Some("integer") => json!(7),
        Some("boolean") => json!(true),
        Some("array") => json!([example(model, &s["items"], full)]),
        _ => {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            match s.get("properties").and_then(Value::as_object) {
                Some(props) => {
                    for (name, p) in props {
                        if full || required.contains(&name.as_str()) {
                            out.insert(name.clone(), example(model, p, full));
                        }
                    }
                }
                // A free-form object (SupplementaryData items).
                None => {
                    out.insert("anything".into(), json!("kept"));
                }
            }
            Value::Object(out)
        }
    }
}

fn check<T: DeserializeOwned + Serialize>(name: &str) {
    let model = model();
    let schema = &model["components"]["schemas"][name];
    assert!(schema.is_object(), "{name} is in the model");
    let full = example(&model, schema, true);
    let decoded: T = serde_json::from_value(full.clone())
        .unwrap_or_else(|e| panic!("{name} (every field): {e}"));
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        full,
        "{name}: a field of the model is missing from the Rust type"
    );
    let minimal = example(&model, schema, false);
    let decoded: T = serde_json::from_value(minimal.clone())
        .unwrap_or_else(|e| panic!("{name} (required fields only): {e}"));
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        minimal,
        "{name}: the Rust type requires more than the model"
    );
}

#[test]
fn transaction() {
    check::<khipu::model::Transaction>("Transaction");
}

#[test]
fn balance() {
    check::<khipu::model::Balance>("Balance");
}

#[test]
fn account() {
    check::<khipu::model::Account>("Account");
}

#[test]
fn statement() {
    check::<khipu::model::Statement>("Statement");
}

/// The engine's container table names the SDK's `DataKind`s, in the same order, and each item
/// container has its schema in the model.
#[test]
fn the_engines_containers_are_the_sdks_data_kinds() {
    use khipu::DataKind;
    use khipu_codegen_engine::model::CONTAINERS;
    let engine: Vec<&str> = CONTAINERS.iter().map(|c| c.kind.variant()).collect();
    let sdk: Vec<String> = [
        DataKind::Accounts,
        DataKind::Balances,
        DataKind::Transactions,
        DataKind::Statements,
        DataKind::AccountLink,
    ]
    .iter()
    .map(|k| format!("{k:?}"))
    .collect();
    assert_eq!(engine, sdk);
    // Every item container's schema is one the SDK's type reads (the tests above, by name).
    for c in CONTAINERS
        .iter()
        .filter(|c| c.kind.variant() != "AccountLink")
    {
        assert!(
            model()["components"]["schemas"][c.name].is_object(),
            "{}",
            c.name
        );
    }
}

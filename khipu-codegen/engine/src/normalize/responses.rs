//! One success type per operation.
//!
//! progenitor asserts that all 2xx bodies of an operation share one type. Khipu's bank operations
//! answer 200 (the data) or 202 (accepted, when a CallbackUrl is given) with different schemas.
//! This pass merges the bodies into one object schema in `components/schemas` and points every
//! response at it: the union of the properties, required only where every body requires them, and
//! nullable wherever the bodies disagree on a property's shape (the 202 declares `Data: object`
//! and sends null, the 200 declares the Data container). Error bodies need no merging: the
//! `error-responses` pass leaves them to the runtime.

use std::collections::{BTreeSet, HashMap};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::{Doc, Log, PassError, component_schemas, make_nullable, resolve, unique_name};
use crate::pointer::Pointer;
use crate::walk;

/// A success status.
fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

pub(super) fn success(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    merge_all(doc, log)
}

/// A response body: the status code, where its schema is, and the schema.
struct Body {
    code: String,
    media: String,
    schema: Value,
}

fn merge_all(doc: &mut Value, log: &mut Log) -> Result<(), PassError> {
    let snapshot = doc.clone();
    let mut plans = Vec::new();
    for (_, _, op, at) in walk::operations_mut(&mut snapshot.clone()) {
        let op_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("operation")
            .to_owned();
        let bodies = bodies(&snapshot, op);
        if let Some(bodiless) = bodiless(&snapshot, op).filter(|_| !bodies.is_empty()) {
            return Err((
                at.push("responses").push(bodiless),
                format!(
                    "this response has no body but the {} response has one; progenitor needs one success type per \
                 operation, so give it the same body or none to both",
                    bodies[0].code
                ),
            ).into());
        }
        if bodies.len() < 2 || all_same_ref(&bodies) {
            continue;
        }
        let merged = merge(&snapshot, &bodies, &at)?;
        plans.push((at, op_id, bodies, merged));
    }
    let mut hoisted: HashMap<String, String> = HashMap::new();
    let mut replaced: Vec<String> = Vec::new();
    for (at, op_id, bodies, (schema, nullable)) in plans {
        let key = schema.to_string();
        let name = match hoisted.get(&key) {
            Some(name) => name.clone(),
            None => {
                let base = format!("{}Response", op_id.to_upper_camel_case());
                let schemas = component_schemas(doc);
                let name = unique_name(schemas, &base);
                schemas.insert(name.clone(), schema);
                hoisted.insert(key, name.clone());
                name
            }
        };
        let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
        let internal = |what: &str| {
            (
                at.push("responses"),
                format!("{what} changed while merging; please report it"),
            )
        };
        let Some(responses) =
            pointer_mut(doc, &at.push("responses")).and_then(Value::as_object_mut)
        else {
            return Err(internal("the responses").into());
        };
        for body in &bodies {
            if let Some(name) = body
                .schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(crate::doc::schema_name)
            {
                replaced.push(name);
            }
            let Some(response) = responses.get_mut(&body.code) else {
                return Err(internal("a response").into());
            };
            // A shared `components/responses` entry is inlined first so that pointing this
            // operation's copy at the merged type leaves other operations alone.
            let inlined = resolve(&snapshot, response).clone();
            *response = inlined;
            response["content"][body.media.as_str()]["schema"] = reference.clone();
        }
        let codes: Vec<&str> = bodies.iter().map(|b| b.code.as_str()).collect();
        let mut what = format!("{} bodies -> one type `{name}`", codes.join(" + "));
        if !nullable.is_empty() {
            what.push_str(&format!("; now nullable: {}", nullable.join(", ")));
        }
        log.fix(&at.push("responses"), what);
    }
    prune_orphans(doc, replaced, log);
    Ok(())
}

/// Removes the response schemas the merge left unreferenced (the 202 model), so that no unused
/// type is generated for them.
fn prune_orphans(doc: &mut Value, mut candidates: Vec<String>, log: &mut Log) {
    candidates.sort();
    candidates.dedup();
    for name in candidates {
        if crate::doc::RefGraph::of(doc).is_referenced(&name) {
            continue;
        }
        component_schemas(doc).remove(&name);
        log.fix(
            &Pointer::root()
                .push("components")
                .push("schemas")
                .push(name.as_str()),
            "removed: no longer referenced after the merge",
        );
    }
}

fn bodies(doc: &Value, op: &Map<String, Value>) -> Vec<Body> {
    let mut out = Vec::new();
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return out;
    };
    for (code, response) in responses {
        if !is_success(code) {
            continue;
        }
        let response = resolve(doc, response);
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            continue;
        };
        for (media, m) in content {
            if let Some(schema) = m.get("schema") {
                out.push(Body {
                    code: code.clone(),
                    media: media.clone(),
                    schema: schema.clone(),
                });
            }
        }
    }
    out
}

/// The first success response with no content at all, if any.
fn bodiless(doc: &Value, op: &Map<String, Value>) -> Option<String> {
    let responses = op.get("responses").and_then(Value::as_object)?;
    responses
        .iter()
        .filter(|(code, _)| is_success(code))
        .find(|(_, r)| {
            resolve(doc, r)
                .get("content")
                .and_then(Value::as_object)
                .is_none_or(|c| c.is_empty())
        })
        .map(|(code, _)| code.clone())
}

fn all_same_ref(bodies: &[Body]) -> bool {
    bodies[0].schema.get("$ref").is_some() && bodies.iter().all(|b| b.schema == bodies[0].schema)
}

/// Merges the bodies' object schemas; returns the schema and the properties it made nullable.
fn merge(doc: &Value, bodies: &[Body], op: &Pointer) -> Result<(Value, Vec<String>), PassError> {
    let mut objects = Vec::new();
    for body in bodies {
        let schema = resolve(doc, &body.schema);
        let is_object = schema.get("properties").is_some()
            || schema.get("type").and_then(Value::as_str) == Some("object");
        if !is_object {
            let at = op.push("responses").push(&body.code);
            let first = &bodies[0].code;
            return Err((
                at,
                format!(
                    "the {} body is `{}`, not an object, so it cannot share one success type with the {first} body \
                 (progenitor needs one success type per operation)",
                    body.code,
                    shape(doc, &body.schema)
                ),
            ).into());
        }
        objects.push(schema);
    }
    let primary = objects[0];
    let mut merged = primary.as_object().cloned().unwrap_or_default();
    let mut props = primary
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut nullable = Vec::new();
    for other in &objects[1..] {
        let Some(other_props) = other.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (name, theirs) in other_props {
            match props.get_mut(name) {
                Some(ours) => {
                    let disagree =
                        shape(doc, ours) != shape(doc, theirs) || is_nullable(doc, theirs);
                    if disagree && make_nullable(ours) {
                        nullable.push(name.clone());
                    }
                }
                None => {
                    props.insert(name.clone(), theirs.clone());
                }
            }
        }
    }
    let required: Vec<Value> = props
        .keys()
        .filter(|name| objects.iter().all(|o| required_in(o, name)))
        .map(|name| Value::String(name.clone()))
        .collect();
    merged.insert("type".into(), Value::String("object".into()));
    merged.remove("required");
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    merged.insert("properties".into(), Value::Object(props));
    let codes: Vec<&str> = bodies.iter().map(|b| b.code.as_str()).collect();
    let note = format!(
        "One type for the {} bodies (merged by khipu-codegen).",
        codes.join(", ")
    );
    let description = match merged.get("description").and_then(Value::as_str) {
        Some(d) => format!("{d}\n\n{note}"),
        _ => note,
    };
    merged.insert("description".into(), Value::String(description));
    Ok((Value::Object(merged), nullable))
}

fn required_in(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|v| v == name))
}

fn is_nullable(doc: &Value, schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || resolve(doc, schema).get("nullable") == Some(&Value::Bool(true))
}

/// The shape of a value, ignoring docs, examples, enums and limits: two schemas of one shape can
/// share a Rust type.
fn shape(doc: &Value, schema: &Value) -> String {
    let mut schema = resolve(doc, schema);
    if let Some([single]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        schema = resolve(doc, single);
    }
    let ty = schema
        .get("type")
        .and_then(Value::as_str)
        .or_else(|| schema.get("properties").map(|_| "object"))
        .unwrap_or("any");
    match ty {
        "object" => {
            let keys: BTreeSet<&str> = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            format!(
                "object{{{}}}",
                keys.into_iter().collect::<Vec<_>>().join(",")
            )
        }
        "array" => format!(
            "array<{}>",
            schema
                .get("items")
                .map(|i| shape(doc, i))
                .unwrap_or_else(|| "any".into())
        ),
        other => other.to_owned(),
    }
}

fn pointer_mut<'a>(doc: &'a mut Value, at: &Pointer) -> Option<&'a mut Value> {
    at.tokens()
        .iter()
        .try_fold(doc, |v, t| v.get_mut(t.as_str()))
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::{run, run_idempotent};
    use serde_json::{Value, json};

    fn bank_op() -> Value {
        json!({
            "paths": {"/v1/cl/banking/personal/x/transactions": {"post": {
                "operationId": "fetchTransactions_1",
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"type": "object",
                        "required": ["OperationId", "Data", "LifeSpan"],
                        "properties": {
                            "OperationId": {"type": "string", "maxLength": 36},
                            "Status": {"type": "string", "enum": ["OK", "ERROR"]},
                            "Data": {"type": "object", "properties": {"Transaction": {"type": "array", "items": {}}}},
                            "LifeSpan": {"type": "string", "nullable": true}
                        }}}}},
                    "202": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AsyncResponse"}}}}
                }
            }}},
            "components": {"schemas": {"AsyncResponse": {"type": "object",
                "required": ["OperationId", "Data", "LifeSpan"],
                "properties": {
                    "OperationId": {"type": "string", "example": "x"},
                    "Status": {"type": "string"},
                    "Data": {"type": "object"},
                    "LifeSpan": {"type": "string"}
                }}}}
        })
    }

    #[test]
    fn merges_200_and_202_with_data_nullable() {
        let mut doc = bank_op();
        let report = run_idempotent(super::success, &mut doc);
        let responses =
            &doc["paths"]["/v1/cl/banking/personal/x/transactions"]["post"]["responses"];
        let reference = json!({"$ref": "#/components/schemas/FetchTransactions1Response"});
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"],
            reference
        );
        assert_eq!(
            responses["202"]["content"]["application/json"]["schema"],
            reference
        );
        let merged = &doc["components"]["schemas"]["FetchTransactions1Response"];
        assert_eq!(
            merged["properties"]["Data"]["nullable"], true,
            "the 202 sends Data: null"
        );
        assert_eq!(merged["properties"]["LifeSpan"]["nullable"], true);
        assert!(
            merged["properties"]["OperationId"]
                .get("nullable")
                .is_none(),
            "same shape in both bodies"
        );
        assert_eq!(
            merged["properties"]["Status"]["enum"],
            json!(["OK", "ERROR"])
        );
        assert_eq!(
            merged["required"],
            json!(["OperationId", "Data", "LifeSpan"])
        );
        assert_eq!(report.fixes.len(), 2);
        assert!(
            doc["components"]["schemas"].get("AsyncResponse").is_none(),
            "the orphaned 202 model is pruned"
        );
        assert!(
            report.fixes[0].what.contains("now nullable: Data"),
            "{}",
            report.fixes[0].what
        );
    }

    #[test]
    fn a_bodiless_success_beside_a_body_is_named() {
        let mut doc = bank_op();
        doc["paths"]["/v1/cl/banking/personal/x/transactions"]["post"]["responses"]["202"] =
            json!({"description": "accepted"});
        let err = run(super::success, &mut doc).unwrap_err();
        assert_eq!(
            err.0,
            "#/paths/~1v1~1cl~1banking~1personal~1x~1transactions/post/responses/202"
        );
        assert!(
            err.1.contains("no body but the 200 response has one"),
            "{}",
            err.1
        );
    }

    #[test]
    fn refuses_bodies_that_cannot_share_a_type_naming_the_response() {
        let mut doc = bank_op();
        doc["components"]["schemas"]["AsyncResponse"] =
            json!({"type": "array", "items": {"type": "string"}});
        let err = run(super::success, &mut doc).unwrap_err();
        assert_eq!(
            err.0,
            "#/paths/~1v1~1cl~1banking~1personal~1x~1transactions/post/responses/202"
        );
        assert!(err.1.contains("array<string>"), "{}", err.1);
    }
}

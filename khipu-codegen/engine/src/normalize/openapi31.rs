//! OpenAPI 3.1 and JSON Schema 2020-12, lowered to what progenitor reads (OpenAPI 3.0).
//!
//! Every 3.1 construct is either lowered to its 3.0 equivalent, kept as documentation (removed
//! from what progenitor sees, the change logged), or refused with the place at fault:
//!
//! | construct | what the generator does |
//! |---|---|
//! | `type: "null"` alone | lowered: accepts only null, so the schema becomes untyped + `nullable` (pass `type-arrays`) |
//! | `type: [T, "null"]` | lowered: `type: T` + `nullable: true` (pass `type-arrays`) |
//! | `anyOf` / `oneOf` with a `{type: "null"}` branch | lowered: the branch is dropped and the schema is `nullable`; one branch left is lifted (a `$ref` as `allOf: [$ref]`) |
//! | `const: v` | lowered: `enum: [v]` (`const: null` is a null branch) |
//! | `examples: [a, ...]` in a schema | lowered: `example: a` |
//! | numeric `exclusiveMinimum` / `exclusiveMaximum` | lowered: `minimum`/`maximum` + boolean `exclusive*` |
//! | `$ref` with `nullable` | lowered: `allOf: [$ref]` + `nullable` (pass `nullable-refs`) |
//! | `$ref` with documentation siblings (`description`, `summary`, `title`, `deprecated`, `readOnly`, `writeOnly`, `example`, `default`) | kept as documentation |
//! | `$ref` with other siblings (`properties`, `required`, constraints) | lowered: `allOf: [{$ref}, {siblings}]` |
//! | `$comment`, `$schema`, `$id`, `$anchor` | kept as documentation (removed) |
//! | `$defs`, and `$ref`s into them | lowered: each definition moves to `components/schemas/<Parent><Name>`, refs rewritten |
//! | `$dynamicRef`, `$dynamicAnchor` | refused: no 3.0 equivalent |
//! | `contentEncoding: base64` | lowered: `format: byte`; `contentMediaType` kept as documentation |
//! | `prefixItems` | lowered: `items` (the common schema if all are equal, any value otherwise, with a warning) |
//! | `dependentRequired`, `dependentSchemas`, `unevaluatedProperties`, `unevaluatedItems`, `propertyNames`, `contains` | kept as documentation: validation rules the typed client does not enforce |
//! | `patternProperties` | lowered: `additionalProperties` (the one pattern's schema, any value for several) |
//! | `if` / `then` / `else` | kept as documentation, with a warning: the types are those of the schema without the condition |
//! | top-level `webhooks` | kept as documentation; inline payload schemas move to `components/schemas/<Name>Webhook` so they are generated as types |
//! | `components/pathItems` and path items that `$ref` them | lowered: inlined |
//! | `jsonSchemaDialect` | the 3.1 base dialect or 2020-12: removed; any other: refused |
//! | `info.summary`, `license.identifier` | kept as documentation (openapiv3 ignores them) |
//! | `webhooks` and no `paths` | generated: a module of types with no operations |

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::{Doc, Log, PassError, component_schemas, lookup, unique_name};
use crate::pointer::Pointer;
use crate::walk;

/// Marks a document that had webhooks, so that the structure pass accepts it without `paths`.
pub(crate) const WEBHOOKS: &str = "x-khipu-webhooks";

/// Dialects the generator understands.
const DIALECTS: [&str; 2] = [
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Keywords that only document a schema; beside a `$ref` they change nothing.
const DOC_KEYWORDS: [&str; 11] = [
    "description",
    "summary",
    "title",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "default",
    "$comment",
    "nullable",
];

/// Validation keywords with no 3.0 equivalent that the typed client does not need.
const VALIDATION_ONLY: [&str; 8] = [
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
];

/// Document-level 3.1: dialect, path items by reference, webhooks. Runs before the structure
/// check, so it reads the document defensively.
pub(super) fn document(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    let root = Pointer::root();
    let Some(top) = doc.as_object_mut() else {
        return Ok(());
    };
    if let Some(dialect) = top.get("jsonSchemaDialect").cloned() {
        let at = root.push("jsonSchemaDialect");
        match dialect.as_str() {
            Some(d) if DIALECTS.contains(&d) => {
                top.remove("jsonSchemaDialect");
                log.fix(
                    &at,
                    format!("dialect {d} is the one the generator reads; removed"),
                );
            }
            _ => {
                return Err((
                    at,
                    format!(
                        "the JSON Schema dialect {dialect} is not supported: the generator reads OpenAPI 3.1's base dialect ({})",
                        DIALECTS[0]
                    ),
                ).into());
            }
        }
    }
    inline_path_items(doc, log)?;
    let Some(top) = doc.as_object_mut() else {
        return Ok(());
    };
    let Some(hooks) = top.remove("webhooks") else {
        return Ok(());
    };
    let at = root.push("webhooks");
    let Value::Object(hooks) = hooks else {
        return Err((
            at,
            "`webhooks` must be a mapping of name to path item".into(),
        )
            .into());
    };
    let names: Vec<Value> = hooks.keys().map(|k| Value::String(k.clone())).collect();
    let mut hoisted = Vec::new();
    for (name, item) in hooks {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !walk::METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(content) = op
                .get("requestBody")
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            if let Some(schema) = content.values().find_map(|m| m.get("schema"))
                && !schema.get("$ref").is_some_and(Value::is_string)
            {
                hoisted.push((name.clone(), schema.clone()));
            }
        }
    }
    if !top.contains_key("paths") {
        top.insert("paths".into(), Value::Object(Map::new()));
    }
    top.insert(WEBHOOKS.into(), Value::Array(names.clone()));
    let schemas = component_schemas(doc);
    for (name, schema) in hoisted {
        let base = format!("{}Webhook", name.to_upper_camel_case());
        let unique = unique_name(schemas, &base);
        schemas.insert(unique.clone(), schema);
        log.fix(
            &at.push(&name),
            format!("inline webhook payload -> components/schemas/{unique}"),
        );
    }
    log.fix(
        &at,
        format!(
            "{} webhook(s) (calls Khipu makes to you) kept as documentation; their payloads are types",
            names.len()
        ),
    );
    Ok(())
}

/// `paths/X: {$ref: '#/components/pathItems/Y'}` -> the path item itself; `components/pathItems`
/// goes away.
fn inline_path_items(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    // The targets are all under `components`: only that part is kept to read them from.
    let snapshot = json!({ "components": doc.get("components").cloned().unwrap_or(Value::Null) });
    for section in ["paths", "webhooks"] {
        let Some(items) = doc.get_mut(section).and_then(Value::as_object_mut) else {
            continue;
        };
        for (key, item) in items.iter_mut() {
            let at = Pointer::root().push(section).push(key);
            let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let Some(target) = Pointer::parse_ref(reference)
                .filter(|p| p.tokens().first().map(String::as_str) == Some("components"))
                .and_then(|p| lookup(&snapshot, &p))
                .and_then(Value::as_object)
            else {
                return Err((
                    at.push("$ref"),
                    format!("`{reference}` does not name a path item in `components/pathItems`"),
                )
                    .into());
            };
            let mut inlined = target.clone();
            if let Some(own) = item.as_object() {
                for (k, v) in own {
                    if k != "$ref" {
                        inlined.insert(k.clone(), v.clone());
                    }
                }
            }
            log.fix(&at, format!("path item {reference} inlined"));
            *item = Value::Object(inlined);
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut)
        && components.remove("pathItems").is_some()
    {
        log.fix(
            &Pointer::root().push("components").push("pathItems"),
            "removed (inlined where used)",
        );
    }
    Ok(())
}

/// Schema-level JSON Schema 2020-12: `$defs` first (they move and refs follow), then each schema.
pub(super) fn schemas(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    hoist_defs(doc, log);
    walk::schemas(doc, &mut |schema, at, _| lower(schema, at, log))
}

/// Moves every `$defs` entry to `components/schemas`, rewriting the refs that point into it.
fn hoist_defs(doc: &mut Value, log: &mut Log) {
    // Definitions can nest; each round lifts one level.
    for _ in 0..16 {
        let mut found: Vec<(Pointer, Map<String, Value>)> = Vec::new();
        let _ = walk::schemas(doc, &mut |schema, at, _| {
            if let Some(Value::Object(defs)) = schema.remove("$defs") {
                found.push((at.clone(), defs));
            }
            Ok(())
        });
        if found.is_empty() {
            return;
        }
        let mut moves: Vec<(String, String)> = Vec::new();
        let schemas = component_schemas(doc);
        for (at, defs) in found {
            let parent = at
                .tokens()
                .last()
                .cloned()
                .unwrap_or_default()
                .to_upper_camel_case();
            for (name, schema) in defs {
                let new = unique_name(schemas, &format!("{parent}{}", name.to_upper_camel_case()));
                schemas.insert(new.clone(), schema);
                let old = at.push("$defs").push(&name).to_string();
                log.fix(
                    &at.push("$defs").push(&name),
                    format!("moved to components/schemas/{new}"),
                );
                moves.push((old, format!("#/components/schemas/{new}")));
            }
        }
        crate::doc::refs_mut(doc, &mut |r| {
            for (old, new) in &moves {
                if r == old || r.starts_with(&format!("{old}/")) {
                    *r = format!("{new}{}", &r[old.len()..]);
                }
            }
        });
    }
}

fn is_null_branch(branch: &Value) -> bool {
    match branch.get("type") {
        Some(Value::String(t)) if t == "null" => return true,
        Some(Value::Array(ts)) if ts.len() == 1 && ts[0] == "null" => return true,
        _ => {}
    }
    branch.get("const") == Some(&Value::Null) || branch.get("enum") == Some(&json!([null]))
}

fn lower(schema: &mut Map<String, Value>, at: &Pointer, log: &mut Log) -> Result<(), String> {
    for key in ["$dynamicRef", "$dynamicAnchor"] {
        if schema.contains_key(key) {
            return Err(format!(
                "`{key}` has no OpenAPI 3.0 equivalent and is not supported"
            ));
        }
    }
    for key in ["$comment", "$schema", "$id", "$anchor", "contentMediaType"] {
        if schema.remove(key).is_some() {
            log.fix(at, format!("`{key}` kept as documentation (removed)"));
        }
    }
    for key in VALIDATION_ONLY {
        if schema.remove(key).is_some() {
            log.fix(
                at,
                format!("`{key}` is validation the typed client does not enforce; removed"),
            );
        }
    }
    let conditional: Vec<&str> = ["if", "then", "else"]
        .into_iter()
        .filter(|k| schema.contains_key(*k))
        .collect();
    if !conditional.is_empty() {
        for key in &conditional {
            schema.remove(*key);
        }
        log.warn(
            at,
            format!(
                "`{}` removed: the generated types are those of the schema without the condition",
                conditional.join("/")
            ),
        );
    }
    if let Some(value) = schema.remove("const") {
        if value.is_null() {
            schema.insert("nullable".into(), Value::Bool(true));
        } else {
            schema.insert("enum".into(), Value::Array(vec![value.clone()]));
        }
        log.fix(at, format!("const {value} -> enum [{value}]"));
    }
    if let Some(examples) = schema.get("examples").filter(|e| e.is_array()).cloned() {
        schema.remove("examples");
        if let Some(first) = examples.as_array().and_then(|a| a.first())
            && !schema.contains_key("example")
        {
            schema.insert("example".into(), first.clone());
        }
        log.fix(at, "examples [...] -> example");
    }
    for (exclusive, bound, tighter) in [
        ("exclusiveMinimum", "minimum", 1.0),
        ("exclusiveMaximum", "maximum", -1.0),
    ] {
        let Some(limit) = schema.get(exclusive).filter(|v| v.is_number()).cloned() else {
            continue;
        };
        let n = limit.as_f64().unwrap_or_default();
        let keep_inclusive = schema
            .get(bound)
            .and_then(Value::as_f64)
            .is_some_and(|b| (b - n) * tighter > 0.0);
        if keep_inclusive {
            schema.remove(exclusive);
        } else {
            schema.insert(bound.into(), limit.clone());
            schema.insert(exclusive.into(), Value::Bool(true));
        }
        log.fix(
            at,
            format!("{exclusive}: {limit} -> {bound} + {exclusive}: true"),
        );
    }
    if let Some(encoding) = schema.remove("contentEncoding") {
        if matches!(encoding.as_str(), Some("base64" | "base64url"))
            && !schema.contains_key("format")
        {
            schema.insert("format".into(), Value::String("byte".into()));
        }
        log.fix(at, format!("contentEncoding {encoding} -> format byte"));
    }
    if let Some(Value::Array(prefix)) = schema.remove("prefixItems") {
        let same = prefix.windows(2).all(|w| w[0] == w[1]);
        if !schema.get("items").is_some_and(Value::is_object) {
            match (same, prefix.first()) {
                (true, Some(one)) => {
                    schema.insert("items".into(), one.clone());
                }
                _ => {
                    schema.insert("items".into(), json!({}));
                    log.warn(
                        at,
                        "`prefixItems` of different schemas: the items are typed as any JSON value",
                    );
                }
            }
        }
        log.fix(at, "prefixItems -> items");
    }
    if let Some(Value::Object(patterns)) = schema.remove("patternProperties") {
        if !schema.contains_key("additionalProperties") {
            let values = match patterns.values().collect::<Vec<_>>().as_slice() {
                [one] => (*one).clone(),
                _ => Value::Bool(true),
            };
            schema.insert("additionalProperties".into(), values);
        }
        log.fix(at, "patternProperties -> additionalProperties");
    }
    null_branches(schema, at, log);
    ref_siblings(schema, at, log);
    Ok(())
}

/// `anyOf`/`oneOf` with a null branch: the branch goes, the schema is nullable, and a single
/// remaining branch is lifted.
fn null_branches(schema: &mut Map<String, Value>, at: &Pointer, log: &mut Log) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = schema.get(key) else {
            continue;
        };
        if !branches.iter().any(is_null_branch) {
            continue;
        }
        let rest: Vec<Value> = branches
            .iter()
            .filter(|b| !is_null_branch(b))
            .cloned()
            .collect();
        schema.remove(key);
        let only_docs = schema.keys().all(|k| DOC_KEYWORDS.contains(&k.as_str()));
        match rest.as_slice() {
            [] => {}
            [one] if only_docs && one.get("$ref").is_some() => {
                let reference = json!({"$ref": one["$ref"].clone()});
                schema.insert("allOf".into(), Value::Array(vec![reference]));
                // Siblings of the `$ref` branch (3.1 allows them) stay with the wrapper.
                for (k, v) in one.as_object().into_iter().flatten() {
                    if k != "$ref" {
                        schema.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
            [one] if only_docs => {
                for (k, v) in one.as_object().into_iter().flatten() {
                    schema.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            _ => {
                schema.insert(key.into(), Value::Array(rest.clone()));
            }
        }
        schema.insert("nullable".into(), Value::Bool(true));
        log.fix(at, format!("{key} with a null branch -> nullable"));
    }
}

/// A `$ref` beside schema keywords (3.1 applies both) -> `allOf: [{$ref}, {the keywords}]`.
fn ref_siblings(schema: &mut Map<String, Value>, at: &Pointer, log: &mut Log) {
    if !schema.contains_key("$ref") {
        return;
    }
    let extra: Vec<String> = schema
        .keys()
        .filter(|k| *k != "$ref" && !DOC_KEYWORDS.contains(&k.as_str()))
        .cloned()
        .collect();
    if extra.is_empty() {
        return;
    }
    let mut rest = Map::new();
    for k in &extra {
        if let Some(v) = schema.remove(k) {
            rest.insert(k.clone(), v);
        }
    }
    let reference = schema.remove("$ref").unwrap_or(Value::Null);
    schema.insert(
        "allOf".into(),
        json!([{"$ref": reference}, Value::Object(rest)]),
    );
    log.fix(
        at,
        format!("$ref beside {} -> allOf [$ref, {{...}}]", extra.join(", ")),
    );
}

#[cfg(test)]
mod tests;

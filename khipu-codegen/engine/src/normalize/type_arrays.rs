//! Nullability, the way progenitor understands it.
//!
//! Khipu's documents say "object or null" with 3.1 type arrays (`type: [object, "null"]`), which
//! openapiv3 cannot parse; and a `$ref` beside `nullable: true` is silently not nullable, so a
//! `null` on the wire fails to decode at run time.

use serde_json::Value;

use super::{Doc, Log, PassError, make_nullable};
use crate::walk;

/// `type: [T, "null"]` -> `type: T, nullable: true`; `type: [T]` -> `type: T`; several non-null
/// types leave the schema untyped (any JSON value), with a warning.
/// The type names OpenAPI allows.
const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "array", "object", "null",
];

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    walk::schemas(doc, &mut |schema, at, _| {
        match schema.get("type") {
            None => {
                return match schema.get("format") {
                    Some(format) if !["$ref", "allOf", "anyOf", "oneOf"].iter().any(|k| schema.contains_key(*k)) => {
                        Err(format!("has `format: {format}` but no `type`: add the type the format refines"))
                    }
                    _ => Ok(()),
                };
            }
            Some(Value::String(name)) if name == "null" => {
                // 3.1: only null is allowed; 3.0 says that as an untyped nullable schema.
                schema.remove("type");
                schema.insert("nullable".into(), Value::Bool(true));
                log.fix(at, "type \"null\" -> any + nullable (only null is sent)");
                return Ok(());
            }
            Some(Value::String(name)) if TYPES.contains(&name.as_str()) => return Ok(()),
            Some(Value::String(name)) => return Err(format!("`type: {name}` is not an OpenAPI type (one of {})", TYPES.join(", "))),
            Some(Value::Array(_)) => {}
            Some(other) => return Err(format!("`type` must be a type name or a list of them, not {other}")),
        }
        let Some(Value::Array(types)) = schema.get("type") else { return Ok(()) };
        let mut names = Vec::new();
        for t in types {
            match t.as_str() {
                Some(name) if TYPES.contains(&name) => names.push(name.to_owned()),
                _ => return Err(format!("`type` lists {t}, which is not a type name")),
            }
        }
        let nullable = names.iter().any(|n| n == "null");
        names.retain(|n| n != "null");
        let before = Value::Array(types.clone());
        match names.as_slice() {
            [] => {
                schema.remove("type");
            }
            [one] => {
                schema.insert("type".into(), Value::String(one.clone()));
            }
            _ => {
                schema.remove("type");
                log.warn(at, format!("`type: {before}` has several non-null types; the field accepts any JSON value"));
            }
        }
        if nullable {
            schema.insert("nullable".into(), Value::Bool(true));
        }
        log.fix(at, format!("type {before} -> {}", describe(schema)));
        Ok(())
    })
    .map_err(|e| {
        if e.message.contains("`format") {
            e
        } else {
            PassError::from((e.at.push("type"), e.message))
        }
    })
}

fn describe(schema: &serde_json::Map<String, Value>) -> String {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("any");
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        format!("{ty} + nullable")
    } else {
        ty.to_owned()
    }
}

/// `{$ref: X, nullable: true}` -> `{allOf: [{$ref: X}], nullable: true}`.
pub(super) fn nullable_refs(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    walk::schemas(doc, &mut |schema, at, _| {
        if schema.contains_key("$ref") && schema.get("nullable") == Some(&Value::Bool(true)) {
            schema.remove("nullable");
            let mut value = Value::Object(std::mem::take(schema));
            make_nullable(&mut value);
            if let Value::Object(map) = value {
                *schema = map;
            }
            log.fix(at, "$ref + nullable -> allOf [$ref] + nullable");
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::{run, run_idempotent};
    use serde_json::json;

    fn fragment(schema: serde_json::Value) -> serde_json::Value {
        json!({"components": {"schemas": {"Envelope": {"type": "object", "properties": {"Data": schema}}}}})
    }

    #[test]
    fn object_or_null_becomes_nullable_object() {
        let mut doc = fragment(
            json!({"type": ["object", "null"], "properties": {"type": {"type": "string"}}}),
        );
        let report = run_idempotent(super::run, &mut doc);
        let data = &doc["components"]["schemas"]["Envelope"]["properties"]["Data"];
        assert_eq!(data["type"], "object");
        assert_eq!(data["nullable"], true);
        // a property that happens to be called `type` is not a type array
        assert_eq!(data["properties"]["type"], json!({"type": "string"}));
        assert_eq!(report.fixes.len(), 1);
        assert_eq!(
            report.fixes[0].pointer,
            "#/components/schemas/Envelope/properties/Data"
        );
    }

    #[test]
    fn several_types_become_any_with_a_warning() {
        let mut doc = fragment(json!({"type": ["string", "integer"]}));
        let report = run(super::run, &mut doc).unwrap();
        assert!(
            doc["components"]["schemas"]["Envelope"]["properties"]["Data"]
                .get("type")
                .is_none()
        );
        assert_eq!(report.warnings.len(), 1);
    }

    #[test]
    fn a_non_string_type_is_an_error_naming_the_field() {
        let mut doc = fragment(json!({"type": ["string", 3]}));
        let err = run(super::run, &mut doc).unwrap_err();
        assert_eq!(err.0, "#/components/schemas/Envelope/properties/Data/type");
    }

    #[test]
    fn unknown_types_and_untyped_formats_are_errors() {
        let err = run(super::run, &mut fragment(json!({"type": "x"}))).unwrap_err();
        assert_eq!(err.0, "#/components/schemas/Envelope/properties/Data/type");
        assert!(err.1.contains("not an OpenAPI type"), "{}", err.1);
        let err = run(super::run, &mut fragment(json!({"type": null}))).unwrap_err();
        assert_eq!(err.0, "#/components/schemas/Envelope/properties/Data/type");
        let err = run(super::run, &mut fragment(json!({"format": "password"}))).unwrap_err();
        assert_eq!(err.0, "#/components/schemas/Envelope/properties/Data");
        assert!(
            run(
                super::run,
                &mut fragment(json!({"allOf": [], "format": "x"}))
            )
            .is_ok()
        );
    }

    #[test]
    fn nullable_ref_is_wrapped_in_all_of() {
        let mut doc = fragment(
            json!({"$ref": "#/components/schemas/X", "nullable": true, "description": "d"}),
        );
        run_idempotent(super::nullable_refs, &mut doc);
        assert_eq!(
            doc["components"]["schemas"]["Envelope"]["properties"]["Data"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "d", "nullable": true})
        );
    }
}

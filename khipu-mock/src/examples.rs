//! Answers made from the specs: the operation's example when it has one, otherwise a plausible
//! value built from the schema (property examples first, then a value of the right type).

use serde_json::{Map, Value, json};

use khipu_doc::resolve;

/// The example of an operation's `code` response, or one synthesized from its schema.
pub fn response(doc: &Value, op: &Value, code: &str) -> Value {
    let Some(response) = op
        .get("responses")
        .and_then(|r| r.get(code))
        .map(|r| resolve(doc, r))
    else {
        return Value::Null;
    };
    let Some(media) = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
    else {
        return Value::Null;
    };
    match media.get("example") {
        Some(example) => example.clone(),
        None => media
            .get("schema")
            .map(|s| synthesize(doc, s, 0))
            .unwrap_or(Value::Null),
    }
}

/// A plausible value for `schema`.
pub fn synthesize(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if depth > 12 {
        return Value::Null;
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return synthesize(doc, first, depth + 1);
        }
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ if schema.get("properties").is_some() => "object".into(),
        _ => "string".into(),
    };
    match kind.as_str() {
        "object" => {
            let mut out = Map::new();
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                out.insert(name.clone(), synthesize(doc, prop, depth + 1));
            }
            Value::Object(out)
        }
        "array" => json!([synthesize(
            doc,
            schema.get("items").unwrap_or(&Value::Null),
            depth + 1
        )]),
        "integer" => json!(1),
        "number" => json!(1000),
        "boolean" => json!(false),
        "null" => Value::Null,
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date") => json!("2024-01-15"),
            // What the validator accepts for each format it checks.
            Some(format) => json!(crate::formats::example(format).unwrap_or("sandbox")),
            None => json!("sandbox"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_what_has_no_example() {
        let doc = json!({});
        let schema = json!({"type": "object", "properties": {
            "id": {"type": "string", "example": "abc"}, "n": {"type": "integer"}, "when": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": ["x", "y"]}, "list": {"type": "array", "items": {"type": "boolean"}},
            "maybe": {"type": ["object", "null"], "properties": {"a": {"type": "number"}}}}});
        assert_eq!(
            synthesize(&doc, &schema, 0),
            json!({"id": "abc", "n": 1, "when": "2024-06-21T11:23:09.123Z", "kind": "x",
            "list": [false], "maybe": {"a": 1000}})
        );
    }
}

//! Request validation against a spec's schema: types, required fields, enums, length limits,
//! patterns, string formats ([`crate::formats`]), `null` only where the schema allows it. Each
//! problem names the field.

use serde_json::{Map, Value};

use khipu_doc::resolve;

/// A field that breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path (`RequestData.AccountNumber`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Every way `value` breaks `schema`.
pub fn validate(doc: &Value, schema: &Value, value: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check(doc, schema, value, "", &mut errors);
    errors
}

fn push(errors: &mut Vec<FieldError>, at: &str, message: impl Into<String>) {
    let field = if at.is_empty() {
        "(body)".to_owned()
    } else {
        at.to_owned()
    };
    errors.push(FieldError {
        field,
        message: message.into(),
    });
}

fn types(schema: &Value) -> (Vec<String>, bool) {
    let mut nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let list = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    nullable |= list.iter().any(|t| t == "null");
    (list.into_iter().filter(|t| t != "null").collect(), nullable)
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `true` when `schema` accepts `null`: it says so (`nullable`, a `null` type), one of its
/// `oneOf`/`anyOf` forms does, or it constrains nothing (`{}`).
fn accepts_null(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    let (kinds, nullable) = types(schema);
    if nullable {
        return true;
    }
    let forms = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten();
    let mut constrained = !kinds.is_empty();
    for form in forms {
        constrained = true;
        if accepts_null(doc, form) {
            return true;
        }
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        constrained = true;
        if !accepts_null(doc, part) {
            return false;
        }
    }
    !constrained
        && !["properties", "items", "enum"]
            .iter()
            .any(|k| schema.get(*k).is_some())
}

fn check(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<FieldError>) {
    let schema = resolve(doc, schema);
    if value.is_null() {
        if !accepts_null(doc, schema) {
            push(errors, at, "must not be null");
        }
        return;
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(doc, part, value, at, errors);
    }
    let (kinds, _) = types(schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array)
            && !options
                .iter()
                .any(|o| validate_at(doc, o, value, at).is_empty())
        {
            push(errors, at, "matches none of the allowed forms");
            return;
        }
    }
    let actual = type_of(value);
    if !kinds.is_empty()
        && !kinds
            .iter()
            .any(|k| k == actual || (k == "number" && actual == "integer"))
    {
        push(
            errors,
            at,
            format!("must be {}, not {actual}", kinds.join(" or ")),
        );
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        push(errors, at, format!("must be one of {}", list.join(", ")));
    }
    match value {
        Value::String(s) => {
            let len = s.chars().count() as u64;
            if let Some(max) = schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .filter(|m| len > *m)
            {
                push(
                    errors,
                    at,
                    format!("is {len} characters long; at most {max} allowed"),
                );
            }
            if let Some(min) = schema
                .get("minLength")
                .and_then(Value::as_u64)
                .filter(|m| len < *m)
            {
                push(
                    errors,
                    at,
                    format!("is {len} characters long; at least {min} needed"),
                );
            }
            if let Some(p) = schema.get("pattern").and_then(Value::as_str)
                && let Ok(re) = khipu_types::regress::Regex::new(p)
                && re.find(s).is_none()
            {
                push(errors, at, format!("does not match {p}"));
            }
            if let Some(format) = schema.get("format").and_then(Value::as_str)
                && let Err(why) = crate::formats::check(format, s)
            {
                push(errors, at, why);
            }
        }
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                bounds(schema, x, at, errors);
            }
        }
        Value::Array(items) => {
            let len = items.len() as u64;
            if let Some(min) = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .filter(|m| len < *m)
            {
                push(
                    errors,
                    at,
                    format!("has {len} items; at least {min} needed"),
                );
            }
            if let Some(max) = schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .filter(|m| len > *m)
            {
                push(
                    errors,
                    at,
                    format!("has {len} items; at most {max} allowed"),
                );
            }
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check(doc, item, v, &format!("{at}[{i}]"), errors);
                }
            }
        }
        Value::Object(map) => object(doc, schema, map, at, errors),
        _ => {}
    }
}

/// `minimum`/`maximum`, and their exclusive forms: OpenAPI 3.0's booleans beside them, 3.1's
/// numbers of their own.
fn bounds(schema: &Value, x: f64, at: &str, errors: &mut Vec<FieldError>) {
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool).unwrap_or(false);
    if let Some(min) = number("minimum") {
        if flag("exclusiveMinimum") && x <= min {
            push(errors, at, format!("is {x}; it must be more than {min}"));
        } else if x < min {
            push(errors, at, format!("is {x}; at least {min} allowed"));
        }
    }
    if let Some(max) = number("maximum") {
        if flag("exclusiveMaximum") && x >= max {
            push(errors, at, format!("is {x}; it must be less than {max}"));
        } else if x > max {
            push(errors, at, format!("is {x}; at most {max} allowed"));
        }
    }
    if let Some(min) = number("exclusiveMinimum").filter(|m| x <= *m) {
        push(errors, at, format!("is {x}; it must be more than {min}"));
    }
    if let Some(max) = number("exclusiveMaximum").filter(|m| x >= *m) {
        push(errors, at, format!("is {x}; it must be less than {max}"));
    }
}

fn validate_at(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check(doc, schema, value, at, &mut errors);
    errors
}

fn object(
    doc: &Value,
    schema: &Value,
    map: &Map<String, Value>,
    at: &str,
    errors: &mut Vec<FieldError>,
) {
    let join = |name: &str| {
        if at.is_empty() {
            name.to_owned()
        } else {
            format!("{at}.{name}")
        }
    };
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !map.contains_key(name) {
            push(errors, &join(name), "is required");
        }
    }
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(v) = map.get(name) {
            check(doc, prop, v, &join(name), errors);
        }
    }
}

/// Every way the text `value` of parameter `name` breaks its `schema`, the text first typed as a
/// form value is ([`form_to_json`]): what the sandbox and `khipu api` check a parameter with.
pub fn parameter(doc: &Value, name: &str, schema: &Value, value: &str) -> Vec<FieldError> {
    let schema = serde_json::json!({"properties": {name: schema}});
    let typed = form_to_json(doc, &schema, &[(name.to_owned(), value.to_owned())]);
    validate(doc, &schema, &typed)
}

/// A form body as a JSON object, each value typed as its property's schema says, so that it can be
/// validated like JSON. A value that cannot take its type stays a string, and validation names it.
pub fn form_to_json(doc: &Value, schema: &Value, pairs: &[(String, String)]) -> Value {
    let schema = resolve(doc, schema);
    let mut out = Map::new();
    for (key, text) in pairs {
        let prop = schema
            .get("properties")
            .and_then(|p| p.get(key))
            .map(|p| resolve(doc, p));
        let kind = prop
            .map(types)
            .and_then(|(k, _)| k.first().cloned())
            .unwrap_or_default();
        let value = match kind.as_str() {
            "number" => text
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
            "integer" => text.parse::<i64>().ok().map(Value::from),
            "boolean" => match text.as_str() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            _ => None,
        };
        out.insert(
            key.clone(),
            value.unwrap_or_else(|| Value::String(text.clone())),
        );
    }
    Value::Object(out)
}

#[cfg(test)]
mod bounds_tests {
    use serde_json::json;

    use super::validate;

    #[test]
    fn numbers_and_arrays_keep_to_their_bounds_in_both_openapi_versions() {
        let doc = json!({});
        let schema = json!({"properties": {
            "offset": {"type": "integer", "minimum": 0},
            "max": {"type": "integer", "minimum": 1, "maximum": 100},
            "rate30": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
            "rate31": {"type": "number", "exclusiveMaximum": 1},
            "ids": {"type": "array", "minItems": 1, "maxItems": 2}
        }});
        let bad = json!({"offset": -1, "max": 0, "rate30": 0, "rate31": 1, "ids": []});
        // Sorted: serde_json keeps insertion order when another crate in the build turns on
        // its `preserve_order`, and sorted keys otherwise.
        let mut fields: Vec<String> = validate(&doc, &schema, &bad)
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        assert_eq!(fields, ["ids", "max", "offset", "rate30", "rate31"]);
        let good = json!({"offset": 0, "max": 100, "rate30": 0.5, "rate31": 0.99, "ids": [1, 2]});
        assert!(validate(&doc, &schema, &good).is_empty());
        assert_eq!(
            validate(&doc, &schema, &json!({"max": -5}))[0].message,
            "is -5; at least 1 allowed"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_each_field_at_fault() {
        let doc = json!({"components": {"schemas": {"R": {"type": "object", "required": ["AccountNumber"], "properties": {
            "AccountNumber": {"type": "string", "maxLength": 5}, "Currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}}}}});
        let schema = json!({"type": "object", "required": ["RequestData"], "properties": {
            "RequestData": {"$ref": "#/components/schemas/R"}, "Kind": {"type": "string", "enum": ["a", "b"]}}});
        assert_eq!(
            validate(&doc, &schema, &json!({})),
            [FieldError {
                field: "RequestData".into(),
                message: "is required".into()
            }]
        );
        let errors = validate(
            &doc,
            &schema,
            &json!({"RequestData": {"AccountNumber": "123456", "Currency": "clp"}, "Kind": "c"}),
        );
        let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(
            fields,
            ["Kind", "RequestData.AccountNumber", "RequestData.Currency"]
        );
        assert!(
            validate(
                &doc,
                &schema,
                &json!({"RequestData": {"AccountNumber": 12}})
            )[0]
            .message
            .contains("must be string")
        );
    }

    #[test]
    fn null_only_where_the_schema_allows_it() {
        let doc = json!({"components": {"schemas": {"Link": {"type": "object", "properties": {"Token": {"type": "string"}}}}}});
        let schema = json!({"type": "object", "properties": {
            "AccountCredential": {"oneOf": [{"$ref": "#/components/schemas/Link"}, {"type": "object"}]},
            "Maybe": {"anyOf": [{"$ref": "#/components/schemas/Link"}, {"type": "null"}]},
            "Old": {"allOf": [{"$ref": "#/components/schemas/Link"}], "nullable": true},
            "Any": {}
        }});
        let fields = |v: Value| -> Vec<String> {
            validate(&doc, &schema, &v)
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(json!({"AccountCredential": null})),
            ["AccountCredential"]
        );
        assert!(fields(json!({"Maybe": null, "Old": null, "Any": null})).is_empty());
    }

    #[test]
    fn string_formats_are_checked() {
        let schema = json!({"type": "object", "properties": {
            "expires_date": {"type": "string", "format": "date-time"},
            "payer_email": {"type": "string", "format": "email"},
            "notify_url": {"type": "string", "format": "uri"}}});
        let errors = validate(
            &json!({}),
            &schema,
            &json!({"expires_date": "not-a-date", "payer_email": "nope", "notify_url": ""}),
        );
        let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["expires_date", "notify_url", "payer_email"]);
        assert!(validate(&json!({}), &schema, &json!({"expires_date": "2024-06-21T11:23:09-04:00", "payer_email": "a@b.cl", "notify_url": "https://x.cl/n"})).is_empty());
    }

    #[test]
    fn form_values_take_their_schema_types() {
        let schema = json!({"properties": {"amount": {"type": "number"}, "send_email": {"type": "boolean"}, "subject": {"type": "string"}}});
        let pairs = [
            ("amount".into(), "1000".into()),
            ("send_email".into(), "true".into()),
            ("subject".into(), "1".into()),
        ];
        assert_eq!(
            form_to_json(&json!({}), &schema, &pairs),
            json!({"amount": 1000.0, "send_email": true, "subject": "1"})
        );
        let bad = [("amount".into(), "mil".into())];
        let value = form_to_json(&json!({}), &schema, &bad);
        assert!(
            validate(&json!({}), &schema, &value)[0]
                .message
                .contains("must be number")
        );
    }
}

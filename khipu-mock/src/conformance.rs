//! Random instances of a schema, as JSON text: everything the schema allows, for conformance
//! tests that feed them to the generated types. Seeded, so a failure is reproduced from its seed.
//!
//! What an instance may hold, by what the schema says:
//!
//! | schema | instances |
//! |---|---|
//! | object | every required property; each optional one half the time; now and then a property no schema names (unless `additionalProperties: false`) |
//! | `nullable`, a `null` type or form | `null` one time in five |
//! | `oneOf` / `anyOf` | one of the forms; `allOf`: every part's properties at once |
//! | string `enum` | one of its values, or a value it does not list one time in ten (every generated enum keeps unknown values) |
//! | string with a `format` of [`crate::formats`] | values its rule accepts, in every form Khipu writes (`Z`, `-04:00`, `-0400`, fractions) |
//! | string without one | any text: empty, long, non-ASCII, quotes and control characters; within `minLength`/`maxLength`; the `example` when there is a `pattern` |
//! | number | whole and fractional, at `minimum`/`maximum`, with many digits (`36427014.90143424`, `0.12345678901234567890123456789`), exponents, the extremes of a double (`1.7976931348623157e308`, `2.225073858507e-311`) |
//! | integer | within `minimum`/`maximum`, up to `i64` |
//! | array | zero to three items |

use serde_json::Value;

use khipu_doc::resolve;

/// Deepest nesting an instance goes to; deeper optional parts are left out.
const MAX_DEPTH: usize = 10;

/// A seeded generator of instances.
#[derive(Debug, Clone)]
pub struct Generator {
    state: u64,
    unknown_values: bool,
}

impl Generator {
    /// A generator whose instances are fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
            unknown_values: true,
        }
    }

    /// Whether string enums get values they do not list (on by default: what Khipu may add
    /// later). Off for requests, whose schemas are what Khipu accepts today.
    pub fn unknown_values(mut self, on: bool) -> Self {
        self.unknown_values = on;
        self
    }

    /// splitmix64: small, fast and good enough to pick shapes.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// `true` one time in `n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }

    /// An instance of `schema` (in `doc`, for its `$ref`s), as JSON text.
    pub fn instance(&mut self, doc: &Value, schema: &Value) -> String {
        let mut out = String::new();
        self.write(doc, schema, 0, &mut out);
        out
    }

    fn write(&mut self, doc: &Value, schema: &Value, depth: usize, out: &mut String) {
        let schema = resolve(doc, schema);
        if accepts_null(schema) && self.one_in(5) {
            out.push_str("null");
            return;
        }
        let forms: Vec<&Value> = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|k| schema.get(*k).and_then(Value::as_array))
            .flatten()
            .filter(|f| !is_null_type(resolve(doc, f)))
            .collect();
        if let Some(form) = self.pick(&forms).copied() {
            return self.write(doc, form, depth + 1, out);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let strings = values.iter().all(Value::is_string);
            if strings && self.unknown_values && self.one_in(10) {
                out.push_str(&quoted(&format!("NEW_VALUE_{}", self.below(1000))));
            } else if let Some(v) = self.pick(values) {
                out.push_str(&v.to_string());
            }
            return;
        }
        match kind(doc, schema).as_str() {
            "object" => self.object(doc, schema, depth, out),
            "array" => {
                out.push('[');
                let items = schema.get("items").unwrap_or(&Value::Null);
                let n = if depth >= MAX_DEPTH { 0 } else { self.below(4) };
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write(doc, items, depth + 1, out);
                }
                out.push(']');
            }
            "string" => {
                let text = self.string(schema);
                out.push_str(&quoted(&text));
            }
            "number" => out.push_str(&self.number(schema)),
            "integer" => out.push_str(&self.integer(schema).to_string()),
            "boolean" => out.push_str(if self.one_in(2) { "true" } else { "false" }),
            // No type: anything.
            _ => out.push_str(&self.any(depth)),
        }
    }

    fn object(&mut self, doc: &Value, schema: &Value, depth: usize, out: &mut String) {
        let (properties, required, closed) = object_parts(doc, schema);
        out.push('{');
        let mut first = true;
        let mut field = |out: &mut String, name: &str| {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&quoted(name));
            out.push(':');
        };
        for (name, prop) in &properties {
            let wanted = required.contains(name) || (depth < MAX_DEPTH && self.one_in(2));
            if wanted {
                field(out, name);
                self.write(doc, prop, depth + 1, out);
            }
        }
        if !closed && self.one_in(4) {
            field(out, &format!("x_unknown_{}", self.below(100)));
            out.push_str(&self.any(depth + 1));
        }
        out.push('}');
    }

    fn string(&mut self, schema: &Value) -> String {
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && crate::formats::example(format).is_some()
        {
            return self.formatted(format);
        }
        if schema.get("pattern").is_some() {
            return schema
                .get("example")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
        }
        const TEXTS: [&str; 10] = [
            "",
            "tempor",
            "2017-07-22",
            "ñandú café 🦙",
            "line\nbreak\ttab",
            "\"quoted\" \\ back",
            "\u{1b}[31mred\u{1b}[0m",
            "0",
            "-0400",
            "PAGO DE CUENTAS",
        ];
        let mut text = if self.one_in(8) {
            "x".repeat(300)
        } else {
            self.pick(&TEXTS).copied().unwrap_or_default().to_owned()
        };
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        while text.chars().count() < min {
            text.push('a');
        }
        if let Some(max) = max {
            text = text.chars().take(max).collect();
        }
        text
    }

    fn formatted(&mut self, format: &str) -> String {
        let forms: &[&str] = match format {
            "date-time" => &[
                "2024-06-21T11:23:09.123Z",
                "2017-07-21T17:32:28-0400",
                "2023-12-31T15:45:00-04:00",
                "2026-01-01T00:00:00Z",
                "2019-02-28T23:59:59.999999+05:30",
            ],
            "email" => &[
                "pagador@example.cl",
                "a.b+c@sub.example.com",
                "ñ@dominio.cl",
            ],
            _ => &[
                "https://example.cl/khipu",
                "https://khipu.com/payment/info/abc?x=1&y=%20",
                "http://127.0.0.1:8080/notify",
            ],
        };
        self.pick(forms).copied().unwrap_or_default().to_owned()
    }

    fn number(&mut self, schema: &Value) -> String {
        let bound = |k: &str| {
            schema
                .get(k)
                .filter(|v| v.is_number())
                .map(Value::to_string)
        };
        let choices = [
            bound("minimum"),
            bound("maximum"),
            Some("0".to_owned()),
            Some("1000".to_owned()),
            Some("1234.5".to_owned()),
            Some("36427014.90143424".to_owned()),
            Some("0.0001".to_owned()),
            Some("99999999999.9999".to_owned()),
            Some("1.5e3".to_owned()),
            // What a `format: double` allows and no amount has: huge, tiny, many digits.
            Some("3.402823466e+38".to_owned()),
            Some("1.7976931348623157e308".to_owned()),
            Some("2.225073858507e-311".to_owned()),
            Some("1e-29".to_owned()),
            Some("0.12345678901234567890123456789".to_owned()),
            Some("-0.0".to_owned()),
            Some(format!(
                "{}.{:04}",
                self.below(10_000_000),
                self.below(10_000)
            )),
        ];
        let usable: Vec<String> = choices
            .into_iter()
            .flatten()
            .filter(|n| within(schema, n))
            .collect();
        self.pick(&usable)
            .cloned()
            .unwrap_or_else(|| "0".to_owned())
    }

    fn integer(&mut self, schema: &Value) -> i64 {
        let min = schema.get("minimum").and_then(Value::as_i64);
        let max = schema.get("maximum").and_then(Value::as_i64);
        let candidates = [min, max, Some(0), Some(1), Some(i64::MAX), Some(985_101)];
        let usable: Vec<i64> = candidates
            .into_iter()
            .flatten()
            .filter(|n| min.is_none_or(|m| *n >= m) && max.is_none_or(|m| *n <= m))
            .collect();
        self.pick(&usable).copied().unwrap_or_default()
    }

    fn any(&mut self, depth: usize) -> String {
        let choices = ["null", "true", "1", "\"x\"", "[]", "{\"k\":[1,\"v\"]}"];
        let limit = if depth >= MAX_DEPTH {
            4
        } else {
            choices.len() as u64
        };
        choices[self.below(limit) as usize].to_owned()
    }
}

/// A JSON string literal.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// `true` when `number` (JSON text) is within the schema's bounds.
fn within(schema: &Value, number: &str) -> bool {
    let Ok(n) = number.parse::<f64>() else {
        return false;
    };
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
}

fn is_null_type(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// `true` when the schema says `null` is allowed.
fn accepts_null(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|ts| ts.iter().any(|t| t == "null"))
        || ["oneOf", "anyOf"].iter().any(|k| {
            schema
                .get(*k)
                .and_then(Value::as_array)
                .is_some_and(|forms| forms.iter().any(is_null_type))
        })
}

/// The schema's type (the first that is not `null`), or `object` when it has properties.
fn kind(doc: &Value, schema: &Value) -> String {
    let listed = match schema.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ => None,
    };
    let all_of_object = schema
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|parts| parts.iter().any(|p| kind(doc, resolve(doc, p)) == "object"));
    listed.unwrap_or_else(|| {
        if schema.get("properties").is_some() || all_of_object {
            "object".into()
        } else {
            String::new()
        }
    })
}

/// An object schema's properties, required names and whether it refuses other properties, with
/// every `allOf` part's merged in.
fn object_parts(doc: &Value, schema: &Value) -> (Vec<(String, Value)>, Vec<String>, bool) {
    let mut properties: Vec<(String, Value)> = Vec::new();
    let mut required: Vec<String> = Vec::new();
    let mut closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    let mut parts = vec![schema];
    parts.extend(
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| resolve(doc, p)),
    );
    for part in parts {
        for (name, prop) in part
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !properties.iter().any(|(n, _)| n == name) {
                properties.push((name.clone(), prop.clone()));
            }
        }
        required.extend(
            part.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
        closed |= part.get("additionalProperties") == Some(&Value::Bool(false));
    }
    (properties, required, closed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instances_are_json_the_validator_accepts() {
        let doc = json!({"components": {"schemas": {"Amount": {"type": "object", "required": ["Amount", "Currency"],
            "properties": {"Amount": {"type": "number"}, "Currency": {"type": "string", "enum": ["CLP", "USD"]}}}}}});
        let schema = json!({"type": "object", "required": ["id", "amount", "when"], "properties": {
            "id": {"type": "string", "maxLength": 5},
            "amount": {"$ref": "#/components/schemas/Amount"},
            "when": {"type": "string", "format": "date-time"},
            "email": {"type": ["string", "null"], "format": "email"},
            "count": {"type": "integer", "minimum": 1, "maximum": 9},
            "items": {"type": "array", "items": {"type": "boolean"}},
            "either": {"oneOf": [{"type": "string"}, {"type": "null"}]}}});
        for seed in 0..300 {
            let text = Generator::new(seed).instance(&doc, &schema);
            let value: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{seed}: {e}: {text}"));
            let mut errors = crate::validate::validate(&doc, &schema, &value);
            // Unknown enum values are the one thing a closed validator refuses on purpose.
            errors.retain(|e| !e.message.starts_with("must be one of"));
            assert!(errors.is_empty(), "seed {seed}: {errors:?} in {text}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_instance() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "number"}}});
        let a = Generator::new(7).instance(&json!({}), &schema);
        assert_eq!(a, Generator::new(7).instance(&json!({}), &schema));
    }
}

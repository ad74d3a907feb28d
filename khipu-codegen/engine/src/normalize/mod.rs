//! Normalization: a sequence of small named passes that turn a Khipu document, quirks and all, into
//! one progenitor accepts and generates a correct client from (see `shared/progenitor-notes.md`).
//!
//! Every pass works on the document as JSON, so it can name the place it touched with a JSON pointer,
//! and every pass is idempotent: normalizing a normalized document changes nothing.

mod canonical;
mod canonical_requests;
mod deprecated;
mod error_responses;
mod openapi31;
mod operation_ids;
mod response_constraints;
mod responses;
mod structure;
mod type_arrays;
mod version;

#[cfg(test)]
pub(crate) mod testing;

pub(crate) use canonical::is_bank;
pub use canonical::{CONTAINERS, REPLACEMENTS};

use serde_json::{Map, Value};

pub use crate::doc::Doc;
pub(crate) use crate::doc::{lookup, resolve};
use crate::error::Warning;
use crate::pointer::Pointer;

/// A pass: rewrites the document, or fails with the place at fault and what is wrong there.
pub(crate) type PassFn = fn(&mut Doc, &mut Log) -> Result<(), PassError>;

/// Why a pass refused a document: the place at fault and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassError {
    /// Where, as a JSON pointer into the document.
    pub at: Pointer,
    /// What is wrong, as a sentence for the maintainer.
    pub message: String,
}

impl From<(Pointer, String)> for PassError {
    fn from((at, message): (Pointer, String)) -> Self {
        Self { at, message }
    }
}

impl std::fmt::Display for PassError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// The pass that replaces bank envelopes with `khipu_types` (the API summary reads the document
/// just before it).
pub const CANONICAL_PASS: &str = "canonical-types";

/// One normalization pass.
pub struct Pass {
    /// Short name, shown in the codegen summary.
    pub name: &'static str,
    /// What it fixes, for the docs and the summary.
    pub fixes: &'static str,
    run: PassFn,
}

/// The passes, in the order they run. Order matters: structure is checked before anything relies
/// on it, operation ids exist before responses are hoisted under names made from them.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "openapi-3.1-document",
        fixes: "inlines components/pathItems, keeps webhooks as documentation (their inline payloads become types), checks jsonSchemaDialect",
        run: openapi31::document,
    },
    Pass {
        name: "structure",
        fixes: "rejects what no pass can repair (missing info/paths/responses, path-item $ref, dangling or remote $ref)",
        run: structure::run,
    },
    Pass {
        name: "openapi-version",
        fixes: "rewrites `openapi: 3.1.x` to 3.0.3",
        run: version::run,
    },
    Pass {
        name: "json-schema-2020",
        fixes: "lowers JSON Schema 2020-12 keywords to OpenAPI 3.0 (const, examples, numeric exclusive bounds, null branches, $defs, prefixItems...; see the table in normalize/openapi31.rs)",
        run: openapi31::schemas,
    },
    Pass {
        name: "type-arrays",
        fixes: "turns 3.1 `type: [T, \"null\"]` into `type: T` + `nullable: true`",
        run: type_arrays::run,
    },
    Pass {
        name: "nullable-refs",
        fixes: "wraps `{$ref, nullable: true}` as `allOf: [$ref]` so null really is accepted",
        run: type_arrays::nullable_refs,
    },
    Pass {
        name: "deprecated-docs",
        fixes: "carries `deprecated: true` into the doc text progenitor emits",
        run: deprecated::run,
    },
    Pass {
        name: "operation-ids",
        fixes: "synthesizes missing operationIds from method and path, de-duplicates repeated ones",
        run: operation_ids::run,
    },
    Pass {
        name: "one-success-type",
        fixes: "merges differing 2xx bodies (200 vs 202 CallbackUrl) into one type whose differing fields are nullable",
        run: responses::success,
    },
    Pass {
        name: "error-responses",
        fixes: "removes 4xx/5xx/default responses: the runtime maps any non-success answer by its status first, so a non-JSON error body never hides the status",
        run: error_responses::run,
    },
    Pass {
        name: CANONICAL_PASS,
        fixes: "bank envelopes whose Data items fit Khipu's model become khipu_types::banking types; replaced models are pruned",
        run: canonical::run,
    },
    Pass {
        name: "canonical-requests",
        fixes: "bank request bodies that fit Khipu's request model become khipu_types::banking::RequestBody / AccountLinkRequest (limits stay in INFO); replaced models are pruned",
        run: canonical_requests::run,
    },
    Pass {
        name: "response-constraints",
        fixes: "drops maxLength/minLength/pattern from response schemas so a long value never fails a decode",
        run: response_constraints::run,
    },
];

/// What one pass did at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The pass.
    pub pass: &'static str,
    /// Where.
    pub pointer: String,
    /// What it changed.
    pub what: String,
}

/// What normalization did to one document.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Every change, in order.
    pub fixes: Vec<Fix>,
    /// Things a maintainer should look at.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// How many changes each pass made, in pass order (passes that changed nothing included).
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        PASSES
            .iter()
            .map(|p| {
                (
                    p.name,
                    self.fixes.iter().filter(|f| f.pass == p.name).count(),
                )
            })
            .collect()
    }
}

/// The log a pass writes to.
pub(crate) struct Log<'a> {
    pass: &'static str,
    report: &'a mut Report,
}

impl<'a> Log<'a> {
    pub(crate) fn fix(&mut self, at: &Pointer, what: impl Into<String>) {
        self.report.fixes.push(Fix {
            pass: self.pass,
            pointer: at.to_string(),
            what: what.into(),
        });
    }

    /// A fix to generated code, named by item path (`types::TransactionStatus`).
    pub(crate) fn fix_item(&mut self, item: &str, what: impl Into<String>) {
        self.report.fixes.push(Fix {
            pass: self.pass,
            pointer: item.to_owned(),
            what: what.into(),
        });
    }

    pub(crate) fn new(pass: &'static str, report: &'a mut Report) -> Self {
        Self { pass, report }
    }

    pub(crate) fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.report.warnings.push(Warning {
            pointer: at.to_string(),
            message: message.into(),
        });
    }
}

/// Runs every pass over `doc`.
pub fn normalize(doc: &mut Doc) -> Result<Report, PassError> {
    normalize_observed(doc, &mut |_, _| {})
}

/// Runs every pass over `doc`, showing `before` the document as each pass is about to see it.
pub fn normalize_observed(
    doc: &mut Doc,
    before: &mut dyn FnMut(&'static str, &Doc),
) -> Result<Report, PassError> {
    let mut report = Report::default();
    for pass in PASSES {
        before(pass.name, doc);
        (pass.run)(
            doc,
            &mut Log {
                pass: pass.name,
                report: &mut report,
            },
        )?;
    }
    Ok(report)
}

/// `components/schemas`, created if missing (and replacing anything that is not a mapping there;
/// the structure pass has checked the root is one).
pub(crate) fn component_schemas(doc: &mut Value) -> &mut Map<String, Value> {
    if !doc.is_object() {
        *doc = Value::Object(Map::new());
    }
    let components = &mut doc["components"];
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    let schemas = &mut components["schemas"];
    if !schemas.is_object() {
        *schemas = Value::Object(Map::new());
    }
    match schemas {
        Value::Object(map) => map,
        // Made a mapping just above.
        _ => unreachable!(),
    }
}

/// `base`, or `base2`, `base3`... whichever is not a component schema yet.
pub(crate) fn unique_name(schemas: &Map<String, Value>, base: &str) -> String {
    if !schemas.contains_key(base) {
        return base.to_owned();
    }
    let mut n = 2;
    while schemas.contains_key(&format!("{base}{n}")) {
        n += 1;
    }
    format!("{base}{n}")
}

/// Marks a schema as accepting null, keeping a `$ref` meaningful (3.0 ignores siblings of `$ref`).
pub(crate) fn make_nullable(schema: &mut Value) -> bool {
    let Some(map) = schema.as_object_mut() else {
        return false;
    };
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return false;
    }
    if let Some(reference) = map.remove("$ref") {
        let mut wrapped = Map::new();
        wrapped.insert(
            "allOf".into(),
            Value::Array(vec![serde_json::json!({ "$ref": reference })]),
        );
        for (k, v) in std::mem::take(map) {
            wrapped.insert(k, v);
        }
        *map = wrapped;
    }
    map.insert("nullable".into(), Value::Bool(true));
    true
}

//! Normalization: a sequence of small named passes that turn a Khipu document, quirks and all, into
//! one progenitor accepts and generates a correct client from (see `shared/progenitor-notes.md`).
//!
//! Every pass works on the document as JSON, so it can name the place it touched with a JSON pointer,
//! and every pass is idempotent: normalizing a normalized document changes nothing.

mod canonical;
mod canonical_requests;
mod deprecated;
mod error_responses;
mod numbered_names;
mod openapi31;
mod operation_ids;
mod response_constraints;
mod responses;
mod structure;
mod type_arrays;
mod version;

#[cfg(test)]
pub(crate) mod testing;

use serde_json::{Map, Value};

pub use crate::doc::Doc;
pub(crate) use crate::doc::{lookup, resolve};
use crate::identity::Identity;
pub use crate::pass::{Log, PassError, Report};

/// A pass: rewrites the document, or fails with the place at fault and what is wrong there.
pub(crate) type PassFn = fn(&mut Doc, &mut Log) -> Result<(), PassError>;

/// One normalization pass.
pub type DocumentPass = crate::pass::Pass<PassFn>;

///
/// These make the document, as its API declares it, acceptable to progenitor; the API summary and
/// the catalog's parameters read the document after them.
pub const DECLARED: &[DocumentPass] = &[
    DocumentPass {
        name: "openapi-3.1-document",
        fixes: "inlines components/pathItems, keeps webhooks as documentation (their inline payloads become types), checks jsonSchemaDialect",
        banks_only: false,
        run: openapi31::document,
    },
    DocumentPass {
        name: "structure",
        fixes: "rejects what no pass can repair (missing info/paths/responses, path-item $ref, dangling or remote $ref)",
        banks_only: false,
        run: structure::run,
    },
    DocumentPass {
        name: "openapi-version",
        fixes: "rewrites `openapi: 3.1.x` to 3.0.3",
        banks_only: false,
        run: version::run,
    },
    DocumentPass {
        name: "json-schema-2020",
        fixes: "lowers JSON Schema 2020-12 keywords to OpenAPI 3.0 (const, examples, numeric exclusive bounds, null branches, $defs, prefixItems...; see the table in normalize/openapi31.rs)",
        banks_only: false,
        run: openapi31::schemas,
    },
    DocumentPass {
        name: "type-arrays",
        fixes: "turns 3.1 `type: [T, \"null\"]` into `type: T` + `nullable: true`",
        banks_only: false,
        run: type_arrays::run,
    },
    DocumentPass {
        name: "nullable-refs",
        fixes: "wraps `{$ref, nullable: true}` as `allOf: [$ref]` so null really is accepted",
        banks_only: false,
        run: type_arrays::nullable_refs,
    },
    DocumentPass {
        name: "deprecated-docs",
        fixes: "carries `deprecated: true` into the doc text progenitor emits",
        banks_only: false,
        run: deprecated::run,
    },
    DocumentPass {
        name: "operation-ids",
        fixes: "synthesizes missing operationIds from method and path, de-duplicates repeated ones",
        banks_only: false,
        run: operation_ids::run,
    },
    DocumentPass {
        name: "numbered-names",
        fixes: "a numbered schema (`payment-post-payment-2`) that is one operation's success body, and nothing else, is named `<operationId>-response` (`PostPaymentResponse`)",
        banks_only: false,
        run: numbered_names::run,
    },
    DocumentPass {
        name: "one-success-type",
        fixes: "merges differing 2xx bodies (200 vs 202 CallbackUrl) into one type whose differing fields are nullable",
        banks_only: false,
        run: responses::success,
    },
    DocumentPass {
        name: "error-responses",
        fixes: "removes 4xx/5xx/default responses: the runtime maps any non-success answer by its status first, so a non-JSON error body never hides the status",
        banks_only: false,
        run: error_responses::run,
    },
];

/// The passes that prepare the declared document for generation: bank types replaced by the
/// shared `khipu_types` ones, and what generated code must not enforce on answers.
pub const FOR_GENERATION: &[DocumentPass] = &[
    DocumentPass {
        name: "canonical-types",
        fixes: "bank envelopes whose Data items fit Khipu's model become khipu_types::banking types; replaced models are pruned",
        banks_only: true,
        run: canonical::run,
    },
    DocumentPass {
        name: "canonical-requests",
        fixes: "bank request bodies that fit Khipu's request model become khipu_types::banking::RequestBody / AccountLinkRequest (limits stay in INFO); replaced models are pruned",
        banks_only: true,
        run: canonical_requests::run,
    },
    DocumentPass {
        name: "response-constraints",
        fixes: "drops maxLength/minLength/pattern from response schemas so a long value never fails a decode",
        banks_only: false,
        run: response_constraints::run,
    },
];

/// Every normalization pass, in the order they run.
pub fn passes() -> impl Iterator<Item = &'static DocumentPass> {
    DECLARED.iter().chain(FOR_GENERATION)
}

/// Runs `passes` over `doc`, in order, skipping the banks-only ones when `identity` is not a bank.
pub fn run(
    passes: &[DocumentPass],
    doc: &mut Doc,
    identity: &Identity,
    report: &mut Report,
) -> Result<(), PassError> {
    let bank = matches!(identity, Identity::Bank(_));
    for pass in passes.iter().filter(|p| bank || !p.banks_only) {
        (pass.run)(doc, &mut Log::new(pass.name, report))?;
    }
    Ok(())
}

/// Runs every pass over `doc`.
pub fn normalize(doc: &mut Doc, identity: &Identity) -> Result<Report, PassError> {
    let mut report = Report::default();
    run(DECLARED, doc, identity, &mut report)?;
    run(FOR_GENERATION, doc, identity, &mut report)?;
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

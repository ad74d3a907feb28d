//! One fragment test per row of the table in the module docs.

use serde_json::{Value, json};

use crate::normalize::testing::{run, run_idempotent};

/// A document whose one component schema `S` is `schema`.
fn component(schema: Value) -> Value {
    json!({"components": {"schemas": {"S": schema}}})
}

fn lowered(schema: Value) -> Value {
    let mut doc = component(schema);
    run_idempotent(super::schemas, &mut doc);
    doc["components"]["schemas"]["S"].clone()
}

#[test]
fn type_null_alone_and_in_arrays() {
    let mut doc = component(json!({"type": "null"}));
    run_idempotent(crate::normalize::type_arrays::run, &mut doc);
    assert_eq!(doc["components"]["schemas"]["S"], json!({"nullable": true}));
    let mut doc = component(json!({"type": ["string", "null"]}));
    run_idempotent(crate::normalize::type_arrays::run, &mut doc);
    assert_eq!(
        doc["components"]["schemas"]["S"],
        json!({"type": "string", "nullable": true})
    );
}

#[test]
fn any_of_null_around_a_ref_is_a_nullable_wrapper() {
    let s = lowered(
        json!({"description": "d", "anyOf": [{"$ref": "#/components/schemas/E"}, {"type": "null"}]}),
    );
    assert_eq!(
        s,
        json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/E"}], "nullable": true})
    );
}

#[test]
fn one_of_null_around_an_inline_schema_is_lifted() {
    let s = lowered(
        json!({"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "null"}]}),
    );
    assert_eq!(
        s,
        json!({"type": "object", "properties": {"a": {"type": "string"}}, "nullable": true})
    );
}

#[test]
fn several_branches_and_null_stay_a_nullable_any_of() {
    let s = lowered(json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"const": null}]}));
    assert_eq!(
        s,
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
    );
}

#[test]
fn const_becomes_a_one_value_enum() {
    assert_eq!(
        lowered(json!({"type": "string", "const": "CLP"})),
        json!({"type": "string", "enum": ["CLP"]})
    );
}

#[test]
fn examples_become_example() {
    assert_eq!(
        lowered(json!({"type": "string", "examples": ["a", "b"]})),
        json!({"type": "string", "example": "a"})
    );
    assert_eq!(
        lowered(json!({"type": "string", "example": "x", "examples": ["a"]})),
        json!({"type": "string", "example": "x"})
    );
}

#[test]
fn numeric_exclusive_bounds() {
    assert_eq!(
        lowered(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
        json!({"type": "number", "exclusiveMinimum": true, "minimum": 0, "exclusiveMaximum": true, "maximum": 10})
    );
    // An inclusive bound that is already tighter wins.
    assert_eq!(
        lowered(json!({"type": "number", "minimum": 5, "exclusiveMinimum": 0})),
        json!({"type": "number", "minimum": 5})
    );
    // 3.0 booleans are left alone.
    assert_eq!(
        lowered(json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})),
        json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
    );
}

#[test]
fn ref_siblings() {
    let documented =
        json!({"$ref": "#/components/schemas/E", "description": "d", "readOnly": true});
    assert_eq!(lowered(documented.clone()), documented);
    assert_eq!(
        lowered(json!({"$ref": "#/components/schemas/E", "required": ["a"]})),
        json!({"allOf": [{"$ref": "#/components/schemas/E"}, {"required": ["a"]}]})
    );
}

#[test]
fn comment_schema_id_and_anchor_are_documentation() {
    let s = lowered(
        json!({"$comment": "c", "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://x/s", "$anchor": "a", "type": "string"}),
    );
    assert_eq!(s, json!({"type": "string"}));
}

#[test]
fn defs_move_to_components_and_refs_follow() {
    let mut doc = json!({"components": {"schemas": {
        "Envelope": {
            "type": "object",
            "properties": {"Data": {"$ref": "#/components/schemas/Envelope/$defs/data"}},
            "$defs": {"data": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Envelope/$defs/data/$defs/x"}},
                               "$defs": {"x": {"type": "string"}}}}
        }
    }}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Envelope/$defs/data"},
        "example": {"$ref": "#/components/schemas/Envelope/$defs/data"}
    }}}}}}}});
    run_idempotent(super::schemas, &mut doc);
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Envelope"]["properties"]["Data"]["$ref"],
        "#/components/schemas/EnvelopeData"
    );
    assert_eq!(
        schemas["EnvelopeData"]["properties"]["x"]["$ref"],
        "#/components/schemas/EnvelopeDataX"
    );
    assert_eq!(schemas["EnvelopeDataX"], json!({"type": "string"}));
    let media = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
    assert_eq!(media["schema"]["$ref"], "#/components/schemas/EnvelopeData");
    // an example is data: it is not rewritten
    assert_eq!(
        media["example"]["$ref"],
        "#/components/schemas/Envelope/$defs/data"
    );
}

#[test]
fn dynamic_refs_are_refused_at_their_place() {
    let err = run(
        super::schemas,
        &mut component(json!({"$dynamicRef": "#node"})),
    )
    .unwrap_err();
    assert_eq!(err.0, "#/components/schemas/S");
    assert!(err.1.contains("$dynamicRef"), "{}", err.1);
}

#[test]
fn content_encoding_and_media_type() {
    assert_eq!(
        lowered(
            json!({"type": "string", "contentEncoding": "base64", "contentMediaType": "application/pdf"})
        ),
        json!({"type": "string", "format": "byte"})
    );
}

#[test]
fn prefix_items() {
    assert_eq!(
        lowered(json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}]})),
        json!({"type": "array", "items": {"type": "string"}})
    );
    let mut doc = component(
        json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}),
    );
    let report = run(super::schemas, &mut doc).unwrap();
    assert_eq!(
        doc["components"]["schemas"]["S"],
        json!({"type": "array", "items": {}})
    );
    assert_eq!(report.warnings.len(), 1);
}

#[test]
fn validation_only_keywords_are_documentation() {
    let s = lowered(
        json!({"type": "object", "dependentRequired": {"a": ["b"]}, "unevaluatedProperties": false,
                           "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}),
    );
    assert_eq!(
        s,
        json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}})
    );
}

#[test]
fn pattern_properties_become_additional_properties() {
    assert_eq!(
        lowered(json!({"type": "object", "patternProperties": {"^x-": {"type": "string"}}})),
        json!({"type": "object", "additionalProperties": {"type": "string"}})
    );
    assert_eq!(
        lowered(
            json!({"type": "object", "patternProperties": {"^a": {"type": "string"}, "^b": {"type": "integer"}}})
        ),
        json!({"type": "object", "additionalProperties": true})
    );
}

#[test]
fn if_then_else_is_dropped_with_a_warning() {
    let mut doc = component(
        json!({"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}}),
    );
    let report = run(super::schemas, &mut doc).unwrap();
    assert_eq!(doc["components"]["schemas"]["S"], json!({"type": "object"}));
    assert!(
        report.warnings[0].message.contains("if/then"),
        "{:?}",
        report.warnings
    );
}

#[test]
fn webhooks_are_documentation_and_their_inline_payloads_types() {
    let mut doc = json!({
        "openapi": "3.1.0",
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
        "webhooks": {"payment-confirmed": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "properties": {"payment_id": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ok"}}}}}
    });
    run_idempotent(super::document, &mut doc);
    assert!(doc.get("webhooks").is_none());
    assert_eq!(
        doc["components"]["schemas"]["PaymentConfirmedWebhook"]["properties"]["payment_id"]["type"],
        "string"
    );
    assert_eq!(doc[super::WEBHOOKS], json!(["payment-confirmed"]));
}

#[test]
fn path_items_by_reference_are_inlined() {
    let mut doc = json!({
        "paths": {"/a": {"$ref": "#/components/pathItems/A", "summary": "s"}},
        "components": {"pathItems": {"A": {"get": {"responses": {"200": {"description": "ok"}}}}}}
    });
    run_idempotent(super::document, &mut doc);
    assert_eq!(doc["paths"]["/a"]["summary"], "s");
    assert!(doc["paths"]["/a"]["get"].is_object());
    assert!(doc["components"].get("pathItems").is_none());
    let err = run(
        super::document,
        &mut json!({"paths": {"/a": {"$ref": "#/components/pathItems/Nope"}}}),
    )
    .unwrap_err();
    assert_eq!(err.0, "#/paths/~1a/$ref");
}

#[test]
fn json_schema_dialect() {
    let mut doc = json!({"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base"});
    run_idempotent(super::document, &mut doc);
    assert!(doc.get("jsonSchemaDialect").is_none());
    let err = run(
        super::document,
        &mut json!({"jsonSchemaDialect": "https://json-schema.org/draft-04/schema"}),
    )
    .unwrap_err();
    assert_eq!(err.0, "#/jsonSchemaDialect");
    assert!(err.1.contains("not supported"), "{}", err.1);
}

/// A complete 3.1 document in Khipu's current style, every construct at once, through the whole
/// engine (normalization, progenitor, the code passes).
fn khipu_31_payments() -> Value {
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "P", "summary": "Payments", "version": "3.0", "license": {"name": "MIT", "identifier": "MIT"}},
        "paths": {"/payments": {"$ref": "#/components/pathItems/Payments"}},
        "webhooks": {"notify": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payment"}}}},
                                         "responses": {"200": {"description": "ok"}}}}},
        "components": {
            "pathItems": {"Payments": {"post": {
                "operationId": "postPayment",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Request"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payment"}}}}}
            }}},
            "schemas": {
                "Request": {"type": "object", "required": ["amount", "currency"], "$comment": "c",
                    "properties": {
                        "amount": {"type": "number", "exclusiveMinimum": 0, "examples": [1000]},
                        "currency": {"const": "CLP", "type": "string"},
                        "subject": {"type": ["string", "null"], "maxLength": 255},
                        "tags": {"type": "array", "prefixItems": [{"type": "string"}]},
                        "extra": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
                        "receipt": {"type": "string", "contentEncoding": "base64", "contentMediaType": "application/pdf"}
                    },
                    "dependentRequired": {"subject": ["amount"]},
                    "unevaluatedProperties": false,
                    "if": {"required": ["subject"]}, "then": {"required": ["amount"]}},
                "Payment": {"type": "object", "required": ["payment_id", "status"], "properties": {
                    "payment_id": {"type": "string"},
                    "status": {"$ref": "#/components/schemas/Payment/$defs/status", "description": "Where it is."},
                    "bank": {"anyOf": [{"$ref": "#/components/schemas/Bank"}, {"type": "null"}]},
                    "error": {"type": "null"}
                }, "$defs": {"status": {"type": "string", "enum": ["pending", "done"]}}},
                "Bank": {"type": "object", "properties": {"name": {"type": "string"}}}
            }
        }
    })
}

/// The module as `cargo xtask codegen` formats it (empty if it does not format).
fn formatted(generated: &crate::Generated) -> String {
    crate::format::module(&generated.client.spec, &generated.code.tokens()).unwrap_or_default()
}

fn generate(doc: Value, file: &str) -> Result<crate::Generated, crate::SpecError> {
    let doc = crate::testing::with_server(doc);
    let source = crate::load::Source {
        name: file.into(),
        doc,
        sha256: String::new(),
        overlay: None,
    };
    crate::generate_source(source, std::path::Path::new(file))
}

#[test]
fn a_document_using_every_construct_generates() {
    let client = match generate(khipu_31_payments(), "specs/payments/v9.0.json") {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let code = formatted(&client);
    assert!(code.contains("pub struct Payment "), "no Payment type");
    assert!(
        code.contains("pub struct PaymentStatus") || code.contains("pub enum PaymentStatus"),
        "the $defs status is a type"
    );
    assert!(
        code.contains("pub bank: ::std::option::Option<Bank>"),
        "anyOf null around a $ref is Option<Bank>"
    );
    assert!(
        code.contains("pub fn post_payment"),
        "the path item by reference became an operation"
    );
    let fields = &client.client.summary.operations["postPayment"].request;
    assert!(fields["body.subject"].nullable);
    assert_eq!(fields["body.amount"].minimum, Some(0.0));
    assert_eq!(fields["body.currency"].values, ["CLP"]);
}

#[test]
fn a_document_with_webhooks_and_no_paths_is_a_module_of_types() {
    let mut doc = khipu_31_payments();
    doc.as_object_mut().map(|d| d.remove("paths"));
    let client = match generate(doc, "specs/payments/v9.0.json") {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert!(client.client.operations.is_empty());
    assert!(formatted(&client).contains("pub struct Payment "));
}

/// The envelope as Khipu's current documents write it: `Data` and `Error` as `anyOf` with a null
/// branch (`Error` around a `$ref`), and the 202 body's `Data`/`Error` as `type: "null"`. The
/// operations stay on the `Bank` trait.
#[test]
fn any_of_null_envelopes_keep_their_bank_trait_capability() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../specs/banking/cl/personal/demo-bank.khipu.com.yaml"
    );
    let source = match crate::load::read_spec(std::path::Path::new(file), "demo-bank.yaml") {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut doc = source.doc;
    doc["openapi"] = json!("3.1.0");
    let schemas = &mut doc["components"]["schemas"];
    let envelope = &mut schemas["TransactionsResponse"]["properties"];
    let data = envelope["Data"].clone();
    let mut object = data.clone();
    object["type"] = json!("object");
    envelope["Data"] =
        json!({"description": data["description"].clone(), "anyOf": [object, {"type": "null"}]});
    let mut error = envelope["Error"].clone();
    error["type"] = json!("object");
    schemas["KhipuError"] = error;
    schemas["TransactionsResponse"]["properties"]["Error"] =
        json!({"anyOf": [{"$ref": "#/components/schemas/KhipuError"}, {"type": "null"}]});
    schemas["AsyncResponse"]["properties"]["Data"] = json!({"type": "null"});
    schemas["AsyncResponse"]["properties"]["Error"] = json!({"type": "null"});
    let client = match generate(doc, "specs/banking/cl/personal/demo-bank.khipu.com.yaml") {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let transactions = client
        .client
        .operations
        .iter()
        .find(|o| o.operation_id == "fetchTransactions_1");
    let capability = transactions.map(|o| o.capability.clone());
    assert!(
        matches!(&capability, Some(Ok(c)) if c.container == "Transaction"),
        "{capability:?}"
    );
}

//! Everything the specs allow decodes, and what the clients send is what the specs accept.
//!
//! For every success response of every spec the clients are generated from (with its overlay, as
//! the sandbox serves it), [`INSTANCES`] random instances the schema allows (`khipu_mock::
//! conformance`: optional fields absent or present, nulls where nullable, numbers at their bounds
//! and with many digits, any text where no format is declared, unknown enum values, extra
//! properties) are decoded with the type the generated client returns, canonical types included,
//! and written back: none may fail. For every request body, instances are read with the client's request type and
//! written back as the client sends them (JSON, or form pairs), and the sandbox's validator must
//! find nothing wrong. Seeded: a failure prints the seed, the operation and the instance, and
//! `KHIPU_CONFORMANCE_SEED=<seed>` reruns that one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use khipu_generated::conformance::{Module, modules};
use khipu_mock::conformance::Generator;
use khipu_mock::spec::{Spec, Specs, request_schema};
use serde_json::Value;

/// Instances per schema.
const INSTANCES: u64 = 200;

/// A seed for one instance, from the run's base seed and what it is an instance of.
fn seed(base: u64, spec: &str, operation: &str, i: u64) -> u64 {
    let mut h: u64 = base ^ 0xcbf2_9ce4_8422_2325;
    for b in spec.bytes().chain(operation.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The base seed, or the one to rerun.
fn base() -> (u64, Option<u64>) {
    let only = std::env::var("KHIPU_CONFORMANCE_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    (20_261_129, only)
}

/// Each generated module with the document it was generated from.
fn pairs() -> Vec<(Module, Spec)> {
    let specs = Specs::embedded().unwrap().specs;
    let modules = modules();
    assert_eq!(modules.len(), specs.len(), "a module for every spec");
    modules
        .into_iter()
        .map(|m| {
            let i = specs.iter().position(|s| s.name == m.spec).unwrap();
            (m, specs[i].clone())
        })
        .collect()
}

/// The JSON schema of an operation's first 2xx response with a body.
fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<(String, &'a Value)> {
    let responses = op.get("responses")?.as_object()?;
    responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .find_map(|(code, r)| {
            let r = khipu_doc::resolve(doc, r);
            let (_, media) = r.get("content")?.as_object()?.iter().next()?;
            Some((code.clone(), media.get("schema")?))
        })
}

#[test]
fn every_answer_the_specs_allow_decodes() {
    let (base, only) = base();
    let (mut schemas, mut instances) = (0, 0);
    for (module, spec) in pairs() {
        for (method, path, operation) in module.operations {
            let op = &spec.doc["paths"][*path][method.to_lowercase()];
            let Some((code, schema)) = success_schema(&spec.doc, op) else {
                continue;
            };
            schemas += 1;
            for i in 0..INSTANCES {
                let seed = seed(base, module.spec, operation, i);
                if only.is_some_and(|s| s != seed) {
                    continue;
                }
                let json = Generator::new(seed).instance(&spec.doc, schema);
                instances += 1;
                match (module.decode_success)(operation, &json) {
                    Some(Ok(_)) => {}
                    Some(Err(e)) => panic!(
                        "seed {seed}: {} {method} {path} answer {code} does not decode ({e}):\n{json}",
                        module.spec
                    ),
                    None => panic!("{}: no decoder for {operation}", module.spec),
                }
            }
        }
    }
    eprintln!("conformance: {schemas} response schemas, {instances} instances decoded");
    assert!(only.is_some() || schemas > 0, "{schemas} response schemas");
}

#[test]
fn what_the_request_types_accept_goes_out_as_the_specs_allow() {
    let (base, only) = base();
    let (mut schemas, mut instances) = (0, 0);
    for (module, spec) in pairs() {
        for (method, path, operation) in module.operations {
            let op = &spec.doc["paths"][*path][method.to_lowercase()];
            let Some((media, schema)) = request_schema(&spec.doc, op) else {
                continue;
            };
            schemas += 1;
            for i in 0..INSTANCES {
                let seed = seed(base, module.spec, operation, i) ^ 1;
                if only.is_some_and(|s| s != seed) {
                    continue;
                }
                let json = Generator::new(seed)
                    .unknown_values(false)
                    .instance(&spec.doc, schema);
                instances += 1;
                macro_rules! fail {
                    ($($why:tt)*) => {
                        panic!(
                            "seed {seed}: {} {method} {path} request: {}:\n{json}",
                            module.spec,
                            format!($($why)*)
                        )
                    };
                }
                let sent = match (module.round_trip_request)(operation, &json) {
                    Some(Ok(sent)) => sent,
                    Some(Err(e)) => fail!("the client's type refuses it ({e})"),
                    None => fail!("no request hook for {operation}"),
                };
                let value: Value = if media.starts_with("application/x-www-form-urlencoded") {
                    let body: Value = serde_json::from_str(&sent).unwrap();
                    let pairs = match khipu_types::form::pairs(&body) {
                        Ok(pairs) => pairs,
                        Err(e) => fail!("no form: {e}"),
                    };
                    khipu_mock::validate::form_to_json(&spec.doc, schema, &pairs)
                } else {
                    serde_json::from_str(&sent).unwrap()
                };
                let errors = khipu_mock::validate::validate(&spec.doc, schema, &value);
                if !errors.is_empty() {
                    fail!("it goes out as {sent}, which the spec refuses: {errors:?}");
                }
            }
        }
    }
    eprintln!("conformance: {schemas} request schemas, {instances} instances round-tripped");
    assert!(only.is_some() || schemas > 0, "{schemas} request schemas");
}

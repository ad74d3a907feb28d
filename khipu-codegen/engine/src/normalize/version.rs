//! `openapi: 3.1.x` is refused by openapiv3 2.x. Every 3.1 construct is lowered by the passes
//! around this one (see the table in `openapi31.rs`), so the version string is all that changes here.

use serde_json::Value;

use super::{Doc, Log, PassError};
use crate::pointer::Pointer;

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    let at = Pointer::root().push("openapi");
    let version = doc["openapi"].as_str().unwrap_or_default().to_owned();
    if version.starts_with("3.0.") {
        return Ok(());
    }
    if version.starts_with("3.1.") {
        doc["openapi"] = Value::String("3.0.3".into());
        log.fix(&at, format!("openapi {version} -> 3.0.3"));
        return Ok(());
    }
    Err((
        at,
        format!("OpenAPI version `{version}` is not supported: expected 3.0.x or 3.1.x"),
    )
        .into())
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::{run, run_idempotent};
    use serde_json::json;

    #[test]
    fn rewrites_3_1_to_3_0_3() {
        let mut doc = json!({"openapi": "3.1.0"});
        let report = run_idempotent(super::run, &mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(report.fixes[0].pointer, "#/openapi");
    }

    #[test]
    fn keeps_3_0_and_refuses_swagger_2() {
        let mut doc = json!({"openapi": "3.0.1"});
        assert!(run(super::run, &mut doc).unwrap().fixes.is_empty());
        let err = run(super::run, &mut json!({"openapi": "2.0"})).unwrap_err();
        assert_eq!(err.0, "#/openapi");
    }
}

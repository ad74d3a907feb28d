//! Helpers for the passes' unit tests.

use serde_json::Value;

use super::{Doc, Log, PassFn, Report};

/// Runs one pass function on a fragment and returns its report.
pub fn run(pass: PassFn, doc: &mut Value) -> Result<Report, (String, String)> {
    let mut report = Report::default();
    let mut held = Doc::new(std::mem::take(doc));
    let result = pass(&mut held, &mut Log::new("test", &mut report));
    *doc = held.into_value();
    result.map_err(|e| (e.at.to_string(), e.message))?;
    Ok(report)
}

/// Runs a pass twice and checks the second run changes nothing (every pass is idempotent).
pub fn run_idempotent(pass: PassFn, doc: &mut Value) -> Report {
    let report = run(pass, doc).expect("pass failed");
    let before = doc.clone();
    let again = run(pass, doc).expect("pass failed on its own output");
    assert_eq!(*doc, before, "second run changed the document");
    assert!(
        again.fixes.is_empty(),
        "second run reported fixes: {:?}",
        again.fixes
    );
    report
}

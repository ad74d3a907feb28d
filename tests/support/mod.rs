//! Helpers shared by the tests that walk every bank's capabilities.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use khipu::{BankInfo, DataKind, DataRequest, OperationInfo};
use serde_json::{Map, Value, json};

/// Every (bank, data operation) pair in the catalog; Account Link is not on the trait.
pub fn capabilities() -> Vec<(&'static BankInfo, &'static OperationInfo)> {
    khipu::banks()
        .into_iter()
        .flat_map(|b| {
            b.operations
                .iter()
                .filter(|o| {
                    o.capability
                        .is_some_and(|c| c.kind != DataKind::AccountLink)
                })
                .map(move |o| (b, o))
        })
        .collect()
}

/// A request that satisfies every required parameter of `op`, and the RequestData it sends.
pub fn request_for(op: &OperationInfo) -> (DataRequest, Value) {
    assert!(op.capability.is_some(), "a data operation has a capability");
    let required = |name: &str| op.param(name).is_some_and(|p| p.required);
    let mut request = DataRequest::new().operation(op.operation_id);
    let mut sent = Map::new();
    if required("AccountNumber") {
        request.subject = khipu::Subject::Account("000011887755".into());
        sent.insert("AccountNumber".into(), json!("000011887755"));
    }
    if required("LastDigits") {
        request.subject = khipu::Subject::Card("1234".into());
        sent.insert("LastDigits".into(), json!("1234"));
    }
    if required("Currency") {
        request = request.currency("CLP");
        sent.insert("Currency".into(), json!("CLP"));
    }
    if required("BookingDate") {
        request = request.month("2022-07".parse().expect("a month"));
        sent.insert("BookingDate".into(), json!("2022-07"));
    }
    if required("BookingDateStart") {
        request = request.range(
            "2022-06".parse().expect("a month"),
            "2022-07".parse().expect("a month"),
        );
        sent.insert("BookingDateStart".into(), json!("2022-06"));
        sent.insert("BookingDateEnd".into(), json!("2022-07"));
    }
    (request, Value::Object(sent))
}

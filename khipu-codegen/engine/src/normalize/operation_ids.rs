//! progenitor names client methods after operationIds and refuses operations without one or with
//! the same one twice. Khipu's ids are hand-written (`fetchTransactions_1`), so both happen.

use std::collections::HashSet;

use heck::{ToLowerCamelCase, ToSnakeCase};
use serde_json::Value;

use super::{Doc, Log, PassError};
use crate::walk;

pub(super) fn run(doc: &mut Doc, log: &mut Log) -> Result<(), PassError> {
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let prefix = common_prefix(&paths);
    // Two ids are the same method if they are the same in snake_case, the form progenitor uses.
    let mut taken = HashSet::new();
    for (path, method, op, at) in walk::operations_mut(doc) {
        let at = at.push("operationId");
        let given = op
            .get("operationId")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned);
        let base = match &given {
            Some(id) => id.clone(),
            None => synthesize(method, &path, prefix),
        };
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.to_snake_case()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        match given {
            None => log.fix(&at, format!("missing operationId -> `{id}`")),
            Some(old) if old != id => {
                log.fix(&at, format!("duplicate operationId `{old}` -> `{id}`"))
            }
            Some(_) => continue,
        }
        op.insert("operationId".into(), Value::String(id));
    }
    Ok(())
}

/// How many leading path segments every path shares (`/v1/cl/banking/personal/demo-bank.khipu.com`),
/// keeping at least the last segment of the shortest path.
fn common_prefix(paths: &[String]) -> usize {
    let split: Vec<Vec<&str>> = paths
        .iter()
        .map(|p| p.split('/').filter(|s| !s.is_empty()).collect())
        .collect();
    let Some(shortest) = split.iter().map(Vec::len).min() else {
        return 0;
    };
    let mut n = 0;
    while n + 1 < shortest && split.iter().all(|s| s[n] == split[0][n]) {
        n += 1;
    }
    n
}

fn synthesize(method: &str, path: &str, prefix: usize) -> String {
    let mut words = vec![method.to_owned()];
    for segment in path.split('/').filter(|s| !s.is_empty()).skip(prefix) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!("by {param}")),
            None => words.push(segment.to_owned()),
        }
    }
    let phrase: String = words
        .join(" ")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    phrase.to_lower_camel_case()
}

#[cfg(test)]
mod tests {
    use crate::normalize::testing::run_idempotent;
    use serde_json::json;

    #[test]
    fn synthesizes_missing_ids_from_method_and_path() {
        let mut doc = json!({"paths": {
            "/v1/cl/banking/personal/x.cl/booked/range/transactions/card-purchases": {"post": {"responses": {}}},
            "/v1/cl/banking/personal/x.cl/payments/{id}": {"get": {"operationId": "  ", "responses": {}}}
        }});
        let report = run_idempotent(super::run, &mut doc);
        let paths = &doc["paths"];
        assert_eq!(
            paths["/v1/cl/banking/personal/x.cl/booked/range/transactions/card-purchases"]["post"]
                ["operationId"],
            "postBookedRangeTransactionsCardPurchases"
        );
        assert_eq!(
            paths["/v1/cl/banking/personal/x.cl/payments/{id}"]["get"]["operationId"],
            "getPaymentsById"
        );
        assert_eq!(report.fixes.len(), 2);
    }

    #[test]
    fn de_duplicates_ids_that_clash_in_snake_case() {
        let mut doc = json!({"paths": {
            "/a": {"post": {"operationId": "fetchTransactions_1", "responses": {}}},
            "/b": {"post": {"operationId": "fetch_transactions_1", "responses": {}}},
            "/c": {"post": {"operationId": "fetchTransactions_1", "responses": {}}}
        }});
        let report = run_idempotent(super::run, &mut doc);
        assert_eq!(
            doc["paths"]["/a"]["post"]["operationId"],
            "fetchTransactions_1"
        );
        assert_eq!(
            doc["paths"]["/b"]["post"]["operationId"],
            "fetch_transactions_1_2"
        );
        assert_eq!(
            doc["paths"]["/c"]["post"]["operationId"],
            "fetchTransactions_1_3"
        );
        assert_eq!(report.fixes[0].pointer, "#/paths/~1b/post/operationId");
    }

    #[test]
    fn a_single_path_keeps_its_last_segment() {
        let mut doc = json!({"paths": {"/v1/cl/banking/personal/x.cl/transactions": {"post": {"responses": {}}}}});
        run_idempotent(super::run, &mut doc);
        assert_eq!(
            doc["paths"]["/v1/cl/banking/personal/x.cl/transactions"]["post"]["operationId"],
            "postTransactions"
        );
    }
}

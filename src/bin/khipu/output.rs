//! Tables for people, JSON for scripts.

use khipu::model::{Account, Balance, Statement, Transaction};
use khipu::{BankInfo, Reply};
use khipu_types::display::sanitize;
use serde::Serialize;
use serde_json::{Value, json};

use crate::Failure;

/// A table cell from the network: control characters escaped (no terminal escapes), and line
/// breaks and tabs shown as spaces so one cell cannot break the table.
fn cell(text: &str) -> String {
    sanitize(&text.replace(['\n', '\t', '\r'], " "))
}

/// Prints rows as columns padded to the widest cell.
fn table(header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cell(c)).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
}

pub fn banks(banks: &[&BankInfo], json: bool) {
    if json {
        let list: Vec<Value> = banks.iter().map(|b| bank_json(b)).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
        return;
    }
    let rows: Vec<Vec<String>> = banks
        .iter()
        .map(|b| {
            let caps: Vec<String> = b
                .operations
                .iter()
                .filter_map(|op| {
                    op.capability.map(|c| {
                        let params: Vec<String> = c
                            .params
                            .iter()
                            .map(|p| format!("{}{}", p.name, if p.required { "*" } else { "" }))
                            .collect();
                        format!("{}({})", c.kind, params.join(","))
                    })
                })
                .collect();
            vec![b.id.to_owned(), b.name.to_owned(), caps.join(" ")]
        })
        .collect();
    table(&["ID", "NAME", "CAPABILITIES (* required)"], &rows);
}

fn bank_json(b: &BankInfo) -> Value {
    let ops: Vec<Value> = b
        .operations
        .iter()
        .map(|op| {
            json!({
                "operation_id": op.operation_id,
                "client_method": op.client_method,
                "method": op.http_method,
                "path": op.path,
                "summary": op.summary,
                "deprecated": op.deprecated,
                "accepts_callback": op.accepts_callback,
                "capability": op.capability.map(|c| json!({
                    "kind": c.kind.name(),
                    "params": c.params.iter().map(|p| json!({
                        "name": p.name, "required": p.required, "min_length": p.min_length,
                        "max_length": p.max_length, "pattern": p.pattern,
                    })).collect::<Vec<_>>(),
                })),
            })
        })
        .collect();
    json!({"id": b.id, "country": b.country, "segment": b.segment, "domain": b.domain, "name": b.name,
           "api_version": b.api_version, "operations": ops})
}

pub fn reply<T: Serialize>(
    reply: &Reply<T>,
    json: bool,
    row: fn(&T) -> (Vec<&'static str>, Vec<String>),
) -> Result<(), Failure> {
    if json {
        let (status, life_span) = match reply {
            Reply::Accepted { life_span, .. } => {
                ("accepted", life_span.as_ref().map(|l| l.to_string()))
            }
            _ => ("ok", None),
        };
        let data = serde_json::to_value(reply.items())
            .map_err(|e| Failure::Usage(format!("cannot print the reply as JSON: {e}")))?;
        let out = json!({
            "operation_id": reply.operation_id(),
            "status": status,
            "data": data,
            "additional_information": reply.additional_information(),
            "life_span": life_span,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(());
    }
    match reply {
        Reply::Accepted {
            operation_id,
            life_span,
            ..
        } => {
            let by = life_span
                .as_ref()
                .map(|l| format!(" by {l}"))
                .unwrap_or_default();
            println!(
                "accepted: operation {}; Khipu will POST the result to the callback URL{}",
                sanitize(operation_id),
                sanitize(&by)
            );
        }
        _ => {
            let rows: Vec<(Vec<&str>, Vec<String>)> = reply.items().iter().map(row).collect();
            match rows.first() {
                Some((header, _)) => table(
                    header,
                    &rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
                ),
                None => println!("(no items)"),
            }
            println!("operation {}", sanitize(reply.operation_id()));
        }
    }
    if let Some(info) = reply.additional_information() {
        println!("note: {}", sanitize(info));
    }
    Ok(())
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

pub fn transaction_row(t: &Transaction) -> (Vec<&'static str>, Vec<String>) {
    (
        vec![
            "BOOKED",
            "STATUS",
            "C/D",
            "AMOUNT",
            "CURRENCY",
            "DESCRIPTION",
        ],
        vec![
            t.booking_date_time.to_string(),
            t.status.to_string(),
            t.credit_debit_indicator.to_string(),
            t.amount.amount.to_string(),
            t.amount.currency.clone(),
            t.transaction_information
                .clone()
                .or_else(|| t.transaction_id.clone())
                .unwrap_or_default(),
        ],
    )
}

pub fn balance_row(b: &Balance) -> (Vec<&'static str>, Vec<String>) {
    let amounts: Vec<String> = b
        .amount
        .iter()
        .map(|a| format!("{} {}", a.amount, a.currency))
        .collect();
    (
        vec!["ACCOUNT", "DATE", "TYPE", "C/D", "AMOUNT"],
        vec![
            b.account_id.clone(),
            b.date_time.to_string(),
            b.kind.to_string(),
            b.credit_debit_indicator.to_string(),
            amounts.join(", "),
        ],
    )
}

pub fn account_row(a: &Account) -> (Vec<&'static str>, Vec<String>) {
    (
        vec![
            "ACCOUNT",
            "CURRENCY",
            "TYPE",
            "SUBTYPE",
            "DESCRIPTION",
            "NICKNAME",
        ],
        vec![
            a.account_id.clone(),
            opt(&a.currency),
            opt(&a.account_type),
            opt(&a.account_sub_type),
            opt(&a.description),
            opt(&a.nickname),
        ],
    )
}

pub fn statement_row(s: &Statement) -> (Vec<&'static str>, Vec<String>) {
    let date =
        |d: &Option<khipu::DateTime>| d.as_ref().map(ToString::to_string).unwrap_or_default();
    (
        vec!["STATEMENT", "ACCOUNT", "FROM", "TO", "TYPE"],
        vec![
            opt(&s.statement_id),
            s.account_id.clone(),
            date(&s.start_date_time),
            date(&s.end_date_time),
            opt(&s.kind),
        ],
    )
}

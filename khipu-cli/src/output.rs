//! Tables for people, JSON and CSV for scripts.

use khipu::display::sanitize;
use khipu::model::{Account, Balance, Statement, Transaction};
use khipu::{BankInfo, Reply};
use serde::Serialize;
use serde_json::{Value, json};

use crate::Failure;
use crate::args::Output;
use crate::stdout::outln;

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
        outln!("{}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
}

pub fn banks(banks: &[&BankInfo], json: bool) {
    if json {
        let list: Vec<Value> = banks.iter().map(|b| bank_json(b)).collect();
        outln!(
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
                        let params: Vec<String> =
                            op.params.iter().map(ToString::to_string).collect();
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
                "capability": op.capability.map(|c| json!({ "kind": c.kind.name() })),
                "params": op.params.iter().map(|p| json!({
                    "name": p.name, "required": p.required, "min_length": p.min_length,
                    "max_length": p.max_length, "pattern": p.pattern,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"id": b.id, "country": b.country, "segment": b.segment, "domain": b.domain, "name": b.name,
           "api_version": b.api_version, "operations": ops})
}

/// An item a data command prints: its table row, and its CSV rows (the columns an accountant
/// expects; a balance with amounts in two currencies is two rows).
pub trait Item: Serialize {
    /// The table's column names.
    const TABLE_HEADER: &'static [&'static str];
    /// The CSV header row.
    const CSV_HEADER: &'static [&'static str];
    /// The item's table row.
    fn table_row(&self) -> Vec<String>;
    /// The item's CSV rows.
    fn csv_rows(&self) -> Vec<Vec<String>>;
}

pub fn reply<T: Item>(reply: &Reply<T>, format: Output) -> Result<(), Failure> {
    match format {
        Output::Json => reply_json(reply),
        Output::Csv => reply_csv(reply),
        Output::Table => {
            reply_table(reply);
            Ok(())
        }
    }
}

/// A reply as the command's JSON, written from the typed items (amounts keep their digits).
#[derive(Serialize)]
struct ReplyJson<'a, T> {
    operation_id: &'a str,
    status: &'static str,
    data: &'a [T],
    additional_information: Option<&'a str>,
    life_span: Option<&'a khipu::DateTime>,
}

fn reply_json<T: Item>(reply: &Reply<T>) -> Result<(), Failure> {
    let (status, life_span) = match reply {
        Reply::Accepted { life_span, .. } => ("accepted", life_span.as_ref()),
        _ => ("ok", None),
    };
    let out = ReplyJson {
        operation_id: reply.operation_id(),
        status,
        data: reply.items(),
        additional_information: reply.additional_information(),
        life_span,
    };
    let text = serde_json::to_string_pretty(&out)
        .map_err(|e| Failure::Rejected(format!("cannot print the reply as JSON: {e}")))?;
    outln!("{text}");
    Ok(())
}

/// RFC 4180 CSV on stdout, header first. Text cells are made safe for the two places CSV ends
/// up: control characters are escaped (a terminal), and a cell starting with `=`, `+`, `-` or
/// `@` gets a leading `'` (a spreadsheet would run it as a formula). Amounts are left as numbers.
fn reply_csv<T: Item>(reply: &Reply<T>) -> Result<(), Failure> {
    if reply.is_accepted() {
        return Err(Failure::Usage(
            "--output csv: the request was accepted for a callback and has no items yet; use --output json to see the operation".into(),
        ));
    }
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    let failed = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(io) => crate::stdout::failed(io),
        _ => Failure::Usage(format!("cannot write CSV: {e}")),
    };
    if !reply.items().is_empty() {
        writer.write_record(T::CSV_HEADER).map_err(failed)?;
    }
    for row in reply.items().iter().flat_map(Item::csv_rows) {
        writer
            .write_record(row.iter().map(|c| csv_cell(c)))
            .map_err(failed)?;
    }
    writer.flush().map_err(|e| failed(e.into()))
}

fn csv_cell(text: &str) -> String {
    let safe = sanitize(text);
    let numeric = safe.parse::<f64>().is_ok();
    if !numeric && safe.starts_with(['=', '+', '-', '@']) {
        format!("'{safe}")
    } else {
        safe
    }
}

fn reply_table<T: Item>(reply: &Reply<T>) {
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
            outln!(
                "accepted: operation {}; Khipu will POST the result to the callback URL{}",
                sanitize(operation_id),
                sanitize(&by)
            );
        }
        _ => {
            let rows: Vec<Vec<String>> = reply.items().iter().map(Item::table_row).collect();
            if rows.is_empty() {
                outln!("(no items)");
            } else {
                table(T::TABLE_HEADER, &rows);
            }
            outln!("operation {}", sanitize(reply.operation_id()));
        }
    }
    if let Some(info) = reply.additional_information() {
        outln!("note: {}", sanitize(info));
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn date(d: &Option<khipu::DateTime>) -> String {
    d.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl Item for Transaction {
    const TABLE_HEADER: &'static [&'static str] = &[
        "BOOKED",
        "STATUS",
        "C/D",
        "AMOUNT",
        "CURRENCY",
        "DESCRIPTION",
    ];
    const CSV_HEADER: &'static [&'static str] = &[
        "booking_date",
        "value_date",
        "account_id",
        "status",
        "credit_debit",
        "amount",
        "currency",
        "description",
        "reference",
        "transaction_id",
    ];

    fn table_row(&self) -> Vec<String> {
        vec![
            self.booking_date_time.to_string(),
            self.status.to_string(),
            self.credit_debit_indicator.to_string(),
            self.amount.amount.to_string(),
            self.amount.currency.clone(),
            self.transaction_information
                .clone()
                .or_else(|| self.transaction_id.clone())
                .unwrap_or_default(),
        ]
    }

    fn csv_rows(&self) -> Vec<Vec<String>> {
        vec![vec![
            self.booking_date_time.to_string(),
            date(&self.value_date_time),
            self.account_id.clone(),
            self.status.to_string(),
            self.credit_debit_indicator.to_string(),
            self.amount.amount.to_string(),
            self.amount.currency.clone(),
            opt(&self.transaction_information),
            opt(&self.transaction_reference),
            opt(&self.transaction_id),
        ]]
    }
}

impl Item for Balance {
    const TABLE_HEADER: &'static [&'static str] = &["ACCOUNT", "DATE", "TYPE", "C/D", "AMOUNT"];
    const CSV_HEADER: &'static [&'static str] = &[
        "account_id",
        "date",
        "type",
        "credit_debit",
        "amount",
        "currency",
    ];

    fn table_row(&self) -> Vec<String> {
        let amounts: Vec<String> = self
            .amount
            .iter()
            .map(|a| format!("{} {}", a.amount, a.currency))
            .collect();
        vec![
            self.account_id.clone(),
            self.date_time.to_string(),
            self.kind.to_string(),
            self.credit_debit_indicator.to_string(),
            amounts.join(", "),
        ]
    }

    /// One row per amount (a balance may be given in several currencies).
    fn csv_rows(&self) -> Vec<Vec<String>> {
        self.amount
            .iter()
            .map(|a| {
                vec![
                    self.account_id.clone(),
                    self.date_time.to_string(),
                    self.kind.to_string(),
                    self.credit_debit_indicator.to_string(),
                    a.amount.to_string(),
                    a.currency.clone(),
                ]
            })
            .collect()
    }
}

impl Item for Account {
    const TABLE_HEADER: &'static [&'static str] = &[
        "ACCOUNT",
        "CURRENCY",
        "TYPE",
        "SUBTYPE",
        "DESCRIPTION",
        "NICKNAME",
    ];
    const CSV_HEADER: &'static [&'static str] = &[
        "account_id",
        "currency",
        "type",
        "subtype",
        "description",
        "nickname",
        "opening_date",
    ];

    fn table_row(&self) -> Vec<String> {
        vec![
            self.account_id.clone(),
            opt(&self.currency),
            opt(&self.account_type),
            opt(&self.account_sub_type),
            opt(&self.description),
            opt(&self.nickname),
        ]
    }

    /// The table's columns, then the opening date.
    fn csv_rows(&self) -> Vec<Vec<String>> {
        let mut row = self.table_row();
        row.push(opt(&self.opening_date));
        vec![row]
    }
}

impl Item for Statement {
    const TABLE_HEADER: &'static [&'static str] = &["STATEMENT", "ACCOUNT", "FROM", "TO", "TYPE"];
    const CSV_HEADER: &'static [&'static str] = &[
        "statement_id",
        "account_id",
        "start_date",
        "end_date",
        "created",
        "type",
        "reference",
    ];

    fn table_row(&self) -> Vec<String> {
        vec![
            opt(&self.statement_id),
            self.account_id.clone(),
            date(&self.start_date_time),
            date(&self.end_date_time),
            opt(&self.kind),
        ]
    }

    fn csv_rows(&self) -> Vec<Vec<String>> {
        vec![vec![
            opt(&self.statement_id),
            self.account_id.clone(),
            date(&self.start_date_time),
            date(&self.end_date_time),
            date(&self.creation_date_time),
            opt(&self.kind),
            opt(&self.statement_reference),
        ]]
    }
}

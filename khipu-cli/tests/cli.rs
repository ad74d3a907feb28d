//! The `khipu` command, as people and scripts use it: output, exit status, credentials from the
//! environment.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/run.rs"]
mod run;
use run::{khipu, stderr, stdout};

const DEMO: &str = "cl/personal/demo-bank.khipu.com";
const TRANSACTIONS: &str = "/v1/cl/banking/personal/demo-bank.khipu.com/transactions";

fn transactions() -> Value {
    json!({"OperationId": "op-1", "Status": "OK", "Data": {"Transaction": [{
        "AccountId": "873458", "BookingDateTime": "2017-07-22T00:00:00-0400", "CreditDebitIndicator": "Credit",
        "Status": "Booked", "Amount": {"Amount": 10000, "Currency": "CLP"}, "TransactionInformation": "PAGO DE CUENTAS"
    }]}, "AdditionalInformation": null, "Error": null, "LifeSpan": null})
}

#[tokio::test]
async fn banks_lists_the_catalog_with_capabilities() {
    let out = khipu(&["banks"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(DEMO) && text.contains("transactions(AccountNumber*)"),
        "{text}"
    );
    assert!(
        text.contains("cl/personal/bancochile.cl")
            && text.contains("transactions(LastDigits*,BookingDateStart*,BookingDateEnd*)"),
        "{text}"
    );
    let out = khipu(&["banks", "--json"], &[]).await;
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 7);
    let demo = list.iter().find(|b| b["id"] == DEMO).unwrap();
    assert_eq!(demo["name"], "DemoBank");
    let tx = demo["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation_id"] == "fetchTransactions_1")
        .unwrap();
    assert_eq!(tx["capability"]["kind"], "transactions");
    assert_eq!(
        tx["params"][0],
        json!({"name": "AccountNumber", "required": true, "min_length": null, "max_length": 20, "pattern": null})
    );
}

#[tokio::test]
async fn transactions_as_json_and_as_a_table() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .and(header("authorization", "Bearer jwt-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(transactions()))
        .expect(2)
        .mount(&server)
        .await;
    let env = [
        ("KHIPU_TOKEN", "jwt-1"),
        ("KHIPU_BASE_URL", server.uri().leak() as &str),
    ];
    let out = khipu(
        &[
            "transactions",
            "--bank",
            DEMO,
            "--account",
            "000011887755",
            "--json",
        ],
        &env,
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["operation_id"], "op-1");
    assert_eq!(reply["status"], "ok");
    assert_eq!(
        reply["data"],
        transactions()["Data"]["Transaction"],
        "Khipu's field names and values, unchanged"
    );
    assert_eq!(reply["life_span"], Value::Null);
    let out = khipu(
        &["transactions", "--bank", DEMO, "--account", "000011887755"],
        &env,
    )
    .await;
    let text = stdout(&out);
    assert!(
        text.contains("BOOKED")
            && text.contains("2017-07-22T00:00:00-0400")
            && text.contains("10000")
            && text.contains("PAGO DE CUENTAS"),
        "{text}"
    );
}

#[tokio::test]
async fn a_callback_url_prints_the_accepted_operation() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"OperationId": "op-2", "Status": "OK", "Data": null,
            "AdditionalInformation": "Los datos serán enviados a la URL de callback.", "Error": null, "LifeSpan": "2017-07-22T00:00:00-0400"})))
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = khipu(
        &[
            "transactions",
            "--bank",
            DEMO,
            "--account",
            "1",
            "--callback-url",
            "https://x.example/cb",
            "--base-url",
            &uri,
            "--json",
        ],
        &[("KHIPU_API_KEY", "k")],
    )
    .await;
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (reply["status"].as_str(), reply["life_span"].as_str()),
        (Some("accepted"), Some("2017-07-22T00:00:00-0400"))
    );
}

#[tokio::test]
async fn khipu_errors_exit_1_with_code_type_and_description() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"OperationId": "op-3", "Status": "ERROR", "Data": null,
            "AdditionalInformation": null, "Error": {"Code": "E101", "Type": "DO_NOT_RETRY", "Description": "Credenciales inválidas"}, "LifeSpan": null})))
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = khipu(
        &[
            "balances",
            "--bank",
            DEMO,
            "--account",
            "1",
            "--base-url",
            &uri,
        ],
        &[("KHIPU_TOKEN", "jwt-secret-value")],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("Code: E101")
            && err.contains("Type: DO_NOT_RETRY")
            && err.contains("Description: Credenciales inválidas"),
        "{err}"
    );
    assert!(!err.contains("jwt-secret-value"));
    // nothing listens on this port
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let out = khipu(
        &["accounts", "--bank", DEMO, "--base-url", &base],
        &[("KHIPU_TOKEN", "t")],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("transport failure"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn usage_errors_exit_2_and_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let uri = server.uri();
    let base = ["--base-url", uri.as_str()];
    // (arguments, KHIPU_* variables, what stderr must say)
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["transactions", "--bank", DEMO, "--account", "1"],
            vec![],
            "set KHIPU_CLIENT_ID, KHIPU_CLIENT_SECRET and KHIPU_TOKEN_URL",
        ),
        (
            vec!["transactions", "--bank", DEMO, "--account", "1"],
            vec![("KHIPU_CLIENT_ID", "a"), ("KHIPU_CLIENT_SECRET", "b")],
            "not KHIPU_TOKEN_URL",
        ),
        (
            vec!["statements", "--bank", DEMO, "--last-digits", "1234"],
            vec![("KHIPU_TOKEN", "a")],
            "cannot give statements for a card",
        ),
        (
            vec![
                "balances",
                "--bank",
                "cl/entrepreneur/bci.cl",
                "--account",
                "1",
            ],
            vec![("KHIPU_TOKEN", "a")],
            "`Currency` is required; nothing was sent",
        ),
        (
            vec![
                "transactions",
                "--bank",
                DEMO,
                "--account",
                "1",
                "--month",
                "July",
            ],
            vec![("KHIPU_TOKEN", "a")],
            "--month: `July` is not a month",
        ),
        (
            vec!["transactions", "--bank", "xx/nope", "--account", "1"],
            vec![("KHIPU_TOKEN", "a")],
            "unknown bank `xx/nope`",
        ),
        (
            vec!["transactions", "--bank", DEMO, "--from", "2022-01"],
            vec![("KHIPU_TOKEN", "a")],
            "--to",
        ),
        (vec!["frobnicate"], vec![], "unrecognized subcommand"),
    ];
    for (args, env, expected) in cases {
        let mut all = args.clone();
        all.extend(base);
        let out = khipu(&all, &env).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[tokio::test]
async fn payments_commands_sign_print_and_fail_with_the_right_status() {
    let server = MockServer::start().await;
    let created = json!({"payment_id": "gqzdy6chjne9", "payment_url": "https://khipu.com/payment/info/gqzdy6chjne9",
        "simplified_transfer_url": "s", "transfer_url": "t", "app_url": "khipu:///pos/gqzdy6chjne9", "ready_for_terminal": false});
    Mock::given(method("POST"))
        .and(path("/2.0/payments"))
        .and(wiremock::matchers::body_string_contains("amount=1000&"))
        .respond_with(ResponseTemplate::new(200).set_body_json(created))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2.0/payments/gqzdy6chjne9"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::from_str::<Value>(include_str!("../../tests/fixtures/payment.json"))
                    .unwrap(),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2.0/payments/gqzdy6chjne9/refunds"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"status": 400, "message": "Datos inválidos",
            "errors": [{"field": "amount", "message": "excede el monto del pago"}]})),
        )
        .mount(&server)
        .await;
    let uri = server.uri();
    let env = [
        ("KHIPU_RECEIVER_ID", "985101"),
        ("KHIPU_SECRET", "s3cr3t-value"),
        ("KHIPU_PAYMENTS_BASE_URL", uri.as_str()),
    ];
    let out = khipu(
        &[
            "payments",
            "--api",
            "2.0",
            "create",
            "--amount",
            "1000",
            "--currency",
            "CLP",
            "--subject",
            "Cobro de prueba",
            "--json",
        ],
        &env,
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["payment_id"], "gqzdy6chjne9");
    let sent = server.received_requests().await.unwrap();
    assert!(
        sent[0].headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("985101:")
    );
    let out = khipu(
        &["payments", "--api", "2.0", "get", "--id", "gqzdy6chjne9"],
        &env,
    )
    .await;
    assert!(
        out.status.success() && stdout(&out).contains("status") && stdout(&out).contains("done"),
        "{}",
        stdout(&out)
    );
    let out = khipu(
        &[
            "payments",
            "--api",
            "2.0",
            "refund",
            "--id",
            "gqzdy6chjne9",
            "--amount",
            "5000",
        ],
        &env,
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("amount: excede el monto del pago"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("s3cr3t-value"));
    let out = khipu(
        &["payments", "--api", "2.0", "banks"],
        &[("KHIPU_PAYMENTS_BASE_URL", uri.as_str())],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("KHIPU_RECEIVER_ID and KHIPU_SECRET"),
        "{}",
        stderr(&out)
    );
    let long = "x".repeat(300);
    let out = khipu(
        &[
            "payments",
            "--api",
            "2.0",
            "create",
            "--amount",
            "1",
            "--currency",
            "CLP",
            "--subject",
            &long,
        ],
        &env,
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "a value the spec refuses is a usage error: {}",
        stderr(&out)
    );
}

#[tokio::test]
async fn payments_v3_by_default_offline_with_the_sandbox() {
    let out = khipu(
        &[
            "--mock",
            "payments",
            "create",
            "--amount",
            "1234.5",
            "--currency",
            "CLP",
            "--subject",
            "Orden 1",
            "--json",
        ],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        reply["payment_id"]
            .as_str()
            .is_some_and(|id| id.len() == 12),
        "{reply}"
    );
    let out = khipu(
        &[
            "--mock",
            "payments",
            "predict",
            "--payer-email",
            "a@b.cl",
            "--bank-id",
            "Bawdf",
            "--amount",
            "1000",
            "--currency",
            "CLP",
        ],
        &[],
    )
    .await;
    assert!(
        out.status.success() && stdout(&out).contains("result"),
        "{}",
        stderr(&out)
    );
    let out = khipu(&["payments", "banks"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("KHIPU_API_KEY"), "{}", stderr(&out));
}

#[tokio::test]
async fn verify_notification_checks_khipus_example_and_names_the_failure() {
    let body = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/webhook-v3-example.body.json"
    );
    let signature = "t=1711965600393,s=GYzpjnXlTKQ+BJY7pZJmrM6DZgWMSJdtOr/dleBKTdg=";
    let env = [("KHIPU_SECRET", "1a4cbbbeb8bdb7e1d73572b9cc43ce4ce18f79d9")];
    let args = [
        "payments",
        "verify-notification",
        "--signature",
        signature,
        "--body",
        body,
    ];
    let mut at = args.to_vec();
    at.extend(["--at", "1711965600393", "--json"]);
    let out = khipu(&at, &env).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let n: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(n["payment_id"], "zfxnocsow6mz");
    assert_eq!(n["amount"], 1000);
    let out = khipu(&args, &env).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("too old"), "{}", stderr(&out));
    let out = khipu(&at, &[("KHIPU_SECRET", "wrong")]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("signature does not match"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn a_password_in_the_base_url_is_never_echoed() {
    for base in [
        "http://user:hunter2@bad host/",
        "https://user:hunter2@api.khipu.com",
    ] {
        for args in [
            &[
                "transactions",
                "--bank",
                DEMO,
                "--account",
                "1",
                "--base-url",
                base,
            ][..],
            &["payments", "banks", "--base-url", base][..],
        ] {
            let out = khipu(args, &[("KHIPU_API_KEY", "k")]).await;
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                !err.contains("hunter2") && err.contains("***@"),
                "{args:?}: {err}"
            );
            assert!(!err.contains("configuration: configuration"), "{err}");
        }
    }
}

#[tokio::test]
async fn terminal_escapes_from_the_server_never_reach_the_terminal() {
    const HOSTILE: &str = "PAGO\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nX";
    let server = MockServer::start().await;
    let mut body = transactions();
    body["Data"]["Transaction"][0]["TransactionInformation"] = json!(HOSTILE);
    body["OperationId"] = json!("op\u{1b}[31m");
    body["AdditionalInformation"] = json!("note\u{1b}[2J");
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .and(header("x-api-key", "k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .and(header("x-api-key", "error"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "OperationId": "op-2", "Status": "ERROR", "Data": null, "AdditionalInformation": null,
            "LifeSpan": null,
            "Error": {"Code": "E\u{1b}[2J", "Type": "DO_NOT_RETRY", "Description": HOSTILE}
        })))
        .mount(&server)
        .await;
    let base = server.uri();
    let args = ["transactions", "--bank", DEMO, "--account", "1"];
    let table = khipu(&args, &[("KHIPU_API_KEY", "k"), ("KHIPU_BASE_URL", &base)]).await;
    assert!(table.status.success(), "{}", stderr(&table));
    let text = stdout(&table);
    assert!(!text.contains(['\u{1b}', '\u{7}', '\r']), "{text:?}");
    assert!(text.contains("PAGO\\u{1b}]0;pwned"), "{text}");

    // JSON stays exact: the same string, escaped the JSON way.
    let json_args = [&args[..], &["--json"]].concat();
    let out = khipu(
        &json_args,
        &[("KHIPU_API_KEY", "k"), ("KHIPU_BASE_URL", &base)],
    )
    .await;
    assert!(!out.stdout.contains(&0x1b));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["data"][0]["TransactionInformation"], HOSTILE);

    let failed = khipu(
        &args,
        &[("KHIPU_API_KEY", "error"), ("KHIPU_BASE_URL", &base)],
    )
    .await;
    assert_eq!(failed.status.code(), Some(1));
    let err = stderr(&failed);
    assert!(!err.contains(['\u{1b}', '\u{7}', '\r']), "{err:?}");
    assert!(err.contains("Description: PAGO\\u{1b}"), "{err}");
}

/// A server that accepts connections and never answers; counts the connections.
async fn silent_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(socket);
        }
    });
    (url, count)
}

#[tokio::test]
async fn timeout_and_retries_flags_bound_the_wait_and_say_it_timed_out() {
    let (url, attempts) = silent_server().await;
    let started = std::time::Instant::now();
    let out = khipu(
        &[
            "transactions",
            "--bank",
            DEMO,
            "--account",
            "1",
            "--base-url",
            &url,
            "--timeout",
            "1",
            "--retries",
            "1",
        ],
        &[("KHIPU_API_KEY", "k")],
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");

    let (url, attempts) = silent_server().await;
    let out = khipu(
        &[
            "payments",
            "banks",
            "--base-url",
            &url,
            "--timeout",
            "1",
            "--retries",
            "0",
        ],
        &[("KHIPU_API_KEY", "k")],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 1);

    let out = khipu(&["banks", "--timeout", "0"], &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[tokio::test]
async fn csv_output_is_rfc_4180_and_safe_for_terminals_and_spreadsheets() {
    let server = MockServer::start().await;
    let mut body = transactions();
    body["Data"]["Transaction"][0]["TransactionInformation"] =
        json!("=HYPERLINK(\"http://x\"), \"quoted\"\nsecond line \u{1b}[2J");
    body["Data"]["Transaction"][0]["Amount"]["Amount"] = json!(-1500.5);
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let uri = server.uri();
    let args = [
        "transactions",
        "--bank",
        DEMO,
        "--account",
        "000011887755",
        "--base-url",
        uri.as_str(),
        "--output",
        "csv",
    ];
    let out = khipu(&args, &[("KHIPU_TOKEN", "t")]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "booking_date",
            "value_date",
            "account_id",
            "status",
            "credit_debit",
            "amount",
            "currency",
            "description",
            "reference",
            "transaction_id"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(&row[0], "2017-07-22T00:00:00-0400");
    // A negative amount stays a number; a text cell that starts a formula does not.
    assert_eq!(&row[5], "-1500.5");
    assert!(
        row[7].starts_with("'=HYPERLINK(\"http://x\"), \"quoted\"\nsecond line"),
        "{:?}",
        &row[7]
    );

    // Not for commands without items to tabulate.
    let out = khipu(&["banks", "--output", "csv"], &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--output csv is for"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn verbose_traces_each_attempt_on_stderr_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .respond_with(ResponseTemplate::new(200).set_body_json(transactions()))
        .mount(&server)
        .await;
    let uri = server.uri();
    let args = [
        "-v",
        "transactions",
        "--bank",
        DEMO,
        "--account",
        "000011887755",
        "--base-url",
        uri.as_str(),
        "--json",
    ];
    let out = khipu(&args, &[("KHIPU_TOKEN", "tok-SECRET-42")]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(
        log.contains("khipu.http{")
            && log.contains("fetchTransactions_1")
            && log.contains("status=200"),
        "{log}"
    );
    assert!(
        !log.contains("tok-SECRET-42") && !log.contains("000011887755"),
        "{log}"
    );
    // stdout is still only the data.
    serde_json::from_slice::<Value>(&out.stdout).unwrap();
    // Without -v, nothing is traced.
    let quiet = khipu(&args[1..], &[("KHIPU_TOKEN", "t")]).await;
    assert!(!stderr(&quiet).contains("khipu.http"), "{}", stderr(&quiet));
}

#[tokio::test]
async fn version_lists_the_specs_and_completions_are_generated() {
    let out = khipu(&["--version"], &[]).await;
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
    for bank in khipu::banks() {
        assert!(
            text.contains(&format!("{}  {}", bank.spec_sha256, bank.id)),
            "{text}"
        );
    }
    assert!(
        text.contains("payments v3.0") && text.contains("payments v2.0"),
        "{text}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let out = khipu(&["completions", shell], &[]).await;
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("transactions"), "{shell}");
    }
}

/// Amounts print with exactly the digits Khipu sent, as JSON and in the table; a create sends
/// exactly its digits, and one past Khipu's documented limits is a usage error naming `amount`.
#[tokio::test]
async fn amounts_keep_their_digits_in_and_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/banks"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"banks":[{"bank_id":"Bawdf","name":"DemoBank","message":"","min_amount":36427014.90143424,"type":"Persona","parent":""}]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"payment_id": "p",
            "payment_url": "u", "simplified_transfer_url": "u", "transfer_url": "u", "app_url": "u",
            "ready_for_terminal": false})),
        )
        .mount(&server)
        .await;
    let key = [("KHIPU_API_KEY", "k")];
    let base = ["--base-url", &server.uri()];
    let out = khipu(
        &[&["payments", "banks", "--json"][..], &base].concat(),
        &key,
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"min_amount\": 36427014.90143424"),
        "{}",
        stdout(&out)
    );
    let out = khipu(&[&["payments", "banks"][..], &base].concat(), &key).await;
    assert!(
        stdout(&out).contains("min 36427014.90143424"),
        "{}",
        stdout(&out)
    );

    let create = [
        "payments",
        "create",
        "--currency",
        "CLP",
        "--subject",
        "x",
        "--amount",
    ];
    let out = khipu(&[&create[..], &["36427014.9014"], &base].concat(), &key).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = server.received_requests().await.unwrap();
    let body = String::from_utf8(sent.last().unwrap().body.clone()).unwrap();
    assert!(body.contains(r#""amount":36427014.9014"#), "{body}");

    let before = sent.len();
    let out = khipu(&[&create[..], &["36427014.90143424"], &base].concat(), &key).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("`amount` 36427014.90143424 has 8 decimal places; Khipu takes at most 4"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        before,
        "nothing sent"
    );
}

/// A transaction whose timestamp is not one prints as Khipu sent it, and the rest prints too.
#[tokio::test]
async fn an_odd_timestamp_prints_as_sent() {
    let server = MockServer::start().await;
    let mut body = transactions();
    body["Data"]["Transaction"][0]["BookingDateTime"] = json!("tempor");
    Mock::given(method("POST"))
        .and(path(TRANSACTIONS))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let args = [
        "transactions",
        "--bank",
        DEMO,
        "--account",
        "1",
        "--base-url",
        &server.uri(),
    ];
    for format in ["table", "json", "csv"] {
        let out = khipu(
            &[&args[..], &["--output", format]].concat(),
            &[("KHIPU_TOKEN", "t")],
        )
        .await;
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("tempor") && text.contains("PAGO DE CUENTAS"),
            "{format}: {text}"
        );
    }
}

/// Numbers a `format: double` allows and no 28-digit decimal holds print with every digit, as
/// Khipu sent them (they printed rounded, or as `0`, with exit 0).
#[tokio::test]
async fn extreme_amounts_print_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/banks"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"banks":[
              {"bank_id":"a","name":"A","message":"","min_amount":0.12345678901234567890123456789,"type":"Persona","parent":""},
              {"bank_id":"b","name":"B","message":"","min_amount":2.225073858507e-311,"type":"Persona","parent":""},
              {"bank_id":"c","name":"C","message":"","min_amount":3.402823466e+38,"type":"Persona","parent":""},
              {"bank_id":"d","name":"D","message":"","min_amount":1e-29,"type":"Persona","parent":""}]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let out = khipu(
        &["--base-url", &server.uri(), "payments", "banks", "--json"],
        &[("KHIPU_API_KEY", "k")],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    for printed in [
        "0.12345678901234567890123456789",
        "2.225073858507e-311",
        "340282346600000000000000000000000000000",
        "0.00000000000000000000000000001",
    ] {
        assert!(
            stdout(&out).contains(&format!("\"min_amount\": {printed}")),
            "{printed}: {}",
            stdout(&out)
        );
    }
}

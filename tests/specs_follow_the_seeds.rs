//! The specs hold what Khipu's reference pages (shared/seeds) show: operations, fields, required
//! flags, enums, limits. The facts are copied here from the seeds so a spec edit that loses one
//! fails this test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use std::path::Path;

use serde_json::{Value, json};

fn spec(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("specs")
        .join(name);
    khipu_codegen_engine::load::read(&path, name).unwrap().doc
}

/// Follows `$ref`, a single `allOf` and array `items` to the schema that holds properties.
fn resolve<'a>(doc: &'a Value, mut s: &'a Value) -> &'a Value {
    loop {
        s = khipu_codegen_engine::doc::resolve(doc, s);
        if let Some(r) = s.get("$ref") {
            panic!("dangling {r}");
        } else if let Some([one]) = s.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            s = one;
        } else if let Some(items) = s.get("items") {
            s = items;
        } else {
            return s;
        }
    }
}

/// The schema of a dotted field (`Data.Transaction.Amount.Currency`) below `root`.
fn field<'a>(doc: &'a Value, root: &'a Value, dotted: &str) -> &'a Value {
    dotted.split('.').fold(root, |s, name| {
        let s = resolve(doc, s);
        s.get("properties")
            .and_then(|p| p.get(name))
            .unwrap_or_else(|| panic!("no field {name} in {dotted}"))
    })
}

fn required(doc: &Value, schema: &Value) -> Vec<String> {
    let s = resolve(doc, schema);
    s.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn op<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    doc["paths"]
        .get(path)
        .and_then(|p| p.get(method))
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

fn body<'a>(doc: &'a Value, op: &'a Value, media: &str) -> &'a Value {
    resolve(doc, &op["requestBody"]["content"][media]["schema"])
}

fn response<'a>(doc: &'a Value, op: &'a Value, code: &str) -> &'a Value {
    resolve(
        doc,
        &op["responses"][code]["content"]["application/json"]["schema"],
    )
}

/// Seed 002: every field of a DemoBank transactions 200 response, with its required flag.
const TRANSACTION_FIELDS: &[(&str, bool)] = &[
    ("AccountId", true),
    ("BookingDateTime", true),
    ("CreditDebitIndicator", true),
    ("Status", true),
    ("Amount", true),
    ("Amount.Amount", true),
    ("Amount.Currency", true),
    ("AddressLine", false),
    ("StatementReference", false),
    ("TransactionId", false),
    ("TransactionInformation", false),
    ("TransactionMutability", false),
    ("TransactionReference", false),
    ("ValueDateTime", false),
    ("Balance", false),
    ("Balance.Type", true),
    ("Balance.Amount", true),
    ("BankTransactionCode", false),
    ("BankTransactionCode.Code", true),
    ("BankTransactionCode.SubCode", true),
    ("CardInstrument", false),
    ("CardInstrument.CardSchemeName", true),
    ("CardInstrument.AuthorisationType", false),
    ("CardInstrument.Identification", false),
    ("CardInstrument.Name", false),
    ("ChargeAmount", false),
    ("CreditorAccount", false),
    ("CreditorAccount.Identification", false),
    ("CreditorAccount.Name", false),
    ("CreditorAccount.SchemeName", false),
    ("CreditorAccount.SecondaryIdentification", false),
    ("CreditorAgent", false),
    ("CreditorAgent.Identification", false),
    ("CreditorAgent.Name", false),
    ("CreditorAgent.SchemeName", false),
    ("CreditorAgent.PostalAddress", false),
    ("CreditorAgent.PostalAddress.AddressLine", false),
    ("CreditorAgent.PostalAddress.AddressType", false),
    ("CreditorAgent.PostalAddress.BuildingNumber", false),
    ("CreditorAgent.PostalAddress.Country", false),
    ("CreditorAgent.PostalAddress.CountrySubDivision", false),
    ("CreditorAgent.PostalAddress.Department", false),
    ("CreditorAgent.PostalAddress.PostCode", false),
    ("CreditorAgent.PostalAddress.StreetName", false),
    ("CreditorAgent.PostalAddress.SubDepartment", false),
    ("CreditorAgent.PostalAddress.TownName", false),
    ("CurrencyExchange", false),
    ("CurrencyExchange.ExchangeRate", true),
    ("CurrencyExchange.SourceCurrency", true),
    ("CurrencyExchange.ContractIdentification", false),
    ("CurrencyExchange.QuotationDate", false),
    ("CurrencyExchange.TargetCurrency", false),
    ("CurrencyExchange.UnitCurrency", false),
    ("CurrencyExchange.InstructedAmount", false),
    ("DebtorAccount", false),
    ("DebtorAccount.Name", false),
    ("DebtorAccount.SchemeName", false),
    ("DebtorAccount.SecondaryIdentification", false),
    ("DebtorAgent", false),
    ("DebtorAgent.Identification", false),
    ("DebtorAgent.SchemeName", false),
    ("MerchantDetails", false),
    ("MerchantDetails.MerchantCategoryCode", false),
    ("MerchantDetails.MerchantName", false),
    ("ProprietaryBankTransactionCode", false),
    ("ProprietaryBankTransactionCode.Code", true),
    ("ProprietaryBankTransactionCode.Issuer", false),
    ("SupplementaryData", false),
];

const ENUMS: &[(&str, &[&str])] = &[
    ("CreditDebitIndicator", &["Credit", "Debit"]),
    ("Status", &["Booked", "Pending", "Rejected"]),
    ("TransactionMutability", &["Mutable", "Immutable"]),
    (
        "Balance.Type",
        &[
            "ClosingAvailable",
            "ClosingBooked",
            "ClosingCleared",
            "Expected",
            "ForwardAvailable",
            "Information",
            "InterimAvailable",
            "InterimBooked",
            "InterimCleared",
            "OpeningAvailable",
            "OpeningBooked",
            "OpeningCleared",
            "PreviouslyClosedBooked",
        ],
    ),
    (
        "CardInstrument.CardSchemeName",
        &[
            "AmericanExpress",
            "Diners",
            "Discover",
            "MasterCard",
            "VISA",
        ],
    ),
    (
        "CardInstrument.AuthorisationType",
        &["ConsumerDevice", "Contactless", "None", "PIN"],
    ),
    (
        "CreditorAgent.PostalAddress.AddressType",
        &[
            "Business",
            "Correspondence",
            "DeliveryTo",
            "MailTo",
            "POBox",
            "Postal",
            "Residential",
            "Statement",
        ],
    ),
];

/// A bank transactions operation matches seed 002 field for field.
fn check_transactions(doc: &Value, path: &str) {
    let op = op(doc, path, "post");
    assert_eq!(op["operationId"], "fetchTransactions_1");
    assert_eq!(op["security"], json!([{"JWT": []}, {"Api-Key": []}]));
    let req = body(doc, op, "application/json");
    assert_eq!(required(doc, req), ["RequestData"]);
    assert_eq!(
        required(doc, field(doc, req, "RequestData")),
        ["AccountNumber"]
    );
    let number = field(doc, req, "RequestData.AccountNumber");
    assert_eq!(
        (number["maxLength"].as_u64(), number["example"].as_str()),
        (Some(20), Some("000011887755"))
    );
    assert_eq!(field(doc, req, "CallbackUrl")["maxLength"], 255);
    let credential = field(doc, req, "RequestData.AccountCredential");
    assert_eq!(credential["deprecated"], true);
    assert_eq!(credential["oneOf"].as_array().unwrap().len(), 2);

    let ok = response(doc, op, "200");
    assert_eq!(
        required(doc, ok),
        [
            "OperationId",
            "Status",
            "Data",
            "AdditionalInformation",
            "Error",
            "LifeSpan"
        ]
    );
    assert_eq!(field(doc, ok, "Status")["enum"], json!(["OK", "ERROR"]));
    assert_eq!(field(doc, ok, "OperationId")["maxLength"], 36);
    for nullable in ["Data", "AdditionalInformation", "Error", "LifeSpan"] {
        assert!(
            field(doc, ok, nullable)["type"]
                .as_array()
                .unwrap()
                .contains(&json!("null")),
            "{nullable} is X or null"
        );
    }
    assert_eq!(
        field(doc, ok, "Error.Type")["enum"],
        json!([
            "RETRY_IMMEDIATELY",
            "DO_NOT_RETRY",
            "WAIT_4_HOURS_BEFORE_RETRY",
            "RETRY_AFTER_NOTIFICATION"
        ])
    );
    assert_eq!(field(doc, ok, "Error.Code")["example"], "E201");
    let tx = field(doc, ok, "Data.Transaction");
    for (name, is_required) in TRANSACTION_FIELDS {
        let (parent, leaf) = name
            .rsplit_once('.')
            .map_or((tx, *name), |(p, l)| (field(doc, tx, p), l));
        field(doc, parent, leaf);
        assert_eq!(
            required(doc, parent).iter().any(|r| r == leaf),
            *is_required,
            "{name} required flag"
        );
    }
    for (name, values) in ENUMS {
        assert_eq!(field(doc, tx, name)["enum"], json!(values), "{name}");
    }
    assert_eq!(
        field(doc, tx, "BookingDateTime")["example"],
        "2017-07-22T00:00:00-0400",
        "Khipu's offset form is kept"
    );

    let accepted = response(doc, op, "202");
    assert_eq!(
        required(doc, accepted),
        [
            "OperationId",
            "Status",
            "Data",
            "AdditionalInformation",
            "Error",
            "LifeSpan"
        ]
    );
    assert_eq!(
        field(doc, accepted, "Data")["type"],
        "object",
        "the 202 declares Data an object, and sends null"
    );
    assert_eq!(
        field(doc, accepted, "LifeSpan")["example"],
        "2017-07-22T00:00:00-0400"
    );
}

#[test]
fn demo_bank_has_every_operation_and_field_of_seeds_000_and_002() {
    let doc = spec("banking/cl/personal/demo-bank.khipu.com.yaml");
    assert_eq!(doc["servers"][0]["url"], "https://api.khipu.com");
    assert_eq!(
        doc["components"]["securitySchemes"]["Api-Key"],
        json!({"type": "apiKey", "in": "header", "name": "x-api-key", "description": doc["components"]["securitySchemes"]["Api-Key"]["description"]})
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["JWT"]["scheme"],
        "bearer"
    );
    let base = "/v1/cl/banking/personal/demo-bank.khipu.com";
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        ["accounts", "balance", "statements", "transactions", "token"]
            .map(|p| format!("{base}/{p}"))
            .iter()
            .collect::<Vec<_>>()
    );
    check_transactions(&doc, &format!("{base}/transactions"));
    let accounts = op(&doc, &format!("{base}/accounts"), "post");
    assert!(
        field(
            &doc,
            body(&doc, accounts, "application/json"),
            "RequestData"
        )
        .get("required")
        .is_none(),
        "accounts needs no AccountNumber"
    );
    let account = field(&doc, response(&doc, accounts, "200"), "Data.Account");
    for f in [
        "AccountId",
        "Status",
        "StatusUpdateDateTime",
        "Currency",
        "AccountType",
        "AccountSubType",
        "Description",
        "Nickname",
        "OpeningDate",
    ] {
        field(&doc, account, f);
    }
    let balance = field(
        &doc,
        response(&doc, op(&doc, &format!("{base}/balance"), "post"), "200"),
        "Data.Balance",
    );
    for f in [
        "AccountId",
        "CreditDebitIndicator",
        "DateTime",
        "Type",
        "Amount",
        "CreditLine",
    ] {
        field(&doc, balance, f);
    }
    let statement = field(
        &doc,
        response(&doc, op(&doc, &format!("{base}/statements"), "post"), "200"),
        "Data.Statement",
    );
    for f in [
        "AccountId",
        "CreationDateTime",
        "EndDateTime",
        "StartDateTime",
        "StatementDescription",
        "StatementId",
        "StatementReference",
        "Type",
        "StatementAmount",
        "StatementBenefit",
        "StatementDateTime",
        "StatementFee",
        "StatementInterest",
        "StatementRate",
        "StatementValue",
    ] {
        field(&doc, statement, f);
    }
    let token = op(&doc, &format!("{base}/token"), "post");
    assert_eq!(token["deprecated"], true);
    assert_eq!(
        required(&doc, body(&doc, token, "application/json")),
        ["Username", "Password"]
    );
    assert_eq!(
        field(&doc, response(&doc, token, "200"), "Status")["enum"],
        json!(["OK"])
    );
    assert!(token["responses"].get("202").is_none());
}

#[test]
fn btg_pactual_follows_seed_001() {
    let doc = spec("banking/cl/personal/btgpactual.cl.yaml");
    check_transactions(&doc, "/v1/cl/banking/personal/btgpactual.cl/transactions");
}

#[test]
fn santander_ar_follows_seed_003() {
    let doc = spec("banking/ar/personal/santander.com.ar.yaml");
    let op = op(
        &doc,
        "/v1/ar/banking/personal/santander.com.ar/pending/current-day/ACY/balances",
        "post",
    );
    let req = body(&doc, op, "application/json");
    assert_eq!(
        field(&doc, req, "RequestData.AccountNumber")["maxLength"],
        20
    );
    let variants: Vec<&str> = field(&doc, req, "RequestData.AccountCredential")["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        variants,
        [
            "#/components/schemas/AccountLinkCredential",
            "#/components/schemas/BancoSantanderArgentinaAuthCredential"
        ]
    );
    let ok = response(&doc, op, "200");
    assert_eq!(field(&doc, ok, "Data.Balance")["minItems"], 0);
    assert_eq!(field(&doc, ok, "Status")["example"], "OK");
    assert!(op["responses"].get("202").is_some());
}

#[test]
fn payments_has_the_nine_operations_of_seed_004() {
    let doc = spec("payments/v2.0.yaml");
    assert_eq!(doc["servers"][0]["url"], "https://khipu.com/api");
    let ops = [
        ("/2.0/banks", "get"),
        ("/2.0/payments", "get"),
        ("/2.0/payments", "post"),
        ("/2.0/payments/{id}", "get"),
        ("/2.0/payments/{id}", "delete"),
        ("/2.0/payments/{id}/confirm", "post"),
        ("/2.0/payments/{id}/refunds", "post"),
        ("/2.0/receivers", "post"),
        ("/2.0/merchants/{id}/paymentMethods", "get"),
    ];
    for (path, method) in ops {
        let o = op(&doc, path, method);
        for code in ["200", "400", "403", "503"] {
            assert!(
                o["responses"].get(code).is_some(),
                "{method} {path} answers {code}"
            );
        }
        assert_eq!(o["security"], json!([{"khipu": []}]));
    }
    assert_eq!(
        doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| p.as_object().unwrap().len())
            .sum::<usize>(),
        9
    );

    let create = body(
        &doc,
        op(&doc, "/2.0/payments", "post"),
        "application/x-www-form-urlencoded",
    );
    assert_eq!(required(&doc, create), ["amount", "currency", "subject"]);
    assert_eq!(
        field(&doc, create, "currency")["enum"],
        json!(["CLP", "ARS", "PEN", "MXN", "USD", "EUR", "BOB", "COP"])
    );
    assert_eq!(field(&doc, create, "amount")["format"], "double");
    let limits = [
        ("currency", 255),
        ("subject", 255),
        ("transaction_id", 255),
        ("custom", 1_073_741_824),
        ("body", 5120),
        ("bank_id", 5),
        ("return_url", 1024),
        ("cancel_url", 1024),
        ("picture_url", 1024),
        ("notify_url", 1024),
        ("contract_url", 1024),
        ("notify_api_version", 255),
        ("payer_name", 255),
        ("payer_email", 255),
        ("responsible_user_email", 255),
        ("fixed_payer_personal_identifier", 255),
        ("integrator_fee", 16),
        ("collect_account_uuid", 255),
        ("mandatory_payment_method", 255),
    ];
    for (name, max) in limits {
        assert_eq!(field(&doc, create, name)["maxLength"], max, "{name}");
    }
    for name in ["expires_date", "confirm_timeout_date"] {
        assert_eq!(field(&doc, create, name)["format"], "date-time");
    }
    for name in ["send_email", "send_reminders"] {
        assert_eq!(field(&doc, create, name)["type"], "boolean");
    }

    let payment = response(&doc, op(&doc, "/2.0/payments/{id}", "get"), "200");
    assert_eq!(required(&doc, payment).len(), 38);
    assert_eq!(
        resolve(&doc, payment)["properties"]
            .as_object()
            .unwrap()
            .len(),
        39
    );
    assert!(
        !required(&doc, payment)
            .iter()
            .any(|r| r == "conciliation_date")
    );
    assert_eq!(
        field(&doc, payment, "funds_source")["enum"],
        json!(["debit", "prepaid", "credit", "", "not-available"])
    );
    assert_eq!(
        field(&doc, payment, "status")["enum"],
        json!(["pending", "verifying", "done"])
    );
    assert_eq!(
        field(&doc, payment, "status_detail")["enum"],
        json!([
            "pending",
            "normal",
            "marked-paid-by-receiver",
            "rejected-by-payer",
            "marked-as-abuse",
            "reversed"
        ])
    );
    assert_eq!(
        field(&doc, payment, "payment_method")["enum"],
        json!(["regular_transfer", "simplified_transfer", "not_available"])
    );
    assert_eq!(field(&doc, payment, "receiver_id")["format"], "int64");
    assert_eq!(
        field(&doc, payment, "expires_date")["example"],
        "2023-12-31T15:45:00-04:00"
    );

    let receiver = body(
        &doc,
        op(&doc, "/2.0/receivers", "post"),
        "application/x-www-form-urlencoded",
    );
    assert_eq!(required(&doc, receiver).len(), 15);
    for (name, min, max) in [
        ("business_identifier", 8, 255),
        ("business_phone", 5, 20),
        ("business_address_line_1", 4, 300),
        ("contact_phone", 5, 20),
    ] {
        let f = field(&doc, receiver, name);
        assert_eq!(
            (f["minLength"].as_u64(), f["maxLength"].as_u64()),
            (Some(min), Some(max)),
            "{name}"
        );
    }
    let refund = body(
        &doc,
        op(&doc, "/2.0/payments/{id}/refunds", "post"),
        "application/json",
    );
    assert!(
        required(&doc, refund).is_empty(),
        "the refund amount is optional"
    );
    let methods = op(&doc, "/2.0/merchants/{id}/paymentMethods", "get");
    assert_eq!(methods["parameters"][0]["schema"]["type"], "number");
    assert_eq!(
        op(&doc, "/2.0/payments", "get")["parameters"][0]["name"],
        "notification_token"
    );
    let validation = resolve(&doc, &doc["components"]["schemas"]["ValidationError"]);
    assert_eq!(field(&doc, validation, "errors.field")["type"], "string");
}

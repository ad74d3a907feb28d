//! Realistic bank responses for the benches.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and bench code: a failed unwrap fails the run"
)]

use serde_json::{Value, json};

/// A transactions envelope with `n` items: most optional fields set, `-0400` timestamps, and an
/// unknown enum value in every 97th item.
pub fn transactions_response(n: usize) -> Vec<u8> {
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let unknown = i % 97 == 0;
            json!({
                "AccountId": "873458",
                "AddressLine": "SUCURSAL SANTIAGO CENTRO",
                "BookingDateTime": format!("2017-07-{:02}T{:02}:{:02}:00-0400", 1 + i % 28, i % 24, i % 60),
                "CreditDebitIndicator": if i % 3 == 0 { "Debit" } else { "Credit" },
                "StatementReference": ["a2c557c63450"],
                "Status": if unknown { "Reversed" } else { "Booked" },
                "TransactionId": format!("c830d0c9a0904ea6badbaf8e{i:08x}"),
                "TransactionInformation": "PAGO DE CUENTAS",
                "TransactionMutability": "Immutable",
                "TransactionReference": "09cce92d-494b-4f29-8584-6a0409a052c7",
                "ValueDateTime": "2017-07-21T17:32:28-0400",
                "Amount": {"Amount": 10000 + i, "Currency": "CLP"},
                "Balance": {"Type": "ClosingAvailable", "Amount": {"Amount": 250000.5, "Currency": "CLP"}},
                "BankTransactionCode": {"Code": "RCDT", "SubCode": "DMCT"},
                "CardInstrument": {"CardSchemeName": if unknown { "UnionPay" } else { "VISA" }, "AuthorisationType": "PIN",
                    "Identification": "BLACK CARD ****6328", "Name": "JOHN DOE"},
                "CreditorAccount": {"Identification": "99056723", "Name": "JOHN DOE", "SchemeName": "BBAN", "SecondaryIdentification": "1373-86353478"},
                "CreditorAgent": {"Identification": "DEMO BANK", "Name": "DEMO BANK CHILE", "SchemeName": "BICFI",
                    "PostalAddress": {"AddressLine": ["AGUSTINAS 1234, SANTIAGO"], "AddressType": "Business", "Country": "CL", "TownName": "SANTIAGO"}},
                "DebtorAccount": {"Name": "JOHN DOE", "SchemeName": "BBAN"},
                "DebtorAgent": {"Identification": "DEMO BANK", "SchemeName": "BICFI"},
                "MerchantDetails": {"MerchantCategoryCode": "2741", "MerchantName": "MI COMERCIO"},
                "ProprietaryBankTransactionCode": {"Code": "TRANSFERENCIA", "Issuer": "DEMO BANK"}
            })
        })
        .collect();
    let envelope = json!({"OperationId": "6baf6c19-e485-463b-ae24-a821b025c8a4", "Status": "OK", "Data": {"Transaction": items},
        "AdditionalInformation": null, "Error": null, "LifeSpan": null});
    serde_json::to_vec(&envelope).expect("serializes")
}

//! Khipu's canonical Open Data model, in one place: the Data containers with the envelope type
//! and the `Bank` trait capability of each, the shared request bodies, the request parameters the
//! `Bank` trait fills, and the model's schema (`banking.yaml`, which `khipu_types::banking`
//! implements). The canonical passes, the catalog and the API summary read it from here, and so
//! does the facade's test that checks the Rust types against the schema ([`schema`]).

use std::sync::OnceLock;

use serde_json::Value;

/// The extension at the document root that tells the generator which stub components to replace
/// with which Rust types (written by the canonical passes, read by `generate`).
pub const REPLACEMENTS: &str = "x-khipu-replacements";

/// What the `Bank` trait serves: `khipu_types::catalog::DataKind`, one variant per container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// `Data.Account[]`.
    Accounts,
    /// `Data.Balance[]`.
    Balances,
    /// `Data.Transaction[]`.
    Transactions,
    /// `Data.Statement[]`.
    Statements,
    /// `Data.AccountLink`.
    AccountLink,
}

impl DataKind {
    /// The variant's name in `khipu_types::catalog::DataKind`.
    pub fn variant(self) -> &'static str {
        match self {
            Self::Accounts => "Accounts",
            Self::Balances => "Balances",
            Self::Transactions => "Transactions",
            Self::Statements => "Statements",
            Self::AccountLink => "AccountLink",
        }
    }
}

/// A Data container of the Open Data model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Container {
    /// Its name in `Data` (`Transaction`).
    pub name: &'static str,
    /// Its envelope in `khipu_types::banking` (`TransactionsEnvelope`).
    pub envelope: &'static str,
    /// What the `Bank` trait serves with it.
    pub kind: DataKind,
}

impl Container {
    /// The stub component the canonical pass points responses at.
    pub fn stub(&self) -> String {
        format!("KhipuCanonical{}", self.envelope)
    }

    /// The container named `name` in `Data`, if the model has it.
    pub fn named(name: &str) -> Option<&'static Container> {
        CONTAINERS.iter().find(|c| c.name == name)
    }
}

/// The Data containers of the Open Data model.
pub const CONTAINERS: [Container; 5] = [
    Container {
        name: "Account",
        envelope: "AccountsEnvelope",
        kind: DataKind::Accounts,
    },
    Container {
        name: "Balance",
        envelope: "BalancesEnvelope",
        kind: DataKind::Balances,
    },
    Container {
        name: "Transaction",
        envelope: "TransactionsEnvelope",
        kind: DataKind::Transactions,
    },
    Container {
        name: "Statement",
        envelope: "StatementsEnvelope",
        kind: DataKind::Statements,
    },
    Container {
        name: "AccountLink",
        envelope: "AccountLinkEnvelope",
        kind: DataKind::AccountLink,
    },
];

/// The fields of every response envelope.
pub const ENVELOPE_FIELDS: [&str; 6] = [
    "OperationId",
    "Status",
    "Data",
    "AdditionalInformation",
    "Error",
    "LifeSpan",
];

/// A shared request body: the stub component that stands for it, and its Rust type.
pub type SharedBody = (&'static str, &'static str);

/// `RequestData` (the parameters below, a credential) and an optional `CallbackUrl`.
pub const REQUEST_BODY: SharedBody = (
    "KhipuCanonicalRequestBody",
    "::khipu_types::banking::RequestBody",
);

/// Account Link's `Username` and `Password`.
pub const ACCOUNT_LINK_REQUEST: SharedBody = (
    "KhipuCanonicalAccountLinkRequest",
    "::khipu_types::banking::AccountLinkRequest",
);

/// Every shared request body.
pub const REQUEST_BODIES: [SharedBody; 2] = [REQUEST_BODY, ACCOUNT_LINK_REQUEST];

/// The request parameters the `Bank` trait knows how to fill: the fields of
/// `khipu_types::banking::RequestData` besides the credential.
pub const KNOWN_PARAMS: [&str; 6] = [
    "AccountNumber",
    "LastDigits",
    "Currency",
    "BookingDate",
    "BookingDateStart",
    "BookingDateEnd",
];

/// The model's schema: an OpenAPI document whose `components/schemas` hold every item
/// (`Transaction`, `Account`...) and what they are made of, as `khipu_types::banking`
/// implements them.
#[allow(
    clippy::expect_used,
    reason = "the embedded model is a constant; the unit test parses it"
)]
pub fn schema() -> &'static Value {
    static MODEL: OnceLock<Value> = OnceLock::new();
    MODEL.get_or_init(|| {
        serde_yaml_ng::from_str(include_str!("banking.yaml"))
            .expect("the embedded canonical model is valid YAML")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_container_has_its_schema() {
        for c in CONTAINERS {
            assert_eq!(Container::named(c.name), Some(&c));
            // Account Link's one object is checked by shape, not against an item schema.
            if c.kind != DataKind::AccountLink {
                let item = &schema()["components"]["schemas"][c.name];
                assert!(item.is_object(), "{} is in banking.yaml", c.name);
            }
        }
    }
}

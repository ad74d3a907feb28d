//! Khipu's Open Data model, one Rust type per schema, shared by every generated bank client.
//!
//! The generator recognizes these schemas by their place in a response envelope
//! (`Data.Transaction[]`, `Data.Balance[]`, ...) and, when a bank's schema fits, makes its client
//! return these types directly (progenitor replacements). Nothing is converted on the way from a
//! bank's client to the `khipu::Bank` trait. Requests go the same way: see [`RequestBody`].
//!
//! The model follows DemoBank's documents (the fullest Khipu publishes). Field names are Khipu's;
//! fields a bank may omit are `Option`/empty; enums keep values Khipu adds later; timestamps keep
//! Khipu's offset ([`DateTime`]).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::DateTime;

mod request;
pub use request::{AccountCredential, AccountLinkRequest, RequestBody, RequestData};

crate::open_enum! {
    /// `OK` or `ERROR`.
    pub enum Status {
        Ok = "OK",
        Error = "ERROR",
        ..Unknown
    }
}

crate::open_enum! {
    /// How to treat an error, as Khipu advises.
    pub enum ErrorType {
        /// Retry now.
        RetryImmediately = "RETRY_IMMEDIATELY",
        /// Retrying will not help.
        DoNotRetry = "DO_NOT_RETRY",
        /// Wait four hours before retrying.
        Wait4HoursBeforeRetry = "WAIT_4_HOURS_BEFORE_RETRY",
        /// Retry once Khipu notifies that the cause is gone.
        RetryAfterNotification = "RETRY_AFTER_NOTIFICATION",
        ..Unknown
    }
}

crate::open_enum! {
    /// Whether an entry is money in or money out.
    pub enum CreditDebitIndicator {
        Credit = "Credit",
        Debit = "Debit",
        ..Unknown
    }
}

crate::open_enum! {
    /// Status of a transaction on the account servicer's books.
    pub enum TransactionStatus {
        Booked = "Booked",
        Pending = "Pending",
        Rejected = "Rejected",
        ..Unknown
    }
}

crate::open_enum! {
    /// Whether the transaction record may still change.
    pub enum TransactionMutability {
        Mutable = "Mutable",
        Immutable = "Immutable",
        ..Unknown
    }
}

crate::open_enum! {
    /// Balance type.
    pub enum BalanceType {
        ClosingAvailable = "ClosingAvailable",
        ClosingBooked = "ClosingBooked",
        ClosingCleared = "ClosingCleared",
        Expected = "Expected",
        ForwardAvailable = "ForwardAvailable",
        Information = "Information",
        InterimAvailable = "InterimAvailable",
        InterimBooked = "InterimBooked",
        InterimCleared = "InterimCleared",
        OpeningAvailable = "OpeningAvailable",
        OpeningBooked = "OpeningBooked",
        OpeningCleared = "OpeningCleared",
        PreviouslyClosedBooked = "PreviouslyClosedBooked",
        ..Unknown
    }
}

crate::open_enum! {
    /// Card scheme.
    pub enum CardSchemeName {
        AmericanExpress = "AmericanExpress",
        Diners = "Diners",
        Discover = "Discover",
        MasterCard = "MasterCard",
        Visa = "VISA",
        ..Unknown
    }
}

crate::open_enum! {
    /// How a card payment was authorised.
    pub enum AuthorisationType {
        ConsumerDevice = "ConsumerDevice",
        Contactless = "Contactless",
        None = "None",
        Pin = "PIN",
        ..Unknown
    }
}

crate::open_enum! {
    /// Nature of a postal address.
    pub enum AddressType {
        Business = "Business",
        Correspondence = "Correspondence",
        DeliveryTo = "DeliveryTo",
        MailTo = "MailTo",
        PoBox = "POBox",
        Postal = "Postal",
        Residential = "Residential",
        Statement = "Statement",
        ..Unknown
    }
}

/// The object every bank operation answers with, synchronously (200), asynchronously (202,
/// `Data` null and `LifeSpan` set) and in the callback POST.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "D: Deserialize<'de>", serialize = "D: Serialize"))]
#[non_exhaustive]
pub struct Envelope<D> {
    /// Unique id of the operation; keep it to match a callback with its request.
    #[serde(rename = "OperationId")]
    pub operation_id: String,
    /// `OK`, or `ERROR` with [`Envelope::error`] set (even on HTTP 200).
    #[serde(rename = "Status")]
    pub status: Status,
    /// The data; null in 202 answers and errors.
    #[serde(rename = "Data", default)]
    pub data: Option<D>,
    /// Extra information, e.g. that `Data` is incomplete.
    #[serde(rename = "AdditionalInformation", default)]
    pub additional_information: Option<String>,
    /// Set when `Status` is `ERROR`.
    #[serde(rename = "Error", default)]
    pub error: Option<ErrorDetail>,
    /// Latest delivery time of an asynchronous answer; null for synchronous ones.
    #[serde(rename = "LifeSpan", default)]
    pub life_span: Option<DateTime>,
}

/// Khipu's error object.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// Internal error code (`E201`, `A000`, ...).
    #[serde(rename = "Code", default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// How to treat the error.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ErrorType>,
    /// What went wrong and how to fix it.
    #[serde(
        rename = "Description",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
}

/// The `Data` of an operation: a container of items.
pub trait Container: DeserializeOwned + Serialize {
    /// The item type.
    type Item;
    /// The container's name in `Data` (`Transaction`).
    const NAME: &'static str;
    /// The items, moved out.
    fn into_items(self) -> Vec<Self::Item>;
}

macro_rules! container {
    ($(#[$meta:meta])* $data:ident, $envelope:ident, $field:ident: $item:ty = $name:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct $data {
            #[doc = concat!("The `", $name, "` items; may be empty.")]
            #[serde(rename = $name, default)]
            pub $field: Vec<$item>,
        }

        impl Container for $data {
            type Item = $item;
            const NAME: &'static str = $name;
            fn into_items(self) -> Vec<$item> {
                self.$field
            }
        }

        #[doc = concat!("The envelope of an operation that returns `Data.", $name, "`.")]
        pub type $envelope = Envelope<$data>;
    };
}

container!(
    /// `Data` of the accounts operations.
    AccountsData, AccountsEnvelope, account: Account = "Account"
);
container!(
    /// `Data` of the balance operations.
    BalancesData, BalancesEnvelope, balance: Balance = "Balance"
);
container!(
    /// `Data` of the transaction operations.
    TransactionsData, TransactionsEnvelope, transaction: Transaction = "Transaction"
);
container!(
    /// `Data` of the statement operations.
    StatementsData, StatementsEnvelope, statement: Statement = "Statement"
);

/// `Data` of the (deprecated) Account Link operation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountLinkData {
    /// The link token, to send as `AccountLinkCredential` instead of the user's credentials.
    #[serde(rename = "AccountLink")]
    pub account_link: String,
}

/// The envelope of the Account Link operation.
pub type AccountLinkEnvelope = Envelope<AccountLinkData>;

/// An amount of money in a currency.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Amount {
    /// Monetary units in `currency`, exact (read and written with the digits Khipu sent).
    #[serde(rename = "Amount")]
    pub amount: crate::Amount,
    /// ISO 4217 code (`CLP`).
    #[serde(rename = "Currency")]
    pub currency: String,
}

/// An account the user holds at the bank.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Account {
    /// Khipu's identifier of the account resource.
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_update_date_time: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_sub_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// A date (`2002-11-30`), kept as Khipu wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_date: Option<String>,
}

/// A balance of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Balance {
    pub account_id: String,
    pub credit_debit_indicator: CreditDebitIndicator,
    pub date_time: DateTime,
    #[serde(rename = "Type")]
    pub kind: BalanceType,
    pub amount: Vec<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_line: Option<CreditLine>,
}

/// The credit line of a balance.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct CreditLine {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub included: Option<bool>,
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
}

/// A transaction entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Transaction {
    pub account_id: String,
    /// When the entry is (expected to be) posted, with the bank's offset.
    pub booking_date_time: DateTime,
    pub credit_debit_indicator: CreditDebitIndicator,
    pub status: TransactionStatus,
    pub amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_reference: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_information: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_mutability: Option<TransactionMutability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_date_time: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<TransactionBalance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_transaction_code: Option<BankTransactionCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_instrument: Option<CardInstrument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_account: Option<CashAccount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_agent: Option<Agent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_exchange: Option<CurrencyExchange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<CashAccount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_agent: Option<Agent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_details: Option<MerchantDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proprietary_bank_transaction_code: Option<ProprietaryBankTransactionCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplementary_data: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// The account balance after a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct TransactionBalance {
    #[serde(rename = "Type")]
    pub kind: BalanceType,
    #[serde(rename = "Amount")]
    pub amount: Amount,
}

/// Bank transaction code (family and sub-family).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct BankTransactionCode {
    pub code: String,
    pub sub_code: String,
}

/// The card used in a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct CardInstrument {
    pub card_scheme_name: CardSchemeName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorisation_type: Option<AuthorisationType>,
    /// May be masked (`BLACK CARD ****6328`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The creditor's or debtor's account. Khipu's documents list no `Identification` for debtor
/// accounts; it is `None` there.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct CashAccount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_identification: Option<String>,
}

/// The creditor's or debtor's financial institution.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Agent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<PostalAddress>,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct PostalAddress {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address_line: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_type: Option<AddressType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_sub_division: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town_name: Option<String>,
}

/// Currency exchange details of a transaction.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct CurrencyExchange {
    /// A decimal in text (`691.907186`), kept exact.
    pub exchange_rate: String,
    pub source_currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_identification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotation_date: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_amount: Option<Amount>,
}

/// The merchant of a card transaction.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct MerchantDetails {
    /// ISO 18245 category code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_category_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
}

/// A bank's own transaction code.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct ProprietaryBankTransactionCode {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// An account statement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Statement {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date_time: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<DateTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_description: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_reference: Option<String>,
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_amount: Vec<StatementAmount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_benefit: Vec<StatementAmount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_date_time: Vec<StatementDateTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_fee: Vec<StatementAmount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_interest: Vec<StatementAmount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_rate: Vec<StatementRate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement_value: Vec<StatementValue>,
}

/// An amount of a statement (total, benefit, fee, interest).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct StatementAmount {
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_debit_indicator: Option<CreditDebitIndicator>,
}

/// A date of a statement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct StatementDateTime {
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time: Option<DateTime>,
}

/// A rate of a statement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct StatementRate {
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
}

/// A number value of a statement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct StatementValue {
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

//! What each generated bank client says about itself. `khipu-generated` lists them all in its
//! `catalog` module; the facade builds `khipu banks` and `khipu::connect` on it.

/// One bank's Open Data API, as generated from its spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BankInfo {
    /// `cl/personal/demo-bank.khipu.com`.
    pub id: &'static str,
    /// ISO country code (`cl`).
    pub country: &'static str,
    /// `personal`, `business`, `entrepreneur`...
    pub segment: &'static str,
    /// The bank's domain, as in Khipu's paths.
    pub domain: &'static str,
    /// Display name (the spec's `info.title`).
    pub name: &'static str,
    /// The spec's `info.version`.
    pub api_version: &'static str,
    /// SHA-256 of the spec file the client was generated from.
    pub spec_sha256: &'static str,
    /// The operations the spec describes.
    pub operations: &'static [OperationInfo],
}

impl BankInfo {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        id: &'static str,
        country: &'static str,
        segment: &'static str,
        domain: &'static str,
        name: &'static str,
        api_version: &'static str,
        spec_sha256: &'static str,
        operations: &'static [OperationInfo],
    ) -> Self {
        Self {
            id,
            country,
            segment,
            domain,
            name,
            api_version,
            spec_sha256,
            operations,
        }
    }
}

/// One operation of a bank's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The spec's operationId (after normalization).
    pub operation_id: &'static str,
    /// The method on the generated client.
    pub client_method: &'static str,
    /// HTTP method, upper case.
    pub http_method: &'static str,
    /// Full path (`/v1/cl/banking/personal/demo-bank.khipu.com/transactions`).
    pub path: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// Khipu marked the operation deprecated.
    pub deprecated: bool,
    /// The operation answers 202 when a CallbackUrl is given.
    pub accepts_callback: bool,
    /// What the `Bank` trait can use it for; `None` when its response does not fit the canonical
    /// model or it needs a parameter the trait cannot fill (it stays on the typed client).
    pub capability: Option<Capability>,
}

impl OperationInfo {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        operation_id: &'static str,
        client_method: &'static str,
        http_method: &'static str,
        path: &'static str,
        summary: &'static str,
        deprecated: bool,
        accepts_callback: bool,
        capability: Option<Capability>,
    ) -> Self {
        Self {
            operation_id,
            client_method,
            http_method,
            path,
            summary,
            deprecated,
            accepts_callback,
            capability,
        }
    }
}

/// The kinds of data a bank operation can return (the `Data` container).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DataKind {
    /// `Data.Account[]`.
    Accounts,
    /// `Data.Balance[]`.
    Balances,
    /// `Data.Transaction[]`.
    Transactions,
    /// `Data.Statement[]`.
    Statements,
    /// `Data.AccountLink` (deprecated Account Link).
    AccountLink,
}

impl DataKind {
    /// Lower-case name, as the `khipu` command spells it (`transactions`).
    pub const fn name(self) -> &'static str {
        match self {
            DataKind::Accounts => "accounts",
            DataKind::Balances => "balances",
            DataKind::Transactions => "transactions",
            DataKind::Statements => "statements",
            DataKind::AccountLink => "account-link",
        }
    }
}

impl std::fmt::Display for DataKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What an operation returns and what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capability {
    /// The data it returns.
    pub kind: DataKind,
    /// Its request parameters (in `RequestData`), by Khipu's names.
    pub params: &'static [Param],
}

impl Capability {
    #[doc(hidden)]
    pub const fn new(kind: DataKind, params: &'static [Param]) -> Self {
        Self { kind, params }
    }

    /// The parameter called `name`, if the operation takes it.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// A request parameter, with the limits the spec puts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Param {
    /// Khipu's name (`AccountNumber`, `LastDigits`, `Currency`, `BookingDate`, `BookingDateStart`, `BookingDateEnd`).
    pub name: &'static str,
    /// The operation fails without it.
    pub required: bool,
    /// Shortest accepted value, in characters.
    pub min_length: Option<u64>,
    /// Longest accepted value, in characters.
    pub max_length: Option<u64>,
    /// Regular expression the value must match.
    pub pattern: Option<&'static str>,
}

impl Param {
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        required: bool,
        min_length: Option<u64>,
        max_length: Option<u64>,
        pattern: Option<&'static str>,
    ) -> Self {
        Self {
            name,
            required,
            min_length,
            max_length,
            pattern,
        }
    }
}

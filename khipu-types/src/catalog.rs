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
}

impl OperationInfo {
    #[doc(hidden)]
    pub const fn new(
        operation_id: &'static str,
        client_method: &'static str,
        http_method: &'static str,
        path: &'static str,
        summary: &'static str,
        deprecated: bool,
        accepts_callback: bool,
    ) -> Self {
        Self {
            operation_id,
            client_method,
            http_method,
            path,
            summary,
            deprecated,
            accepts_callback,
        }
    }
}

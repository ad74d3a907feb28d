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
    /// Where Khipu serves the bank's API (the spec's first server).
    pub base_url: &'static str,
    /// How the bank's API authenticates (the spec's security schemes).
    pub auth: &'static crate::auth::AuthSpec,
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
        base_url: &'static str,
        auth: &'static crate::auth::AuthSpec,
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
            base_url,
            auth,
        }
    }

    /// The operation with this operationId.
    pub fn operation(&self, operation_id: &str) -> Option<&'static OperationInfo> {
        self.operations
            .iter()
            .find(|o| o.operation_id == operation_id)
    }
}

impl BankInfo {
    /// Checks a request built by this bank's typed client against the spec's parameter limits
    /// before it is sent: the canonical request types are shared by every bank, so the limits of
    /// one bank (`AccountNumber` at most 20 characters, `Currency` matching `^[A-Z]{3}$`) are kept
    /// here as data instead of in per-bank types. `client_method` names the operation.
    pub fn check_request(
        &self,
        client_method: &str,
        request: &reqwest::Request,
    ) -> Result<(), RequestError> {
        let Some(op) = self
            .operations
            .iter()
            .find(|o| o.client_method == client_method)
        else {
            return Ok(());
        };
        let Some(bytes) = request.body().and_then(reqwest::Body::as_bytes) else {
            return Ok(());
        };
        match serde_json::from_slice(bytes) {
            Ok(body) => op.check_body(&body),
            // Not JSON: not a body this check knows how to read.
            Err(_) => Ok(()),
        }
    }
}

/// A bank this release of khipu-rs can be built with, whether or not its cargo feature is enabled:
/// the list is compiled unconditionally (a few strings per bank), so a build with one bank can say
/// which feature brings another instead of calling it unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BankFeature {
    /// `cl/personal/bancochile.cl`.
    pub id: &'static str,
    /// Display name (the spec's `info.title`).
    pub name: &'static str,
    /// The cargo feature that compiles it in (`cl-personal-bancochile`), the same name on
    /// `khipu-rs` and `khipu-generated`.
    pub feature: &'static str,
}

impl BankFeature {
    #[doc(hidden)]
    pub const fn new(id: &'static str, name: &'static str, feature: &'static str) -> Self {
        Self { id, name, feature }
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
    /// Its request parameters (in `RequestData`, or at the top of the body for Account Link), by
    /// Khipu's names, with the spec's limits; the deprecated `AccountCredential` is not listed.
    pub params: &'static [Param],
}

impl OperationInfo {
    #[doc(hidden)]
    pub const fn new(
        operation_id: &'static str,
        client_method: &'static str,
        http_method: &'static str,
        path: &'static str,
        summary: &'static str,
    ) -> Self {
        Self {
            operation_id,
            client_method,
            http_method,
            path,
            summary,
            deprecated: false,
            accepts_callback: false,
            capability: None,
            params: &[],
        }
    }

    #[doc(hidden)]
    pub const fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    #[doc(hidden)]
    pub const fn callback(mut self) -> Self {
        self.accepts_callback = true;
        self
    }

    #[doc(hidden)]
    pub const fn serves(mut self, kind: DataKind) -> Self {
        self.capability = Some(Capability { kind });
        self
    }

    #[doc(hidden)]
    pub const fn params(mut self, params: &'static [Param]) -> Self {
        self.params = params;
        self
    }

    /// The parameter called `name`, if the operation takes it.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Checks a JSON request body against [`params`](Self::params): every required parameter is
    /// there, every parameter given is one the operation takes, and every string value keeps its
    /// limits. Parameters sit in `RequestData`, or at the top for a body without it (Account Link).
    pub fn check_body(&self, body: &serde_json::Value) -> Result<(), RequestError> {
        let (holder, top_level) = match body.get("RequestData") {
            Some(data) => (data, false),
            None => (body, true),
        };
        let Some(given) = holder.as_object() else {
            return Ok(());
        };
        // A top-level `CallbackUrl` is the envelope's, not a parameter.
        let given = given
            .iter()
            .filter(|(name, _)| !(top_level && *name == "CallbackUrl"))
            .map(|(name, value)| (name.as_str(), value.as_str()));
        self.check_given(given)
    }

    /// [`check_body`](Self::check_body) for the shared bank request body, read from its fields
    /// instead of from JSON: the same rule, without building a JSON value on every call.
    pub fn check_request_body(
        &self,
        body: &crate::banking::RequestBody,
    ) -> Result<(), RequestError> {
        self.check_given(body.params().map(|(name, value)| (name, Some(value))))
    }

    /// The rule: `given` is every parameter the request has, by name, with its text (`None` for
    /// a value that is not a string, which only the name is checked for).
    fn check_given<'a>(
        &self,
        given: impl Iterator<Item = (&'a str, Option<&'a str>)> + Clone,
    ) -> Result<(), RequestError> {
        for param in self.params {
            match given.clone().find(|(name, _)| *name == param.name) {
                None if param.required => {
                    return Err(RequestError::new(
                        param.name,
                        format!("is required by {}", self.operation_id),
                    ));
                }
                Some((_, Some(value))) => param
                    .check(value)
                    .map_err(|why| RequestError::new(param.name, why))?,
                _ => {}
            }
        }
        for (name, _) in given {
            if name != "AccountCredential" && self.param(name).is_none() {
                return Err(RequestError::new(
                    crate::display::sanitize(name),
                    format!("is not a parameter of {}", self.operation_id),
                ));
            }
        }
        Ok(())
    }
}

/// A request refused before it was sent: the field at fault, by its name on the wire, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestError {
    /// The field (`AccountNumber`, `transaction_id`, `amount`).
    pub field: String,
    /// Why, as the rest of a sentence after the field's name (`is required by fetchBalance_1`).
    pub reason: String,
}

impl RequestError {
    /// `field` is refused because `reason`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` {}", self.field, self.reason)
    }
}

impl std::error::Error for RequestError {}

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

/// What the `Bank` trait can use an operation for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capability {
    /// The data it returns.
    pub kind: DataKind,
}

impl Capability {
    #[doc(hidden)]
    pub const fn new(kind: DataKind) -> Self {
        Self { kind }
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
    /// Regular expression the value must match, as the spec writes it.
    pub pattern: Option<&'static str>,
    /// The pattern as the generator compiled it; `None` for one outside the subset it compiles,
    /// which `regress` matches (feature `regex`).
    compiled: Option<crate::pattern::Compiled>,
}

impl Param {
    #[doc(hidden)]
    pub const fn new(name: &'static str, required: bool) -> Self {
        Self {
            name,
            required,
            min_length: None,
            max_length: None,
            pattern: None,
            compiled: None,
        }
    }

    #[doc(hidden)]
    pub const fn min_length(mut self, n: u64) -> Self {
        self.min_length = Some(n);
        self
    }

    #[doc(hidden)]
    pub const fn max_length(mut self, n: u64) -> Self {
        self.max_length = Some(n);
        self
    }

    /// A pattern the generator compiled.
    #[doc(hidden)]
    pub const fn pattern(
        mut self,
        pattern: &'static str,
        compiled: crate::pattern::Compiled,
    ) -> Self {
        self.pattern = Some(pattern);
        self.compiled = Some(compiled);
        self
    }

    /// A pattern outside the subset the generator compiles: matched by `regress` (the generator
    /// turns this crate's `regex` feature on for the module).
    #[doc(hidden)]
    pub const fn regex(mut self, pattern: &'static str) -> Self {
        self.pattern = Some(pattern);
        self
    }

    /// Why `value` breaks this parameter's limits (a sentence fragment after the parameter's
    /// name), or `Ok`.
    pub fn check(&self, value: &str) -> Result<(), String> {
        let chars = value.chars().count() as u64;
        if let Some(min) = self.min_length.filter(|m| chars < *m) {
            return Err(format!(
                "is {chars} characters long; the bank needs at least {min}"
            ));
        }
        if let Some(max) = self.max_length.filter(|m| chars > *m) {
            return Err(format!(
                "is {chars} characters long; the bank accepts at most {max}"
            ));
        }
        if let Some(pattern) = self.pattern
            && !self.matches(pattern, value)
        {
            return Err(format!(
                "`{}` does not match {pattern}",
                crate::display::sanitize(value)
            ));
        }
        Ok(())
    }
}

impl Param {
    /// Whether `value` matches the pattern: compiled, or through `regress`. Without the `regex`
    /// feature a pattern outside the compiled subset is not checked here (Khipu checks it); the
    /// generator turns the feature on for every module that has one, so that never happens in a
    /// generated build.
    fn matches(&self, pattern: &str, value: &str) -> bool {
        if let Some(compiled) = &self.compiled {
            return compiled.is_match(value);
        }
        #[cfg(feature = "regex")]
        if let Ok(re) = regress::Regex::new(pattern) {
            return re.find(value).is_some();
        }
        let _ = pattern;
        true
    }
}

/// Its name, with `*` when it is required (`AccountNumber*`), as lists of parameters show it.
impl std::fmt::Display for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)?;
        if self.required {
            f.write_str("*")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{OperationInfo, Param};
    use crate::banking::RequestBody;

    const PARAMS: &[Param] = &[
        Param::new("AccountNumber", true).max_length(5),
        Param::new("Currency", false).min_length(3),
    ];

    fn op() -> OperationInfo {
        OperationInfo::new("getThings", "get_things", "POST", "/things", "").params(PARAMS)
    }

    /// The typed check is the JSON check's rule: the same answer, naming the same field, for
    /// every body, read from the fields instead of from the JSON they are written as.
    #[test]
    fn the_typed_check_agrees_with_the_json_check() {
        let bodies = [
            RequestBody::new().account_number("12345"),
            RequestBody::new().account_number("123456"),
            RequestBody::new().currency("CLP"),
            RequestBody::new().account_number("1").currency("CL"),
            RequestBody::new().account_number("1").last_digits("1234"),
            RequestBody::new()
                .account_number("1")
                .callback_url("https://x.test/cb"),
        ];
        let mut refused = 0;
        for body in bodies {
            let json = serde_json::to_value(&body).unwrap();
            let typed = op().check_request_body(&body);
            assert_eq!(typed, op().check_body(&json), "{json}");
            refused += usize::from(typed.is_err());
        }
        // Too long, missing, too short, not a parameter.
        assert_eq!(refused, 4);
    }
}

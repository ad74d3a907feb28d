//! One trait over every generated bank.
//!
//! A bank's capabilities were found by the generator from its spec (what each operation returns,
//! what it needs) and compiled into the catalog; [`connect`] gives a [`Bank`] that picks the
//! operation fitting each request, checks the parameters against the spec's limits before
//! sending anything, and decodes straight into the canonical types.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use khipu_types::banking::{
    Account, AccountsData, Balance, BalancesData, Container, Envelope, RequestBody, Statement,
    StatementsData, Transaction, TransactionsData,
};
use khipu_types::catalog::{BankFeature, BankInfo, Capability, DataKind, OperationInfo};

use crate::config::{AccountCredential, Config};
use crate::error::{Context, Error, excerpt};
use crate::http::{Call, Connection, Rule, attempt};
use crate::reply::Reply;
use crate::request::{DataRequest, Period, Subject};

/// A boxed future, so that [`Bank`] can be used as `dyn Bank`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Any bank Khipu supports, through one interface.
///
/// ```no_run
/// # async fn run() -> Result<(), khipu::Error> {
/// let config = khipu::Config::new(khipu::Credentials::bearer("<JWT>"));
/// let bank = khipu::connect("cl/personal/demo-bank.khipu.com", &config)?;
/// let reply = bank.transactions(&khipu::DataRequest::account("000011887755")).await?;
/// for tx in reply.items() {
///     println!("{} {} {}", tx.booking_date_time, tx.amount.amount, tx.amount.currency);
/// }
/// # Ok(()) }
/// ```
pub trait Bank: Send + Sync + fmt::Debug {
    /// Who the bank is and what it can do.
    fn info(&self) -> &'static BankInfo;

    /// The user's accounts (no account number needed).
    fn accounts<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Account>, Error>>;

    /// Balances of an account.
    fn balances<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Balance>, Error>>;

    /// Transactions of an account or card, for the default period, a month or a range.
    fn transactions<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Transaction>, Error>>;

    /// Statements of an account.
    fn statements<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Statement>, Error>>;
}

/// The banks compiled into this build (one cargo feature each), ordered by id.
pub fn banks() -> Vec<&'static BankInfo> {
    khipu_generated::catalog::banks()
}

/// Every bank this release of khipu-rs can be built with, compiled in or not, with the cargo
/// feature that brings each (`cl-personal-bancochile`).
pub fn available_banks() -> &'static [BankFeature] {
    khipu_generated::catalog::AVAILABLE
}

/// The bank with this id (`cl/personal/demo-bank.khipu.com`), ready to call, built from `config`
/// the way every client is (its base URL defaults to the bank spec's server).
pub fn connect(id: &str, config: &Config) -> Result<Box<dyn Bank>, Error> {
    let known = banks();
    let Some(info) = known.iter().find(|b| b.id == id).copied() else {
        if let Some(bank) = khipu_generated::catalog::AVAILABLE
            .iter()
            .find(|b| b.id == id)
        {
            return Err(Error::BankNotEnabled {
                id: id.to_owned(),
                feature: bank.feature,
            });
        }
        return Err(Error::UnknownBank {
            id: id.to_owned(),
            known: known.iter().map(|b| b.id).collect(),
        });
    };
    Ok(Box::new(CatalogBank {
        info,
        connection: Connection::new(config, info.id, info.auth, info.base_url)?,
        account_credential: config.account_credential.clone(),
    }))
}

/// What each operation of a bank offers, in words (`transactions: fetchTransactions_1 (AccountNumber*, Currency)`).
pub fn offers(info: &BankInfo) -> Vec<String> {
    info.operations
        .iter()
        .filter_map(|op| op.capability.map(|c| describe(op, &c)))
        .collect()
}

fn describe(op: &OperationInfo, c: &Capability) -> String {
    let params: Vec<String> = op.params.iter().map(ToString::to_string).collect();
    format!("{}: {} ({})", c.kind, op.operation_id, params.join(", "))
}

struct CatalogBank {
    info: &'static BankInfo,
    connection: Connection,
    account_credential: Option<AccountCredential>,
}

impl fmt::Debug for CatalogBank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bank")
            .field("id", &self.info.id)
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

impl Bank for CatalogBank {
    fn info(&self) -> &'static BankInfo {
        self.info
    }

    fn accounts<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Account>, Error>> {
        Box::pin(self.fetch::<AccountsData>(DataKind::Accounts, request))
    }

    fn balances<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Balance>, Error>> {
        Box::pin(self.fetch::<BalancesData>(DataKind::Balances, request))
    }

    fn transactions<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Transaction>, Error>> {
        Box::pin(self.fetch::<TransactionsData>(DataKind::Transactions, request))
    }

    fn statements<'a>(
        &'a self,
        request: &'a DataRequest,
    ) -> BoxFuture<'a, Result<Reply<Statement>, Error>> {
        Box::pin(self.fetch::<StatementsData>(DataKind::Statements, request))
    }
}

enum Fit {
    Yes,
    Missing(&'static str),
    No,
}

impl CatalogBank {
    /// This bank cannot serve what was `asked`; the error lists what it offers.
    fn unsupported(&self, asked: String) -> Error {
        Error::Unsupported {
            bank: self.info.id,
            asked,
            offers: offers(self.info),
        }
    }

    async fn fetch<C: Container>(
        &self,
        kind: DataKind,
        request: &DataRequest,
    ) -> Result<Reply<C::Item>, Error> {
        // Built once: it says which parameters the request provides, then is what is sent.
        let shared = request_body(request);
        let op = self.select(kind, request, &shared)?;
        let context = Context::bank(self.info.id, op.operation_id);
        let body = self.body(op, request, shared, &context)?;
        let subject = match &request.subject {
            Subject::Account(number) => Some(number.as_str()),
            Subject::Card(digits) => Some(digits.as_str()),
            _ => None,
        };
        let call = Call {
            context: &context,
            rule: if request.callback_url.is_some() {
                Rule::Callback
            } else {
                Rule::Read
            },
            subject,
        };
        attempt::run(call, self.connection.options.retry_policy(), || async {
            let (status, answer) = self.connection.post_json(&context, op.path, &body).await;
            let decoded = answer.and_then(|(status, bytes)| decode::<C>(&context, status, &bytes));
            (status, decoded)
        })
        .await
    }

    /// The operation of `kind` that fits the request, or why none does.
    fn select(
        &self,
        kind: DataKind,
        request: &DataRequest,
        body: &RequestBody,
    ) -> Result<&'static OperationInfo, Error> {
        // The operations of `kind` (the one asked for, if any); iterated, not collected: this
        // runs on every call.
        let wanted = request.operation.as_deref();
        let candidates = || {
            self.info.operations.iter().filter(move |op| {
                op.capability.is_some_and(|c| c.kind == kind)
                    && wanted.is_none_or(|w| op.operation_id == w)
            })
        };
        if let Some(wanted) = wanted
            && candidates().next().is_none()
        {
            return Err(self.unsupported(format!("{kind} through operation `{wanted}`")));
        }
        let mut missing = None;
        for op in candidates() {
            match fit(op, body) {
                Fit::Yes => return Ok(op),
                Fit::Missing(parameter) => {
                    missing.get_or_insert((op, parameter));
                }
                Fit::No => {}
            }
        }
        match missing {
            Some((op, parameter)) => Err(Error::InvalidRequest {
                context: Context::bank(self.info.id, op.operation_id),
                field: parameter.to_owned(),
                reason: "is required".into(),
            }),
            None => Err(self.unsupported(request.describe(kind.name()))),
        }
    }

    /// The shared request body for `op`, checked against the bank's limits by the rule its
    /// generated client checks JSON with (`OperationInfo::check_body`), read from the fields that
    /// are then written as the JSON sent (no JSON value is built for the check).
    fn body(
        &self,
        op: &'static OperationInfo,
        request: &DataRequest,
        mut body: RequestBody,
        context: &Context,
    ) -> Result<bytes::Bytes, Error> {
        if request.callback_url.is_some() && !op.accepts_callback {
            return Err(Error::InvalidRequest {
                context: context.clone(),
                field: "CallbackUrl".into(),
                reason: "is not accepted: this operation only answers synchronously".into(),
            });
        }
        if let Some(credential) = &self.account_credential {
            body = body.account_credential(credential.clone());
        }
        let not_sent = |field: &str, reason: String| Error::InvalidRequest {
            context: context.clone(),
            field: field.to_owned(),
            reason,
        };
        op.check_request_body(&body)
            .map_err(|e| not_sent(&e.field, e.reason))?;
        serde_json::to_vec(&body)
            .map(bytes::Bytes::from)
            .map_err(|e| not_sent("RequestData", format!("cannot be written as JSON: {e}")))
    }
}

/// A 200 or 202 answer as a reply: the data, the promise of a callback, or Khipu's
/// `Status: ERROR`.
fn decode<C: Container>(
    context: &Context,
    status: u16,
    bytes: &[u8],
) -> Result<Reply<C::Item>, Error> {
    let envelope: Envelope<C> = serde_json::from_slice(bytes).map_err(|e| Error::Decode {
        context: context.clone(),
        status: Some(status),
        message: e.to_string(),
        excerpt: excerpt(bytes),
    })?;
    crate::reply::from_envelope(envelope, status == 202, context)
}

/// The shared request body a data request stands for (without the account credential).
fn request_body(request: &DataRequest) -> RequestBody {
    let mut body = RequestBody::new();
    match &request.subject {
        Subject::Account(n) => body = body.account_number(n.clone()),
        Subject::Card(d) => body = body.last_digits(d.clone()),
        Subject::None => {}
    }
    if let Some(c) = &request.currency {
        body = body.currency(c.clone());
    }
    match request.period {
        Period::Default => {}
        Period::Month(m) => body = body.booking_date(m.to_string()),
        Period::Range(a, b) => {
            body = body
                .booking_date_start(a.to_string())
                .booking_date_end(b.to_string());
        }
    }
    if let Some(url) = &request.callback_url {
        body = body.callback_url(url.clone());
    }
    body
}

fn fit(op: &OperationInfo, body: &RequestBody) -> Fit {
    let provided = body.params().map(|(name, _)| name);
    if provided.clone().any(|name| op.param(name).is_none()) {
        return Fit::No;
    }
    match op
        .params
        .iter()
        .find(|p| p.required && !provided.clone().any(|name| name == p.name))
    {
        Some(p) => Fit::Missing(p.name),
        None => Fit::Yes,
    }
}

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
    Account, AccountsData, Balance, BalancesData, Container, Envelope, Statement, StatementsData,
    Transaction, TransactionsData,
};
use khipu_types::catalog::{BankInfo, Capability, DataKind, OperationInfo};
use serde_json::{Map, Value};

use crate::config::{AccountCredential, Config};
use crate::error::{Context, Error};
use crate::reply::Reply;
use crate::request::{DataRequest, Period, Subject};
use crate::transport::{Call, Transport};

/// A boxed future, so that [`Bank`] can be used as `dyn Bank`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Any bank Khipu supports, through one interface.
///
/// ```no_run
/// # async fn run() -> Result<(), khipu::Error> {
/// let config = khipu::Config::new(khipu::Credentials::bearer(std::env::var("KHIPU_TOKEN").unwrap_or_default()));
/// let bank = khipu::connect("cl/personal/demo-bank.khipu.com", config)?;
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

/// The bank with this id (`cl/personal/demo-bank.khipu.com`), ready to call.
pub fn connect(id: &str, config: Config) -> Result<Box<dyn Bank>, Error> {
    let known = banks();
    let Some(info) = known.iter().find(|b| b.id == id).copied() else {
        return Err(Error::UnknownBank {
            id: id.to_owned(),
            known: known.iter().map(|b| b.id).collect(),
        });
    };
    let account_credential = config.account_credential.clone();
    let transport = Transport::new(&config)?;
    Ok(Box::new(CatalogBank {
        info,
        transport,
        account_credential,
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
    transport: Transport,
    account_credential: Option<AccountCredential>,
}

impl fmt::Debug for CatalogBank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bank")
            .field("id", &self.info.id)
            .field("transport", &self.transport)
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
        let op = self.select(kind, request)?;
        let context = Context {
            bank: self.info.id,
            operation: op.operation_id,
        };
        let body = self.body(op, request, &context)?;
        let decode = |status: u16, bytes: &[u8]| {
            let envelope: Envelope<C> =
                serde_json::from_slice(bytes).map_err(|e| Error::Decode {
                    context: context.clone(),
                    status,
                    message: e.to_string(),
                    excerpt: crate::error::excerpt(bytes),
                })?;
            crate::reply::from_envelope(envelope, status == 202, &context)
        };
        let subject = match &request.subject {
            Subject::Account(number) => Some(number.as_str()),
            Subject::Card(digits) => Some(digits.as_str()),
            _ => None,
        };
        let call = Call {
            path: op.path,
            body: &body,
            has_callback: request.callback_url.is_some(),
            subject,
            context: &context,
        };
        self.transport.post(call, decode).await
    }

    /// The operation of `kind` that fits the request, or why none does.
    fn select(
        &self,
        kind: DataKind,
        request: &DataRequest,
    ) -> Result<&'static OperationInfo, Error> {
        let candidates: Vec<&'static OperationInfo> = self
            .info
            .operations
            .iter()
            .filter(|op| op.capability.is_some_and(|c| c.kind == kind))
            .collect();
        let candidates: Vec<_> = match &request.operation {
            Some(wanted) => {
                let chosen: Vec<_> = candidates
                    .into_iter()
                    .filter(|op| op.operation_id == wanted)
                    .collect();
                if chosen.is_empty() {
                    return Err(self.unsupported(format!("{kind} through operation `{wanted}`")));
                }
                chosen
            }
            None => candidates,
        };
        let mut missing = None;
        for op in &candidates {
            match fit(op, request) {
                Fit::Yes => return Ok(op),
                Fit::Missing(parameter) => {
                    missing.get_or_insert((*op, parameter));
                }
                Fit::No => {}
            }
        }
        match missing {
            Some((op, parameter)) => Err(Error::MissingParameter {
                context: Context {
                    bank: self.info.id,
                    operation: op.operation_id,
                },
                parameter,
            }),
            None => Err(self.unsupported(request.describe(kind.name()))),
        }
    }

    /// The JSON body for `op`, with every value checked against the spec's limits.
    fn body(
        &self,
        op: &'static OperationInfo,
        request: &DataRequest,
        context: &Context,
    ) -> Result<Value, Error> {
        // `select` chose `op` because it has a capability taking every provided parameter; were
        // that ever not so, the request is refused rather than sent half-built.
        let unsupported = || self.unsupported(request.describe(op.operation_id));
        op.capability.ok_or_else(unsupported)?;
        let mut data = Map::new();
        for (name, value) in provided(request) {
            let param = op.param(name).ok_or_else(unsupported)?;
            param
                .check(&value)
                .map_err(|reason| Error::InvalidParameter {
                    context: context.clone(),
                    parameter: param.name,
                    reason,
                })?;
            data.insert(name.to_owned(), Value::String(value));
        }
        if let Some(credential) = &self.account_credential {
            let credential =
                serde_json::to_value(credential).map_err(|e| Error::InvalidParameter {
                    context: context.clone(),
                    parameter: "AccountCredential",
                    reason: e.to_string(),
                })?;
            data.insert("AccountCredential".into(), credential);
        }
        let mut body = Map::new();
        body.insert("RequestData".into(), Value::Object(data));
        if let Some(url) = &request.callback_url {
            if !op.accepts_callback {
                return Err(Error::InvalidParameter {
                    context: context.clone(),
                    parameter: "CallbackUrl",
                    reason: "is not accepted: this operation only answers synchronously".into(),
                });
            }
            body.insert("CallbackUrl".into(), Value::String(url.clone()));
        }
        Ok(Value::Object(body))
    }
}

/// The parameters a request provides, by Khipu's names.
fn provided(request: &DataRequest) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    match &request.subject {
        Subject::Account(n) => out.push(("AccountNumber", n.clone())),
        Subject::Card(d) => out.push(("LastDigits", d.clone())),
        Subject::None => {}
    }
    if let Some(c) = &request.currency {
        out.push(("Currency", c.clone()));
    }
    match request.period {
        Period::Default => {}
        Period::Month(m) => out.push(("BookingDate", m.to_string())),
        Period::Range(a, b) => {
            out.push(("BookingDateStart", a.to_string()));
            out.push(("BookingDateEnd", b.to_string()));
        }
    }
    out
}

fn fit(op: &OperationInfo, request: &DataRequest) -> Fit {
    let provided = provided(request);
    if provided.iter().any(|(name, _)| op.param(name).is_none()) {
        return Fit::No;
    }
    match op
        .params
        .iter()
        .find(|p| p.required && !provided.iter().any(|(n, _)| *n == p.name))
    {
        Some(p) => Fit::Missing(p.name),
        None => Fit::Yes,
    }
}

//! Whether a payment would go through: for one bank, or for every bank the payer could use.
//!
//! Khipu's page for `GET /v3/predict` writes the result in lower case (`ok`); newer code reads it
//! in upper case (`OK`) for `GET /v3/predict/all`. [`PredictResult`] reads both the same way.

use khipu_types::{Amount, DateTime};

use super::api::operations;
use super::client::Client;
use crate::Call;
use crate::body::check_amount;
use crate::error::{Context, Error};

/// The query of [`Client::predict`] and [`Client::predict_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PredictQuery {
    /// The payer's e-mail.
    pub payer_email: String,
    /// The payer's bank (`bank_id` from [`Client::banks`]); `None` asks about every bank.
    pub bank_id: Option<String>,
    /// The amount to pay.
    pub amount: Amount,
    /// ISO 4217 currency code (`CLP`).
    pub currency: String,
}

impl PredictQuery {
    /// A prediction for `payer_email` paying `amount` `currency` from `bank_id`.
    pub fn new(
        payer_email: impl Into<String>,
        bank_id: impl Into<String>,
        amount: impl Into<Amount>,
        currency: impl Into<String>,
    ) -> Self {
        Self {
            payer_email: payer_email.into(),
            bank_id: Some(bank_id.into()),
            amount: amount.into(),
            currency: currency.into(),
        }
    }

    /// A prediction for `payer_email` paying `amount` `currency` from each bank they could use.
    pub fn all_banks(
        payer_email: impl Into<String>,
        amount: impl Into<Amount>,
        currency: impl Into<String>,
    ) -> Self {
        Self {
            payer_email: payer_email.into(),
            bank_id: None,
            amount: amount.into(),
            currency: currency.into(),
        }
    }
}

/// What a prediction says, whichever case Khipu wrote it in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PredictResult {
    /// The payment should go through.
    Ok,
    /// The amount is over what the payer may transfer.
    MaxAmountExceeded,
    /// The amount is over what the payer may transfer to a new recipient.
    NewDestinataryAmountExceeded,
    /// A new recipient is still in its cool-down period.
    NewDestinataryCoolDown,
    /// The payer's account cannot be used.
    NotAvailableAccount,
    /// A result this version does not know, as Khipu wrote it.
    Unknown(String),
}

impl PredictResult {
    /// The result Khipu wrote (`ok`, `OK`, `max_amount_exceeded`...).
    pub fn parse(text: &str) -> Self {
        match text.to_ascii_lowercase().as_str() {
            "ok" => Self::Ok,
            "max_amount_exceeded" => Self::MaxAmountExceeded,
            "new_destinatary_amount_exceeded" => Self::NewDestinataryAmountExceeded,
            "new_destinatary_cool_down" => Self::NewDestinataryCoolDown,
            "not_available_account" => Self::NotAvailableAccount,
            _ => Self::Unknown(text.to_owned()),
        }
    }

    /// `true` when the payment should go through.
    pub fn is_ok(&self) -> bool {
        *self == Self::Ok
    }

    /// The result as Khipu's page writes it (`ok`, `max_amount_exceeded`), or an unknown one as
    /// Khipu wrote it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Ok => "ok",
            Self::MaxAmountExceeded => "max_amount_exceeded",
            Self::NewDestinataryAmountExceeded => "new_destinatary_amount_exceeded",
            Self::NewDestinataryCoolDown => "new_destinatary_cool_down",
            Self::NotAvailableAccount => "not_available_account",
            Self::Unknown(text) => text,
        }
    }
}

impl serde::Serialize for PredictResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A prediction for one bank.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Prediction {
    /// Whether the payment would go through.
    pub result: PredictResult,
    /// The most the payer may transfer.
    pub max_amount: Amount,
    /// The most the payer may transfer to a new recipient.
    pub new_destinatary_max_amount: Amount,
    /// When the restriction on the amount ends, as Khipu wrote it.
    pub cool_down_date: DateTime,
}

/// A prediction for one of the banks the payer could use.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct BankPrediction {
    /// The bank (`bank_id` as in [`Client::banks`]).
    pub bank_id: String,
    /// Its name.
    pub name: String,
    /// The prediction.
    #[serde(flatten)]
    pub prediction: Prediction,
}

impl Client {
    /// Predicts whether a payment from the query's bank would go through. Retried on 5xx.
    pub async fn predict(&self, query: &PredictQuery) -> Result<Prediction, Error> {
        let context = Context::of(&operations::GET_PREDICT);
        let Some(bank_id) = &query.bank_id else {
            return Err(Error::InvalidRequest {
                context,
                field: "bank_id".into(),
                reason: "is required; predict_all asks about every bank".into(),
            });
        };
        check_amount(&context, "amount", &query.amount)?;
        let amount = query.amount.to_wire_text();
        let answer = self
            .api
            .get_predict()
            .payer_email(query.payer_email.as_str())
            .bank_id(bank_id.as_str())
            .amount(amount.as_str())
            .currency(query.currency.as_str())
            .call()
            .await?;
        Ok(Prediction {
            result: PredictResult::parse(answer.result.as_str()),
            max_amount: answer.max_amount,
            new_destinatary_max_amount: answer.new_destinatary_max_amount,
            cool_down_date: DateTime::from_text(answer.cool_down_date),
        })
    }

    /// Predicts the payment for every bank the payer could use, in the order of [`Client::banks`]
    /// (all of them, not only those where it would go through). Retried on 5xx.
    pub async fn predict_all(&self, query: &PredictQuery) -> Result<Vec<BankPrediction>, Error> {
        let context = Context::of(&operations::GET_PREDICT_ALL);
        check_amount(&context, "amount", &query.amount)?;
        let amount = query.amount.to_wire_text();
        let answer = self
            .api
            .get_predict_all()
            .payer_email(query.payer_email.as_str())
            .amount(amount.as_str())
            .currency(query.currency.as_str())
            .call()
            .await?;
        Ok(answer
            .banks
            .into_iter()
            .map(|b| BankPrediction {
                bank_id: b.bank_id,
                name: b.name,
                prediction: Prediction {
                    result: PredictResult::parse(b.result.as_str()),
                    max_amount: b.max_amount,
                    new_destinatary_max_amount: b.new_destinatary_max_amount,
                    cool_down_date: DateTime::from_text(b.cool_down_date),
                },
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::PredictResult;

    #[test]
    fn both_spellings_read_the_same() {
        for (text, result) in [
            ("ok", PredictResult::Ok),
            ("OK", PredictResult::Ok),
            ("max_amount_exceeded", PredictResult::MaxAmountExceeded),
            ("MAX_AMOUNT_EXCEEDED", PredictResult::MaxAmountExceeded),
            ("NOT_AVAILABLE_ACCOUNT", PredictResult::NotAvailableAccount),
        ] {
            assert_eq!(PredictResult::parse(text), result, "{text}");
        }
        assert_eq!(
            PredictResult::parse("SOMETHING_NEW"),
            PredictResult::Unknown("SOMETHING_NEW".into())
        );
        assert_eq!(PredictResult::parse("OK").as_str(), "ok");
        assert_eq!(
            PredictResult::parse("SOMETHING_NEW").as_str(),
            "SOMETHING_NEW"
        );
    }
}

//! What a `Bank` call asks for.

use std::fmt;
use std::str::FromStr;

/// A calendar month, as Khipu's date parameters take it (`2022-07`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: u16,
    month: u8,
}

impl YearMonth {
    /// `None` unless `month` is 1..=12 and `year` has four digits.
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A month that is not `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearMonthError(String);

impl std::fmt::Display for YearMonthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self(what) = self;
        write!(f, "`{what}` is not a month in the form YYYY-MM")
    }
}

impl std::error::Error for YearMonthError {}

impl FromStr for YearMonth {
    type Err = YearMonthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || YearMonthError(s.to_owned());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        YearMonth::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
}

/// Which account or card a request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// The user's accounts as a whole (the accounts operation).
    None,
    /// A bank account (`AccountNumber`).
    Account(String),
    /// A credit card, by its last digits (`LastDigits`).
    Card(String),
}

/// The period a request covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Period {
    /// What the operation returns by default (current day, latest, current balance).
    Default,
    /// One month (`BookingDate`).
    Month(YearMonth),
    /// A range of months (`BookingDateStart`, `BookingDateEnd`).
    Range(YearMonth, YearMonth),
}

/// A request to a bank through the `Bank` trait, built step by step.
///
/// ```
/// use khipu::{DataRequest, YearMonth};
/// let request = DataRequest::account("000011887755")
///     .currency("CLP")
///     .range("2022-06".parse::<YearMonth>()?, "2022-07".parse()?)
///     .callback_url("https://my-api.example/khipu");
/// # Ok::<(), khipu::YearMonthError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataRequest {
    /// Account, card, or neither.
    pub subject: Subject,
    /// Currency of the account (`CLP`), for banks that need or accept it.
    pub currency: Option<String>,
    /// The period.
    pub period: Period,
    /// Where Khipu should POST the result; the call then answers `Reply::Accepted` at once.
    pub callback_url: Option<String>,
    /// Use this operation (operationId) instead of choosing one from the parameters.
    pub operation: Option<String>,
}

impl DataRequest {
    /// A request about no particular account (for `accounts`).
    pub fn new() -> Self {
        Self {
            subject: Subject::None,
            currency: None,
            period: Period::Default,
            callback_url: None,
            operation: None,
        }
    }

    /// A request about a bank account.
    pub fn account(number: impl Into<String>) -> Self {
        Self {
            subject: Subject::Account(number.into()),
            ..Self::new()
        }
    }

    /// A request about a credit card, by its last digits.
    pub fn card(last_digits: impl Into<String>) -> Self {
        Self {
            subject: Subject::Card(last_digits.into()),
            ..Self::new()
        }
    }

    /// Sets the currency.
    pub fn currency(mut self, currency: impl Into<String>) -> Self {
        self.currency = Some(currency.into());
        self
    }

    /// Asks for one month.
    pub fn month(mut self, month: YearMonth) -> Self {
        self.period = Period::Month(month);
        self
    }

    /// Asks for a range of months.
    pub fn range(mut self, from: YearMonth, to: YearMonth) -> Self {
        self.period = Period::Range(from, to);
        self
    }

    /// Asks Khipu to POST the result to `url` later.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Uses the operation with this operationId.
    pub fn operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operation = Some(operation_id.into());
        self
    }

    /// The request in words, for error messages.
    pub(crate) fn describe(&self, kind: &str) -> String {
        let subject = match &self.subject {
            Subject::None => String::new(),
            Subject::Account(_) => " for an account number".into(),
            Subject::Card(_) => " for a card (last digits)".into(),
        };
        let period = match self.period {
            Period::Default => String::new(),
            Period::Month(_) => " for one month".into(),
            Period::Range(..) => " for a range of months".into(),
        };
        let currency = if self.currency.is_some() {
            " in a given currency"
        } else {
            ""
        };
        format!("{kind}{subject}{period}{currency}")
    }
}

impl Default for DataRequest {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_strictly() {
        assert_eq!(
            "2022-07".parse::<YearMonth>().unwrap().to_string(),
            "2022-07"
        );
        for bad in [
            "2022-7", "2022-13", "22-07", "2022/07", "", "2022-00", "abcd-01",
        ] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
    }
}

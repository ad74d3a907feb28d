//! The request side of Khipu's Open Data model: one body type for every bank data operation and
//! one for Account Link, shared by every generated bank client.
//!
//! The generator recognizes a bank's request body by its place (the JSON body of a bank
//! operation) and shape (`RequestData` holding only parameters this model knows, each a string,
//! and an optional `CallbackUrl`), and then makes the operation take [`RequestBody`] (or
//! [`AccountLinkRequest`]). The bank's own limits on each parameter (required, length, pattern)
//! are not lost: they are data in the bank module's `INFO`, and its client checks every request
//! against them before sending (`BankInfo::check_request`).
//!
//! Credentials are [`Secret`]s: `Debug` never prints a password or an account link.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::Secret;

/// The body of a bank data operation (`accounts`, `balances`, `transactions`, `statements`,
/// card purchases...): `{"RequestData": {...}, "CallbackUrl": "..."}`.
///
/// ```
/// use khipu_types::banking::{AccountCredential, RequestBody};
///
/// let body = RequestBody::new()
///     .account_number("000011887755")
///     .account_credential(AccountCredential::login("12345678-9", "hunter2"))
///     .callback_url("https://example.com/khipu");
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json["RequestData"]["AccountNumber"], "000011887755");
/// assert_eq!(json["RequestData"]["AccountCredential"]["Password"], "hunter2");
/// assert!(!format!("{body:?}").contains("hunter2"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RequestBody {
    /// What to fetch.
    #[serde(rename = "RequestData", default)]
    pub request_data: RequestData,
    /// Where Khipu posts the answer later (the operation then answers 202 at once).
    #[serde(
        rename = "CallbackUrl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_url: Option<String>,
}

/// `RequestData`: the parameters of a bank data operation, by Khipu's names. Which ones an
/// operation takes, and their limits, are in its `OperationInfo::params`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RequestData {
    /// The deprecated bank credential, required by some banks with API-key authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_credential: Option<AccountCredential>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// The card's last four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_digits: Option<String>,
    /// ISO 4217 code (`CLP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// One month (`2024-06`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_date: Option<String>,
    /// First month or day of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_date_start: Option<String>,
    /// Last month or day of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_date_end: Option<String>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $field(mut self, value: impl Into<String>) -> Self {
                self.request_data.$field = Some(value.into());
                self
            }
        )*
    };
}

impl RequestBody {
    /// An empty body; add what the operation takes.
    pub fn new() -> Self {
        Self::default()
    }

    setters!(
        /// Sets `RequestData.AccountNumber`.
        account_number,
        /// Sets `RequestData.LastDigits`.
        last_digits,
        /// Sets `RequestData.Currency`.
        currency,
        /// Sets `RequestData.BookingDate`.
        booking_date,
        /// Sets `RequestData.BookingDateStart`.
        booking_date_start,
        /// Sets `RequestData.BookingDateEnd`.
        booking_date_end,
    );

    /// The string parameters of `RequestData` that are set, by Khipu's names, with their text
    /// (the account credential, an object, is not one).
    pub fn params(&self) -> impl Iterator<Item = (&'static str, &str)> + Clone {
        let data = &self.request_data;
        [
            ("AccountNumber", &data.account_number),
            ("LastDigits", &data.last_digits),
            ("Currency", &data.currency),
            ("BookingDate", &data.booking_date),
            ("BookingDateStart", &data.booking_date_start),
            ("BookingDateEnd", &data.booking_date_end),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.as_deref()?)))
    }

    /// Sets `RequestData.AccountCredential`.
    pub fn account_credential(mut self, credential: AccountCredential) -> Self {
        self.request_data.account_credential = Some(credential);
        self
    }

    /// Sets `CallbackUrl`: Khipu answers 202 at once and posts the data there later.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

/// The deprecated `AccountCredential` of `RequestData`: an account link, the user's login at the
/// bank, or any other object a bank describes (kept as it came).
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum AccountCredential {
    /// `{"AccountLink": ...}`, from the Account Link operation.
    Link(Secret),
    /// `{"Username": ..., "Password": ...}`.
    Login {
        /// The user's identification (RUN, DNI).
        username: Secret,
        /// The user's password at the bank.
        password: Secret,
    },
    /// Any other credential object.
    Other(Map<String, Value>),
}

impl AccountCredential {
    /// An account link.
    pub fn link(link: impl Into<String>) -> Self {
        Self::Link(Secret::new(link))
    }

    /// The user's login at the bank's website.
    pub fn login(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Login {
            username: Secret::new(username),
            password: Secret::new(password),
        }
    }
}

impl fmt::Debug for AccountCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::Link(_) => "Link",
            Self::Login { .. } => "Login",
            Self::Other(_) => "Other",
        };
        write!(f, "AccountCredential::{kind}(***)")
    }
}

impl Serialize for AccountCredential {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = Map::new();
        match self {
            Self::Link(link) => {
                map.insert("AccountLink".into(), link.expose().into());
            }
            Self::Login { username, password } => {
                map.insert("Username".into(), username.expose().into());
                map.insert("Password".into(), password.expose().into());
            }
            Self::Other(other) => map = other.clone(),
        }
        map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AccountCredential {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        let text = |name: &str| map.get(name).and_then(Value::as_str).map(Secret::new);
        let has = |name: &str| map.contains_key(name);
        Ok(match map.len() {
            1 if has("AccountLink") => Self::Link(text("AccountLink").ok_or_else(|| {
                D::Error::custom("`AccountLink` of an AccountCredential is not a string")
            })?),
            2 if has("Username") && has("Password") => match (text("Username"), text("Password")) {
                (Some(username), Some(password)) => Self::Login { username, password },
                _ => Self::Other(map),
            },
            _ => Self::Other(map),
        })
    }
}

/// The body of the deprecated Account Link operation: the user's login at the bank.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct AccountLinkRequest {
    /// The user's identification (RUN, DNI).
    pub username: Secret,
    /// The user's password at the bank.
    pub password: Secret,
}

impl AccountLinkRequest {
    /// The body for the user's login.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: Secret::new(username),
            password: Secret::new(password),
        }
    }
}

impl fmt::Debug for AccountLinkRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccountLinkRequest(***)")
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Login {
    username: String,
    password: String,
}

impl Serialize for AccountLinkRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Login {
            username: self.username.expose().to_owned(),
            password: self.password.expose().to_owned(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AccountLinkRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let login = Login::deserialize(deserializer)?;
        Ok(Self::new(login.username, login.password))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credentials_round_trip_by_shape_and_keep_unknown_ones() {
        for (json, debug) in [
            (
                json!({"AccountLink": "l-1"}),
                "AccountCredential::Link(***)",
            ),
            (
                json!({"Username": "u", "Password": "p"}),
                "AccountCredential::Login(***)",
            ),
            (
                json!({"Token": "t", "Otp": "1"}),
                "AccountCredential::Other(***)",
            ),
        ] {
            let credential: AccountCredential = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(format!("{credential:?}"), debug);
            assert_eq!(serde_json::to_value(&credential).unwrap(), json);
        }
    }

    #[test]
    fn a_body_serializes_only_what_was_set() {
        let body = RequestBody::new().currency("CLP");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"RequestData": {"Currency": "CLP"}})
        );
        let back: RequestBody =
            serde_json::from_value(json!({"RequestData": {"Currency": "CLP"}})).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn account_link_request_hides_the_password() {
        let body = AccountLinkRequest::new("12345678-9", "hunter2");
        assert!(!format!("{body:?}").contains("hunter2"));
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"Username": "12345678-9", "Password": "hunter2"})
        );
    }
}

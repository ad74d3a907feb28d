//! Which API a spec describes: a bank (country, segment, domain), or one version of one of
//! Khipu's other APIs (Payments, Automatic Payments...).
//!
//! Bank documents put every path under `/v1/{country}/banking/{segment}/{domain}/`; that prefix,
//! not the file name, identifies the bank. Where the file sits in the `specs/banking/<cc>/<segment>/`
//! layout, the two must agree. Any other document sits at `specs/<family>/<version>.<ext>`
//! (`specs/payments/v3.0.json`, `specs/automatic-payments/v1.0.yaml`): the folder names the API,
//! the file its version.

use std::path::Path;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::pointer::Pointer;

/// What a spec is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// One bank's Open Data API.
    Bank(BankId),
    /// One version of one of Khipu's other APIs.
    Api {
        /// The folder it sits in (`payments`, `automatic-payments`): the module (`payments`,
        /// `automatic_payments`) and the features (`payments-v3-0`) are named after it.
        family: String,
        /// From the file's name (`specs/payments/v3.0.json` is `3.0`), never from `info.version`,
        /// whose form changes between Khipu's documents (`2.0`, `v3.0`).
        version: String,
    },
}

impl Identity {
    /// How users and messages name the API: `cl/personal/demo-bank.khipu.com`, `payments v3.0`.
    pub fn name(&self) -> String {
        match self {
            Identity::Bank(bank) => bank.id(),
            Identity::Api { family, version } => format!("{family} v{version}"),
        }
    }
}

/// A bank, as Khipu's paths name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankId {
    /// ISO country code in the path (`cl`).
    pub country: String,
    /// `personal`, `business`, `entrepreneur`...
    pub segment: String,
    /// The bank's domain (`demo-bank.khipu.com`).
    pub domain: String,
}

impl BankId {
    /// `cl/personal/demo-bank.khipu.com`, the id users pass to `khipu::connect`.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.country, self.segment, self.domain)
    }

    /// The module name before any collision handling: the domain's first label (`demo_bank`).
    pub fn short_module(&self) -> String {
        module_ident(self.domain.split('.').next().unwrap_or(&self.domain))
    }

    /// The module name made from the whole domain (`demo_bank_khipu_com`), used on collisions.
    pub fn long_module(&self) -> String {
        module_ident(&self.domain)
    }
}

/// A valid Rust module identifier from any text.
pub fn module_ident(text: &str) -> String {
    let snake = text.replace(['.', '-'], "_").to_snake_case();
    match snake.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => snake,
        _ => format!("m_{snake}"),
    }
}

/// Works out the identity of a normalized document, checking it against the file's place in the
/// `specs/` layout when it has one.
pub fn identify(doc: &Value, file: &Path) -> Result<Identity, (Pointer, String)> {
    let paths = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let bank_paths = paths.iter().any(|p| p.split('/').nth(3) == Some("banking"));
    // A bank's file without paths is still that bank's: the structure pass says what is missing.
    if doc.get("paths").is_none()
        && let Some(id) = layout_bank(file)
    {
        return Ok(Identity::Bank(id));
    }
    if !bank_paths {
        let in_banking = file.components().any(|c| c.as_os_str() == "banking");
        if in_banking {
            return Err((
                Pointer::root().push("paths"),
                "no path has the bank form `/v1/{country}/banking/{segment}/{domain}/...`".into(),
            ));
        }
        return api_identity(file);
    }
    let mut found: Option<BankId> = None;
    for path in &paths {
        let parts: Vec<&str> = path.split('/').collect();
        let at = Pointer::root().push("paths").push(path.as_str());
        let id =
            match parts.as_slice() {
                ["", "v1", country, "banking", segment, domain, _, ..] => BankId {
                    country: (*country).into(),
                    segment: (*segment).into(),
                    domain: (*domain).into(),
                },
                _ => return Err((
                    at,
                    "not under `/v1/{country}/banking/{segment}/{domain}/` like the other paths"
                        .into(),
                )),
            };
        match &found {
            Some(first) if *first != id => {
                return Err((
                    at,
                    format!(
                        "belongs to bank `{}`, but earlier paths belong to `{}`: one spec per bank",
                        id.id(),
                        first.id()
                    ),
                ));
            }
            _ => found = Some(id),
        }
    }
    let Some(id) = found else {
        return Err((
            Pointer::root().push("paths"),
            "no path names a bank (`/v1/<country>/banking/<segment>/<domain>/...`)".into(),
        ));
    };
    check_layout(&id, file)?;
    Ok(Identity::Bank(id))
}

/// The API family (the file's folder) and version (its name) of a spec that is not a bank's.
fn api_identity(file: &Path) -> Result<Identity, (Pointer, String)> {
    let family = file
        .parent()
        .and_then(Path::file_name)
        .and_then(|f| f.to_str())
        .filter(|f| !f.is_empty() && *f != "specs")
        .unwrap_or("payments");
    let valid = family
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid || !family.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err((
            Pointer::root(),
            format!(
                "an API's folder names it in lower case with dashes (`specs/automatic-payments/`), not `{family}`"
            ),
        ));
    }
    Ok(Identity::Api {
        family: family.to_owned(),
        version: version(file)?,
    })
}

/// The version a spec's file name gives: `v3.0.json` and `3.0.yaml` are both `3.0`.
fn version(file: &Path) -> Result<String, (Pointer, String)> {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let version = stem.strip_prefix(['v', 'V']).unwrap_or(stem);
    if version.is_empty()
        || !version.starts_with(|c: char| c.is_ascii_digit())
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err((
            Pointer::root(),
            format!(
                "an API's spec is named after its version (`specs/payments/v3.0.json`), not `{}`",
                file.display()
            ),
        ));
    }
    Ok(version.to_owned())
}

/// The module of an API version: `3.0` is `v3_0`.
pub fn version_module(version: &str) -> String {
    format!("v{}", module_ident(version).trim_start_matches("m_"))
}

/// The bank a file's place names: `.../banking/<cc>/<segment>/<domain>.yaml`.
fn layout_bank(file: &Path) -> Option<BankId> {
    let parts: Vec<String> = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let i = parts.iter().rposition(|p| p == "banking")?;
    let [country, segment, name] = &parts[i + 1..] else {
        return None;
    };
    let domain = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(name);
    Some(BankId {
        country: country.clone(),
        segment: segment.clone(),
        domain: domain.to_owned(),
    })
}

/// A spec under `.../banking/<cc>/<segment>/<domain>.yaml` must describe that bank.
fn check_layout(id: &BankId, file: &Path) -> Result<(), (Pointer, String)> {
    let Some(expected) = layout_bank(file) else {
        return Ok(());
    };
    if expected != *id {
        return Err((
            Pointer::root().push("paths"),
            format!(
                "the file sits at banking/{} but its paths are for `{}`: move the file or fix the paths",
                expected.id(),
                id.id()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: &[&str]) -> Value {
        let mut p = serde_json::Map::new();
        for path in paths {
            p.insert((*path).into(), json!({}));
        }
        json!({"info": {"version": "2.0"}, "paths": p})
    }

    #[test]
    fn reads_the_bank_from_the_paths() {
        let d = doc(&[
            "/v1/cl/banking/personal/demo-bank.khipu.com/accounts",
            "/v1/cl/banking/personal/demo-bank.khipu.com/booked/range/transactions",
        ]);
        let Identity::Bank(id) = identify(
            &d,
            Path::new("specs/banking/cl/personal/demo-bank.khipu.com.yaml"),
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(id.id(), "cl/personal/demo-bank.khipu.com");
        assert_eq!(id.short_module(), "demo_bank");
        assert_eq!(id.long_module(), "demo_bank_khipu_com");
    }

    #[test]
    fn payments_and_mixed_banks() {
        assert_eq!(
            identify(&doc(&["/2.0/banks"]), Path::new("specs/payments/v2.0.yaml")).unwrap(),
            Identity::Api {
                family: "payments".into(),
                version: "2.0".into()
            }
        );
        let pac = identify(
            &doc(&["/v1/automatic-payment/subscription"]),
            Path::new("specs/automatic-payments/v1.0.yaml"),
        )
        .unwrap();
        assert_eq!(pac.name(), "automatic-payments v1.0");
        // info.version is `v3.0` in Khipu's v3 document: the file name decides, not it.
        let mut v3 = doc(&["/v3/banks"]);
        v3["info"]["version"] = "v3.0".into();
        let id = identify(&v3, Path::new("specs/payments/v3.0.json")).unwrap();
        assert_eq!(
            id,
            Identity::Api {
                family: "payments".into(),
                version: "3.0".into()
            }
        );
        assert_eq!(version_module("3.0"), "v3_0");
        let err = identify(&v3, Path::new("specs/payments/latest.json")).unwrap_err();
        assert!(err.1.contains("named after its version"), "{}", err.1);
        let mixed = doc(&[
            "/v1/cl/banking/personal/a.cl/x",
            "/v1/cl/banking/personal/b.cl/x",
        ]);
        let err = identify(&mixed, Path::new("x.yaml")).unwrap_err();
        assert_eq!(
            err.0.to_string(),
            "#/paths/~1v1~1cl~1banking~1personal~1b.cl~1x"
        );
    }

    #[test]
    fn file_place_must_match() {
        let d = doc(&["/v1/cl/banking/personal/a.cl/x"]);
        let err = identify(&d, Path::new("specs/banking/cl/business/a.cl.yaml")).unwrap_err();
        assert!(err.1.contains("banking/cl/business/a.cl"), "{}", err.1);
    }

    #[test]
    fn module_idents_are_valid() {
        assert_eq!(module_ident("santander.com.ar"), "santander_com_ar");
        assert_eq!(module_ident("4bank"), "m_4bank");
    }
}

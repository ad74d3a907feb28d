//! Failures the sandbox produces on request, so clients' error paths can be tested: per request
//! with the `x-khipu-sandbox` header, or for a whole run with `--inject`.
//!
//! Directives, separated by `;`:
//! - `error=CODE:TYPE`: a `Status: ERROR` answer (HTTP 200) with that `Error.Code` and `Error.Type`
//!   (banking); a 400 ValidationError (payments);
//! - `status=NNN`: that HTTP status, with a Khipu-shaped body where Khipu documents one;
//! - `delay=MS`: wait that long before answering (up to 60000);
//! - `malformed`: HTTP 200 with a body that is not JSON.
//!
//! A program embedding the sandbox can also decide per request with a [`FaultPlan`], for clients
//! (such as the `Bank` trait) that cannot set a header per call.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The header that carries per-request directives.
pub const HEADER: &str = "x-khipu-sandbox";

/// What to do instead of answering normally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Injection {
    /// `error=CODE:TYPE`.
    pub error: Option<(String, String)>,
    /// `status=NNN`.
    pub status: Option<u16>,
    /// `delay=MS`.
    pub delay: Option<Duration>,
    /// `malformed`.
    pub malformed: bool,
    /// `applied=NNN`: carry the request out, then answer NNN, as Khipu has done with refunds
    /// (its state changed, the caller sees a failure: a write whose outcome is unknown).
    pub applied: Option<u16>,
}

impl Injection {
    /// Parses directives; an unknown or malformed one is an error naming it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut out = Injection::default();
        for directive in text.split(';').map(str::trim).filter(|d| !d.is_empty()) {
            let (key, value) = directive.split_once('=').unwrap_or((directive, ""));
            match key {
                "error" => {
                    let (code, kind) = value
                        .split_once(':')
                        .ok_or_else(|| format!("`{directive}`: expected error=CODE:TYPE"))?;
                    out.error = Some((code.to_owned(), kind.to_owned()));
                }
                "status" => {
                    let status: u16 = value
                        .parse()
                        .map_err(|_| format!("`{directive}`: expected status=NNN"))?;
                    if !(100..=599).contains(&status) {
                        return Err(format!("`{directive}`: not an HTTP status"));
                    }
                    out.status = Some(status);
                }
                "delay" => {
                    let ms: u64 = value
                        .parse()
                        .map_err(|_| format!("`{directive}`: expected delay=MILLISECONDS"))?;
                    out.delay = Some(Duration::from_millis(ms.min(60_000)));
                }
                "malformed" => out.malformed = true,
                "applied" => {
                    let status: u16 = value
                        .parse()
                        .ok()
                        .filter(|s| (400..=599).contains(s))
                        .ok_or_else(|| {
                            format!("`{directive}`: expected applied=NNN, a 4xx or 5xx")
                        })?;
                    out.applied = Some(status);
                }
                _ => {
                    return Err(format!(
                        "unknown directive `{directive}` (error=CODE:TYPE, status=NNN, delay=MS, malformed, applied=NNN)"
                    ));
                }
            }
        }
        Ok(out)
    }

    /// This request's directives over the run's.
    pub fn merge(&self, over: &Injection) -> Injection {
        Injection {
            error: over.error.clone().or_else(|| self.error.clone()),
            status: over.status.or(self.status),
            delay: over.delay.or(self.delay),
            malformed: over.malformed || self.malformed,
            applied: over.applied.or(self.applied),
        }
    }
}

/// What a [`FaultPlan`] sees of a request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PlannedRequest<'a> {
    /// `GET`, `POST`...
    pub method: &'a str,
    /// The path, without the query.
    pub path: &'a str,
    /// The body, as received.
    pub body: &'a [u8],
}

/// Decides per request which failures to produce, on top of the run's and the header's; called
/// once per request the specs route (so a retried call is asked again).
#[derive(Clone)]
pub struct FaultPlan(Arc<dyn Fn(&PlannedRequest<'_>) -> Injection + Send + Sync>);

impl FaultPlan {
    /// A plan from a function.
    pub fn new(plan: impl Fn(&PlannedRequest<'_>) -> Injection + Send + Sync + 'static) -> Self {
        Self(Arc::new(plan))
    }

    pub(crate) fn decide(&self, request: &PlannedRequest<'_>) -> Injection {
        (self.0)(request)
    }
}

impl fmt::Debug for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FaultPlan(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_directives() {
        let i = Injection::parse("error=E201:RETRY_IMMEDIATELY; delay=20;malformed").unwrap();
        assert_eq!(i.error, Some(("E201".into(), "RETRY_IMMEDIATELY".into())));
        assert_eq!(i.delay, Some(Duration::from_millis(20)));
        assert!(i.malformed);
        assert!(Injection::parse("status=9999").is_err());
        assert!(
            Injection::parse("explode")
                .unwrap_err()
                .contains("unknown directive `explode`")
        );
    }
}

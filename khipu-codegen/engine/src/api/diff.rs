//! Compares API summaries and classifies each change for the users of `khipu-generated` and of
//! the facade `khipu`, which re-exports the generated modules (so both need the same bump).
//!
//! | change | class |
//! |---|---|
//! | spec (bank or payments version) added | additive |
//! | spec removed, module or feature renamed | breaking |
//! | authentication changed (spec or operation) | breaking |
//! | operation added / removed | additive / breaking |
//! | method or path changed | additive: the client calls the new place, code is unchanged |
//! | `Bank` trait capability gained / lost or changed | additive / breaking |
//! | operation newly deprecated | documentation (rustdoc text and `OperationInfo::deprecated`) |
//! | request field added optional / added required | additive / breaking |
//! | request field became optional / required | additive / breaking |
//! | request field became nullable / no longer nullable | additive / breaking |
//! | request limit relaxed / tightened (`minLength`, `maxLength`, `minimum`, `maximum`, `pattern` added or changed) | additive / breaking |
//! | response field added | additive: Khipu's structs are read, not built; see [`RESPONSE_FIELD_ADDED`] |
//! | response field became optional or nullable, or stopped being either | breaking: its Rust type changes (`T` <-> `Option<T>`) |
//! | field removed or its type changed | breaking |
//! | enum value added | additive: generated enums are open and `#[non_exhaustive]` |
//! | enum value removed | breaking |
//! | descriptions, summaries, examples, `info.version` | documentation |
//!
//! A change below a field that was itself added, removed or retyped is not listed again.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::summary::{ApiSummary, Field, OperationSummary};

/// Why adding a response field is additive, said once in the report.
pub const RESPONSE_FIELD_ADDED: &str = "the canonical khipu_types structs are #[non_exhaustive]; \
     progenitor's own response structs are not, so only code that builds one with a struct literal \
     (a test fixture) must name the new field";

/// How a change affects downstream code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code that compiled and worked may not any more.
    Breaking,
    /// New API, or a change existing code does not notice.
    Additive,
    /// Only rustdoc text changes.
    Documentation,
}

impl Class {
    /// The word the report uses.
    pub fn label(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Additive => "additive",
            Self::Documentation => "documentation",
        }
    }
}

/// Which Keep a Changelog section a change goes under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `### Added`
    Added,
    /// `### Changed`
    Changed,
    /// `### Deprecated`
    Deprecated,
    /// `### Removed`
    Removed,
}

impl Section {
    /// The heading text.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Added => "Added",
            Self::Changed => "Changed",
            Self::Deprecated => "Deprecated",
            Self::Removed => "Removed",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// `bank cl/personal/bancochile.cl` or `payments 3.0`.
    pub api: String,
    /// The operationId, when the change is inside one.
    pub operation: Option<String>,
    /// Its class.
    pub class: Class,
    /// Its changelog section.
    pub section: Section,
    /// What changed.
    pub text: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(op) => write!(f, "{}: {op}: {}", self.api, self.text),
            None => write!(f, "{}: {}", self.api, self.text),
        }
    }
}

/// The semver bump a set of changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Documentation only.
    Patch,
    /// Additions.
    Minor,
    /// Something breaks.
    Major,
}

impl Bump {
    /// `major`, `minor`, `patch`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Major => "major",
            Self::Minor => "minor",
            Self::Patch => "patch",
        }
    }

    /// The version after this bump, by Cargo's rules: below 1.0 the minor number is the major
    /// one (`0.1.0` major -> `0.2.0`, minor -> `0.1.1`).
    pub fn next(self, version: &str) -> String {
        let mut parts = version
            .split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse::<u64>().unwrap_or(0));
        let (major, minor, patch) = (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        );
        match (self, major) {
            (Self::Major, 0) => format!("0.{}.0", minor + 1),
            (Self::Major, _) => format!("{}.0.0", major + 1),
            (Self::Minor, 0) | (Self::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
            (Self::Minor, _) => format!("{major}.{}.0", minor + 1),
        }
    }

    /// Reads a label written by [`label`](Self::label).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "major" => Some(Self::Major),
            "minor" => Some(Self::Minor),
            "patch" => Some(Self::Patch),
            _ => None,
        }
    }
}

/// Every change between two sets of summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Changes {
    /// In spec, then operation, then field order.
    pub changes: Vec<Change>,
}

impl Changes {
    /// The bump the changes need, `None` when there are none.
    pub fn bump(&self) -> Option<Bump> {
        self.changes
            .iter()
            .map(|c| match c.class {
                Class::Breaking => Bump::Major,
                Class::Additive => Bump::Minor,
                Class::Documentation => Bump::Patch,
            })
            .max()
    }

    /// The report as printed: per API, one line per change with its class, then the bump for
    /// `khipu-generated` and `khipu` (both at `version`).
    pub fn render(&self, version: &str) -> String {
        let mut out = String::new();
        let mut api = None;
        for c in &self.changes {
            if api != Some(&c.api) {
                out.push_str(&format!("{}\n", c.api));
                api = Some(&c.api);
            }
            let text = match &c.operation {
                Some(op) => format!("{op}: {}", c.text),
                None => c.text.clone(),
            };
            out.push_str(&format!("  {:<13} {text}\n", c.class.label()));
        }
        if self
            .changes
            .iter()
            .any(|c| c.text.starts_with("response field") && c.text.contains(" added"))
        {
            out.push_str(&format!(
                "note: response fields added are additive: {RESPONSE_FIELD_ADDED}\n"
            ));
        }
        match self.bump() {
            Some(b) => out.push_str(&format!(
                "semver: khipu-generated {0} ({version} -> {1}), khipu {0} ({version} -> {1}; it re-exports the generated modules)\n",
                b.label(),
                b.next(version)
            )),
            None => out.push_str("no API changes\n"),
        }
        out
    }
}

/// Compares the summaries before (`old`) and after (`new`), matched by API.
pub fn compare(old: &[ApiSummary], new: &[ApiSummary]) -> Changes {
    let old: BTreeMap<&str, &ApiSummary> = old.iter().map(|s| (s.api.as_str(), s)).collect();
    let new: BTreeMap<&str, &ApiSummary> = new.iter().map(|s| (s.api.as_str(), s)).collect();
    let mut out = Out::default();
    for api in old.keys().chain(new.keys()).collect::<BTreeSet<_>>() {
        out.api = (*api).to_owned();
        match (old.get(api), new.get(api)) {
            (Some(_), None) => out.add(
                None,
                Class::Breaking,
                Section::Removed,
                "API removed (its spec is gone)".into(),
            ),
            (None, Some(s)) => out.add(
                None,
                Class::Additive,
                Section::Added,
                format!(
                    "new API: module `khipu_generated::{}`, feature `{}`, {} operations",
                    s.module,
                    s.feature,
                    s.operations.len()
                ),
            ),
            (Some(a), Some(b)) => spec(&mut out, a, b),
            (None, None) => {}
        }
    }
    Changes {
        changes: out.changes,
    }
}

#[derive(Default)]
struct Out {
    api: String,
    changes: Vec<Change>,
}

impl Out {
    fn add(&mut self, operation: Option<&str>, class: Class, section: Section, text: String) {
        self.changes.push(Change {
            api: self.api.clone(),
            operation: operation.map(str::to_owned),
            class,
            section,
            text,
        });
    }
}

fn spec(out: &mut Out, a: &ApiSummary, b: &ApiSummary) {
    if a.module != b.module || a.feature != b.feature {
        out.add(
            None,
            Class::Breaking,
            Section::Changed,
            format!(
                "moved from `{}` (feature `{}`) to `{}` (feature `{}`)",
                a.module, a.feature, b.module, b.feature
            ),
        );
    }
    let checks = [
        (
            a.auth != b.auth,
            Class::Breaking,
            format!("authentication changed from `{}` to `{}`", a.auth, b.auth),
        ),
        (
            a.version != b.version,
            Class::Documentation,
            format!("info.version {} -> {}", a.version, b.version),
        ),
        (
            a.docs != b.docs,
            Class::Documentation,
            "title or description reworded".to_owned(),
        ),
    ];
    for (changed, class, text) in checks {
        if changed {
            out.add(None, class, Section::Changed, text);
        }
    }
    let ids: BTreeSet<&String> = a.operations.keys().chain(b.operations.keys()).collect();
    for id in ids {
        match (a.operations.get(id), b.operations.get(id)) {
            (Some(o), None) => out.add(
                Some(id),
                Class::Breaking,
                Section::Removed,
                format!("operation removed ({} {})", o.method, o.path),
            ),
            (None, Some(o)) => out.add(
                Some(id),
                Class::Additive,
                Section::Added,
                format!("operation added ({} {})", o.method, o.path),
            ),
            (Some(x), Some(y)) => operation(out, id, x, y),
            (None, None) => {}
        }
    }
}

fn operation(out: &mut Out, id: &str, a: &OperationSummary, b: &OperationSummary) {
    let op = Some(id);
    if (&a.method, &a.path) != (&b.method, &b.path) {
        out.add(
            op,
            Class::Additive,
            Section::Changed,
            format!(
                "now {} {} (was {} {}); the client follows, code is unchanged",
                b.method, b.path, a.method, a.path
            ),
        );
    }
    if a.auth != b.auth {
        let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "the spec's".into());
        out.add(
            op,
            Class::Breaking,
            Section::Changed,
            format!(
                "authentication changed from {} to {}",
                show(&a.auth),
                show(&b.auth)
            ),
        );
    }
    match (&a.bank_trait, &b.bank_trait) {
        (Some(x), None) => out.add(
            op,
            Class::Breaking,
            Section::Removed,
            format!(
                "no longer serves `Bank::{}` (capability lost)",
                x.to_lowercase()
            ),
        ),
        (None, Some(y)) => out.add(
            op,
            Class::Additive,
            Section::Added,
            format!(
                "now serves `Bank::{}` (capability gained)",
                y.to_lowercase()
            ),
        ),
        (Some(x), Some(y)) if x != y => out.add(
            op,
            Class::Breaking,
            Section::Changed,
            format!(
                "serves `Bank::{}` instead of `Bank::{}`",
                y.to_lowercase(),
                x.to_lowercase()
            ),
        ),
        _ => {}
    }
    if !a.deprecated && b.deprecated {
        out.add(
            op,
            Class::Documentation,
            Section::Deprecated,
            "deprecated".into(),
        );
    }
    fields(out, id, "request", &a.request, &b.request);
    fields(out, id, "response", &a.response, &b.response);
    if a.docs != b.docs {
        out.add(
            op,
            Class::Documentation,
            Section::Changed,
            "descriptions or examples changed".into(),
        );
    }
}

/// The field a nested field sits in (`body.A[].B` -> `body.A[]` -> `body.A` -> `body`).
fn parent(name: &str) -> Option<&str> {
    if let Some(stripped) = name.strip_suffix("[]").or_else(|| name.strip_suffix("{}")) {
        return Some(stripped);
    }
    name.rfind(['.', '|']).map(|cut| &name[..cut])
}

fn fields(
    out: &mut Out,
    id: &str,
    side: &str,
    a: &BTreeMap<String, Field>,
    b: &BTreeMap<String, Field>,
) {
    let op = Some(id);
    let request = side == "request";
    // Fields whose children are not reported on their own.
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    let under = |covered: &BTreeSet<&str>, name: &str| {
        let mut at = parent(name);
        while let Some(p) = at {
            if covered.contains(p) {
                return true;
            }
            at = parent(p);
        }
        false
    };
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for name in names {
        if under(&covered, name) {
            covered.insert(name);
            continue;
        }
        let label = if name == "body" {
            format!("{side} body")
        } else {
            format!("{side} field `{name}`")
        };
        match (a.get(name), b.get(name)) {
            (Some(_), None) => {
                covered.insert(name);
                out.add(
                    op,
                    Class::Breaking,
                    Section::Removed,
                    format!("{label} removed"),
                );
            }
            (None, Some(f)) => {
                covered.insert(name);
                let presence = if f.required { "required" } else { "optional" };
                let class = if request && f.required {
                    Class::Breaking
                } else {
                    Class::Additive
                };
                out.add(
                    op,
                    class,
                    Section::Added,
                    format!("{label} added ({presence} {})", f.ty),
                );
            }
            (Some(x), Some(y)) => {
                if x.ty != y.ty {
                    covered.insert(name);
                    out.add(
                        op,
                        Class::Breaking,
                        Section::Changed,
                        format!("{label} type changed from {} to {}", x.ty, y.ty),
                    );
                    continue;
                }
                field(out, id, &label, request, x, y);
            }
            (None, None) => {}
        }
    }
}

fn field(out: &mut Out, id: &str, label: &str, request: bool, x: &Field, y: &Field) {
    let op = Some(id);
    let flag = |b: bool, yes: &str, no: &str| if b { yes.to_owned() } else { no.to_owned() };
    if x.required != y.required {
        let now = flag(y.required, "required", "optional");
        let class = match (request, y.required) {
            (true, true) | (false, _) => Class::Breaking,
            (true, false) => Class::Additive,
        };
        let why = if request {
            ""
        } else {
            "; its Rust type changes"
        };
        out.add(
            op,
            class,
            Section::Changed,
            format!("{label} is now {now}{why}"),
        );
    }
    if x.nullable != y.nullable {
        let now = flag(y.nullable, "nullable", "no longer nullable");
        let class = if request && y.nullable {
            Class::Additive
        } else {
            Class::Breaking
        };
        let why = if request {
            ""
        } else {
            "; its Rust type changes"
        };
        out.add(
            op,
            class,
            Section::Changed,
            format!("{label} is now {now}{why}"),
        );
    }
    let (xs, ys): (BTreeSet<&String>, BTreeSet<&String>) =
        (x.values.iter().collect(), y.values.iter().collect());
    for v in ys.difference(&xs) {
        out.add(
            op,
            Class::Additive,
            Section::Added,
            format!(
                "{label}: enum value `{v}` added (generated enums are open and #[non_exhaustive])"
            ),
        );
    }
    for v in xs.difference(&ys) {
        out.add(
            op,
            Class::Breaking,
            Section::Removed,
            format!("{label}: enum value `{v}` removed"),
        );
    }
    if request {
        limits(out, id, label, x, y);
    }
}

/// Request limits: tighter breaks a caller that was valid, looser does not.
fn limits(out: &mut Out, id: &str, label: &str, x: &Field, y: &Field) {
    let op = Some(id);
    // (name, before, after, whether a larger value is tighter)
    let bounds = [
        (
            "minLength",
            x.min_length.map(|v| v as f64),
            y.min_length.map(|v| v as f64),
            true,
        ),
        (
            "maxLength",
            x.max_length.map(|v| v as f64),
            y.max_length.map(|v| v as f64),
            false,
        ),
        ("minimum", x.minimum, y.minimum, true),
        ("maximum", x.maximum, y.maximum, false),
    ];
    for (name, before, after, larger_is_tighter) in bounds {
        let tighter = match (before, after) {
            (None, None) => continue,
            (Some(p), Some(q)) if p == q => continue,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(p), Some(q)) => (q > p) == larger_is_tighter,
        };
        let show = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), |v| v.to_string());
        let (class, word) = if tighter {
            (Class::Breaking, "tightened")
        } else {
            (Class::Additive, "relaxed")
        };
        out.add(
            op,
            class,
            Section::Changed,
            format!(
                "{label}: {name} {word} ({} -> {})",
                show(before),
                show(after)
            ),
        );
    }
    match (&x.pattern, &y.pattern) {
        (Some(_), None) => out.add(
            op,
            Class::Additive,
            Section::Changed,
            format!("{label}: pattern removed"),
        ),
        (p, Some(q)) if p.as_ref() != Some(q) => out.add(
            op,
            Class::Breaking,
            Section::Changed,
            format!("{label}: pattern now `{q}`"),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::summary::of;
    use serde_json::{Value, json};

    /// A one-operation payments-style spec whose request and response schemas are given.
    fn spec(request: Value, response: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/things": {"post": {
                "operationId": "postThing",
                "requestBody": {"required": true, "content": {"application/json": {"schema": request}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}
            }}}
        })
    }

    fn object(props: Value, required: &[&str]) -> Value {
        json!({"type": "object", "properties": props, "required": required})
    }

    /// The changes between two variants of the spec, as (class, text).
    fn changes(before: Value, after: Value) -> Vec<(Class, String)> {
        let a = of(before, "specs/payments/v9.0.yaml");
        let b = of(after, "specs/payments/v9.0.yaml");
        compare(&[a], &[b])
            .changes
            .into_iter()
            .map(|c| (c.class, c.text))
            .collect()
    }

    fn base_request() -> Value {
        object(
            json!({"amount": {"type": "number", "maximum": 100}, "subject": {"type": "string", "maxLength": 10}}),
            &["amount"],
        )
    }

    fn base_response() -> Value {
        object(
            json!({"id": {"type": "string"}, "status": {"type": "string", "enum": ["done", "pending"]}}),
            &["id", "status"],
        )
    }

    fn one(before: Value, after: Value) -> (Class, String) {
        let found = changes(before, after);
        assert_eq!(found.len(), 1, "{found:?}");
        found
            .into_iter()
            .next()
            .unwrap_or((Class::Documentation, String::new()))
    }

    #[test]
    fn unchanged_specs_report_nothing() {
        let c = changes(
            spec(base_request(), base_response()),
            spec(base_request(), base_response()),
        );
        assert!(c.is_empty(), "{c:?}");
        assert_eq!(compare(&[], &[]).bump(), None);
    }

    #[test]
    fn operation_removed_is_breaking_and_added_is_additive() {
        let mut two = spec(base_request(), base_response());
        two["paths"]["/other"] = json!({"get": {"operationId": "getOther",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}}});
        let (class, text) = one(two.clone(), spec(base_request(), base_response()));
        assert_eq!(
            (class, text.as_str()),
            (Class::Breaking, "operation removed (GET /other)")
        );
        let (class, text) = one(spec(base_request(), base_response()), two);
        assert_eq!(
            (class, text.as_str()),
            (Class::Additive, "operation added (GET /other)")
        );
    }

    #[test]
    fn request_field_added_required_breaks_optional_does_not() {
        let mut req = base_request();
        req["properties"]["note"] = json!({"type": "string"});
        assert_eq!(
            one(
                spec(base_request(), base_response()),
                spec(req.clone(), base_response())
            )
            .0,
            Class::Additive
        );
        req["required"] = json!(["amount", "note"]);
        let (class, text) = one(
            spec(base_request(), base_response()),
            spec(req, base_response()),
        );
        assert_eq!(class, Class::Breaking);
        assert!(
            text.contains("`body.note` added (required string)"),
            "{text}"
        );
    }

    #[test]
    fn request_field_becoming_required_breaks_and_optional_is_additive() {
        let mut req = base_request();
        req["required"] = json!(["amount", "subject"]);
        assert_eq!(
            one(
                spec(base_request(), base_response()),
                spec(req.clone(), base_response())
            )
            .0,
            Class::Breaking
        );
        assert_eq!(
            one(
                spec(req, base_response()),
                spec(base_request(), base_response())
            )
            .0,
            Class::Additive
        );
    }

    #[test]
    fn response_field_added_is_additive_and_removed_is_breaking() {
        let mut resp = base_response();
        resp["properties"]["url"] = json!({"type": "string"});
        let (class, text) = one(
            spec(base_request(), base_response()),
            spec(base_request(), resp.clone()),
        );
        assert_eq!(class, Class::Additive);
        assert_eq!(text, "response field `body.url` added (optional string)");
        assert_eq!(
            one(
                spec(base_request(), resp),
                spec(base_request(), base_response())
            )
            .0,
            Class::Breaking
        );
    }

    #[test]
    fn response_field_losing_required_or_gaining_null_breaks() {
        let mut resp = base_response();
        resp["required"] = json!(["id"]);
        assert_eq!(
            one(
                spec(base_request(), base_response()),
                spec(base_request(), resp)
            )
            .0,
            Class::Breaking
        );
        let mut resp = base_response();
        resp["properties"]["id"]["nullable"] = json!(true);
        let (class, text) = one(
            spec(base_request(), base_response()),
            spec(base_request(), resp),
        );
        assert_eq!(class, Class::Breaking);
        assert!(text.contains("now nullable"), "{text}");
    }

    #[test]
    fn type_change_breaks_and_hides_its_children() {
        let mut resp = base_response();
        resp["properties"]["id"] =
            json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let (class, text) = one(
            spec(base_request(), base_response()),
            spec(base_request(), resp),
        );
        assert_eq!(class, Class::Breaking);
        assert!(
            text.contains("type changed from string to object"),
            "{text}"
        );
    }

    #[test]
    fn enum_value_added_is_additive_and_removed_is_breaking() {
        let mut resp = base_response();
        resp["properties"]["status"]["enum"] = json!(["done", "pending", "failed"]);
        let (class, text) = one(
            spec(base_request(), base_response()),
            spec(base_request(), resp.clone()),
        );
        assert_eq!(class, Class::Additive);
        assert!(text.contains("enum value `failed` added"), "{text}");
        assert_eq!(
            one(
                spec(base_request(), resp),
                spec(base_request(), base_response())
            )
            .0,
            Class::Breaking
        );
    }

    #[test]
    fn request_limits_tightened_break_and_relaxed_do_not() {
        let mut req = base_request();
        req["properties"]["subject"]["maxLength"] = json!(5);
        req["properties"]["amount"]["maximum"] = json!(1000);
        let found = changes(
            spec(base_request(), base_response()),
            spec(req.clone(), base_response()),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.contains(&(
                Class::Additive,
                "request field `body.amount`: maximum relaxed (100 -> 1000)".into()
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&(
                Class::Breaking,
                "request field `body.subject`: maxLength tightened (10 -> 5)".into()
            )),
            "{found:?}"
        );
        req["properties"]["subject"]["pattern"] = json!("^[a-z]+$");
        let (class, _) = one(spec(base_request(), base_response()).clone(), {
            let mut r = base_request();
            r["properties"]["subject"]["pattern"] = json!("^[a-z]+$");
            spec(r, base_response())
        });
        assert_eq!(class, Class::Breaking);
    }

    #[test]
    fn descriptions_are_documentation_only() {
        let mut resp = base_response();
        resp["properties"]["id"]["description"] = json!("The payment's id.");
        let (class, text) = one(
            spec(base_request(), base_response()),
            spec(base_request(), resp),
        );
        assert_eq!(class, Class::Documentation);
        assert_eq!(text, "descriptions or examples changed");
    }

    #[test]
    fn auth_change_breaks() {
        let mut after = spec(base_request(), base_response());
        after["components"] = json!({"securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "x-api-key"}}});
        after["security"] = json!([{"k": []}]);
        let (class, text) = one(spec(base_request(), base_response()), after);
        assert_eq!(class, Class::Breaking);
        assert!(text.contains("`none` to `header x-api-key`"), "{text}");
    }

    #[test]
    fn specs_added_and_removed() {
        let a = of(
            spec(base_request(), base_response()),
            "specs/payments/v9.0.yaml",
        );
        let added = compare(&[], std::slice::from_ref(&a));
        assert_eq!(added.changes[0].class, Class::Additive);
        let removed = compare(&[a], &[]);
        assert_eq!(removed.changes[0].class, Class::Breaking);
        assert_eq!(removed.bump(), Some(Bump::Major));
    }

    #[test]
    fn bumps_follow_cargo_rules_below_one() {
        assert_eq!(Bump::Major.next("0.1.0"), "0.2.0");
        assert_eq!(Bump::Minor.next("0.1.0"), "0.1.1");
        assert_eq!(Bump::Patch.next("0.1.3"), "0.1.4");
        assert_eq!(Bump::Major.next("1.4.2"), "2.0.0");
        assert_eq!(Bump::Minor.next("1.4.2"), "1.5.0");
    }

    #[test]
    fn parents_of_nested_names() {
        assert_eq!(parent("body.A[].B"), Some("body.A[]"));
        assert_eq!(parent("body.A[]"), Some("body.A"));
        assert_eq!(parent("body.M{}"), Some("body.M"));
        assert_eq!(parent("body.X|Amount"), Some("body.X"));
        assert_eq!(parent("body"), None);
    }
}

//! The ground floor of every pass, over the document or over generated code: what a pass may
//! fail with ([`PassError`]), what it records ([`Log`] into a [`Report`]), and how the registries
//! describe one ([`Pass`]). It names nothing above it.

use std::fmt;

use crate::error::Warning;
use crate::pointer::Pointer;

/// Why a pass refused a document: the place at fault and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassError {
    /// Where, as a JSON pointer into the document.
    pub at: Pointer,
    /// What is wrong, as a sentence for the maintainer.
    pub message: String,
}

impl From<(Pointer, String)> for PassError {
    fn from((at, message): (Pointer, String)) -> Self {
        Self { at, message }
    }
}

impl fmt::Display for PassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// One registered pass: its name and what it fixes (for the docs and the codegen summary), and
/// the function that runs it (`R`: a document pass or a code pass).
pub struct Pass<R> {
    /// Short name, shown in the codegen summary.
    pub name: &'static str,
    /// What it fixes.
    pub fixes: &'static str,
    /// Only bank documents need it (the canonical model is the Open Data API's).
    pub banks_only: bool,
    pub(crate) run: R,
}

/// What one pass did at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The pass.
    pub pass: &'static str,
    /// Where.
    pub pointer: String,
    /// What it changed.
    pub what: String,
}

/// What the passes did to one spec, document and code.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Every change, in order.
    pub fixes: Vec<Fix>,
    /// Things a maintainer should look at.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// How many changes each of `passes` made, in their order (those that changed nothing too).
    pub fn counts<'a>(&self, passes: impl IntoIterator<Item = &'a str>) -> Vec<(&'a str, usize)> {
        passes
            .into_iter()
            .map(|name| (name, self.fixes.iter().filter(|f| f.pass == name).count()))
            .collect()
    }
}

/// The log a pass writes to (made by the registry that runs it).
pub struct Log<'a> {
    pass: &'static str,
    report: &'a mut Report,
}

impl<'a> Log<'a> {
    pub(crate) fn new(pass: &'static str, report: &'a mut Report) -> Self {
        Self { pass, report }
    }

    /// A fix to the document, at a JSON pointer.
    pub(crate) fn fix(&mut self, at: &Pointer, what: impl Into<String>) {
        self.fix_item(&at.to_string(), what);
    }

    /// A fix to generated code, named by item path (`types::TransactionStatus`).
    pub(crate) fn fix_item(&mut self, item: &str, what: impl Into<String>) {
        self.report.fixes.push(Fix {
            pass: self.pass,
            pointer: item.to_owned(),
            what: what.into(),
        });
    }

    pub(crate) fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.report.warnings.push(Warning {
            pointer: at.to_string(),
            message: message.into(),
        });
    }
}

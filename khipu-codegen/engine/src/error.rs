//! Errors and warnings that name the spec file and the place in it. [`SpecError`] is
//! `khipu_doc`'s, so reading a spec and generating from it fail one way.

use std::fmt;

pub use khipu_doc::SpecError;

/// Something the generator fixed or skipped that a maintainer may want to know about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// JSON pointer of the place concerned.
    pub pointer: String,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

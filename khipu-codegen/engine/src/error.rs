//! Errors and warnings that name the spec file and the place in it.

use std::fmt;

/// A spec the generator cannot turn into a client.
///
/// Its `Display` is the one message both front ends show: `cargo xtask codegen` prints it, and the
/// proc macros turn it into a `compile_error!`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct SpecError {
    /// The spec file, as the user named it.
    pub file: String,
    /// Where in the document: a JSON pointer (`#/paths/~1v1~1.../post/responses/202`), or a
    /// `line:column` position for YAML syntax errors.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(file: &str, location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.location, self.message)
        }
    }
}

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

//! An error that names the spec file and the place in it.

use std::fmt;

/// A spec that cannot be read or turned into a client: the file, the place in it, and why.
///
/// Its `Display` is the one message every front end shows: `cargo xtask codegen` prints it, and the
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
    /// An error in `file` at `location` (empty when it is the whole file).
    pub fn new(file: &str, location: impl Into<String>, message: impl Into<String>) -> Self {
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

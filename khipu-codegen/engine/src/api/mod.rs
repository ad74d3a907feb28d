//! What a regeneration changes, for the users of the generated crates.
//!
//! - [`summary`]: the public API of one generated client, read from its normalized spec and
//!   written next to the module as `<module>.api.json` (sorted, one field per line).
//! - [`diff`]: compares two sets of summaries and classifies every change as breaking, additive
//!   or documentation only, ending with the semver bump it needs.
//! - [`changelog`]: writes that report as an entry under "Unreleased" in `CHANGELOG.md`.

pub mod changelog;
pub mod diff;
pub mod summary;

pub use diff::{Change, Changes, Class, compare};
pub use summary::{ApiSummary, Field, OperationSummary};

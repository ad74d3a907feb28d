//! The change report as an entry under `## [Unreleased]` in `CHANGELOG.md`
//! ([Keep a Changelog](https://keepachangelog.com/en/1.1.0/)).
//!
//! Runs accumulate: each run's lines are added to the sections already there (a line already
//! present is not repeated) and the "Needs a ... release" line keeps the largest bump so far.
//! Hand-written sections and text in the entry are kept as they are.

use super::diff::{Bump, Changes, Class, Section};

const UNRELEASED: &str = "## [Unreleased]";
const NEEDS: &str = "Needs a **";

/// What a new `CHANGELOG.md` starts with.
pub const PREAMBLE: &str = "# Changelog\n\n\
All notable changes to this project are documented here. The format is based on \
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and this project adheres to \
[Semantic Versioning](https://semver.org/spec/v2.0.0.html). Entries about the generated API are \
written by `cargo xtask codegen`.\n";

/// `existing` (the file's text, empty if there is none) with `report` merged into its Unreleased
/// entry; `version` is the crates' current version. An empty report changes nothing.
pub fn merge(existing: &str, report: &Changes, version: &str) -> String {
    let Some(bump) = report.bump() else {
        return existing.to_owned();
    };
    let existing = if existing.trim().is_empty() {
        PREAMBLE
    } else {
        existing
    };
    let (before, entry, after) = split(existing);
    let mut parsed = Entry::parse(entry);
    parsed.bump = parsed.bump.max(Some(bump));
    for change in &report.changes {
        let prefix = if change.class == Class::Breaking {
            "**Breaking** "
        } else {
            ""
        };
        let line = format!("- {prefix}{change}");
        let section = parsed.section(change.section.heading());
        if !section.contains(&line) {
            section.push(line);
        }
    }
    let mut out = before.trim_end().to_owned();
    out.push_str("\n\n");
    out.push_str(&parsed.render(version));
    if !after.is_empty() {
        out.push('\n');
        out.push_str(after);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// (text before the Unreleased entry, the entry without its heading, text after it).
fn split(text: &str) -> (&str, &str, &str) {
    let Some(start) = text.find(UNRELEASED) else {
        // No entry yet: it goes before the first release heading.
        let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
        return (&text[..at], "", &text[at..]);
    };
    let body = start + UNRELEASED.len();
    let end = text[body..]
        .find("\n## ")
        .map_or(text.len(), |i| body + i + 1);
    (&text[..start], &text[body..end], &text[end..])
}

/// The Unreleased entry, parsed.
#[derive(Default)]
struct Entry {
    bump: Option<Bump>,
    /// Text between the heading and the first section, other than the Needs line.
    intro: Vec<String>,
    /// `(heading, lines)` in file order.
    sections: Vec<(String, Vec<String>)>,
}

impl Entry {
    fn parse(text: &str) -> Self {
        let mut entry = Self::default();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix(NEEDS) {
                entry.bump = rest.split("**").next().and_then(Bump::parse);
            } else if let Some(heading) = line.strip_prefix("### ") {
                entry.sections.push((heading.trim().to_owned(), Vec::new()));
            } else if let Some((_, lines)) = entry.sections.last_mut() {
                if !line.trim().is_empty() {
                    lines.push(line.to_owned());
                }
            } else if !line.trim().is_empty() {
                entry.intro.push(line.to_owned());
            }
        }
        entry
    }

    fn section(&mut self, heading: &str) -> &mut Vec<String> {
        let at = match self.sections.iter().position(|(h, _)| h == heading) {
            Some(at) => at,
            None => {
                self.sections.push((heading.to_owned(), Vec::new()));
                self.sections.len() - 1
            }
        };
        &mut self.sections[at].1
    }

    fn render(&self, version: &str) -> String {
        let mut out = format!("{UNRELEASED}\n\n");
        if let Some(bump) = self.bump {
            out.push_str(&format!(
                "{NEEDS}{}** release of khipu-generated and khipu ({version} -> {}).\n\n",
                bump.label(),
                bump.next(version)
            ));
        }
        for line in &self.intro {
            out.push_str(line);
            out.push('\n');
        }
        if !self.intro.is_empty() {
            out.push('\n');
        }
        let order = [
            Section::Added,
            Section::Changed,
            Section::Deprecated,
            Section::Removed,
        ];
        let mut sections: Vec<&(String, Vec<String>)> = self.sections.iter().collect();
        sections.sort_by_key(|(h, _)| {
            order
                .iter()
                .position(|s| s.heading() == h)
                .unwrap_or(order.len())
        });
        for (heading, lines) in sections {
            out.push_str(&format!("### {heading}\n\n"));
            for line in lines {
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::diff::Change;

    fn change(class: Class, section: Section, text: &str) -> Change {
        Change {
            api: "bank cl/personal/x.cl".into(),
            operation: Some("getThings".into()),
            class,
            section,
            text: text.into(),
        }
    }

    #[test]
    fn a_new_changelog_gets_an_unreleased_entry_with_its_bump() {
        let report = Changes {
            changes: vec![
                change(
                    Class::Additive,
                    Section::Added,
                    "response field `body.a` added (optional string)",
                ),
                change(
                    Class::Breaking,
                    Section::Removed,
                    "operation removed (POST /x)",
                ),
            ],
        };
        let text = merge("", &report, "0.1.0");
        assert!(text.starts_with("# Changelog"), "{text}");
        assert!(text.contains("## [Unreleased]\n\nNeeds a **major** release of khipu-generated and khipu (0.1.0 -> 0.2.0)."), "{text}");
        let added = text.find("### Added").unwrap_or(usize::MAX);
        let removed = text.find("### Removed").unwrap_or(0);
        assert!(added < removed, "{text}");
        assert!(
            text.contains(
                "- **Breaking** bank cl/personal/x.cl: getThings: operation removed (POST /x)"
            ),
            "{text}"
        );
    }

    #[test]
    fn runs_accumulate_keep_hand_written_text_and_the_largest_bump() {
        let first = Changes {
            changes: vec![change(
                Class::Breaking,
                Section::Removed,
                "operation removed (POST /x)",
            )],
        };
        let second = Changes {
            changes: vec![
                change(Class::Additive, Section::Added, "operation added (GET /y)"),
                change(
                    Class::Breaking,
                    Section::Removed,
                    "operation removed (POST /x)",
                ),
            ],
        };
        let hand = format!(
            "{PREAMBLE}\n## [Unreleased]\n\n### Fixed\n\n- A hand-written fix.\n\n## [0.1.0] - 2026-10-01\n\n- First release.\n"
        );
        let once = merge(&hand, &first, "0.1.0");
        let twice = merge(&once, &second, "0.1.0");
        assert_eq!(twice.matches("operation removed").count(), 1, "{twice}");
        assert!(twice.contains("Needs a **major**"), "{twice}");
        assert!(twice.contains("- A hand-written fix."), "{twice}");
        assert!(
            twice.contains("## [0.1.0] - 2026-10-01\n\n- First release."),
            "{twice}"
        );
        assert!(twice.find("### Added") < twice.find("### Fixed"), "{twice}");
        assert_eq!(merge(&twice, &Changes::default(), "0.1.0"), twice);
    }

    #[test]
    fn an_entry_is_inserted_before_the_first_release() {
        let text = format!("{PREAMBLE}\n## [0.1.0] - 2026-10-01\n\n- First release.\n");
        let report = Changes {
            changes: vec![change(
                Class::Documentation,
                Section::Changed,
                "descriptions or examples changed",
            )],
        };
        let merged = merge(&text, &report, "0.1.0");
        assert!(
            merged.find("## [Unreleased]") < merged.find("## [0.1.0]"),
            "{merged}"
        );
        assert!(merged.contains("Needs a **patch** release"), "{merged}");
    }
}

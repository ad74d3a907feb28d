//! `specs/sources.toml`: where each document in `specs/` came from, as data. One entry per
//! document with its origin, trust label, SHA-256, and (for downloaded ones) the URL, retrieval
//! date, `ETag` and `Last-Modified` seen. `cargo xtask codegen --check` fails when a document's
//! bytes no longer match its entry (a hand edit of a downloaded document); `cargo xtask codegen`
//! records new and changed documents (and says so); `cargo xtask fetch` keeps the entries of what
//! it downloads. `specs/README.md`'s sources table is generated from it.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest, relative to the repository root.
pub const MANIFEST: &str = "specs/sources.toml";
/// The specs' README, whose sources table is generated.
pub const README: &str = "specs/README.md";
const TABLE_BEGIN: &str =
    "<!-- @generated from specs/sources.toml by `cargo xtask codegen` begin -->";
const TABLE_END: &str = "<!-- @generated end -->";

const HEADER: &str = "\
# Where each document in specs/ came from. `cargo xtask fetch` writes the entries of what it
# downloads, `cargo xtask codegen` records a document dropped in by hand (say where it came from
# by editing `origin`, `from` and `trust`), and `cargo xtask codegen --check` fails when a
# document's bytes differ from its `sha256`. specs/README.md's sources table is generated from it.
";

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// How Khipu's portal serves bank documents.
    pub portal: Portal,
    /// One entry per document, by path.
    #[serde(default, rename = "document")]
    pub documents: Vec<Document>,
}

/// Khipu's portal: where a bank's document is downloaded from, as a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portal {
    /// `{lang}`, `{country}`, `{segment}`, `{domain}` are filled in for a bank. The layout of the
    /// portal's download links is not in any document khipu-rs holds: `verified` says whether
    /// anyone checked it against the portal.
    pub download: String,
    /// The documentation language (`en`).
    pub lang: String,
    /// The file extension a downloaded bank document is saved with (`yaml`).
    pub extension: String,
    /// Whether the template was checked against the real portal.
    pub verified: bool,
    /// Why it is (not) verified.
    pub note: String,
}

/// One document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Below `specs/` (`banking/cl/personal/demo-bank.khipu.com.yaml`).
    pub path: String,
    /// `downloaded`, `reconstructed`, `overlay` (ours) or `unrecorded` (dropped in by hand; say
    /// where it came from).
    pub origin: String,
    /// What it was downloaded or reconstructed from.
    pub from: String,
    /// How far to trust it (Khipu's document, Khipu's pages, plugin code, third-party).
    pub trust: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Where it is downloaded from, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was last downloaded (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieved: Option<String>,
    /// The `ETag` the server sent with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The `Last-Modified` the server sent with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// A document whose bytes and entry disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Its bytes changed since its entry was written.
    Edited {
        path: String,
        recorded: String,
        actual: String,
    },
    /// No entry.
    Unrecorded { path: String },
    /// An entry without a document.
    Missing { path: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Edited {
                path,
                recorded,
                actual,
            } => write!(
                f,
                "specs/{path}: its bytes do not match {MANIFEST} (sha256 {} recorded, {} on disk): edited by hand? `cargo xtask fetch` a new download, or `cargo xtask codegen` to record the change",
                &recorded[..recorded.len().min(12)],
                &actual[..actual.len().min(12)]
            ),
            Problem::Unrecorded { path } => write!(
                f,
                "specs/{path} has no entry in {MANIFEST}: `cargo xtask codegen` records it (then say where it came from)"
            ),
            Problem::Missing { path } => write!(
                f,
                "{MANIFEST} lists specs/{path}, which does not exist: `cargo xtask codegen` drops the entry"
            ),
        }
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Manifest {
    /// The manifest of the repository at `repo`.
    pub fn load(repo: &Path) -> Result<Self, String> {
        let path = repo.join(MANIFEST);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{MANIFEST}: {e}"))
    }

    /// The manifest as written (header, portal, then each document by path).
    pub fn render(&self) -> Result<String, String> {
        let mut sorted = self.clone();
        sorted.documents.sort_by(|a, b| a.path.cmp(&b.path));
        let body = toml::to_string(&sorted).map_err(|e| format!("{MANIFEST}: {e}"))?;
        Ok(format!("{HEADER}\n{body}"))
    }

    /// Writes it to `repo`.
    pub fn save(&self, repo: &Path) -> Result<(), String> {
        std::fs::write(repo.join(MANIFEST), self.render()?)
            .map_err(|e| format!("cannot write {MANIFEST}: {e}"))
    }

    /// The entry of `path` (below `specs/`).
    pub fn entry_mut(&mut self, path: &str) -> Option<&mut Document> {
        self.documents.iter_mut().find(|d| d.path == path)
    }

    /// Where disk and manifest disagree.
    pub fn verify(&self, on_disk: &[(String, Vec<u8>)]) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (path, bytes) in on_disk {
            match self.documents.iter().find(|d| &d.path == path) {
                None => problems.push(Problem::Unrecorded { path: path.clone() }),
                Some(entry) => {
                    let actual = sha256_hex(bytes);
                    if actual != entry.sha256 {
                        problems.push(Problem::Edited {
                            path: path.clone(),
                            recorded: entry.sha256.clone(),
                            actual,
                        });
                    }
                }
            }
        }
        for entry in &self.documents {
            if !on_disk.iter().any(|(path, _)| path == &entry.path) {
                problems.push(Problem::Missing {
                    path: entry.path.clone(),
                });
            }
        }
        problems
    }

    /// Brings the manifest in line with the disk: records new documents (origin `unrecorded`),
    /// new hashes of changed ones, drops entries of removed ones. Returns what it did, in words.
    pub fn reconcile(&mut self, on_disk: &[(String, Vec<u8>)]) -> Vec<String> {
        let mut notes = Vec::new();
        for problem in self.verify(on_disk) {
            match problem {
                Problem::Edited { path, actual, .. } => {
                    if let Some(entry) = self.entry_mut(&path) {
                        entry.sha256 = actual;
                    }
                    notes.push(format!(
                        "sources: specs/{path} changed; its new SHA-256 is recorded (if it is a new download, `cargo xtask fetch` also records the URL and date)"
                    ));
                }
                Problem::Unrecorded { path } => {
                    let sha256 = on_disk
                        .iter()
                        .find(|(p, _)| *p == path)
                        .map(|(_, bytes)| sha256_hex(bytes))
                        .unwrap_or_default();
                    notes.push(format!(
                        "sources: specs/{path} recorded in {MANIFEST} as `unrecorded`: say where it came from (origin, from, trust)"
                    ));
                    self.documents.push(Document {
                        path,
                        origin: "unrecorded".into(),
                        from: "dropped into specs/ by hand; not yet said".into(),
                        trust: "unknown".into(),
                        sha256,
                        url: None,
                        retrieved: None,
                        etag: None,
                        last_modified: None,
                    });
                }
                Problem::Missing { path } => {
                    self.documents.retain(|d| d.path != path);
                    notes.push(format!(
                        "sources: specs/{path} is gone; its entry is dropped"
                    ));
                }
            }
        }
        notes
    }

    /// The sources table of specs/README.md.
    pub fn table(&self) -> String {
        let mut sorted: Vec<&Document> = self.documents.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        let mut out = String::from(
            "| document | origin | from | trust | SHA-256 | retrieved |\n|---|---|---|---|---|---|\n",
        );
        for d in sorted {
            let from = match &d.url {
                Some(url) => format!("{} (<{url}>)", d.from),
                None => d.from.clone(),
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | `{}…` | {} |\n",
                d.path,
                d.origin,
                from.replace('|', "\\|"),
                d.trust.replace('|', "\\|"),
                &d.sha256[..d.sha256.len().min(12)],
                d.retrieved.as_deref().unwrap_or("-")
            ));
        }
        let portal = &self.portal;
        out.push_str(&format!(
            "\nBank documents are fetched from `{}` (`lang` = `{}`): {}. {}\n",
            portal.download,
            portal.lang,
            if portal.verified {
                "verified against the portal"
            } else {
                "**unverified**"
            },
            portal.note
        ));
        out
    }
}

/// `readme` with its generated sources table replaced by `table`.
pub fn readme_with_table(readme: &str, table: &str) -> Result<String, String> {
    let (Some(begin), Some(end)) = (readme.find(TABLE_BEGIN), readme.find(TABLE_END)) else {
        return Err(format!(
            "{README} has no `{TABLE_BEGIN}` ... `{TABLE_END}` block for the sources table"
        ));
    };
    if end < begin {
        return Err(format!(
            "{README}: the sources table's markers are out of order"
        ));
    }
    Ok(format!(
        "{}{TABLE_BEGIN}\n{table}{}",
        &readme[..begin],
        &readme[end..]
    ))
}

/// Every document under `specs/` (its manifest and README aside), by path below `specs/`, with
/// its bytes, sorted.
pub fn documents_on_disk(repo: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let root = repo.join("specs");
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&root)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            if relative == "README.md" || relative == "sources.toml" {
                continue;
            }
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            out.push((relative, bytes));
        }
    }
    out.sort();
    Ok(out)
}

/// Today's date in UTC, `YYYY-MM-DD` (civil from days, Howard Hinnant's algorithm).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
    }

    #[test]
    fn the_repository_s_documents_match_their_entries() {
        let manifest = Manifest::load(repo()).unwrap();
        let on_disk = documents_on_disk(repo()).unwrap();
        assert!(on_disk.len() >= 10, "{}", on_disk.len());
        assert_eq!(manifest.verify(&on_disk), Vec::new());
    }

    #[test]
    fn a_one_byte_edit_to_any_document_is_named() {
        let manifest = Manifest::load(repo()).unwrap();
        let on_disk = documents_on_disk(repo()).unwrap();
        for i in 0..on_disk.len() {
            let mut edited = on_disk.clone();
            let bytes = &mut edited[i].1;
            let last = bytes.len() - 1;
            bytes[last] ^= 1;
            let problems = manifest.verify(&edited);
            assert_eq!(problems.len(), 1, "{problems:?}");
            let said = problems[0].to_string();
            assert!(
                said.starts_with(&format!("specs/{}: its bytes do not match", edited[i].0)),
                "{said}"
            );
        }
    }

    #[test]
    fn reconcile_records_new_and_changed_and_drops_missing() {
        let mut manifest = Manifest::load(repo()).unwrap();
        let mut on_disk = documents_on_disk(repo()).unwrap();
        on_disk[0].1.push(b'\n');
        let gone = on_disk.remove(1).0;
        on_disk.push((
            "banking/cl/personal/new.cl.yaml".into(),
            b"openapi: 3.0.3\n".to_vec(),
        ));
        let notes = manifest.reconcile(&on_disk);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(manifest.verify(&on_disk), Vec::new());
        assert!(manifest.documents.iter().all(|d| d.path != gone));
        let added = manifest
            .entry_mut("banking/cl/personal/new.cl.yaml")
            .unwrap();
        assert_eq!(added.origin, "unrecorded");
        // It round-trips through its text.
        let text = manifest.render().unwrap();
        assert_eq!(
            toml::from_str::<Manifest>(&text).unwrap().documents.len(),
            manifest.documents.len()
        );
    }

    #[test]
    fn the_readme_table_is_replaced_between_its_markers_only() {
        let readme = format!("before\n{TABLE_BEGIN}\nold\n{TABLE_END}\nafter\n");
        let out = readme_with_table(&readme, "new\n").unwrap();
        assert_eq!(
            out,
            format!("before\n{TABLE_BEGIN}\nnew\n{TABLE_END}\nafter\n")
        );
        assert!(readme_with_table("no markers", "x").is_err());
    }

    #[test]
    fn today_is_a_date() {
        let day = today();
        assert_eq!(day.len(), 10);
        assert!(day.starts_with("20"), "{day}");
    }
}

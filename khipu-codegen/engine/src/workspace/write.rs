//! The plan against the disk: which generated files exist, which are out of date or stale (no
//! spec generates them any more), and writing the plan. `cargo xtask codegen` reports what these
//! return; `--check` writes nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{GENERATED_CRATE, Plan, PlannedFile};

/// Every file under the generated crate's `src/`, relative to `repo`.
pub fn existing_files(repo: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![repo.join(GENERATED_CRATE).join("src")];
    while let Some(dir) = stack.pop() {
        if !dir.exists() {
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(repo).unwrap_or(&path).to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files of `existing` the plan no longer generates.
pub fn stale(plan: &Plan, existing: &[PathBuf]) -> Vec<PathBuf> {
    let planned: BTreeSet<&PathBuf> = plan.files.iter().map(|f| &f.path).collect();
    existing
        .iter()
        .filter(|f| !planned.contains(f))
        .cloned()
        .collect()
}

/// Each planned file whose contents on disk differ (or that is missing), with what is on disk.
pub fn out_of_date<'p>(repo: &Path, plan: &'p Plan) -> Vec<(&'p PlannedFile, String)> {
    plan.files
        .iter()
        .filter_map(|file| {
            let current = std::fs::read_to_string(repo.join(&file.path)).unwrap_or_default();
            (current != file.contents).then_some((file, current))
        })
        .collect()
}

/// Writes every planned file that differs from the disk and removes `stale`; how many files it
/// wrote. An error names the file.
pub fn write(repo: &Path, plan: &Plan, stale: &[PathBuf]) -> Result<usize, String> {
    let mut written = 0;
    for (file, _) in out_of_date(repo, plan) {
        let path = repo.join(&file.path);
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &file.contents))
            .map_err(|e| format!("cannot write {}: {e}", file.path.display()))?;
        written += 1;
    }
    for path in stale {
        std::fs::remove_file(repo.join(path))
            .map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
    }
    Ok(written)
}

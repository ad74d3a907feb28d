//! Reading and generating every spec, and deciding where each module goes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{GENERATED_CRATE, PlannedClient, SPECS_DIR, render};
use crate::Client;
use crate::error::SpecError;
use crate::identity::{Identity, module_ident, version_module};

/// One spec, generated and formatted.
pub(super) struct Made {
    pub(super) client: Client,
    /// The formatted module body.
    pub(super) body: String,
    /// Time to read, generate and format it.
    pub(super) elapsed: Duration,
    /// The document as the sandbox serves it.
    pub(super) served: serde_json::Value,
}

/// The spec files under `repo/specs`, sorted, as paths relative to `repo`.
pub fn find_specs(repo: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let mut found = Vec::new();
    let mut stack = vec![repo.join(SPECS_DIR)];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            SpecError::new(
                &dir.display().to_string(),
                "",
                format!("cannot list specs: {e}"),
            )
        })?;
        for entry in entries {
            let path = entry
                .map_err(|e| SpecError::new(&dir.display().to_string(), "", e.to_string()))?
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) && !khipu_doc::overlay::is_overlay(&path)
            {
                found.push(path.strip_prefix(repo).unwrap_or(&path).to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Reads, generates and formats every spec of `specs` (relative to `repo`), on as many threads as
/// the machine has cores: the work is CPU-bound (progenitor, printing, rustfmt in a child
/// process) and each spec is independent. Results keep the order of `specs`; every broken spec
/// is reported.
pub(super) fn generate_all(repo: &Path, specs: &[PathBuf]) -> Result<Vec<Made>, Vec<SpecError>> {
    // Largest first (file size stands for work): the big payments documents start at once and
    // the banks fill in around them, so no thread is left alone with a long spec at the end.
    let mut order: Vec<usize> = (0..specs.len()).collect();
    let size = |i: &usize| std::fs::metadata(repo.join(&specs[*i])).map_or(0, |m| m.len());
    order.sort_by_key(|i| std::cmp::Reverse(size(i)));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Made, SpecError>>>> =
        Mutex::new(specs.iter().map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(specs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let spec = &specs[i];
                    // A panic below (a bug) is this spec's error, not the end of the run.
                    let made = std::panic::catch_unwind(|| generate_one(repo, spec))
                        .unwrap_or_else(|_| {
                            Err(SpecError::new(
                                &spec.display().to_string(),
                                "",
                                "the generator panicked on this spec; please report it",
                            ))
                        });
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(made);
                    }
                }
            });
        }
    });
    let mut made = Vec::new();
    let mut errors = Vec::new();
    let results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    for (spec, result) in specs.iter().zip(results) {
        match result {
            Some(Ok(m)) => made.push(m),
            Some(Err(e)) => errors.push(e),
            None => errors.push(SpecError::new(
                &spec.display().to_string(),
                "",
                "its generator thread stopped; please report it",
            )),
        }
    }
    if errors.is_empty() {
        Ok(made)
    } else {
        Err(errors)
    }
}

/// One spec: read (overlay applied), generated and formatted.
fn generate_one(repo: &Path, spec: &Path) -> Result<Made, SpecError> {
    let start = Instant::now();
    let name = spec.display().to_string();
    let path = repo.join(spec);
    let source = crate::load::read_spec(&path, &name)?;
    let served = render::sandbox_entry(spec, &source);
    let generated = crate::generate_source(source, &path)?;
    let body = crate::format::code(&generated.client.spec, &generated.code)?;
    Ok(Made {
        client: generated.client,
        body,
        elapsed: start.elapsed(),
        served,
    })
}

/// Where each module goes: its Rust path, file and feature, by the spec's identity. Two banks of
/// one segment whose domains share a first label both use their full domain.
pub(super) fn place(made: Vec<Made>) -> Result<Vec<PlannedClient>, SpecError> {
    let src = Path::new(GENERATED_CRATE).join("src");
    // cc -> segment -> [(client index, module)]
    let mut tree: BTreeMap<String, BTreeMap<String, Vec<(usize, String)>>> = BTreeMap::new();
    let mut clients = Vec::new();
    // (client index, family module, version module)
    let mut apis: Vec<(usize, String, String)> = Vec::new();
    for (i, m) in made.iter().enumerate() {
        let client = &m.client;
        match &client.identity {
            Identity::Bank(bank) => {
                tree.entry(bank.country.clone())
                    .or_default()
                    .entry(bank.segment.clone())
                    .or_default()
                    .push((i, bank.short_module()));
            }
            Identity::Api { family, version } => {
                apis.push((i, module_ident(family), version_module(version)));
            }
        }
    }
    for segments in tree.values_mut() {
        for banks in segments.values_mut() {
            let shorts: Vec<String> = banks.iter().map(|(_, m)| m.clone()).collect();
            for (i, module) in banks.iter_mut() {
                if shorts.iter().filter(|s| *s == module).count() > 1
                    && let Identity::Bank(bank) = &made[*i].client.identity
                {
                    *module = bank.long_module();
                }
            }
            banks.sort_by(|a, b| a.1.cmp(&b.1));
        }
    }
    let mut modules: BTreeMap<usize, (String, PathBuf, String)> = BTreeMap::new();
    for (cc, segments) in &tree {
        for (segment, banks) in segments {
            for (i, module) in banks {
                let feature = format!("{cc}-{segment}-{}", module.replace('_', "-"));
                let file = src
                    .join("banking")
                    .join(cc)
                    .join(segment)
                    .join(format!("{module}.rs"));
                modules.insert(
                    *i,
                    (format!("banking::{cc}::{segment}::{module}"), file, feature),
                );
            }
        }
    }
    let mut by_module: Vec<(&str, &str, usize)> = apis
        .iter()
        .map(|(i, family, version)| (family.as_str(), version.as_str(), *i))
        .collect();
    by_module.sort();
    if let Some(w) = by_module
        .windows(2)
        .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
    {
        return Err(SpecError::new(
            &made[w[1].2].client.spec,
            "",
            "two specs of one API have the same version",
        ));
    }
    for (i, family, version) in &apis {
        let feature = format!("{}-{}", family.replace('_', "-"), version.replace('_', "-"));
        modules.insert(
            *i,
            (
                format!("{family}::{version}"),
                src.join(family).join(format!("{version}.rs")),
                feature,
            ),
        );
    }
    for (i, m) in made.into_iter().enumerate() {
        let Made {
            mut client,
            body,
            elapsed,
            ..
        } = m;
        let Some((module_path, file, feature)) = modules.remove(&i) else {
            return Err(SpecError::new(
                &client.spec,
                "",
                "the generator found no place for this module; please report it",
            ));
        };
        let lines = render::module_header(&client).lines().count() + body.lines().count();
        client.summary.module.clone_from(&module_path);
        client.summary.feature.clone_from(&feature);
        clients.push(PlannedClient {
            client,
            module_path,
            feature,
            file,
            body,
            lines,
            elapsed,
        });
    }
    Ok(clients)
}

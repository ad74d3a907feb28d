//! Lays the generated clients out as the `khipu-generated` crate: one module per spec, the module
//! tree, the bank catalog, and a Cargo.toml with one feature per bank and per country.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;

use crate::error::SpecError;
use crate::identity::{Identity, payments_module};
use crate::{Client, generate_file};

/// Where the generated crate lives, relative to the repository root.
pub const GENERATED_CRATE: &str = "khipu-generated";
/// Where the specs live, relative to the repository root.
pub const SPECS_DIR: &str = "specs";

/// A file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Relative to the repository root.
    pub path: PathBuf,
    /// Full contents, header included.
    pub contents: String,
}

/// A generated client and where it goes.
#[derive(Debug)]
pub struct PlannedClient {
    /// The client.
    pub client: Client,
    /// Rust path below the crate root (`banking::cl::personal::demo_bank`).
    pub module_path: String,
    /// The cargo feature that compiles it.
    pub feature: String,
    /// The module file, relative to the repository root.
    pub file: PathBuf,
    /// Lines in the module file.
    pub lines: usize,
    /// Time to read, normalize, generate and format it.
    pub elapsed: Duration,
}

/// Everything `cargo xtask codegen` writes.
#[derive(Debug)]
pub struct Plan {
    /// The clients, in spec order.
    pub clients: Vec<PlannedClient>,
    /// Every file of the generated crate that is generated (Cargo.toml and all of `src/`).
    pub files: Vec<PlannedFile>,
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
            ) && !crate::overlay::is_overlay(&path)
            {
                found.push(path.strip_prefix(repo).unwrap_or(&path).to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Generates every spec and lays out the crate. All broken specs are reported, not just the first.
pub fn plan(repo: &Path) -> Result<Plan, Vec<SpecError>> {
    let specs = find_specs(repo).map_err(|e| vec![e])?;
    let mut clients = Vec::new();
    let mut errors = Vec::new();
    for spec in &specs {
        let start = Instant::now();
        let name = spec.display().to_string();
        match generate_file(&repo.join(spec), &name).and_then(|c| {
            let body = format_module(&c.spec, &c.tokens)?;
            Ok((c, body))
        }) {
            Ok((client, body)) => clients.push((client, body, start.elapsed())),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    layout(clients).map_err(|e| vec![e])
}

/// Formats a module body exactly as `cargo fmt` would leave it: prettyplease, then rustfmt.
pub fn format_module(spec: &str, tokens: &TokenStream) -> Result<String, SpecError> {
    let file: syn::File = syn::parse2(tokens.clone()).map_err(|e| {
        SpecError::new(
            spec,
            "",
            format!("generated code does not parse ({e}); please report it"),
        )
    })?;
    rustfmt(spec, &prettyplease::unparse(&file))
}

fn rustfmt(spec: &str, code: &str) -> Result<String, SpecError> {
    let fail = |m: String| SpecError::new(spec, "", m);
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(format!(
                "cannot run rustfmt ({e}); install it with `rustup component add rustfmt`"
            ))
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| fail("rustfmt has no stdin".into()))?;
    let input = code.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| fail(format!("rustfmt failed: {e}")))?;
    writer
        .join()
        .map_err(|_| fail("rustfmt input thread failed".into()))?
        .map_err(|e| fail(format!("rustfmt input: {e}")))?;
    if !out.status.success() {
        return Err(fail(format!(
            "rustfmt rejected the generated code: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    String::from_utf8(out.stdout).map_err(|e| fail(format!("rustfmt output is not UTF-8: {e}")))
}

/// The header of a generated module file.
pub fn module_header(client: &Client) -> String {
    let overlay = client
        .overlay
        .as_ref()
        .map(|o| {
            format!(
                "// With the overlay {} (SHA-256: {}).\n",
                o.name.replace('\\', "/"),
                o.sha256
            )
        })
        .unwrap_or_default();
    format!(
        "// @generated by `cargo xtask codegen` from {} -- do not edit by hand.\n\
         // Spec SHA-256: {}\n{overlay}\
         // To change this file, change the spec, its overlay or the generator (khipu-codegen/engine) and rerun the command.\n\n",
        client.spec.replace('\\', "/"),
        client.sha256
    )
}

const TREE_HEADER: &str =
    "// @generated by `cargo xtask codegen` from the specs in specs/ -- do not edit by hand.\n\n";

fn layout(generated: Vec<(Client, String, Duration)>) -> Result<Plan, SpecError> {
    let src = Path::new(GENERATED_CRATE).join("src");
    // cc -> segment -> [(client index, module)]
    let mut tree: BTreeMap<String, BTreeMap<String, Vec<(usize, String)>>> = BTreeMap::new();
    let mut clients = Vec::new();
    let mut files = Vec::new();
    let mut payments: Vec<(usize, String)> = Vec::new();
    for (i, (client, _, _)) in generated.iter().enumerate() {
        match &client.identity {
            Identity::Bank(bank) => {
                tree.entry(bank.country.clone())
                    .or_default()
                    .entry(bank.segment.clone())
                    .or_default()
                    .push((i, bank.short_module()));
            }
            Identity::Payments { version } => payments.push((i, payments_module(version))),
        }
    }
    // Two banks of one segment whose domains share a first label both use their full domain.
    for segments in tree.values_mut() {
        for banks in segments.values_mut() {
            let shorts: Vec<String> = banks.iter().map(|(_, m)| m.clone()).collect();
            for (i, module) in banks.iter_mut() {
                if shorts.iter().filter(|s| *s == module).count() > 1
                    && let Identity::Bank(bank) = &generated[*i].0.identity
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
    let mut by_module = payments.clone();
    by_module.sort_by(|a, b| a.1.cmp(&b.1));
    if let Some(w) = by_module.windows(2).find(|w| w[0].1 == w[1].1) {
        {
            return Err(SpecError::new(
                &generated[w[1].0].0.spec,
                "",
                "two payments specs have the same version",
            ));
        }
    }
    for (i, module) in &payments {
        modules.insert(
            *i,
            (
                format!("payments::{module}"),
                src.join("payments").join(format!("{module}.rs")),
                format!("payments-{}", module.replace('_', "-")),
            ),
        );
    }
    for (i, (mut client, body, elapsed)) in generated.into_iter().enumerate() {
        let Some((module_path, file, feature)) = modules.remove(&i) else {
            return Err(SpecError::new(
                &client.spec,
                "",
                "the generator found no place for this module; please report it",
            ));
        };
        let contents = format!("{}{}", module_header(&client), body);
        let lines = contents.lines().count();
        files.push(PlannedFile {
            path: file.clone(),
            contents,
        });
        client.summary.module.clone_from(&module_path);
        client.summary.feature.clone_from(&feature);
        files.push(PlannedFile {
            path: summary_path(&file),
            contents: client.summary.render(),
        });
        clients.push(PlannedClient {
            client,
            module_path,
            feature,
            file,
            lines,
            elapsed,
        });
    }
    files.push(PlannedFile {
        path: Path::new(GENERATED_CRATE).join("Cargo.toml"),
        contents: cargo_toml(&clients),
    });
    files.push(PlannedFile {
        path: src.join("lib.rs"),
        contents: lib_rs(&clients),
    });
    files.push(PlannedFile {
        path: src.join("catalog.rs"),
        contents: catalog_rs(&clients),
    });
    files.extend(module_tree(&src, &clients));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan { clients, files })
}

/// Where the API summary of the module at `module` goes: beside it, as `<module>.api.json`.
pub fn summary_path(module: &Path) -> PathBuf {
    module.with_extension(SUMMARY_EXTENSION)
}

/// The extension of API summary files.
pub const SUMMARY_EXTENSION: &str = "api.json";

fn banks(clients: &[PlannedClient]) -> impl Iterator<Item = (&PlannedClient, &crate::BankId)> {
    clients.iter().filter_map(|c| match &c.client.identity {
        Identity::Bank(b) => Some((c, b)),
        Identity::Payments { .. } => None,
    })
}

fn payments(clients: &[PlannedClient]) -> impl Iterator<Item = &PlannedClient> {
    clients
        .iter()
        .filter(|c| matches!(c.client.identity, Identity::Payments { .. }))
}

fn cargo_toml(clients: &[PlannedClient]) -> String {
    let mut countries: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (c, bank) in banks(clients) {
        countries.entry(&bank.country).or_default().push(&c.feature);
    }
    let quoted = |items: &[&str]| {
        items
            .iter()
            .map(|i| format!("\"{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from(
        "# @generated by `cargo xtask codegen` from the specs in specs/ -- do not edit by hand.\n\
         [package]\n\
         name = \"khipu-generated\"\n\
         description = \"Typed clients for Khipu's APIs, one per spec in specs/, generated by cargo xtask codegen\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         repository.workspace = true\n\n\
         [package.metadata.docs.rs]\n\
         # Every bank, each item marked with the feature it needs.\n\
         all-features = true\n\
         rustdoc-args = [\"--cfg\", \"docsrs\"]\n\n\
         [features]\n\
         default = [\"all-banks\", \"payments\"]\n",
    );
    let country_names: Vec<&str> = countries.keys().copied().collect();
    let _ = writeln!(
        out,
        "# Every bank of every country.\nall-banks = [{}]",
        quoted(&country_names)
    );
    for (cc, features) in &countries {
        let _ = writeln!(out, "# Every bank in {cc}.\n{cc} = [{}]", quoted(features));
    }
    for (c, bank) in banks(clients) {
        let _ = writeln!(
            out,
            "# {} ({}), from {}\n{} = []",
            c.client.title,
            bank.id(),
            c.client.spec,
            c.feature
        );
    }
    let versions: Vec<&PlannedClient> = payments(clients).collect();
    let names: Vec<&str> = versions.iter().map(|c| c.feature.as_str()).collect();
    let _ = writeln!(
        out,
        "# Every version of the payments API.\npayments = [{}]",
        quoted(&names)
    );
    for c in versions {
        let _ = writeln!(
            out,
            "# {} {}, from {}\n{} = []",
            c.client.title, c.module_path, c.client.spec, c.feature
        );
    }
    out.push_str(
        "\n[dependencies]\n\
         khipu-types.workspace = true\n\
         progenitor-client.workspace = true\n\
         reqwest.workspace = true\n\
         serde.workspace = true\n\
         serde_json.workspace = true\n",
    );
    out
}

fn lib_rs(clients: &[PlannedClient]) -> String {
    let mut out = String::from(TREE_HEADER);
    out.push_str(
        "//! Typed clients for Khipu's APIs, generated from the OpenAPI documents in `specs/` by\n\
         //! `cargo xtask codegen`: one module per bank under [`banking`], the payments API under\n\
         //! `payments`, and the list of compiled banks in [`catalog`].\n\
         //!\n\
         //! Each bank is a cargo feature (`cl-personal-demo-bank`), each country too (`cl`);\n\
         //! `all-banks` and `payments` are on by default.\n\
         //!\n\
         //! | feature | bank | module |\n\
         //! |---|---|---|\n",
    );
    for (c, bank) in banks(clients) {
        let _ = writeln!(
            out,
            "//! | `{}` | {} (`{}`) | `{}` |",
            c.feature,
            c.client.title,
            bank.id(),
            c.module_path
        );
    }
    // docs.rs (nightly, `--cfg docsrs`) marks each feature-gated item with its feature.
    out.push_str(
        "\n#![cfg_attr(docsrs, feature(doc_cfg))]\n\npub mod banking;\npub mod catalog;\n",
    );
    let features: Vec<String> = payments(clients)
        .map(|c| format!("feature = \"{}\"", c.feature))
        .collect();
    if !features.is_empty() {
        let _ = writeln!(
            out,
            "#[cfg(any({}))]\npub mod payments;",
            features.join(", ")
        );
    }
    out
}

fn catalog_rs(clients: &[PlannedClient]) -> String {
    let mut out = String::from(TREE_HEADER);
    out.push_str(
        "//! The banks compiled into this crate, one per enabled bank feature.\n\n\
         use khipu_types::catalog::BankInfo;\n\n\
         /// Every bank whose feature is enabled, ordered by id (`cl/personal/demo-bank.khipu.com`).\n\
         #[allow(clippy::vec_init_then_push)] // one cfg-gated push per bank feature\npub fn banks() -> Vec<&'static BankInfo> {\n    #[allow(unused_mut)]\n    let mut banks: Vec<&'static BankInfo> = Vec::new();\n",
    );
    let mut sorted: Vec<_> = banks(clients).collect();
    sorted.sort_by_key(|(_, b)| b.id());
    for (c, _) in sorted {
        let _ = writeln!(
            out,
            "    #[cfg(feature = \"{}\")]\n    banks.push(&crate::{}::INFO);",
            c.feature, c.module_path
        );
    }
    out.push_str("    banks\n}\n");
    out
}

fn module_tree(src: &Path, clients: &[PlannedClient]) -> Vec<PlannedFile> {
    // directory (relative to src) -> child module name -> (doc, cfg feature for leaves)
    let mut dirs: BTreeMap<PathBuf, BTreeMap<String, (String, Option<String>)>> = BTreeMap::new();
    for c in clients {
        let segments: Vec<&str> = c.module_path.split("::").collect();
        for depth in 0..segments.len() {
            let dir: PathBuf = segments[..depth].iter().collect();
            let name = segments[depth].to_owned();
            let leaf = depth + 1 == segments.len();
            let doc = if leaf {
                leaf_doc(c)
            } else {
                branch_doc(&segments[..=depth])
            };
            let cfg = leaf.then(|| c.feature.clone());
            dirs.entry(dir)
                .or_default()
                .entry(name)
                .or_insert((doc, cfg));
        }
    }
    dirs.into_iter()
        .filter(|(dir, _)| !dir.as_os_str().is_empty())
        .map(|(dir, children)| {
            let mut out = String::from(TREE_HEADER);
            let _ = writeln!(
                out,
                "//! {}\n",
                branch_doc(
                    &dir.iter()
                        .map(|s| s.to_str().unwrap_or_default())
                        .collect::<Vec<_>>()
                )
            );
            for (name, (doc, cfg)) in children {
                let _ = writeln!(out, "/// {doc}");
                if let Some(feature) = cfg {
                    let _ = writeln!(out, "#[cfg(feature = \"{feature}\")]");
                }
                let _ = writeln!(out, "pub mod {name};");
            }
            PlannedFile {
                path: src.join(dir).join("mod.rs"),
                contents: out,
            }
        })
        .collect()
}

fn branch_doc(segments: &[&str]) -> String {
    match segments {
        ["banking"] => "Open Data banking clients, by country and segment.".into(),
        ["banking", cc] => format!("Banks in `{cc}`."),
        ["banking", cc, segment] => format!("`{segment}` banks in `{cc}`."),
        ["payments"] => "Payments API clients, by version.".into(),
        other => other.join("::"),
    }
}

fn leaf_doc(c: &PlannedClient) -> String {
    let what = match &c.client.identity {
        Identity::Bank(bank) => format!("{} (`{}`)", c.client.title, bank.id()),
        Identity::Payments { version } => format!("{} v{version}", c.client.title),
    };
    format!(
        "{what}: {} operations, generated from `{}`.",
        c.client.operations.len(),
        c.client.spec
    )
}

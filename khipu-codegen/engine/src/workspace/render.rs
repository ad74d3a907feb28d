//! Every generated file's contents, from the placed clients: each module (header, then body) and
//! its API summary, the module tree, `lib.rs`, the catalog, the conformance hooks' index, the
//! crate's Cargo.toml and README, the sandbox's documents and the facade's feature block.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{
    FACADE_MANIFEST, FEATURES_BEGIN, FEATURES_END, GENERATED_CRATE, PlannedClient, PlannedFile,
    SANDBOX_SPECS, SPECS_DIR, summary_path,
};
use crate::Client;
use crate::error::SpecError;
use crate::identity::{Identity, module_ident};

/// Every file of the plan, sorted by path.
pub(super) fn files(
    clients: &[PlannedClient],
    served: &[serde_json::Value],
    manifest: &str,
) -> Result<Vec<PlannedFile>, SpecError> {
    let src = Path::new(GENERATED_CRATE).join("src");
    let mut files = Vec::new();
    for c in clients {
        files.push(PlannedFile {
            path: c.file.clone(),
            contents: format!("{}{}", module_header(&c.client), c.body),
        });
        files.push(PlannedFile {
            path: summary_path(&c.file),
            contents: c.client.summary.render(),
        });
    }
    let crate_files = [
        (
            Path::new(GENERATED_CRATE).join("Cargo.toml"),
            cargo_toml(clients),
        ),
        (
            Path::new(GENERATED_CRATE).join("README.md"),
            readme(clients),
        ),
        (src.join("lib.rs"), lib_rs(clients)),
        // Long lists (every bank's feature, every operation): formatted as `cargo fmt` would
        // leave them.
        (
            src.join("catalog.rs"),
            crate::format::rustfmt("khipu-generated/src/catalog.rs", &catalog_rs(clients))?,
        ),
        (
            src.join("conformance.rs"),
            crate::format::rustfmt(
                "khipu-generated/src/conformance.rs",
                &conformance_rs(clients),
            )?,
        ),
        (SANDBOX_SPECS.into(), sandbox_specs(served)),
        (FACADE_MANIFEST.into(), facade_manifest(manifest, clients)?),
    ];
    files.extend(
        crate_files
            .into_iter()
            .map(|(path, contents)| PlannedFile { path, contents }),
    );
    files.extend(module_tree(&src, clients));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A spec as the sandbox serves it: the document as published with its overlay applied (what the
/// clients are generated from, before normalization), under its name below `specs/`.
pub(super) fn sandbox_entry(spec: &Path, source: &crate::load::Source) -> serde_json::Value {
    let name = spec
        .strip_prefix(SPECS_DIR)
        .unwrap_or(spec)
        .to_string_lossy()
        .replace('\\', "/");
    serde_json::json!({
        "name": name,
        "sha256": source.sha256,
        "overlay": source.overlay.as_ref().map(|o| o.sha256.clone()),
        "doc": source.doc,
    })
}

fn sandbox_specs(served: &[serde_json::Value]) -> String {
    // Pretty, one value per line: `--check` diffs stay readable.
    let mut out = serde_json::to_string_pretty(served).unwrap_or_default();
    out.push('\n');
    out
}

/// `manifest` with the lines between [`FEATURES_BEGIN`] and [`FEATURES_END`] replaced by one
/// feature per bank, country and payments version, each enabling khipu-generated's of the same
/// name: one dependency line on the facade picks the banks a service needs.
fn facade_manifest(manifest: &str, clients: &[PlannedClient]) -> Result<String, SpecError> {
    let missing = || {
        SpecError::new(
            FACADE_MANIFEST,
            "[features]",
            format!(
                "the generated feature list must sit between the lines `{FEATURES_BEGIN}` and `{FEATURES_END}`"
            ),
        )
    };
    let (head, rest) = manifest.split_once(FEATURES_BEGIN).ok_or_else(missing)?;
    let (_, tail) = rest.split_once(FEATURES_END).ok_or_else(missing)?;
    let mut block = String::new();
    for feature in features(clients) {
        // Groups turn on the facade's own features (so `#[cfg(feature = "payments-v3-0")]` holds
        // under `payments`); each leaf turns on the generated crate's module.
        let enables = if feature.enables.is_empty() {
            vec![format!("{GENERATED_CRATE}/{}", feature.name)]
        } else {
            feature.enables.clone()
        };
        let _ = writeln!(
            block,
            "# {}\n{} = [{}]",
            feature.doc,
            feature.name,
            quoted(&enables)
        );
    }
    Ok(format!(
        "{head}{FEATURES_BEGIN}\n{block}{FEATURES_END}{tail}"
    ))
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

/// The generated crate's root, in the paths its files write (`crate::banking::...`).
const ROOT: &str = "crate::";

const TREE_HEADER: &str =
    "// @generated by `cargo xtask codegen` from the specs in specs/ -- do not edit by hand.\n\n";

fn banks(clients: &[PlannedClient]) -> impl Iterator<Item = (&PlannedClient, &crate::BankId)> {
    clients.iter().filter_map(|c| match &c.client.identity {
        Identity::Bank(b) => Some((c, b)),
        Identity::Api { .. } => None,
    })
}

/// The APIs that are not banks, by family (`payments`), each with its versions' clients.
fn families(clients: &[PlannedClient]) -> BTreeMap<&str, Vec<&PlannedClient>> {
    let mut out: BTreeMap<&str, Vec<&PlannedClient>> = BTreeMap::new();
    for c in clients {
        if let Identity::Api { family, .. } = &c.client.identity {
            out.entry(family.as_str()).or_default().push(c);
        }
    }
    out
}

/// A cargo feature of the generated crate (and, under the same name, of the facade).
struct Feature {
    name: String,
    /// What it compiles, for the comment above it.
    doc: String,
    /// The generated crate's features it turns on (empty for a leaf: one module).
    enables: Vec<String>,
    /// Features of its dependencies it needs, in the generated crate only
    /// (`khipu-types/regex`, `khipu-types/chrono`).
    needs: Vec<String>,
}

/// Every feature: all banks, each country, each bank, and for each other API all its versions
/// (`payments`) and each version (`payments-v3-0`).
fn features(clients: &[PlannedClient]) -> Vec<Feature> {
    let mut countries: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (c, bank) in banks(clients) {
        countries
            .entry(&bank.country)
            .or_default()
            .push(c.feature.clone());
    }
    let mut out = vec![Feature {
        name: "all-banks".into(),
        doc: "Every bank of every country.".into(),
        enables: countries.keys().map(|c| (*c).to_owned()).collect(),
        needs: Vec::new(),
    }];
    for (cc, banks) in &countries {
        out.push(Feature {
            name: (*cc).to_owned(),
            doc: format!("Every bank in {cc}."),
            enables: banks.clone(),
            needs: Vec::new(),
        });
    }
    for (c, bank) in banks(clients) {
        out.push(Feature {
            name: c.feature.clone(),
            doc: format!("{} ({}), from {}", c.client.title, bank.id(), c.client.spec),
            enables: Vec::new(),
            needs: needs(c),
        });
    }
    for (family, versions) in families(clients) {
        out.push(Feature {
            name: family.to_owned(),
            doc: format!("Every version of the {family} API."),
            enables: versions.iter().map(|c| c.feature.clone()).collect(),
            needs: Vec::new(),
        });
        for c in versions {
            out.push(Feature {
                name: c.feature.clone(),
                doc: format!(
                    "{} {}, from {}",
                    c.client.title, c.module_path, c.client.spec
                ),
                enables: Vec::new(),
                needs: needs(c),
            });
        }
    }
    out
}

/// The khipu-types features a module's code needs: `regex` for `regress`, `chrono` for chrono.
fn needs(c: &PlannedClient) -> Vec<String> {
    [
        (c.client.needs_regex, "khipu-types/regex"),
        (c.client.needs_chrono, "khipu-types/chrono"),
    ]
    .into_iter()
    .filter(|(needed, _)| *needed)
    .map(|(_, feature)| feature.to_owned())
    .collect()
}

/// `"a", "b"`: the items of a TOML array.
fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn cargo_toml(clients: &[PlannedClient]) -> String {
    let mut out = String::from(
        "# @generated by `cargo xtask codegen` from the specs in specs/ -- do not edit by hand.\n\
         [package]\n\
         name = \"khipu-generated\"\n\
         description = \"Typed clients for Khipu's APIs, one per spec in specs/, generated by cargo xtask codegen\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         repository.workspace = true\n\
         readme = \"README.md\"\n\
         keywords.workspace = true\n\
         categories.workspace = true\n\n\
         [package.metadata.docs.rs]\n\
         # Every bank, each item marked with the feature it needs.\n\
         all-features = true\n\
         rustdoc-args = [\"--cfg\", \"docsrs\"]\n\n\
         [features]\n",
    );
    // Every bank and every other API is on by default; services narrow with
    // `default-features = false`.
    let mut defaults = vec!["all-banks".to_owned()];
    defaults.extend(families(clients).keys().map(|f| (*f).to_owned()));
    let _ = writeln!(out, "default = [{}]", quoted(&defaults));
    out.push_str(
        "# Hooks for khipu-rs' conformance test (decode answers and requests with each module's types).\n\
         conformance = []\n",
    );
    for feature in features(clients) {
        let _ = writeln!(
            out,
            "# {}\n{} = [{}]",
            feature.doc,
            feature.name,
            quoted(&[feature.enables, feature.needs].concat())
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

/// The generated crate's README: what it is and its features, for crates.io.
fn readme(clients: &[PlannedClient]) -> String {
    let mut out = String::from(
        "<!-- @generated by `cargo xtask codegen` from the specs in specs/ -- do not edit by hand. -->\n\n\
         # khipu-generated\n\n\
         Typed clients for Khipu's APIs, one module per OpenAPI document in khipu-rs' `specs/`, \
         written by `cargo xtask codegen` and never edited by hand. Services use them through the \
         `khipu-rs` crate (imported as `khipu`), which has the same features.\n\n\
         | feature | what |\n|---|---|\n",
    );
    for feature in features(clients) {
        let _ = writeln!(out, "| `{}` | {} |", feature.name, feature.doc);
    }
    out
}

fn lib_rs(clients: &[PlannedClient]) -> String {
    let mut out = String::from(TREE_HEADER);
    out.push_str(
        "//! Typed clients for Khipu's APIs, generated from the OpenAPI documents in `specs/` by\n\
         //! `cargo xtask codegen`: one module per bank under [`banking`], one per version of\n\
         //! Khipu's other APIs under their names (`payments`, `automatic_payments`), and the list of\n\
         //! compiled banks in [`catalog`].\n\
         //!\n\
         //! Each bank is a cargo feature (`cl-personal-demo-bank`), each country too (`cl`);\n\
         //! `all-banks` and every other API (`payments`, `automatic-payments`) are on by default.\n\
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
    out.push_str("\n#![cfg_attr(docsrs, feature(doc_cfg))]\n\n");
    // (module, its attributes), sorted by name as rustfmt orders `mod` items, so `cargo fmt`
    // leaves the file as written.
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    modules.insert("banking".into(), String::new());
    modules.insert("catalog".into(), String::new());
    modules.insert(
        "conformance".into(),
        "#[cfg(feature = \"conformance\")]\n#[doc(hidden)]\n".into(),
    );
    for (family, versions) in families(clients) {
        modules.insert(
            module_ident(family),
            format!("#[cfg({})]\n", any_feature(&versions)),
        );
    }
    for (name, attributes) in modules {
        let _ = writeln!(out, "{attributes}pub mod {name};");
    }
    out
}

/// `feature = "a"`, or `any(feature = "a", feature = "b")`: clippy wants no `any` of one.
fn any_feature(clients: &[&PlannedClient]) -> String {
    let features: Vec<String> = clients
        .iter()
        .map(|c| format!("feature = \"{}\"", c.feature))
        .collect();
    match features.as_slice() {
        [one] => one.clone(),
        _ => format!("any({})", features.join(", ")),
    }
}

fn catalog_rs(clients: &[PlannedClient]) -> String {
    let mut out = String::from(TREE_HEADER);
    out.push_str(
        "//! The banks compiled into this crate, one per enabled bank feature.\n\n\
         use khipu_types::catalog::{BankFeature, BankInfo};\n\n\
         /// Every bank whose feature is enabled, ordered by id (`cl/personal/demo-bank.khipu.com`).\n\
         #[allow(clippy::vec_init_then_push)] // one cfg-gated push per bank feature\npub fn banks() -> Vec<&'static BankInfo> {\n    #[allow(unused_mut)]\n    let mut banks: Vec<&'static BankInfo> = Vec::new();\n",
    );
    let mut sorted: Vec<_> = banks(clients).collect();
    sorted.sort_by_key(|(_, b)| b.id());
    for (c, _) in &sorted {
        let _ = writeln!(
            out,
            "    #[cfg(feature = \"{}\")]\n    banks.push(&{ROOT}{}::INFO);",
            c.feature, c.module_path
        );
    }
    out.push_str("    banks\n}\n\n");
    out.push_str(
        "/// Every API whose feature is enabled (the payments APIs, then the banks), each with its\n\
         /// operations: what sends any operation from text (`khipu api`).\n\
         #[allow(clippy::vec_init_then_push)] // one cfg-gated push per module feature\n\
         pub fn apis() -> Vec<&'static khipu_types::client::ApiInfo> {\n    #[allow(unused_mut)]\n    let mut apis: Vec<&'static khipu_types::client::ApiInfo> = Vec::new();\n",
    );
    let mut others: Vec<_> = clients
        .iter()
        .filter(|c| !matches!(c.client.identity, crate::identity::Identity::Bank(_)))
        .collect();
    others.sort_by_key(|c| c.client.identity.name());
    for c in others.into_iter().chain(sorted.iter().map(|(c, _)| *c)) {
        let _ = writeln!(
            out,
            "    #[cfg(feature = \"{}\")]\n    apis.push(&{ROOT}{}::API);",
            c.feature, c.module_path
        );
    }
    out.push_str("    apis\n}\n\n");
    out.push_str(
        "/// Every bank this release can be built with, enabled or not, ordered by id: what a build\n\
         /// that lacks a bank names as the feature to enable.\n\
         pub const AVAILABLE: &[BankFeature] = &[\n",
    );
    for (c, bank) in &sorted {
        let _ = writeln!(
            out,
            "    BankFeature::new({:?}, {:?}, {:?}),",
            bank.id(),
            c.client.title,
            c.feature
        );
    }
    out.push_str("];\n");
    out
}

/// Every module's conformance hooks with its spec and operations (feature `conformance`).
fn conformance_rs(clients: &[PlannedClient]) -> String {
    let mut out = String::from(TREE_HEADER);
    out.push_str(
        "//! Every module's conformance hooks, by the spec it was generated from (feature\n\
         //! `conformance`, for khipu-rs' tests).\n\n\
         /// One module: its spec (below `specs/`), its operations and its hooks.\n\
         pub struct Module {\n\
         \x20   /// The spec file below `specs/` (`payments/v3.0.json`).\n\
         \x20   pub spec: &'static str,\n\
         \x20   /// `(HTTP method, path, client method)` of each operation.\n\
         \x20   pub operations: &'static [(&'static str, &'static str, &'static str)],\n\
         \x20   /// Decodes an operation's success answer and writes it back.\n\
         \x20   pub decode_success: fn(&str, &str) -> Option<Result<String, String>>,\n\
         \x20   /// Reads an operation's request body and writes it back.\n\
         \x20   pub round_trip_request: fn(&str, &str) -> Option<Result<String, String>>,\n\
         }\n\n\
         /// The modules whose features are enabled.\n\
         #[allow(clippy::vec_init_then_push)] // one cfg-gated push per module feature\n\
         pub fn modules() -> Vec<Module> {\n\
         \x20   #[allow(unused_mut)]\n\
         \x20   let mut modules = Vec::new();\n",
    );
    for c in clients {
        let spec = c
            .client
            .spec
            .strip_prefix(&format!("{SPECS_DIR}/"))
            .unwrap_or(&c.client.spec)
            .replace('\\', "/");
        let operations: Vec<String> = c
            .client
            .operations
            .iter()
            .map(|o| format!("({:?}, {:?}, {:?})", o.http_method, o.path, o.client_method))
            .collect();
        let _ = writeln!(
            out,
            "    #[cfg(feature = \"{feature}\")]\n    modules.push(Module {{\n        spec: {spec:?},\n        operations: &[{ops}],\n        decode_success: {ROOT}{module}::conformance::decode_success,\n        round_trip_request: {ROOT}{module}::conformance::round_trip_request,\n    }});",
            feature = c.feature,
            ops = operations.join(", "),
            module = c.module_path,
        );
    }
    out.push_str("    modules\n}\n");
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
        [family] => format!("`{}` API clients, by version.", family.replace('_', "-")),
        other => other.join("::"),
    }
}

fn leaf_doc(c: &PlannedClient) -> String {
    let what = match &c.client.identity {
        Identity::Bank(bank) => format!("{} (`{}`)", c.client.title, bank.id()),
        Identity::Api { version, .. } => format!("{} v{version}", c.client.title),
    };
    format!(
        "{what}: {} operations, generated from `{}`.",
        c.client.operations.len(),
        c.client.spec
    )
}

//! Dropping a bank spec into specs/ is all it takes: module, feature (on the generated crate and on
//! the facade), catalog entry, module tree and the sandbox's data follow from the file, with no
//! other edit.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::path::{Path, PathBuf};

use khipu_codegen_engine::workspace;

/// A scratch repository with the given specs, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str, specs: &[(&str, String)]) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "khipu-codegen-{tag}-{}-{nanos}",
            std::process::id()
        ));
        for (path, text) in specs {
            let file = dir.join("specs").join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        // The facade's manifest, whose generated feature list codegen keeps in step.
        let manifest = format!(
            "[package]\nname = \"khipu-rs\"\n\n[features]\ndefault = [\"all-banks\"]\n{}\nold-bank = []\n{}\n\n[dependencies]\n",
            workspace::FEATURES_BEGIN,
            workspace::FEATURES_END
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// BTG Pactual's spec, moved to another bank.
fn bank_spec(country: &str, segment: &str, domain: &str) -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(repo.join("specs/banking/cl/personal/btgpactual.cl.yaml"))
        .unwrap()
        .replace(
            "/v1/cl/banking/personal/btgpactual.cl/",
            &format!("/v1/{country}/banking/{segment}/{domain}/"),
        )
        .replace("title: Banco BTG Pactual", &format!("title: {domain}"))
}

fn file<'a>(plan: &'a workspace::Plan, path: &str) -> &'a str {
    let path = Path::new(path);
    &plan
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{} not planned", path.display()))
        .contents
}

#[test]
fn a_new_bank_gets_a_module_a_feature_and_a_catalog_entry() {
    let scratch = Scratch::new(
        "new",
        &[(
            "banking/cl/business/newbank.cl.yaml",
            bank_spec("cl", "business", "newbank.cl"),
        )],
    );
    let plan = workspace::plan(&scratch.0).unwrap();
    let client = &plan.clients[0];
    assert_eq!(client.module_path, "banking::cl::business::newbank");
    assert_eq!(client.feature, "cl-business-newbank");
    assert!(
        file(&plan, "khipu-generated/src/banking/cl/business/newbank.rs")
            .contains("pub struct Client")
    );
    let cargo = file(&plan, "khipu-generated/Cargo.toml");
    assert!(cargo.contains("cl = [\"cl-business-newbank\"]"), "{cargo}");
    assert!(cargo.contains("\ncl-business-newbank = []"), "{cargo}");
    assert!(cargo.contains("all-banks = [\"cl\"]"), "{cargo}");
    let facade = file(&plan, "Cargo.toml");
    assert!(
        facade.contains("\ncl-business-newbank = [\"khipu-generated/cl-business-newbank\"]")
            && facade.contains("\ncl = [\"cl-business-newbank\"]")
            && !facade.contains("old-bank")
            && facade.contains("default = [\"all-banks\"]"),
        "{facade}"
    );
    let served: serde_json::Value =
        serde_json::from_str(file(&plan, "khipu-mock/specs.json")).unwrap();
    assert_eq!(served[0]["name"], "banking/cl/business/newbank.cl.yaml");
    assert!(served[0]["doc"]["paths"].is_object());
    let catalog = file(&plan, "khipu-generated/src/catalog.rs");
    assert!(catalog.contains("#[cfg(feature = \"cl-business-newbank\")]\n    banks.push(&crate::banking::cl::business::newbank::INFO);"), "{catalog}");
    assert!(
        file(&plan, "khipu-generated/src/banking/cl/business/mod.rs")
            .contains("#[cfg(feature = \"cl-business-newbank\")]\npub mod newbank;")
    );
    assert!(file(&plan, "khipu-generated/src/banking/mod.rs").contains("pub mod cl;"));
    // every generated Rust file parses
    for f in plan
        .files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
    {
        syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path.display()));
    }
}

#[test]
fn banks_sharing_a_first_label_get_their_full_domain_as_module() {
    let scratch = Scratch::new(
        "clash",
        &[
            (
                "banking/ar/business/santander.com.ar.yaml",
                bank_spec("ar", "business", "santander.com.ar"),
            ),
            (
                "banking/ar/business/santander.ar.yaml",
                bank_spec("ar", "business", "santander.ar"),
            ),
        ],
    );
    let plan = workspace::plan(&scratch.0).unwrap();
    let mut modules: Vec<&str> = plan
        .clients
        .iter()
        .map(|c| c.module_path.as_str())
        .collect();
    modules.sort();
    assert_eq!(
        modules,
        [
            "banking::ar::business::santander_ar",
            "banking::ar::business::santander_com_ar"
        ]
    );
}

#[test]
fn every_broken_spec_is_reported_and_a_misplaced_one_is_named() {
    let scratch = Scratch::new(
        "broken",
        &[
            (
                "banking/cl/personal/a.cl.yaml",
                "openapi: 3.0.3\ninfo: {title: A, version: v1}\n".into(),
            ),
            (
                "banking/cl/personal/b.cl.yaml",
                bank_spec("cl", "business", "b.cl"),
            ),
        ],
    );
    let errors = workspace::plan(&scratch.0).unwrap_err();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(
        messages[0],
        "specs/banking/cl/personal/a.cl.yaml: #/paths: missing `paths`: a client needs at least one operation"
    );
    assert!(messages[1].starts_with("specs/banking/cl/personal/b.cl.yaml: #/paths: the file sits at banking/cl/personal/b.cl"), "{}", messages[1]);
}

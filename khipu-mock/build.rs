#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a build step or bench that cannot set up stops with the message"
)]
//! Embeds every spec under ../specs, converted to JSON, so the sandbox binary works anywhere and a
//! spec added to specs/ is served after the next build with no edit here.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) && !path.to_string_lossy().ends_with(".overlay.yaml")
        {
            out.push(path);
        }
    }
}

fn main() {
    // The manifest directory of this run (not the one this script was compiled in: a shared
    // target directory may reuse the compiled script for another checkout).
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let specs = manifest.join("../specs");
    println!("cargo:rerun-if-changed={}", specs.display());
    let mut files = Vec::new();
    collect(&specs, &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "khipu-mock embeds the specs in {}, and there are none",
        specs.display()
    );
    let mut embedded = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let doc: serde_json::Value =
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file
            .strip_prefix(&specs)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        embedded.push(serde_json::json!({"name": name, "doc": doc}));
    }
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("specs.json");
    std::fs::write(
        out,
        serde_json::to_string(&embedded).expect("JSON serializes"),
    )
    .expect("OUT_DIR is writable");
}

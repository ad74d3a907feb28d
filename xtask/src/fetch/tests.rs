//! `cargo xtask fetch` against a fixture server on 127.0.0.1, in a scratch copy of the
//! repository: a changed document is written, recorded and reported as `cargo xtask diff` reports
//! it; an unchanged one writes nothing; every refusal leaves `specs/` byte-identical; a bank found
//! by discovery becomes a module and a feature with no hand edit, and the pull request's title and
//! body (what the scheduled workflow posts) say so.

use std::path::{Path, PathBuf};
use std::process::Command;

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::sources::{Manifest, documents_on_disk, sha256_hex};

const DEMO: &str = "banking/cl/personal/demo-bank.khipu.com.yaml";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The repository's files (tracked and new, no `target/`) in a git repository of their own, with
/// the portal template pointing at `server`.
fn scratch(name: &str, server: &MockServer) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir =
        std::env::temp_dir().join(format!("xtask-fetch-{name}-{}-{nanos}", std::process::id()));
    let listed = Command::new("git")
        .current_dir(repo())
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .unwrap();
    for file in String::from_utf8(listed.stdout).unwrap().split('\0') {
        let from = repo().join(file);
        if file.is_empty() || !from.is_file() {
            continue;
        }
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    let mut manifest = Manifest::load(&dir).unwrap();
    manifest.portal.download = format!("{}/{{country}}/{{segment}}/{{domain}}.yaml", server.uri());
    manifest.save(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "base"]);
    dir
}

/// The bytes of `specs/` (documents, manifest, README), as one hash.
fn specs_hash(dir: &Path) -> String {
    let mut all = Vec::new();
    for (path, bytes) in documents_on_disk(dir).unwrap() {
        all.extend_from_slice(path.as_bytes());
        all.extend_from_slice(&bytes);
    }
    for extra in ["specs/sources.toml", "specs/README.md"] {
        all.extend_from_slice(&std::fs::read(dir.join(extra)).unwrap());
    }
    sha256_hex(&all)
}

fn demo() -> String {
    std::fs::read_to_string(repo().join("specs").join(DEMO)).unwrap()
}

/// The demo bank's document as another bank's: its domain and country in every path.
fn bank_doc(country: &str, domain: &str) -> String {
    demo()
        .replace(
            "/v1/cl/banking/personal/demo-bank.khipu.com",
            &format!("/v1/{country}/banking/personal/{domain}"),
        )
        .replace("demo-bank.khipu.com", domain)
}

fn options(targets: &[&str]) -> Options {
    Options {
        targets: targets.iter().map(|t| (*t).to_owned()).collect(),
        max_bytes: MAX_BYTES,
        ..Options::default()
    }
}

#[tokio::test]
async fn a_changed_document_is_written_recorded_and_reported_as_diff_reports_it_then_not_again() {
    let server = MockServer::start().await;
    let dir = scratch("changed", &server);
    let changed = demo().replace(
        "This method connects to the user's specified account in DemoBank",
        "This method (revised) connects to the user's specified account in DemoBank",
    );
    assert_ne!(changed, demo());
    // Asked again with its ETag: 304.
    Mock::given(method("GET"))
        .and(path("/cl/personal/demo-bank.khipu.com.yaml"))
        .and(header("if-none-match", "\"v2\""))
        .respond_with(ResponseTemplate::new(304))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cl/personal/demo-bank.khipu.com.yaml"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"v2\"")
                .insert_header("last-modified", "Sat, 05 Dec 2026 10:00:00 GMT")
                .insert_header("content-type", "application/yaml")
                .set_body_string(changed.clone()),
        )
        .mount(&server)
        .await;
    let summary = fetch(&dir, &options(&["cl/personal/demo-bank.khipu.com"]))
        .await
        .unwrap();
    assert_eq!(summary.written, [DEMO], "{summary:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("specs").join(DEMO)).unwrap(),
        changed
    );
    let entry = Manifest::load(&dir)
        .unwrap()
        .documents
        .into_iter()
        .find(|d| d.path == DEMO)
        .unwrap();
    assert_eq!(entry.sha256, sha256_hex(changed.as_bytes()));
    assert_eq!(entry.origin, "downloaded");
    assert_eq!(entry.etag.as_deref(), Some("\"v2\""));
    assert_eq!(
        entry.last_modified.as_deref(),
        Some("Sat, 05 Dec 2026 10:00:00 GMT")
    );
    assert_eq!(
        entry.url,
        Some(format!(
            "{}/cl/personal/demo-bank.khipu.com.yaml",
            server.uri()
        ))
    );
    assert_eq!(entry.retrieved, Some(today()));
    let report = summary.report.unwrap();
    assert!(
        report
            .text
            .contains("documentation fetchAccounts_1: descriptions or examples changed"),
        "{}",
        report.text
    );
    assert_eq!(report.bump.as_deref(), Some("patch"));
    assert_eq!(
        crate::changes::diff_report(&dir, "HEAD").unwrap(),
        report.text
    );
    // The regenerated workspace is up to date, and its manifest check passes.
    assert_eq!(
        codegen::generate(&dir, true).0,
        std::process::ExitCode::SUCCESS
    );

    // Again: 304 for its ETag, nothing written.
    let before = specs_hash(&dir);
    let again = fetch(&dir, &options(&["cl/personal/demo-bank.khipu.com"]))
        .await
        .unwrap();
    assert!(
        again.written.is_empty() && again.report.is_none(),
        "{again:?}"
    );
    assert!(again.unchanged[0].1.contains("304"), "{again:?}");
    assert_eq!(specs_hash(&dir), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn every_refusal_leaves_specs_byte_identical() {
    let server = MockServer::start().await;
    let dir = scratch("refusals", &server);
    let serve = |bank: &str, response: ResponseTemplate| {
        Mock::given(method("GET"))
            .and(path(format!("/cl/personal/{bank}.yaml")))
            .respond_with(response)
    };
    let rejected = bank_doc("cl", "rejected.cl").replace(
        "$ref: '#/components/schemas/AccountsRequest'",
        "$ref: '#/components/schemas/Nowhere'",
    );
    assert!(rejected.contains("Nowhere"));
    let cases = [
        (
            "html.cl",
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string("<!DOCTYPE html><html><body>Sign in</body></html>"),
            "an HTML page",
        ),
        ("gone.cl", ResponseTemplate::new(404), "HTTP 404"),
        ("broken.cl", ResponseTemplate::new(500), "HTTP 500"),
        (
            "moved.cl",
            ResponseTemplate::new(302).insert_header("location", "http://127.0.0.2:9/moved.yaml"),
            "redirected to another host",
        ),
        (
            "big.cl",
            ResponseTemplate::new(200).set_body_string("x".repeat(100 * 1024)),
            "larger than the 65536-byte cap",
        ),
        (
            "rejected.cl",
            ResponseTemplate::new(200).set_body_string(rejected),
            "the engine refuses it",
        ),
    ];
    for (bank, response, _) in &cases {
        serve(bank, response.clone()).mount(&server).await;
    }
    let before = specs_hash(&dir);
    let targets: Vec<String> = cases
        .iter()
        .map(|(b, ..)| format!("cl/personal/{b}"))
        .collect();
    let mut opts = options(&targets.iter().map(String::as_str).collect::<Vec<_>>());
    opts.max_bytes = 64 * 1024;
    let summary = fetch(&dir, &opts).await.unwrap();
    assert!(summary.written.is_empty(), "{summary:?}");
    assert_eq!(summary.refused.len(), cases.len(), "{summary:?}");
    for ((bank, _, why), (name, said)) in cases.iter().zip(&summary.refused) {
        assert_eq!(name, &format!("cl/personal/{bank}"));
        assert!(said.contains(why), "{bank}: {said}");
    }
    // The engine's error points into the document.
    assert!(
        summary.refused[5].1.contains("#/"),
        "{}",
        summary.refused[5].1
    );
    assert_eq!(specs_hash(&dir), before);
    assert!(!dir.join("specs/banking/cl/personal/html.cl.yaml").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_bank_found_by_discovery_becomes_a_module_and_a_feature_and_services_are_skipped() {
    let server = MockServer::start().await;
    let dir = scratch("discover", &server);
    let index = [
        "# Khipu's portal, as a list of reference pages",
        "https://docs.khipu.com/en/apis/v1/cl/banking/personal/demo-bank.khipu.com/openapi/other/fetchtransactions_1",
        "https://docs.khipu.com/en/apis/v1/ar/banking/personal/bbva.com.ar/openapi/other/fetchtransactions_1",
        "https://docs.khipu.com/en/apis/v1/cl/services/afc.cl/openapi/other/fetchcertificate_1",
        "https://docs.khipu.com/en/apis/v1/com/services/servipag.com/openapi",
    ]
    .join("\n");
    Mock::given(method("GET"))
        .and(path("/index.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(index))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/ar/personal/bbva.com.ar.yaml"))
        .respond_with(ResponseTemplate::new(200).set_body_string(bank_doc("ar", "bbva.com.ar")))
        .mount(&server)
        .await;
    let pull_request = dir.join("target/pr");
    let summary = fetch(
        &dir,
        &Options {
            discover: Some(format!("{}/index.txt", server.uri())),
            add: true,
            report_dir: Some(pull_request.clone()),
            max_bytes: MAX_BYTES,
            ..Options::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(summary.missing, ["ar/personal/bbva.com.ar"]);
    assert_eq!(summary.written, ["banking/ar/personal/bbva.com.ar.yaml"]);
    let skipped: Vec<&str> = summary.skipped.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(skipped, ["cl/services/afc.cl", "com/services/servipag.com"]);
    assert!(summary.skipped.iter().all(|(_, why)| why == SERVICES_RULE));
    // No hand edit: the module, its feature on both crates, the catalog.
    assert!(
        dir.join("khipu-generated/src/banking/ar/personal/bbva.rs")
            .is_file()
    );
    let facade = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        facade.contains("ar-personal-bbva = [\"khipu-generated/ar-personal-bbva\"]"),
        "{facade}"
    );
    let catalog = std::fs::read_to_string(dir.join("khipu-generated/src/catalog.rs")).unwrap();
    assert!(catalog.contains("\"ar/personal/bbva.com.ar\""));
    // The scheduled workflow's pull request: the semver class first, the report as the body.
    let title = std::fs::read_to_string(pull_request.join("title.txt")).unwrap();
    assert!(
        title.starts_with(
            "[minor] Khipu's documents changed: specs/banking/ar/personal/bbva.com.ar.yaml"
        ),
        "{title}"
    );
    let body = std::fs::read_to_string(pull_request.join("report.md")).unwrap();
    assert!(
        body.contains("new API: module `khipu_generated::banking::ar::personal::bbva`"),
        "{body}"
    );
    assert!(body.contains("skipped `cl/services/afc.cl`"), "{body}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn urls_come_from_sitemaps_and_lists_alike() {
    let sitemap = "<urlset><url><loc> https://docs.khipu.com/en/apis/v1/cl/banking/business/bice.cl/openapi </loc></url>\
                   <url><loc>https://docs.khipu.com/en/apis/v1/automatic-payments/openapi.md</loc></url></urlset>";
    let found = classify(&urls_in(sitemap));
    assert_eq!(found.banks, ["cl/business/bice.cl"]);
    assert!(found.skipped.is_empty());
    assert!(
        place_of(
            b"paths:\n  /v1/ar/banking/personal/x.com.ar/accounts:\n",
            "yaml"
        )
        .unwrap()
            == "banking/ar/personal/x.com.ar.yaml"
    );
    assert!(place_of(b"{\"paths\": {\"/v3/banks\": {}}}", "yaml").is_err());
    assert!(looks_like_html(b"  \n<!DOCTYPE html>") && !looks_like_html(b"openapi: 3.0.3"));
}

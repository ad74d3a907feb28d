//! `cargo xtask fetch`: Khipu's documents into `specs/`, checked before anything is written.
//!
//! - `fetch <bank-id>` (`cl/personal/demo-bank.khipu.com`: the portal template of
//!   `specs/sources.toml` gives the URL), `fetch <url>`, `fetch --all` (every entry with a URL);
//! - conditional requests (`If-None-Match`, `If-Modified-Since`) from the entry's `ETag` and
//!   `Last-Modified`; an unchanged document (304, or the same bytes) writes nothing;
//! - refused, with nothing written: an HTML page, a 4xx/5xx, a redirect to another host, a body
//!   past the size cap, a document the engine rejects (its JSON-pointer error);
//! - what changed is written, its entry updated, then `cargo xtask codegen` runs and its change
//!   report is printed (and, with `--report-dir`, written as a pull request's title and body);
//! - `--discover <index>` reads a sitemap or a list of URLs of Khipu's portal and lists the banks
//!   `specs/` lacks (`--add` fetches them); non-bank Open Data APIs (`.../services/...`) are
//!   listed as skipped with the rule that skips them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::codegen::{self, Report};
use crate::sources::{Document, Manifest, sha256_hex, today};

/// The largest document read: Khipu's largest today (payments v3.0) is about 60 KiB.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Same-host redirects followed at most.
const MAX_REDIRECTS: usize = 5;

/// What to fetch.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Bank ids or URLs.
    pub targets: Vec<String>,
    /// Every entry with a URL.
    pub all: bool,
    /// A sitemap or URL list of Khipu's portal (a file or a URL).
    pub discover: Option<String>,
    /// Fetch what discovery finds missing.
    pub add: bool,
    /// Where to write `title.txt` and `report.md` for a pull request.
    pub report_dir: Option<PathBuf>,
    /// The size cap (tests lower it).
    pub max_bytes: usize,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Documents written (paths below `specs/`).
    pub written: Vec<String>,
    /// Documents unchanged, with why.
    pub unchanged: Vec<(String, String)>,
    /// Targets refused, with why (nothing written for them).
    pub refused: Vec<(String, String)>,
    /// Discovered APIs not fetched, with why.
    pub skipped: Vec<(String, String)>,
    /// Banks discovery found that `specs/` lacks.
    pub missing: Vec<String>,
    /// The regeneration's change report, when something was written.
    pub report: Option<Report>,
}

pub fn run(repo: &Path, options: &Options) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(fetch(repo, options)) {
        Ok(summary) if summary.refused.is_empty() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One document to fetch: where from, and where it goes (when known before downloading).
#[derive(Debug, Clone)]
struct Target {
    name: String,
    url: String,
    path: Option<String>,
}

pub async fn fetch(repo: &Path, options: &Options) -> Result<Summary, String> {
    let mut manifest = Manifest::load(repo)?;
    let http = khipu_types::http::client_builder_with(TIMEOUT)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let max = if options.max_bytes == 0 {
        MAX_BYTES
    } else {
        options.max_bytes
    };
    let mut summary = Summary::default();
    let mut targets = Vec::new();
    for name in &options.targets {
        targets.push(resolve(&manifest, name)?);
    }
    if options.all {
        for d in &manifest.documents {
            match &d.url {
                Some(url) => targets.push(Target {
                    name: d.path.clone(),
                    url: url.clone(),
                    path: Some(d.path.clone()),
                }),
                None => summary.skipped.push((
                    d.path.clone(),
                    format!("{}: no URL to fetch it from", d.origin),
                )),
            }
        }
    }
    if let Some(index) = &options.discover {
        let found = discover(&http, index, max).await?;
        for (id, reason) in found.skipped {
            println!("fetch: skipped {id}: {reason}");
            summary.skipped.push((id, reason));
        }
        for id in found.banks {
            let known = manifest
                .documents
                .iter()
                .any(|d| d.path.starts_with(&format!("banking/{id}.")));
            if known {
                continue;
            }
            println!("fetch: {id} is on Khipu's portal and not in specs/");
            summary.missing.push(id.clone());
            if options.add {
                targets.push(resolve(&manifest, &id)?);
            }
        }
    }
    for target in targets {
        match fetch_one(repo, &mut manifest, &http, &target, max).await {
            Ok(Fetched::Written(path)) => {
                println!("fetch: {} -> specs/{path} written", target.name);
                manifest.save(repo)?;
                summary.written.push(path);
            }
            Ok(Fetched::Unchanged(path, why)) => {
                println!("fetch: {} unchanged ({why}); nothing written", target.name);
                summary.unchanged.push((path, why));
            }
            Err(why) => {
                eprintln!("fetch: {} refused: {why}; nothing written", target.name);
                summary.refused.push((target.name.clone(), why));
            }
        }
    }
    if !summary.written.is_empty() {
        let (outcome, report) = codegen::generate(repo, false);
        if outcome != ExitCode::SUCCESS {
            return Err("the fetched documents were written but codegen failed (above)".into());
        }
        summary.report = report;
    }
    if let Some(dir) = &options.report_dir {
        write_pull_request(dir, &summary)?;
    }
    Ok(summary)
}

/// A bank id or a URL as a target.
fn resolve(manifest: &Manifest, name: &str) -> Result<Target, String> {
    if name.starts_with("http://") || name.starts_with("https://") {
        let path = manifest
            .documents
            .iter()
            .find(|d| d.url.as_deref() == Some(name))
            .map(|d| d.path.clone());
        return Ok(Target {
            name: name.to_owned(),
            url: name.to_owned(),
            path,
        });
    }
    let parts: Vec<&str> = name.split('/').collect();
    let [country, segment, domain] = parts.as_slice() else {
        return Err(format!(
            "`{name}` is neither a URL nor a bank id (`<country>/<segment>/<domain>`, like cl/personal/demo-bank.khipu.com)"
        ));
    };
    let existing = manifest
        .documents
        .iter()
        .find(|d| d.path.starts_with(&format!("banking/{name}.")));
    let path = existing
        .map(|d| d.path.clone())
        .unwrap_or_else(|| format!("banking/{name}.{}", manifest.portal.extension));
    let url = match existing.and_then(|d| d.url.clone()) {
        Some(url) => url,
        None => manifest
            .portal
            .download
            .replace("{lang}", &manifest.portal.lang)
            .replace("{country}", country)
            .replace("{segment}", segment)
            .replace("{domain}", domain),
    };
    Ok(Target {
        name: name.to_owned(),
        url,
        path: Some(path),
    })
}

enum Fetched {
    Written(String),
    Unchanged(String, String),
}

async fn fetch_one(
    repo: &Path,
    manifest: &mut Manifest,
    http: &reqwest::Client,
    target: &Target,
    max: usize,
) -> Result<Fetched, String> {
    let entry = target
        .path
        .as_deref()
        .and_then(|p| manifest.documents.iter().find(|d| d.path == p))
        .cloned();
    let response = get(http, &target.url, entry.as_ref()).await?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        let path = target.path.clone().unwrap_or_default();
        return Ok(Fetched::Unchanged(
            path,
            "304 Not Modified for its ETag / Last-Modified".into(),
        ));
    }
    if !status.is_success() {
        return Err(format!("{}: HTTP {status}", target.url));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (etag, last_modified, content_type) = (
        header("etag"),
        header("last-modified"),
        header("content-type").unwrap_or_default(),
    );
    let body = read_capped(response, max)
        .await
        .map_err(|e| format!("{}: {e}", target.url))?;
    if content_type.contains("html") || looks_like_html(&body) {
        return Err(format!(
            "{}: an HTML page ({}), not an OpenAPI document (a login wall or a renamed link?)",
            target.url,
            if content_type.is_empty() {
                "no content type"
            } else {
                &content_type
            }
        ));
    }
    let path = match &target.path {
        Some(path) => path.clone(),
        None => place_of(&body, &manifest.portal.extension)?,
    };
    let sha = sha256_hex(&body);
    if entry.as_ref().is_some_and(|e| e.sha256 == sha) {
        return Ok(Fetched::Unchanged(
            path,
            "the same bytes as specs/ has".into(),
        ));
    }
    validate(repo, &path, &body)?;
    let file = repo.join("specs").join(&path);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&file, &body).map_err(|e| format!("{}: {e}", file.display()))?;
    let record = Document {
        path: path.clone(),
        origin: "downloaded".into(),
        from: "Khipu's portal (cargo xtask fetch)".into(),
        trust: "Khipu's document".into(),
        sha256: sha,
        url: Some(target.url.clone()),
        retrieved: Some(today()),
        etag,
        last_modified,
    };
    match manifest.entry_mut(&path) {
        Some(existing) => *existing = record,
        None => manifest.documents.push(record),
    }
    Ok(Fetched::Written(path))
}

/// GET `url` conditionally, following redirects on the same host only.
async fn get(
    http: &reqwest::Client,
    url: &str,
    entry: Option<&Document>,
) -> Result<reqwest::Response, String> {
    let original = url::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    let mut current = original.clone();
    for _ in 0..=MAX_REDIRECTS {
        let mut request = http.get(current.clone()).header(
            reqwest::header::ACCEPT,
            "application/yaml, application/json;q=0.9, */*;q=0.1",
        );
        if let Some(etag) = entry.and_then(|e| e.etag.as_deref()) {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = entry.and_then(|e| e.last_modified.as_deref()) {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, modified);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                format!("{current}: timed out after {TIMEOUT:?}")
            } else {
                format!("{current}: {e}")
            }
        })?;
        if !response.status().is_redirection() || response.status() == 304 {
            return Ok(response);
        }
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| format!("{current}: HTTP {} without a Location", response.status()))?;
        let next = current
            .join(location)
            .map_err(|e| format!("{current}: a redirect to `{location}`, not a URL: {e}"))?;
        if (next.scheme(), next.host_str(), next.port_or_known_default())
            != (
                original.scheme(),
                original.host_str(),
                original.port_or_known_default(),
            )
        {
            return Err(format!(
                "{url}: redirected to another host ({next}); refused (a moved portal is one edit in specs/sources.toml)"
            ));
        }
        current = next;
    }
    Err(format!("{url}: more than {MAX_REDIRECTS} redirects"))
}

/// The body, read as it streams and refused once it passes `max` bytes.
async fn read_capped(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, String> {
    if response.content_length().is_some_and(|n| n as usize > max) {
        return Err(format!("the document is larger than the {max}-byte cap"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > max {
            return Err(format!("the document is larger than the {max}-byte cap"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn looks_like_html(body: &[u8]) -> bool {
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<!doctype") || start.starts_with(b"<html") || start.starts_with(b"<head")
}

/// Where a document with no entry goes: a bank's place from its paths
/// (`/v1/<country>/banking/<segment>/<domain>/...`).
fn place_of(body: &[u8], extension: &str) -> Result<String, String> {
    let text = String::from_utf8_lossy(body);
    let extension = if text.trim_start().starts_with('{') {
        "json"
    } else {
        extension
    };
    for line in text.split(['\n', '"', '\'']) {
        let path = line.trim().trim_end_matches(':');
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        if let ["v1", country, "banking", segment, domain, ..] = parts.as_slice() {
            return Ok(format!("banking/{country}/{segment}/{domain}.{extension}"));
        }
    }
    Err("cannot tell where this document goes (no /v1/<country>/banking/... path): add its entry to specs/sources.toml with a path, then fetch it again".into())
}

/// Runs the engine on the document at its place, in a scratch copy (with its overlay, if
/// `specs/` has one), so a document the engine rejects never reaches `specs/`.
fn validate(repo: &Path, path: &str, body: &[u8]) -> Result<(), String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let scratch = repo
        .join("target/fetch-check")
        .join(format!("{}-{nanos}", std::process::id()));
    let file = scratch.join("specs").join(path);
    let result = (|| {
        let dir = file.parent().ok_or("no parent")?;
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        std::fs::write(&file, body).map_err(|e| e.to_string())?;
        let stem = path.rsplit_once('.').map_or(path, |(s, _)| s);
        let overlay = repo.join("specs").join(format!("{stem}.overlay.yaml"));
        if overlay.is_file() {
            std::fs::copy(
                &overlay,
                scratch.join("specs").join(format!("{stem}.overlay.yaml")),
            )
            .map_err(|e| e.to_string())?;
        }
        khipu_codegen_engine::generate_file(&file, &format!("specs/{path}"))
            .map(|_| ())
            .map_err(|e| format!("the engine refuses it: {e}"))
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// What an index of Khipu's portal lists.
struct Found {
    /// Bank ids (`ar/personal/bbva.com.ar`), sorted, once each.
    banks: Vec<String>,
    /// Other APIs, with why they are not fetched.
    skipped: Vec<(String, String)>,
}

/// The rule for non-bank Open Data APIs: listed, not generated.
pub const SERVICES_RULE: &str = "a non-bank Open Data API (services): the generator builds banks (the Bank trait, the catalog) and the payments families, not services; listed, not fetched";

async fn discover(http: &reqwest::Client, index: &str, max: usize) -> Result<Found, String> {
    let text = if index.starts_with("http://") || index.starts_with("https://") {
        let response = get(http, index, None).await?;
        if !response.status().is_success() {
            return Err(format!("{index}: HTTP {}", response.status()));
        }
        String::from_utf8_lossy(&read_capped(response, max).await?).into_owned()
    } else {
        std::fs::read_to_string(index).map_err(|e| format!("cannot read {index}: {e}"))?
    };
    Ok(classify(&urls_in(&text)))
}

/// The URLs of a sitemap (`<loc>...</loc>`) or of a list (one per line, `#` comments).
fn urls_in(text: &str) -> Vec<String> {
    if text.contains("<loc>") {
        return text
            .split("<loc>")
            .skip(1)
            .filter_map(|s| s.split("</loc>").next())
            .map(|s| s.trim().to_owned())
            .collect();
    }
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Bank ids and skipped APIs from portal URLs (`.../v1/<country>/banking/<segment>/<domain>/...`,
/// `.../v1/<country>/services/<domain>/...`).
fn classify(urls: &[String]) -> Found {
    let mut banks = std::collections::BTreeSet::new();
    let mut skipped = std::collections::BTreeMap::new();
    for url in urls {
        let path = url::Url::parse(url)
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let Some(v1) = parts.iter().position(|p| *p == "v1") else {
            continue;
        };
        match &parts[v1 + 1..] {
            [country, "banking", segment, domain, ..] => {
                banks.insert(format!("{country}/{segment}/{domain}"));
            }
            [country, "services", domain, ..] => {
                skipped.insert(
                    format!("{country}/services/{domain}"),
                    SERVICES_RULE.to_owned(),
                );
            }
            _ => {}
        }
    }
    Found {
        banks: banks.into_iter().collect(),
        skipped: skipped.into_iter().collect(),
    }
}

/// `title.txt` (the semver class first) and `report.md` for the scheduled pull request; neither
/// when nothing was written.
fn write_pull_request(dir: &Path, summary: &Summary) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (title, body) = (dir.join("title.txt"), dir.join("report.md"));
    let Some(report) = summary
        .report
        .as_ref()
        .filter(|_| !summary.written.is_empty())
    else {
        let _ = std::fs::remove_file(&title);
        let _ = std::fs::remove_file(&body);
        return Ok(());
    };
    let bump = report.bump.as_deref().unwrap_or("no API change");
    let documents: Vec<String> = summary
        .written
        .iter()
        .map(|p| format!("specs/{p}"))
        .collect();
    std::fs::write(
        &title,
        format!(
            "[{bump}] Khipu's documents changed: {}\n",
            documents.join(", ")
        ),
    )
    .map_err(|e| format!("{}: {e}", title.display()))?;
    let mut text = String::from("Fetched by `cargo xtask fetch` (scheduled).\n\n");
    for d in &documents {
        text.push_str(&format!("- `{d}`\n"));
    }
    for (id, why) in &summary.skipped {
        text.push_str(&format!("- skipped `{id}`: {why}\n"));
    }
    text.push_str(
        "\nChange report (`cargo xtask codegen`, the same as `cargo xtask diff`):\n\n```text\n",
    );
    text.push_str(if report.text.is_empty() {
        "no API changes\n"
    } else {
        &report.text
    });
    text.push_str("```\n");
    std::fs::write(&body, text).map_err(|e| format!("{}: {e}", body.display()))
}

#[cfg(test)]
mod tests;

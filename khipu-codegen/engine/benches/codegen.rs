//! Codegen cost per spec: normalize, generate (progenitor plus the code passes) and format, beside
//! progenitor alone on the same already-normalized spec.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap fails the test"
)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use khipu_codegen_engine::{format, generate, identity, load, normalize, postprocess, workspace};

fn codegen(c: &mut Criterion) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let specs = workspace::find_specs(&repo).expect("specs/ is listable");
    for spec in specs {
        let name = spec.display().to_string();
        let source = load::read_spec(&repo.join(&spec), &name).expect("a valid spec");
        let who = identity::identify(&source.doc, &spec).expect("a known API");
        let mut normalized = normalize::Doc::new(source.doc.clone());
        normalize::normalize(&mut normalized, &who).expect("normalizes");
        let replacements = generate::replacements(&normalized);
        let parsed = generate::parse(&normalized).expect("parses");
        let short = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut group = c.benchmark_group(format!("codegen/{short}"));
        group.bench_function("normalize", |b| {
            b.iter(|| {
                let mut doc = normalize::Doc::new(source.doc.clone());
                normalize::normalize(&mut doc, &who).expect("normalizes")
            })
        });
        group.bench_function("progenitor_only", |b| {
            b.iter(|| generate::tokens(&parsed, &replacements, true).expect("generates"))
        });
        group.bench_function("generate", |b| {
            b.iter(|| {
                let mut report = normalize::Report::default();
                let tokens = generate::tokens(&parsed, &replacements, true).expect("generates");
                let tokens = postprocess::run_tokens(tokens, &mut report);
                let mut file: syn::File = syn::parse2(tokens).expect("parses");
                postprocess::run(&mut file, &mut report);
                file
            })
        });
        let generated =
            khipu_codegen_engine::generate_file(&repo.join(&spec), &name).expect("generates");
        group.bench_function("format", |b| {
            b.iter(|| format::code(&name, &generated.code).expect("formats"))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = codegen
}
criterion_main!(benches);

//! Helpers for the engine's tests: whole documents generated, and one code pass run alone.

use serde_json::{Value, json};

use crate::pass::{Log, Report};

/// `doc` with a server, as every Khipu document has one, unless it names its own.
pub(crate) fn with_server(mut doc: Value) -> Value {
    if let Some(map) = doc.as_object_mut() {
        map.entry("servers")
            .or_insert_with(|| json!([{"url": "https://api.khipu.com"}]));
    }
    doc
}

/// `doc` (given a server) generated as the document `file`; panics, naming the error, when it
/// does not generate.
pub(crate) fn generate(doc: Value, file: &str) -> crate::Generated {
    let source = crate::load::Source {
        name: file.to_owned(),
        doc: with_server(doc),
        sha256: String::new(),
        overlay: None,
    };
    crate::generate_source(source, std::path::Path::new(file))
        .unwrap_or_else(|e| panic!("test spec does not generate: {e}"))
}

/// One code pass over `source`, as the generator runs it: the code it leaves, formatted, and
/// what it reported.
pub(crate) fn run_pass(pass: fn(&mut syn::File, &mut Log<'_>), source: &str) -> (String, Report) {
    let mut file: syn::File = syn::parse_str(source).unwrap_or_else(|e| panic!("{e}: {source}"));
    let mut report = Report::default();
    pass(&mut file, &mut Log::new("test", &mut report));
    (prettyplease::unparse(&file), report)
}

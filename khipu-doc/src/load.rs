//! Reading a spec file: YAML or JSON in, a JSON document and its SHA-256 out.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::SpecError;

/// A spec as read from disk, before normalization.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file name as the user gave it (used in every message).
    pub name: String,
    /// The document.
    pub doc: Value,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The overlay applied to it, if one sits next to it.
    pub overlay: Option<Overlay>,
}

/// An overlay file applied to a spec (see [`crate::overlay`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlay {
    /// How messages name it.
    pub name: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// How many actions it applied.
    pub actions: usize,
}

/// Reads `path` as [`read`] does, then applies the overlay next to it (`<stem>.overlay.yaml`).
pub fn read_spec(path: &Path, name: &str) -> Result<Source, SpecError> {
    let mut source = read(path, name)?;
    if let Some(overlay_path) = crate::overlay::for_spec(path) {
        let overlay_name = Path::new(name)
            .with_file_name(overlay_path.file_name().unwrap_or_default())
            .display()
            .to_string();
        let overlay = read(&overlay_path, &overlay_name)?;
        let actions = crate::overlay::apply(&mut source.doc, &overlay.doc, &overlay_name)?;
        source.overlay = Some(Overlay {
            name: overlay_name,
            sha256: overlay.sha256,
            actions,
        });
    }
    Ok(source)
}

/// Reads and parses `path`; `name` is how messages refer to it.
pub fn read(path: &Path, name: &str) -> Result<Source, SpecError> {
    let bytes = std::fs::read(path)
        .map_err(|e| SpecError::new(name, "", format!("cannot read the spec: {e}")))?;
    parse(&bytes, name)
}

/// Parses spec text: JSON when the name ends in `.json` (Khipu's downloads are JSON), else YAML.
pub fn parse(bytes: &[u8], name: &str) -> Result<Source, SpecError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| SpecError::new(name, "", format!("the spec is not UTF-8: {e}")))?;
    let doc: Value = if name.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| {
            SpecError::new(
                name,
                format!("line {} column {}", e.line(), e.column()),
                format!("not valid JSON: {e}"),
            )
        })?
    } else {
        yaml(text, name)?
    };
    let sha256 = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Source {
        name: name.to_owned(),
        doc,
        sha256,
        overlay: None,
    })
}

fn yaml(text: &str, name: &str) -> Result<Value, SpecError> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let location = e
            .location()
            .map(|l| format!("line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        SpecError::new(name, location, format!("not valid YAML: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_hashes_the_bytes() {
        let src = parse(
            b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n",
            "x.yaml",
        )
        .unwrap();
        let keys: Vec<&String> = src.doc.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["openapi", "info", "paths"]);
        assert_eq!(src.sha256.len(), 64);
    }

    #[test]
    fn yaml_errors_name_the_file_and_line() {
        let err = parse(
            b"openapi: 3.0.3\npaths:\n  - a\n b: c\n",
            "specs/broken.yaml",
        )
        .unwrap_err();
        assert_eq!(err.file, "specs/broken.yaml");
        assert!(err.location.starts_with("line "), "{err}");
    }

    #[test]
    fn json_specs_are_read_as_json_with_positions() {
        let src = parse(br#"{"openapi": "3.1.0", "a": "\/x"}"#, "v3.0.json").unwrap();
        assert_eq!(src.doc["a"], "/x");
        let err = parse(b"{\"openapi\": }", "specs/payments/v3.0.json").unwrap_err();
        assert_eq!(err.location, "line 1 column 13");
        assert!(err.message.contains("not valid JSON"), "{err}");
    }

    #[test]
    fn numeric_looking_strings_stay_strings_when_quoted() {
        let src = parse(b"example: '000011887755'\n", "x.yaml").unwrap();
        assert_eq!(src.doc["example"], "000011887755");
    }
}

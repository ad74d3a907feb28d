//! What every README shows a reader: crates.io and GitHub render a README's blocks as they are,
//! so a rustdoc-hidden line (`# async fn main() ...`) shows there literally. Each README's Rust
//! blocks must be whole as written.

use std::path::{Path, PathBuf};

/// `(info string, code)` of each fenced block.
fn blocks(text: &str) -> Vec<(&str, &str)> {
    text.split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|block| block.split_once('\n'))
        .collect()
}

#[test]
fn no_readme_hides_lines_in_its_rust_blocks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut readmes: Vec<PathBuf> = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root).unwrap() {
        let readme = entry.unwrap().path().join("README.md");
        if readme.is_file() {
            readmes.push(readme);
        }
    }
    assert!(readmes.len() >= 5, "{readmes:?}");
    let mut rust_blocks = 0;
    for readme in readmes {
        let text = std::fs::read_to_string(&readme).unwrap();
        for (info, code) in blocks(&text) {
            if !info.starts_with("rust") {
                continue;
            }
            rust_blocks += 1;
            for line in code.lines() {
                let trimmed = line.trim_start();
                assert!(
                    !(trimmed == "#" || trimmed.starts_with("# ")),
                    "{}: a rustdoc-hidden line shows literally on crates.io: `{line}`",
                    readme.display()
                );
            }
        }
    }
    assert!(rust_blocks >= 8, "only {rust_blocks} Rust blocks found");
}

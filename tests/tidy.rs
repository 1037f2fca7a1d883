//! Tidy checks of the repository's conventions, so they stay true without review: every Rust file
//! opens with a `//!` line saying why it exists; every component directory is a Spin component of
//! the same name whose wasm file is named after it; migrations are named `NNNN_<words>.sql`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" && name != ".git" && name != "node_modules" {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_doc_line_saying_why_it_exists() {
    let mut files = Vec::new();
    for dir in ["crates", "components", "tests"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 20, "found only {} files", files.len());
    let missing: Vec<_> = files
        .iter()
        .filter(|f| {
            !std::fs::read_to_string(f)
                .unwrap_or_default()
                .starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading //! line: {missing:?}"
    );
}

#[test]
fn each_component_directory_is_a_spin_component_of_the_same_name() {
    let manifest = std::fs::read_to_string(root().join("spin.toml")).expect("spin.toml");
    let dirs = std::fs::read_dir(root().join("components")).expect("components/");
    let mut count = 0;
    for dir in dirs.flatten().filter(|d| d.path().is_dir()) {
        let name = dir.file_name().to_string_lossy().into_owned();
        let cargo = std::fs::read_to_string(dir.path().join("Cargo.toml")).expect("Cargo.toml");
        assert!(
            cargo.contains(&format!("name = \"{name}\"")),
            "package of components/{name} must be named {name}"
        );
        assert!(
            manifest.contains(&format!("[component.{name}]")),
            "spin.toml lacks [component.{name}]"
        );
        let wasm = format!("component/{}.wasm\"", name.replace('-', "_"));
        assert!(
            manifest.contains(&wasm),
            "spin.toml's source of {name} must end in {wasm}"
        );
        count += 1;
    }
    assert!(count >= 2, "found {count} components");
}

#[test]
fn migrations_are_numbered_and_named_as_sentences() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("migrations"))
        .expect("migrations/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    for (expected, name) in (1..).zip(&names) {
        let prefix = format!("{expected:04}_");
        assert!(
            name.starts_with(&prefix),
            "{name} should start with {prefix}"
        );
        let words = &name[5..name.len() - 4];
        assert!(
            words.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{name}: lower_snake_case words"
        );
        let text = std::fs::read_to_string(root().join("migrations").join(name)).expect("readable");
        assert!(
            text.starts_with("--"),
            "{name} must open with a comment saying why"
        );
    }
}

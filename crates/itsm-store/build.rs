//! Embeds `migrations/*.sql` into the crate, so the host, the native tests and the admin route
//! of a deployed app all apply exactly the same files.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .join("../../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(u32, String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("the migrations directory exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .map(|path| {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let (number, rest) = stem.split_once('_').unwrap_or((&stem, ""));
            let valid_name = !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            let version = match number.parse::<u32>() {
                Ok(version) if number.len() == 4 && valid_name => version,
                _ => panic!("migration {stem:?} must be named NNNN_lower_snake_case.sql"),
            };
            println!("cargo:rerun-if-changed={}", path.display());
            (version, stem, path)
        })
        .collect();
    files.sort();
    for (expected, (version, stem, _)) in (1..).zip(&files) {
        assert_eq!(
            *version, expected,
            "migration {stem} breaks the numbering: expected {expected:04}"
        );
    }
    let mut out = String::from("&[\n");
    for (version, stem, path) in &files {
        writeln!(
            out,
            "    Migration {{ version: {version}, name: {stem:?}, sql: include_str!({:?}) }},",
            path.canonicalize()
                .expect("migration path")
                .display()
                .to_string()
        )
        .expect("write to string");
    }
    out.push(']');
    let out_file =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("migrations.rs");
    std::fs::write(out_file, out).expect("write migrations.rs");
}

//! Writes the OpenAPI document to `openapi.json` at the workspace root: run it after changing a
//! route or a wire type, and commit the result.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(itsm_openapi::DOCUMENT_PATH);
    std::fs::write(&path, itsm_openapi::document_text())?;
    println!("wrote {}", itsm_openapi::DOCUMENT_PATH);
    Ok(())
}

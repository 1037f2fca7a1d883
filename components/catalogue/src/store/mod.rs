//! The catalogue process's SQL: the only place that knows its tables (`service`,
//! `catalogue_entry`, `catalogue_version`, `catalogue_item`). Structured fields are stored as the
//! JSON the API shows, read back through the same checked domain types. Every statement runs
//! natively in the tests at the bottom of each file, against the real migrations.

pub mod entries;
pub mod services;
pub mod versions;

use itsm_store::Value;

/// Continues a page after the row with id `after` (lists here are oldest first).
fn after_clause(
    after: Option<i64>,
    id_column: &str,
    clauses: &mut Vec<String>,
    params: &mut Vec<Value>,
) {
    if let Some(after) = after {
        clauses.push(format!("{id_column} > ?"));
        params.push(after.into());
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod test_db {
    use itsm_store::native::NativeDb;

    pub const NOW: &str = "2026-11-21T10:00:00.000Z";

    /// A database with every migration applied, the seed catalogue included.
    pub async fn db() -> NativeDb {
        NativeDb::migrated(NOW).await.expect("migrated db")
    }
}

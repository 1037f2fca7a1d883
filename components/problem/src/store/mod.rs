//! The problem process's tables: problems, their known errors, their links to incidents and
//! the change requests raised from them.

pub mod changes;
pub mod incidents;
pub mod known_errors;
pub mod problems;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use itsm_store::native::NativeDb;

    pub const NOW: &str = "2026-11-22T10:00:00.000Z";

    /// A migrated in-memory database.
    pub async fn db() -> NativeDb {
        NativeDb::migrated(NOW).await.expect("migrated db")
    }
}

//! The knowledge process's tables: articles (the working copy), their published versions, and
//! their links to what they document.

pub mod articles;
pub mod links;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use itsm_store::native::NativeDb;

    pub const NOW: &str = "2026-11-22T10:00:00.000Z";

    /// A migrated in-memory database.
    pub async fn db() -> NativeDb {
        NativeDb::migrated(NOW).await.expect("migrated db")
    }
}

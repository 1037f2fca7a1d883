//! The service request process's SQL: the only place that knows its tables (`service_request`,
//! `request_approval`, `request_task`), and where it reads the published catalogue item an order
//! names. Structured fields are stored as the JSON the API shows, read back through the same
//! checked domain types. Every statement runs natively in the tests at the bottom of each file,
//! against the real migrations.

pub mod approvals;
pub mod items;
pub mod requests;
pub mod tasks;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod test_db {
    use itsm_store::native::NativeDb;

    pub const NOW: &str = "2026-11-21T10:00:00.000Z";

    /// A database with every migration applied, the seed catalogue included.
    pub async fn db() -> NativeDb {
        NativeDb::migrated(NOW).await.expect("migrated db")
    }
}

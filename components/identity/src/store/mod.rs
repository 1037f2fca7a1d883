//! The identity process's SQL, one file per table it owns: users, role assignments, API tokens,
//! customers (with their contracts' processes) and notifications. Every statement here runs
//! natively in these files' tests against the real migrations.

pub mod assignments;
pub mod customers;
pub mod notifications;
pub mod tokens;
pub mod users;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub mod test_db {
    use itsm_store::native::NativeDb;

    pub const NOW: &str = "2026-11-21T10:00:00.000Z";

    pub async fn migrated() -> NativeDb {
        NativeDb::migrated(NOW).await.expect("migrated db")
    }
}

//! The traits the processes program against. They are deliberately small: one statement per
//! call (Spin rejects or truncates multi-statement strings) and no streaming (pages are bounded).

use crate::{Rows, StoreError, Value};

/// A connection to the shared SQL database.
#[allow(async_fn_in_trait)] // the components are single-threaded wasm; Send bounds add nothing
pub trait Sql {
    /// Runs one statement that returns rows.
    async fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError>;
    /// Runs one statement and returns how many rows it changed.
    async fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// The rowid of the last INSERT on this connection.
    async fn last_insert_rowid(&self) -> Result<i64, StoreError>;
}

/// The shared key-value store: for what can be rebuilt or may expire, never for exact counters.
#[allow(async_fn_in_trait)]
pub trait Kv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    async fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
}

/// Spin variables (secrets and settings); `Ok(None)` when the variable has no value.
#[allow(async_fn_in_trait)]
pub trait Variables {
    async fn get(&self, name: &str) -> Result<Option<String>, StoreError>;
}

/// Runs `work` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it fails, so a change and its
/// audit entry land together or not at all.
pub async fn in_transaction<D, T, E>(
    db: &D,
    work: impl AsyncFnOnce(&D) -> Result<T, E>,
) -> Result<T, E>
where
    D: Sql,
    E: From<StoreError>,
{
    db.execute("BEGIN IMMEDIATE", &[]).await?;
    match work(db).await {
        Ok(value) => {
            if let Err(commit_error) = db.execute("COMMIT", &[]).await {
                // A failed COMMIT may leave the transaction open; close it before reporting.
                let _ = db.execute("ROLLBACK", &[]).await;
                return Err(commit_error.into());
            }
            Ok(value)
        }
        Err(error) => {
            db.execute("ROLLBACK", &[]).await?;
            Err(error)
        }
    }
}

//! One error type for the storage layer; the HTTP layer maps it to a 500 or 503 in one place.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The SQL backend refused or failed a statement.
    #[error("sql: {0}")]
    Sql(String),
    /// The key-value backend failed.
    #[error("key-value: {0}")]
    Kv(String),
    /// A variable could not be read (other than "not set", which is `Ok(None)`).
    #[error("variable {name}: {message}")]
    Variable { name: String, message: String },
    /// A row did not have the shape the code expected: a bug or a schema drift, never user input.
    #[error("column {column}: {message}")]
    Decode { column: String, message: String },
    /// A migration that already ran was edited afterwards; migrations are forward-only.
    #[error(
        "migration {name} changed after it was applied (checksum {applied} then, {current} now)"
    )]
    MigrationChanged {
        name: String,
        applied: String,
        current: String,
    },
}

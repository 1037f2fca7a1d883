//! The storage seam: what the ITSM processes need from storage, with one implementation on the
//! Spin SDK (inside components) and one on rusqlite (native tests and the host's migration runner).
//!
//! Everything above this crate speaks [`Sql`], [`Kv`] and [`Variables`]; only this crate imports
//! `spin_sdk::{sqlite, key_value, variables}` or `rusqlite`.

mod audit;
mod error;
mod migrations;
mod seam;
mod split;
mod sql_text;
mod value;

#[cfg(feature = "native")]
pub mod native;
#[cfg(target_arch = "wasm32")]
pub mod spin;

pub use audit::{
    AUDIT_COLUMNS, AuditEntry, BrokenLink, ChainReport, GENESIS_HASH, HistoryEntry,
    StoredAuditEntry, insert_audit_entry, record_history, verify_audit_chain,
};
pub use error::StoreError;
pub use migrations::{AppliedMigration, MIGRATIONS, Migration, apply_migrations};
pub use seam::{Kv, Sql, Variables, in_transaction};
pub use split::split_statements;
pub use sql_text::{placeholders, where_clause};
pub use value::{FromValue, Row, Rows, Value, to_json};

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub use native::{MapVariables as Vars, MemoryKv as KvStore, NativeDb as Db};
/// The platform's concrete stores: Spin's inside a component, rusqlite and memory in native
/// builds. Components name these, so their handlers are concrete (and provably `Send` for axum).
#[cfg(target_arch = "wasm32")]
pub use spin::{SpinDb as Db, SpinKv as KvStore, SpinVariables as Vars};

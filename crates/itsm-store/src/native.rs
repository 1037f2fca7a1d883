//! The rusqlite side of the seam: every SQL statement of every process runs natively in tests
//! against real SQLite and the real migrations, and the host applies migrations with it.

use crate::{Kv, Rows, Sql, StoreError, Value, Variables};
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// One rusqlite connection. Clones share the connection, like one guest `connection` handle.
#[derive(Clone)]
pub struct NativeDb {
    conn: Arc<Mutex<rusqlite::Connection>>,
}

impl NativeDb {
    /// A private in-memory database, for unit tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open_in_memory().map_err(sql_error)?;
        Ok(Self::from_connection(conn))
    }

    /// A private in-memory database with every migration applied (`now` is their `applied_at`):
    /// where the store tests start.
    pub async fn migrated(now: &str) -> Result<Self, StoreError> {
        let db = Self::in_memory()?;
        crate::apply_migrations(&db, now).await?;
        Ok(db)
    }

    /// A database file in WAL mode, as the host runs it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open(path).map_err(sql_error)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql_error)?;
        Ok(Self::from_connection(conn))
    }

    pub fn from_connection(conn: rusqlite::Connection) -> Self {
        Self {
            conn: Arc::new(Mutex::new(conn)),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, rusqlite::Connection>, StoreError> {
        self.conn
            .lock()
            .map_err(|_| StoreError::Sql("connection mutex poisoned".to_owned()))
    }

    /// Runs a query synchronously; the async trait methods delegate here.
    pub fn query_now(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError> {
        let conn = self.lock()?;
        let mut statement = conn.prepare(sql).map_err(sql_error)?;
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut rows = statement
            .query(rusqlite::params_from_iter(params.iter().map(SqlParam)))
            .map_err(sql_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sql_error)? {
            let values = (0..columns.len())
                .map(|i| row.get_ref(i).map(from_value_ref))
                .collect::<Result<Vec<_>, _>>()
                .map_err(sql_error)?;
            out.push(values);
        }
        Ok(Rows::new(columns, out))
    }

    pub fn execute_now(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let conn = self.lock()?;
        let mut statement = conn.prepare(sql).map_err(sql_error)?;
        // `raw_execute` also accepts statements that return rows (such as PRAGMAs).
        statement
            .raw_bind_parameters_from(params)
            .map_err(sql_error)?;
        statement.raw_execute().map_err(sql_error)?;
        Ok(conn.changes())
    }
}

/// Binding helper so a slice of our values can be bound positionally.
trait BindAll {
    fn raw_bind_parameters_from(&mut self, params: &[Value]) -> rusqlite::Result<()>;
}
impl BindAll for rusqlite::Statement<'_> {
    fn raw_bind_parameters_from(&mut self, params: &[Value]) -> rusqlite::Result<()> {
        for (index, value) in params.iter().enumerate() {
            self.raw_bind_parameter(index + 1, SqlParam(value))?;
        }
        Ok(())
    }
}

impl Sql for NativeDb {
    async fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError> {
        self.query_now(sql, params)
    }
    async fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        self.execute_now(sql, params)
    }
    async fn last_insert_rowid(&self) -> Result<i64, StoreError> {
        Ok(self.lock()?.last_insert_rowid())
    }
}

struct SqlParam<'a>(&'a Value);

impl rusqlite::ToSql for SqlParam<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Integer(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

fn from_value_ref(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn sql_error(error: rusqlite::Error) -> StoreError {
    StoreError::Sql(error.to_string())
}

/// An in-memory key-value store for native tests.
#[derive(Clone, Default)]
pub struct MemoryKv {
    entries: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl MemoryKv {
    fn entries(&self) -> Result<MutexGuard<'_, HashMap<String, Vec<u8>>>, StoreError> {
        self.entries
            .lock()
            .map_err(|_| StoreError::Kv("store mutex poisoned".to_owned()))
    }
}

impl Kv for MemoryKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.entries()?.get(key).cloned())
    }
    async fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.entries()?.insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.entries()?.remove(key);
        Ok(())
    }
}

/// Variables from a map, for native tests.
#[derive(Clone, Default)]
pub struct MapVariables(pub HashMap<String, String>);

impl Variables for MapVariables {
    async fn get(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self.0.get(name).cloned())
    }
}

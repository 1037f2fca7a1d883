//! `spin:sqlite@3.1.0` with Spin's semantics (`spin:crates/factor-sqlite`, `sqlite-inproc`): each
//! `open` gets its own rusqlite connection, so `changes` and `last-insert-rowid` belong to it; a
//! label not granted answers `access-denied`; one statement per call; rows keep their order.
//!
//! Beyond Spin: files run in WAL with `synchronous = NORMAL`, and writers are serialised per
//! database by a gate held from a write (or `BEGIN`) until the connection is back in autocommit,
//! so concurrent requests queue in-process instead of sleeping in SQLite's busy handler.

use crate::bindings::sql::{self, Error, QueryResult, RowResult, Value};
use crate::state::{SpinData, SpinState};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::OwnedMutexGuard;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

const MAX_RESULT_BYTES: usize = 128 << 20;

/// One labelled database file and its writer gate.
pub struct SqlDatabase {
    path: PathBuf,
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl SqlDatabase {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        // WAL is a property of the file: set it once here, every later connection inherits it.
        let conn = rusqlite::Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Ok(Self {
            path: path.to_owned(),
            gate: Arc::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn connect(&self) -> Result<SqlHandle, Error> {
        let conn = rusqlite::Connection::open(&self.path).map_err(io)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(io)?;
        Ok(SqlHandle(Arc::new(Mutex::new(Connection {
            conn,
            gate: self.gate.clone(),
            held: None,
        }))))
    }
}

/// The databases of the app, by label.
#[derive(Default)]
pub struct SqlDatabases(pub HashMap<String, Arc<SqlDatabase>>);

/// The guest's handle on one connection.
#[derive(Clone)]
pub struct SqlHandle(Arc<Mutex<Connection>>);

pub struct Connection {
    conn: rusqlite::Connection,
    gate: Arc<tokio::sync::Mutex<()>>,
    /// The gate, while this connection is inside a transaction or a write.
    held: Option<OwnedMutexGuard<()>>,
}

impl SqlHandle {
    /// Runs one statement; must run on a blocking thread (it may wait for the writer gate).
    fn execute(
        &self,
        statement: &str,
        parameters: Vec<Value>,
    ) -> Result<(Vec<String>, Vec<RowResult>), Error> {
        let mut guard = self
            .0
            .lock()
            .map_err(|_| Error::Io("connection mutex poisoned".to_owned()))?;
        let connection = &mut *guard;
        let (result, taken) = run_statement(connection, statement, parameters);
        // Keep the gate exactly while the connection is inside a transaction. The guard taken for
        // this statement moves straight into the connection: releasing it and taking it again
        // would let another writer in between, which would then wait on SQLite's own lock.
        if connection.conn.is_autocommit() {
            connection.held = None;
        } else if connection.held.is_none() {
            connection.held =
                Some(taken.unwrap_or_else(|| connection.gate.clone().blocking_lock_owned()));
        }
        result
    }

    fn last_insert_rowid(&self) -> i64 {
        self.0.lock().map_or(0, |c| c.conn.last_insert_rowid())
    }

    fn changes(&self) -> u64 {
        self.0.lock().map_or(0, |c| c.conn.changes())
    }
}

type Rows = (Vec<String>, Vec<RowResult>);

/// Runs one statement, taking the writer gate first if it writes or opens a transaction and the
/// connection does not hold the gate yet; returns the gate so the caller decides whether to keep it.
fn run_statement(
    connection: &mut Connection,
    statement: &str,
    parameters: Vec<Value>,
) -> (Result<Rows, Error>, Option<OwnedMutexGuard<()>>) {
    let Connection { conn, gate, held } = connection;
    let mut prepared = match conn.prepare_cached(statement) {
        Ok(prepared) => prepared,
        Err(e) => return (Err(io(e)), None),
    };
    let opens_transaction = {
        let head = statement.trim_start().to_ascii_uppercase();
        head.starts_with("BEGIN") || head.starts_with("SAVEPOINT")
    };
    let taken = if held.is_none() && (!prepared.readonly() || opens_transaction) {
        Some(gate.clone().blocking_lock_owned())
    } else {
        None
    };
    (collect_rows(&mut prepared, parameters), taken)
}

fn collect_rows(
    prepared: &mut rusqlite::CachedStatement<'_>,
    parameters: Vec<Value>,
) -> Result<Rows, Error> {
    let columns: Vec<String> = prepared
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let params = parameters.into_iter().map(Param);
    let mut rows = prepared
        .query(rusqlite::params_from_iter(params))
        .map_err(io)?;
    let mut out = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next().map_err(io)? {
        let values = (0..columns.len())
            .map(|i| row.get_ref(i).map(from_ref))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        bytes += values.iter().map(value_size).sum::<usize>();
        if bytes > MAX_RESULT_BYTES {
            return Err(Error::Io(format!(
                "query result exceeds limit of {MAX_RESULT_BYTES} bytes"
            )));
        }
        out.push(RowResult { values });
    }
    Ok((columns, out))
}

struct Param(Value);

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match &self.0 {
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
            Value::Null => ValueRef::Null,
        }))
    }
}

fn from_ref(value: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn value_size(value: &Value) -> usize {
    std::mem::size_of::<Value>()
        + match value {
            Value::Text(t) => t.len(),
            Value::Blob(b) => b.len(),
            _ => 0,
        }
}

fn io(error: rusqlite::Error) -> Error {
    Error::Io(error.to_string())
}

fn open_connection(state: &mut SpinState, database: &str) -> Result<Resource<SqlHandle>, Error> {
    // The allow-list is checked first, so an undefined label is also `access-denied`.
    if !state.grants.sqlite_databases.contains(database) {
        return Err(Error::AccessDenied);
    }
    let db = state
        .backends
        .sqlite
        .0
        .get(database)
        .cloned()
        .ok_or(Error::NoSuchDatabase)?;
    let handle = db.connect()?;
    state
        .table
        .push(handle)
        .map_err(|_| Error::Io("too many connections opened".to_owned()))
}

fn handle(state: &mut SpinState, resource: &Resource<SqlHandle>) -> Result<SqlHandle, Error> {
    state
        .table
        .get(resource)
        .cloned()
        .map_err(|_| Error::InvalidConnection)
}

async fn execute_blocking(
    handle: SqlHandle,
    statement: String,
    parameters: Vec<Value>,
) -> Result<(Vec<String>, Vec<RowResult>), Error> {
    tokio::task::spawn_blocking(move || handle.execute(&statement, parameters))
        .await
        .map_err(|e| Error::Io(e.to_string()))?
}

impl sql::Host for SpinState {
    fn convert_error(&mut self, err: Error) -> wasmtime::Result<Error> {
        Ok(err)
    }
}

impl sql::HostConnection for SpinState {
    async fn open(&mut self, database: String) -> Result<Resource<SqlHandle>, Error> {
        open_connection(self, &database)
    }

    async fn execute(
        &mut self,
        resource: Resource<SqlHandle>,
        statement: String,
        parameters: Vec<Value>,
    ) -> Result<QueryResult, Error> {
        let handle = handle(self, &resource)?;
        let (columns, rows) = execute_blocking(handle, statement, parameters).await?;
        Ok(QueryResult { columns, rows })
    }

    async fn last_insert_rowid(&mut self, resource: Resource<SqlHandle>) -> wasmtime::Result<i64> {
        Ok(handle(self, &resource).map_or(0, |h| h.last_insert_rowid()))
    }

    async fn changes(&mut self, resource: Resource<SqlHandle>) -> wasmtime::Result<u64> {
        Ok(handle(self, &resource).map_or(0, |h| h.changes()))
    }

    async fn drop(&mut self, resource: Resource<SqlHandle>) -> wasmtime::Result<()> {
        // Dropping the last handle closes the connection: SQLite rolls back an open transaction
        // and the writer gate is released with it.
        self.table.delete(resource)?;
        Ok(())
    }
}

impl<T> sql::HostConnectionWithStore<T> for SpinData {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        database: String,
    ) -> Result<Resource<SqlHandle>, Error> {
        accessor.with(|mut access| open_connection(access.get(), &database))
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        resource: Resource<SqlHandle>,
        statement: String,
        parameters: Vec<Value>,
    ) -> Result<
        (
            Vec<String>,
            StreamReader<RowResult>,
            FutureReader<Result<(), Error>>,
        ),
        Error,
    > {
        let handle = accessor.with(|mut access| handle(access.get(), &resource))?;
        let (columns, rows) = execute_blocking(handle, statement, parameters).await?;
        accessor
            .with(|mut access| {
                let stream = StreamReader::new(&mut access, rows)?;
                let future = FutureReader::new(&mut access, async { wasmtime::error::Ok(Ok(())) })?;
                wasmtime::error::Ok((columns, stream, future))
            })
            .map_err(|e| Error::Io(e.to_string()))
    }

    async fn last_insert_rowid_async(
        accessor: &Accessor<T, Self>,
        resource: Resource<SqlHandle>,
    ) -> wasmtime::Result<i64> {
        Ok(accessor
            .with(|mut access| handle(access.get(), &resource))
            .map_or(0, |h| h.last_insert_rowid()))
    }

    async fn changes_async(
        accessor: &Accessor<T, Self>,
        resource: Resource<SqlHandle>,
    ) -> wasmtime::Result<u64> {
        Ok(accessor
            .with(|mut access| handle(access.get(), &resource))
            .map_or(0, |h| h.changes()))
    }
}

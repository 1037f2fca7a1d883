//! `spin:sqlite@3.1.0` with Spin's semantics (`spin:crates/factor-sqlite`, `sqlite-inproc`): each
//! `open` gets a connection of its own, so `changes` and `last-insert-rowid` belong to it; a label
//! not granted answers `access-denied`; one statement per call; rows keep their order.
//!
//! Beyond Spin, for speed: files run in WAL with `synchronous = NORMAL`; connections are reused
//! (behaving as fresh ones); and writers are serialised per database by a gate held from a write
//! (or `BEGIN`) until the connection is back in autocommit, so concurrent requests queue
//! in-process instead of sleeping in SQLite's busy handler.

use crate::bindings::sql::{self, Error, QueryResult, RowResult, Value};
use crate::state::{SpinData, SpinState};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::OwnedMutexGuard;
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

const MAX_RESULT_BYTES: usize = 128 << 20;

/// How many idle connections a database keeps for reuse.
const IDLE_CONNECTIONS: usize = 32;

/// One labelled database file, its writer gate and its idle connections.
pub struct SqlDatabase {
    path: PathBuf,
    gate: Arc<tokio::sync::Mutex<()>>,
    idle: Arc<Mutex<Vec<rusqlite::Connection>>>,
}

impl SqlDatabase {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        // WAL is a property of the file: set it once here, every later connection inherits it.
        let conn = rusqlite::Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Ok(Self {
            path: path.to_owned(),
            gate: Arc::default(),
            idle: Arc::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A connection for one guest `open`: an idle one if there is one (its schema and statement
    /// cache are warm), else a new one.
    fn connect(&self) -> Result<SqlHandle, Error> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = rusqlite::Connection::open(&self.path).map_err(io)?;
                conn.pragma_update(None, "synchronous", "NORMAL")
                    .map_err(io)?;
                conn
            }
        };
        Ok(SqlHandle(Arc::new(Mutex::new(Connection {
            conn: Some(conn),
            idle: Arc::downgrade(&self.idle),
            gate: self.gate.clone(),
            held: None,
            wrote: false,
            inserted: false,
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
    /// `Some` until the handle is dropped and the connection goes back to the idle list.
    conn: Option<rusqlite::Connection>,
    idle: Weak<Mutex<Vec<rusqlite::Connection>>>,
    gate: Arc<tokio::sync::Mutex<()>>,
    /// The gate, while this connection is inside a transaction.
    held: Option<OwnedMutexGuard<()>>,
    /// Whether this handle has written (or inserted). Until it has, `changes` and
    /// `last-insert-rowid` read 0, as on the fresh connection Spin opens for every `open`; a
    /// reused connection would otherwise show the previous user's values. An insert is noticed
    /// by the rowid changing, or by an `INSERT`/`REPLACE` that changed a row (its rowid may
    /// equal the previous user's last insert into another table).
    wrote: bool,
    inserted: bool,
}

impl Drop for Connection {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // An open transaction is rolled back, as closing the connection would; only then is the
        // gate released and the connection offered for reuse.
        let clean = conn.is_autocommit() || conn.execute_batch("ROLLBACK").is_ok();
        self.held = None;
        if let (true, Some(idle)) = (clean, self.idle.upgrade())
            && let Ok(mut idle) = idle.lock()
            && idle.len() < IDLE_CONNECTIONS
        {
            idle.push(conn);
        }
    }
}

type Rows = (Vec<String>, Vec<RowResult>);

impl SqlHandle {
    fn with<R>(&self, f: impl FnOnce(&mut Connection) -> Result<R, Error>) -> Result<R, Error> {
        let mut connection = self
            .0
            .lock()
            .map_err(|_| Error::Io("connection mutex poisoned".to_owned()))?;
        f(&mut connection)
    }

    /// Runs one statement. A statement that writes or opens a transaction first waits (without
    /// blocking a thread) for the database's writer gate, unless this connection holds it already;
    /// the statement itself runs inline, as SQLite statements here take microseconds.
    async fn execute(&self, statement: &str, parameters: Vec<Value>) -> Result<Rows, Error> {
        let gate = self.with(|c| c.gate_needed(statement))?;
        let taken = match gate {
            Some(gate) => Some(gate.lock_owned().await),
            None => None,
        };
        self.with(|c| c.run(statement, parameters, taken))
    }

    fn last_insert_rowid(&self) -> i64 {
        self.with(|c| {
            Ok(if c.inserted {
                c.conn()?.last_insert_rowid()
            } else {
                0
            })
        })
        .unwrap_or(0)
    }

    fn changes(&self) -> u64 {
        self.with(|c| Ok(if c.wrote { c.conn()?.changes() } else { 0 }))
            .unwrap_or(0)
    }
}

impl Connection {
    fn conn(&self) -> Result<&rusqlite::Connection, Error> {
        self.conn.as_ref().ok_or(Error::InvalidConnection)
    }

    /// The gate to wait for before running `statement`, if any.
    fn gate_needed(
        &mut self,
        statement: &str,
    ) -> Result<Option<Arc<tokio::sync::Mutex<()>>>, Error> {
        if self.held.is_some() {
            return Ok(None);
        }
        let prepared = self.conn()?.prepare_cached(statement).map_err(io)?;
        let head = statement.trim_start().to_ascii_uppercase();
        let opens_transaction = head.starts_with("BEGIN") || head.starts_with("SAVEPOINT");
        Ok((!prepared.readonly() || opens_transaction).then(|| self.gate.clone()))
    }

    /// Runs the statement and keeps the gate exactly while the connection is inside a
    /// transaction: the guard taken for this statement moves straight into the connection, so no
    /// other writer can slip in between and then wait on SQLite's own lock.
    fn run(
        &mut self,
        statement: &str,
        parameters: Vec<Value>,
        taken: Option<OwnedMutexGuard<()>>,
    ) -> Result<Rows, Error> {
        let conn = self.conn.as_ref().ok_or(Error::InvalidConnection)?;
        let rowid_before = conn.last_insert_rowid();
        let mut prepared = conn.prepare_cached(statement).map_err(io)?;
        let writes = !prepared.readonly();
        let result = collect_rows(&mut prepared, parameters);
        drop(prepared);
        if writes && result.is_ok() {
            self.wrote = true;
            // A new row can carry the very rowid the connection's last insert (into another
            // table) had, so an unchanged number does not mean nothing was inserted.
            let head = statement.trim_start().get(..7).unwrap_or_default();
            let inserts =
                head.eq_ignore_ascii_case("INSERT ") || head.eq_ignore_ascii_case("REPLACE");
            self.inserted |=
                conn.last_insert_rowid() != rowid_before || (inserts && conn.changes() > 0);
        }
        if conn.is_autocommit() {
            self.held = None;
        } else if self.held.is_none() {
            self.held = taken;
        }
        result
    }
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
        let (columns, rows) = handle.execute(&statement, parameters).await?;
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
        let (columns, rows) = handle.execute(&statement, parameters).await?;
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

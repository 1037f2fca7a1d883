//! `spin:key-value@3.0.0` with Spin's semantics (`spin:crates/factor-key-value`,
//! `key-value-spin`): one SQLite table `spin_key_value(store, key, value)` per backing file, a
//! label the component was not granted answers `access-denied`, deleting a missing key is fine,
//! and `get-keys` has no guaranteed order.

use crate::bindings::kv::{self, Error};
use crate::state::{SpinData, SpinState};
use rusqlite::OptionalExtension;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use wasmtime::component::{Accessor, FutureReader, Resource, StreamReader};

/// Spin's cap on what the host buffers for one result.
const MAX_RESULT_BYTES: usize = 128 << 20;

/// One labelled store: a connection to its backing file, shared by every instance.
pub struct KvStore {
    label: String,
    conn: Mutex<rusqlite::Connection>,
}

impl KvStore {
    pub fn open(label: &str, path: &Path) -> anyhow::Result<Self> {
        let conn = rusqlite::Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))",
            [],
        )?;
        Ok(Self {
            label: label.to_owned(),
            conn: Mutex::new(conn),
        })
    }

    fn run<R>(
        &self,
        f: impl FnOnce(&rusqlite::Connection, &str) -> rusqlite::Result<R>,
    ) -> Result<R, Error> {
        let conn = self
            .conn
            .lock()
            .map_err(|_| Error::Other("key-value store mutex poisoned".to_owned()))?;
        f(&conn, &self.label).map_err(|e| Error::Other(e.to_string()))
    }

    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let value: Option<Vec<u8>> = self.run(|c, store| {
            c.prepare_cached("SELECT value FROM spin_key_value WHERE store = ? AND key = ?")?
                .query_row((store, key), |row| row.get(0))
                .optional()
        })?;
        match value {
            Some(v) if v.len() > MAX_RESULT_BYTES => Err(Error::Other(format!(
                "query result exceeds limit of {MAX_RESULT_BYTES} bytes"
            ))),
            v => Ok(v),
        }
    }

    pub fn set(&self, key: &str, value: &[u8]) -> Result<(), Error> {
        self.run(|c, store| {
            c.prepare_cached(
                "INSERT INTO spin_key_value (store, key, value) VALUES (?, ?, ?) ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
            )?
            .execute((store, key, value))
            .map(drop)
        })
    }

    pub fn delete(&self, key: &str) -> Result<(), Error> {
        self.run(|c, store| {
            c.prepare_cached("DELETE FROM spin_key_value WHERE store = ? AND key = ?")?
                .execute((store, key))
                .map(drop)
        })
    }

    pub fn keys(&self) -> Result<Vec<String>, Error> {
        self.run(|c, store| {
            c.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?")?
                .query_map([store], |row| row.get(0))?
                .collect()
        })
    }
}

/// The stores of the app, by label.
#[derive(Default)]
pub struct KvStores(pub HashMap<String, Arc<KvStore>>);

/// The guest's handle on an opened store.
pub struct KvHandle(Arc<KvStore>);

fn handle_store<T>(
    accessor: &Accessor<T, SpinData>,
    handle: &Resource<KvHandle>,
) -> Result<Arc<KvStore>, Error> {
    accessor.with(|mut access| {
        access
            .get()
            .table
            .get(handle)
            .map(|h| h.0.clone())
            .map_err(|_| Error::NoSuchStore)
    })
}

impl kv::Host for SpinState {
    fn convert_error(&mut self, err: Error) -> wasmtime::Result<Error> {
        Ok(err)
    }
}

impl kv::HostStore for SpinState {
    async fn drop(&mut self, handle: Resource<KvHandle>) -> wasmtime::Result<()> {
        self.table.delete(handle)?;
        Ok(())
    }
}

impl<T> kv::HostStoreWithStore<T> for SpinData {
    async fn open(
        accessor: &Accessor<T, Self>,
        label: String,
    ) -> Result<Resource<KvHandle>, Error> {
        accessor.with(|mut access| {
            let state = access.get();
            // The allow-list is checked first, so an unknown label is also `access-denied`.
            if !state.grants.key_value_stores.contains(&label) {
                return Err(Error::AccessDenied);
            }
            let store = state
                .backends
                .key_value
                .0
                .get(&label)
                .cloned()
                .ok_or(Error::NoSuchStore)?;
            state
                .table
                .push(KvHandle(store))
                .map_err(|_| Error::StoreTableFull)
        })
    }

    async fn get(
        accessor: &Accessor<T, Self>,
        handle: Resource<KvHandle>,
        key: String,
    ) -> Result<Option<Vec<u8>>, Error> {
        let store = handle_store(accessor, &handle)?;
        store.get(&key)
    }

    async fn set(
        accessor: &Accessor<T, Self>,
        handle: Resource<KvHandle>,
        key: String,
        value: Vec<u8>,
    ) -> Result<(), Error> {
        let store = handle_store(accessor, &handle)?;
        store.set(&key, &value)
    }

    async fn delete(
        accessor: &Accessor<T, Self>,
        handle: Resource<KvHandle>,
        key: String,
    ) -> Result<(), Error> {
        let store = handle_store(accessor, &handle)?;
        store.delete(&key)
    }

    async fn exists(
        accessor: &Accessor<T, Self>,
        handle: Resource<KvHandle>,
        key: String,
    ) -> Result<bool, Error> {
        let store = handle_store(accessor, &handle)?;
        store.get(&key).map(|v| v.is_some())
    }

    async fn get_keys(
        accessor: &Accessor<T, Self>,
        handle: Resource<KvHandle>,
    ) -> wasmtime::Result<(StreamReader<String>, FutureReader<Result<(), Error>>)> {
        let keys = match handle_store(accessor, &handle) {
            Ok(store) => store.keys(),
            Err(e) => Err(e),
        };
        let (keys, result) = match keys {
            Ok(keys) => (keys, Ok(())),
            Err(e) => (Vec::new(), Err(e)),
        };
        accessor.with(|mut access| {
            let stream = StreamReader::new(&mut access, keys)?;
            let future =
                FutureReader::new(&mut access, async move { wasmtime::error::Ok(result) })?;
            Ok((stream, future))
        })
    }
}

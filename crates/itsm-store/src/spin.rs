//! The Spin side of the seam (wasm32 only): `spin:sqlite@3.1.0`, `spin:key-value@3.0.0` and
//! `spin:variables@3.0.0` through spin-sdk 7.

use crate::{Kv, Rows, Sql, StoreError, Value, Variables};
use spin_sdk::{key_value, sqlite, variables};

/// A connection to the `default` SQLite database, opened once per request.
pub struct SpinDb(sqlite::Connection);

impl SpinDb {
    pub async fn open_default() -> Result<Self, StoreError> {
        sqlite::Connection::open_default()
            .await
            .map(Self)
            .map_err(sql_error)
    }
}

impl Sql for SpinDb {
    async fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, StoreError> {
        let result = self
            .0
            .execute(sql, params.iter().map(to_spin))
            .await
            .map_err(sql_error)?;
        let columns = result.columns().to_vec();
        let rows = result.collect().await.map_err(sql_error)?;
        let rows = rows
            .into_iter()
            .map(|row| row.values.into_iter().map(from_spin).collect())
            .collect();
        Ok(Rows::new(columns, rows))
    }

    async fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let result = self
            .0
            .execute(sql, params.iter().map(to_spin))
            .await
            .map_err(sql_error)?;
        result.collect().await.map_err(sql_error)?;
        Ok(self.0.changes().await)
    }

    async fn last_insert_rowid(&self) -> Result<i64, StoreError> {
        Ok(self.0.last_insert_rowid().await)
    }
}

fn to_spin(value: &Value) -> sqlite::Value {
    match value {
        Value::Integer(i) => sqlite::Value::Integer(*i),
        Value::Real(f) => sqlite::Value::Real(*f),
        Value::Text(s) => sqlite::Value::Text(s.clone()),
        Value::Blob(b) => sqlite::Value::Blob(b.clone()),
        Value::Null => sqlite::Value::Null,
    }
}

fn from_spin(value: sqlite::Value) -> Value {
    match value {
        sqlite::Value::Integer(i) => Value::Integer(i),
        sqlite::Value::Real(f) => Value::Real(f),
        sqlite::Value::Text(s) => Value::Text(s),
        sqlite::Value::Blob(b) => Value::Blob(b),
        sqlite::Value::Null => Value::Null,
    }
}

fn sql_error(error: sqlite::Error) -> StoreError {
    StoreError::Sql(format!("{error:?}"))
}

/// The `default` key-value store.
pub struct SpinKv(key_value::Store);

impl SpinKv {
    pub async fn open_default() -> Result<Self, StoreError> {
        key_value::Store::open_default()
            .await
            .map(Self)
            .map_err(kv_error)
    }
}

impl Kv for SpinKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.get(key).await.map_err(kv_error)
    }
    async fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.0.set(key, value).await.map_err(kv_error)
    }
    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.0.delete(key).await.map_err(kv_error)
    }
}

fn kv_error(error: key_value::Error) -> StoreError {
    StoreError::Kv(format!("{error:?}"))
}

/// The component's Spin variables.
#[derive(Clone, Copy, Default)]
pub struct SpinVariables;

impl Variables for SpinVariables {
    async fn get(&self, name: &str) -> Result<Option<String>, StoreError> {
        match variables::get(name).await {
            Ok(value) if value.is_empty() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(variables::Error::Undefined(_)) => Ok(None),
            Err(error) => Err(StoreError::Variable {
                name: name.to_owned(),
                message: format!("{error:?}"),
            }),
        }
    }
}

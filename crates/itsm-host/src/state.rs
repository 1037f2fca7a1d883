//! The per-instance state of the Spin capabilities: what the component was granted (labels,
//! variables) and the shared backends, plus the guest's open store and connection handles.

use crate::key_value::KvStores;
use crate::sqlite::SqlDatabases;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use wasmtime::component::{HasData, ResourceTable};

/// What the manifest grants one component.
#[derive(Debug, Default)]
pub struct Grants {
    pub key_value_stores: HashSet<String>,
    pub sqlite_databases: HashSet<String>,
    pub variables: HashMap<String, String>,
}

/// The app-wide stores, shared by every component that lists their label.
#[derive(Clone)]
pub struct Backends {
    pub key_value: Arc<KvStores>,
    pub sqlite: Arc<SqlDatabases>,
}

pub struct SpinState {
    pub table: ResourceTable,
    pub grants: Arc<Grants>,
    pub backends: Backends,
}

/// The `HasData` marker under which the Spin interfaces are linked.
pub struct SpinData;

impl HasData for SpinData {
    type Data<'a> = &'a mut SpinState;
}

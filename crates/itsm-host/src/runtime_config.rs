//! The runtime configuration file of `spin up --runtime-config-file`: where each key-value store
//! and SQLite database label lives. Only `type = "spin"` (a local SQLite file) is supported here;
//! relative paths resolve against the file's own directory, as in Spin.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeConfig {
    #[serde(default)]
    pub key_value_store: BTreeMap<String, StoreConfig>,
    #[serde(default)]
    pub sqlite_database: BTreeMap<String, StoreConfig>,
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
    #[serde(default)]
    pub log_dir: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
pub struct StoreConfig {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub path: Option<PathBuf>,
}

impl RuntimeConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read runtime config {}: {e}", path.display()))?;
        let mut config: RuntimeConfig = toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!("{} is not a valid runtime config: {e}", path.display())
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for (section, stores) in [
            ("key_value_store", &mut config.key_value_store),
            ("sqlite_database", &mut config.sqlite_database),
        ] {
            for (label, store) in stores.iter_mut() {
                if store.kind != "spin" {
                    anyhow::bail!(
                        "[{section}.{label}] type = {:?} is not supported by itsm-host: use \"spin\"",
                        store.kind
                    );
                }
                if let Some(p) = &store.path {
                    store.path = Some(dir.join(p));
                }
            }
        }
        Ok(config)
    }

    /// The file backing a key-value label, if the config names one.
    pub fn key_value_path(&self, label: &str) -> Option<Option<&Path>> {
        self.key_value_store.get(label).map(|s| s.path.as_deref())
    }

    pub fn sqlite_path(&self, label: &str) -> Option<Option<&Path>> {
        self.sqlite_database.get(label).map(|s| s.path.as_deref())
    }
}

//! Reads a Spin manifest (version 2), mirroring `spin:crates/manifest`: the subset an HTTP app
//! uses. Unknown fields are refused, as Spin refuses them, so a typo is never silently ignored;
//! fields Spin accepts that this host cannot honour (`files`, `dependencies`) are refused by name.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub spin_manifest_version: u32,
    pub application: Application,
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDecl>,
    #[serde(default)]
    pub trigger: Triggers,
    #[serde(default)]
    pub component: BTreeMap<String, Component>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub trigger: Option<AppTriggerSettings>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AppTriggerSettings {
    #[serde(default)]
    pub http: Option<HttpSettings>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    #[serde(default)]
    pub base: Option<String>,
}

/// An application variable: a default, or `required = true`; `secret` hides it from logs.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct VariableDecl {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Triggers {
    #[serde(default)]
    pub http: Vec<HttpTrigger>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTrigger {
    pub route: RouteSpec,
    pub component: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub executor: Option<toml::Value>,
}

#[derive(Debug, Deserialize, Clone, PartialEq)]
#[serde(untagged)]
pub enum RouteSpec {
    Path(String),
    Private { private: bool },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub source: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    #[serde(default)]
    pub build: Option<BuildConfig>,
    #[serde(default)]
    pub files: Vec<toml::Value>,
    #[serde(default)]
    pub exclude_files: Vec<String>,
    #[serde(default)]
    pub dependencies: Option<toml::Value>,
    #[serde(default)]
    pub tool: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    pub command: BuildCommand,
    #[serde(default)]
    pub workdir: Option<String>,
    #[serde(default)]
    pub watch: Vec<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum BuildCommand {
    One(String),
    Many(Vec<String>),
}

impl BuildCommand {
    pub fn commands(&self) -> Vec<&str> {
        match self {
            BuildCommand::One(c) => vec![c.as_str()],
            BuildCommand::Many(cs) => cs.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid Spin manifest: {message}")]
    Parse { path: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text).map_err(|e| match e {
            ManifestError::Parse { message, .. } => ManifestError::Parse {
                path: path.display().to_string(),
                message,
            },
            other => other,
        })
    }

    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| ManifestError::Parse {
            path: "manifest".to_owned(),
            message: e.to_string(),
        })?;
        manifest.validate()?;
        Ok(manifest)
    }

    pub fn base(&self) -> &str {
        self.application
            .trigger
            .as_ref()
            .and_then(|t| t.http.as_ref())
            .and_then(|h| h.base.as_deref())
            .unwrap_or("/")
    }

    fn validate(&self) -> Result<(), ManifestError> {
        let invalid = |m: String| Err(ManifestError::Invalid(m));
        if self.spin_manifest_version != 2 {
            return invalid(format!(
                "spin_manifest_version = {} is not supported: only version 2",
                self.spin_manifest_version
            ));
        }
        for name in self.variables.keys() {
            if !crate::variables::is_valid_name(name) {
                return invalid(format!(
                    "variable name {name:?} is invalid: lower-case letters, digits and single underscores, starting with a letter"
                ));
            }
        }
        for (name, decl) in &self.variables {
            if decl.required && decl.default.is_some() {
                return invalid(format!(
                    "variable {name:?} cannot be both required and have a default"
                ));
            }
        }
        for (id, component) in &self.component {
            if !is_kebab_case(id) {
                return invalid(format!("component id {id:?} must be kebab-case"));
            }
            if !component.files.is_empty() || component.dependencies.is_some() {
                return invalid(format!(
                    "component {id:?} uses `files` or `dependencies`, which this host does not support"
                ));
            }
        }
        for trigger in &self.trigger.http {
            if !self.component.contains_key(&trigger.component) {
                return invalid(format!(
                    "an HTTP trigger names component {:?}, which the manifest does not define",
                    trigger.component
                ));
            }
            if trigger.route == (RouteSpec::Private { private: false }) {
                return invalid(format!(
                    "the route of component {:?} is `{{ private = false }}`: give a path instead",
                    trigger.component
                ));
            }
        }
        Ok(())
    }
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part.starts_with(|c: char| c.is_ascii_lowercase())
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
spin_manifest_version = 2
[application]
name = "app"
[variables]
token = { required = true, secret = true }
[[trigger.http]]
route = "/api/..."
component = "api"
[[trigger.http]]
route = { private = true }
component = "api"
[component.api]
source = "api.wasm"
key_value_stores = ["default"]
[component.api.build]
command = ["echo one", "echo two"]
workdir = "sub"
"#;

    #[test]
    fn parses_a_minimal_http_app() {
        let m = Manifest::parse(MINIMAL).expect("valid");
        assert_eq!(m.trigger.http.len(), 2);
        assert_eq!(
            m.trigger.http[1].route,
            RouteSpec::Private { private: true }
        );
        let build = m.component["api"].build.as_ref().expect("build");
        assert_eq!(build.command.commands(), vec!["echo one", "echo two"]);
        assert!(m.variables["token"].required);
    }

    #[test]
    fn refuses_unknown_fields_naming_them() {
        let text = MINIMAL.replace("key_value_stores", "key_value_storez");
        let err = Manifest::parse(&text).expect_err("typo");
        assert!(err.to_string().contains("key_value_storez"), "{err}");
    }

    #[test]
    fn refuses_a_trigger_for_an_undefined_component() {
        let text = MINIMAL.replace(
            "component = \"api\"\n[[trigger.http]]",
            "component = \"nope\"\n[[trigger.http]]",
        );
        let err = Manifest::parse(&text).expect_err("unknown component");
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn refuses_other_manifest_versions_and_bad_ids() {
        assert!(Manifest::parse(&MINIMAL.replace("= 2", "= 1")).is_err());
        let text = MINIMAL
            .replace("[component.api]", "[component.Api_1]")
            .replace("component = \"api\"", "component = \"Api_1\"");
        assert!(Manifest::parse(&text).is_err());
    }
}

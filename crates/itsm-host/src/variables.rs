//! Spin variables (`spin:crates/factor-variables`, `spin:crates/expressions`): application
//! variables with defaults, required and secret ones, filled from `SPIN_VARIABLE_<NAME>` as Spin's
//! environment provider does; component variables are templates over them, resolved at load time.

use crate::manifest::Manifest;
use std::collections::{BTreeMap, HashMap};

/// Spin's rule for variable names: lower-case ASCII letters, digits and `_`, starting with a
/// letter, ending with a letter or digit, and no `__`.
pub fn is_valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && !name.contains("__")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VariableError {
    #[error("variable {0:?} is required but has no value: set SPIN_VARIABLE_{upper}", upper = .0.to_ascii_uppercase())]
    MissingRequired(String),
    #[error(
        "component {component:?} uses variable {variable:?}, which the manifest's [variables] does not declare"
    )]
    Unknown { component: String, variable: String },
    #[error("component {component:?} variable {name:?}: {message}")]
    BadTemplate {
        component: String,
        name: String,
        message: String,
    },
}

/// The resolved variables of every component, by component id.
pub fn resolve(
    manifest: &Manifest,
    provider: &dyn Fn(&str) -> Option<String>,
) -> Result<HashMap<String, HashMap<String, String>>, VariableError> {
    let app = app_values(manifest, provider)?;
    let mut out = HashMap::new();
    for (id, component) in &manifest.component {
        let mut values = HashMap::new();
        for (name, template) in &component.variables {
            if !is_valid_name(name) {
                return Err(VariableError::BadTemplate {
                    component: id.clone(),
                    name: name.clone(),
                    message: "invalid variable name".to_owned(),
                });
            }
            values.insert(name.clone(), expand(id, name, template, &app)?);
        }
        out.insert(id.clone(), values);
    }
    Ok(out)
}

/// Spin's environment provider: `SPIN_VARIABLE_<NAME>` with the name upper-cased.
pub fn environment_provider(name: &str) -> Option<String> {
    std::env::var(format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())).ok()
}

/// Expands `{{ name }}` templates in a manifest string such as an allowed outbound host.
pub fn expand_app_template(
    manifest: &Manifest,
    provider: &dyn Fn(&str) -> Option<String>,
    template: &str,
) -> Result<String, VariableError> {
    let app = app_values(manifest, provider)?;
    expand("application", "allowed_outbound_hosts", template, &app)
}

fn app_values(
    manifest: &Manifest,
    provider: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, Option<String>>, VariableError> {
    let mut app = BTreeMap::new();
    for (name, decl) in &manifest.variables {
        let value = provider(name).or_else(|| decl.default.clone());
        if decl.required && value.is_none() {
            return Err(VariableError::MissingRequired(name.clone()));
        }
        app.insert(name.clone(), value);
    }
    Ok(app)
}

fn expand(
    component: &str,
    name: &str,
    template: &str,
    app: &BTreeMap<String, Option<String>>,
) -> Result<String, VariableError> {
    let bad = |message: &str| VariableError::BadTemplate {
        component: component.to_owned(),
        name: name.to_owned(),
        message: message.to_owned(),
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| bad("unclosed {{"))?;
        let variable = after[..end].trim();
        match app.get(variable) {
            Some(Some(value)) => out.push_str(value),
            // Declared but without value or default: Spin reports it when the guest reads it.
            Some(None) => {}
            None => {
                return Err(VariableError::Unknown {
                    component: component.to_owned(),
                    variable: variable.to_owned(),
                });
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(extra: &str) -> Manifest {
        Manifest::parse(&format!(
            r#"
spin_manifest_version = 2
[application]
name = "app"
[variables]
token = {{ required = true, secret = true }}
greeting = {{ default = "hello" }}
[component.api]
source = "api.wasm"
[component.api.variables]
{extra}
"#
        ))
        .expect("manifest")
    }

    #[test]
    fn names_follow_spins_rules() {
        for ok in ["a", "bootstrap_token", "a1"] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in ["", "A", "1a", "a_", "a__b", "a-b"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn templates_expand_from_the_provider_then_the_default() {
        let m = manifest("message = \"{{ greeting }}, {{token}}!\"");
        let provider = |name: &str| (name == "token").then(|| "s3cret".to_owned());
        let values = resolve(&m, &provider).expect("resolves");
        assert_eq!(values["api"]["message"], "hello, s3cret!");
    }

    #[test]
    fn a_missing_required_variable_is_named() {
        let m = manifest("");
        let err = resolve(&m, &|_| None).expect_err("token is required");
        assert_eq!(err, VariableError::MissingRequired("token".to_owned()));
        assert!(err.to_string().contains("SPIN_VARIABLE_TOKEN"));
    }

    #[test]
    fn a_template_over_an_undeclared_variable_is_refused() {
        let m = manifest("x = \"{{ nope }}\"");
        let err = resolve(&m, &|_| Some("v".to_owned())).expect_err("unknown");
        assert!(matches!(err, VariableError::Unknown { .. }), "{err}");
    }
}

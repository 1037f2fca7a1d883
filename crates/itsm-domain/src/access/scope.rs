//! What a scoped grant is limited to: one process, one service or one customer organisation.

use super::process::Process;
use crate::text_enum::text_enum;
use std::fmt;

text_enum! {
    pub enum ScopeKind {
        Process => "process",
        Service => "service",
        Customer => "customer",
    }
}

/// One process, service or customer, by its key (process name, service code, customer code).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Scope {
    pub kind: ScopeKind,
    pub key: String,
}

impl Scope {
    pub fn process(process: Process) -> Scope {
        Scope {
            kind: ScopeKind::Process,
            key: process.as_str().to_owned(),
        }
    }

    pub fn service(code: &str) -> Scope {
        Scope {
            kind: ScopeKind::Service,
            key: code.to_owned(),
        }
    }

    pub fn customer(code: &str) -> Scope {
        Scope {
            kind: ScopeKind::Customer,
            key: code.to_owned(),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;

    #[test]
    fn scopes_read_as_kind_and_key() {
        for kind in ScopeKind::ALL {
            assert_text_encoding(*kind, kind.as_str(), ScopeKind::parse);
        }
        assert_eq!(
            Scope::process(Process::Change).to_string(),
            "process:change"
        );
        assert_eq!(Scope::customer("acme").to_string(), "customer:acme");
        assert_eq!(Scope::service("mail").to_string(), "service:mail");
    }
}

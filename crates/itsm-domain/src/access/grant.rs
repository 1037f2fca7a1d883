//! A role held by a user, scoped when the role is: checked on construction, so no grant of a
//! process owner without a process (or of the change team "for customer acme") can exist.

use super::process::Process;
use super::role::Role;
use super::scope::{Scope, ScopeKind};

#[derive(
    Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Grant {
    pub role: Role,
    pub scope: Option<Scope>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("the role {role} needs a {kind} scope")]
    ScopeRequired { role: Role, kind: ScopeKind },
    #[error("the role {role} takes no scope")]
    ScopeNotAllowed { role: Role },
    #[error("the role {role} is scoped by {expected}, not by {given}")]
    WrongScopeKind {
        role: Role,
        expected: ScopeKind,
        given: ScopeKind,
    },
    #[error("{key} is not a process; {allowed}")]
    UnknownProcess { key: String, allowed: String },
    #[error(
        "{key} is not a valid {kind} code: use 1 to 64 lowercase letters, digits, '.', '-' or '_'"
    )]
    BadCode { kind: ScopeKind, key: String },
}

impl Grant {
    pub fn new(role: Role, scope: Option<Scope>) -> Result<Grant, GrantError> {
        match (role.scope_kind(), &scope) {
            (None, None) => {}
            (None, Some(_)) => return Err(GrantError::ScopeNotAllowed { role }),
            (Some(kind), None) => return Err(GrantError::ScopeRequired { role, kind }),
            (Some(expected), Some(given)) if given.kind != expected => {
                return Err(GrantError::WrongScopeKind {
                    role,
                    expected,
                    given: given.kind,
                });
            }
            (Some(ScopeKind::Process), Some(given)) => {
                Process::parse(&given.key).map_err(|allowed| GrantError::UnknownProcess {
                    key: given.key.clone(),
                    allowed,
                })?;
            }
            (Some(kind), Some(given)) if !is_code(&given.key) => {
                return Err(GrantError::BadCode {
                    kind,
                    key: given.key.clone(),
                });
            }
            (Some(_), Some(_)) => {}
        }
        Ok(Grant { role, scope })
    }
}

/// Service and customer codes: short, lowercase, safe in paths and in `role:kind:key` text.
/// '.' is kept because the identity component creates customers with that same alphabet; a
/// narrower one here would leave such a customer unable to have contacts.
fn is_code(key: &str) -> bool {
    (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_bad_grant_is_refused() {
        let process = |key: &str| Scope {
            kind: ScopeKind::Process,
            key: key.to_owned(),
        };
        assert!(Grant::new(Role::Slm, None).is_ok());
        assert!(Grant::new(Role::ProcessOwner, Some(process("change"))).is_ok());
        assert_eq!(
            Grant::new(Role::ProcessOwner, None),
            Err(GrantError::ScopeRequired {
                role: Role::ProcessOwner,
                kind: ScopeKind::Process
            })
        );
        assert_eq!(
            Grant::new(Role::Slm, Some(Scope::customer("acme"))),
            Err(GrantError::ScopeNotAllowed { role: Role::Slm })
        );
        assert_eq!(
            Grant::new(Role::ServiceOwner, Some(Scope::customer("acme"))),
            Err(GrantError::WrongScopeKind {
                role: Role::ServiceOwner,
                expected: ScopeKind::Service,
                given: ScopeKind::Customer
            })
        );
        let unknown = Grant::new(Role::ProcessManager, Some(process("wizardry")));
        let Err(GrantError::UnknownProcess { key, allowed }) = unknown else {
            panic!("expected UnknownProcess, got {unknown:?}");
        };
        assert_eq!(key, "wizardry");
        assert!(allowed.starts_with("must be one of: service_desk, incident,"));
        assert_eq!(
            Grant::new(Role::Customer, Some(Scope::customer("Acme Corp"))),
            Err(GrantError::BadCode {
                kind: ScopeKind::Customer,
                key: "Acme Corp".to_owned()
            })
        );
        assert!(Grant::new(Role::Customer, Some(Scope::customer("acme-corp"))).is_ok());
    }

    #[test]
    fn codes_are_short_lowercase_and_path_safe() {
        let long = "a".repeat(64);
        for good in ["a", "acme_2", "mail-eu", "acme.co", long.as_str()] {
            assert!(is_code(good), "{good}");
        }
        let too_long = "a".repeat(65);
        for bad in [
            "",
            "Acme",
            "ac me",
            "acme:x",
            "acme/x",
            "ä",
            too_long.as_str(),
        ] {
            assert!(!is_code(bad), "{bad}");
            assert!(Grant::new(Role::ServiceOwner, Some(Scope::service(bad))).is_err());
        }
    }
}

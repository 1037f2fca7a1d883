//! How far a caller's reading reaches, for list and search queries that must leave out what
//! they may not see in SQL (so pages stay full): everything, or the records of some services
//! and customers. Also who reads as staff rather than as a customer.

use crate::{ApiError, Principal};
use itsm_domain::access::{self, Role, Scope, ScopeKind, Visibility};
use itsm_store::Value;

/// The services and customers a reader with scoped grants sees the records of.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reach {
    pub services: Vec<String>,
    pub customers: Vec<String>,
}

impl Reach {
    /// The SQL condition on a record's service and customer columns, with its values.
    pub fn condition(&self, service_column: &str, customer_column: &str) -> (String, Vec<Value>) {
        let sql = format!(
            "({service_column} IN ({}) OR {customer_column} IN ({}))",
            itsm_store::placeholders(self.services.len()),
            itsm_store::placeholders(self.customers.len())
        );
        let values = self
            .services
            .iter()
            .chain(&self.customers)
            .map(Value::from)
            .collect();
        (sql, values)
    }
}

impl Principal {
    /// Whose records of `authority` the caller reads: `None` for all of them (an unscoped grant,
    /// or one scoped to the authority's own process), else the services and customers of their
    /// scoped grants. A caller without the authority is refused.
    pub fn reach(&self, authority: &str) -> Result<Option<Reach>, ApiError> {
        let own_process = access::authority(authority).map(|a| Scope::process(a.process));
        match self.visibility(authority) {
            Visibility::All => Ok(None),
            Visibility::Nothing => Err(ApiError::forbidden(authority)),
            Visibility::Only(scopes) if own_process.is_some_and(|p| scopes.contains(&p)) => {
                Ok(None)
            }
            Visibility::Only(scopes) => {
                let keys = |kind: ScopeKind| -> Vec<String> {
                    scopes
                        .iter()
                        .filter(|s| s.kind == kind)
                        .map(|s| s.key.clone())
                        .collect()
                };
                Ok(Some(Reach {
                    services: keys(ScopeKind::Service),
                    customers: keys(ScopeKind::Customer),
                }))
            }
        }
    }

    /// Whether the caller holds `authority` through a role other than the customer's: staff,
    /// who see what is not meant for customers (drafts, internal articles).
    pub fn holds_as_staff(&self, authority: &str) -> bool {
        self.break_glass
            || access::authority(authority).is_some_and(|a| {
                self.grants
                    .iter()
                    .any(|g| g.role != Role::Customer && a.holders.contains(&g.role))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsm_domain::access::Grant;
    use itsm_domain::access::names::{KNOWLEDGE_READ, PROBLEM_READ};

    fn person(grants: Vec<Grant>) -> Principal {
        Principal {
            user: "u".to_owned(),
            user_id: Some(1),
            grants,
            break_glass: false,
        }
    }

    #[test]
    fn reach_is_all_unscoped_or_the_grants_scopes() {
        let desk = person(vec![Grant {
            role: Role::ServiceDesk,
            scope: None,
        }]);
        assert_eq!(desk.reach(PROBLEM_READ).expect("reads"), None);
        let manager = person(vec![Grant {
            role: Role::ProcessManager,
            scope: Some(Scope::process(access::Process::Problem)),
        }]);
        assert_eq!(manager.reach(PROBLEM_READ).expect("reads"), None);
        let contact = person(vec![Grant {
            role: Role::Customer,
            scope: Some(Scope::customer("acme")),
        }]);
        assert!(
            contact.reach(PROBLEM_READ).is_err(),
            "customers do not read problems"
        );
        assert_eq!(
            contact.reach(KNOWLEDGE_READ).expect("reads"),
            Some(Reach {
                services: Vec::new(),
                customers: vec!["acme".to_owned()]
            })
        );
        assert!(desk.holds_as_staff(KNOWLEDGE_READ));
        assert!(!contact.holds_as_staff(KNOWLEDGE_READ));
        let (sql, values) = Reach {
            services: vec!["lan-om".to_owned()],
            customers: Vec::new(),
        }
        .condition("service_code", "customer");
        assert_eq!(sql, "(service_code IN (?) OR customer IN ())");
        assert_eq!(values.len(), 1);
    }
}

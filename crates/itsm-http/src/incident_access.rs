//! Who may read an incident, written once for every process that shows incidents (the incident
//! process itself, and problems listing the incidents they cause): holders of `incident.read`
//! for its scopes, and for a security incident only the security team and its own parties.

use crate::Principal;
use itsm_domain::access::names::{INCIDENT_READ, INCIDENT_SECURITY};
use itsm_domain::access::{Process, Scope};

/// The facts about an incident that decide who may read it.
#[derive(Debug, Clone, Copy)]
pub struct IncidentAccess<'a> {
    pub service: Option<&'a str>,
    pub customer: Option<&'a str>,
    pub security: bool,
    pub reporter: &'a str,
    pub caller: &'a str,
}

impl IncidentAccess<'_> {
    /// The scopes it lies in, for scoped grants: the incident process, its customer, its service.
    pub fn scopes(&self) -> Vec<Scope> {
        let mut scopes = vec![Scope::process(Process::Incident)];
        scopes.extend(self.customer.map(Scope::customer));
        scopes.extend(self.service.map(Scope::service));
        scopes
    }

    /// Whoever reported it or the caller it names; a token that is no person never is.
    pub fn is_party(&self, principal: &Principal) -> bool {
        principal.user_id.is_some()
            && (principal.user == self.reporter || principal.user == self.caller)
    }

    /// Whether a security incident is hidden from the caller (it exists only for the security
    /// team and its parties); `false` for every other incident.
    pub fn hides_security_from(&self, principal: &Principal) -> bool {
        self.security && !principal.may(INCIDENT_SECURITY, &[]) && !self.is_party(principal)
    }

    /// Whether the caller may read it.
    pub fn readable_by(&self, principal: &Principal) -> bool {
        if self.security {
            !self.hides_security_from(principal)
        } else {
            principal.may(INCIDENT_READ, &self.scopes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsm_domain::access::{Grant, Role};

    fn person(user: &str, grants: Vec<Grant>) -> Principal {
        Principal {
            user: user.to_owned(),
            user_id: Some(7),
            grants,
            break_glass: false,
        }
    }

    fn grant(role: Role, scope: Option<Scope>) -> Grant {
        Grant { role, scope }
    }

    #[test]
    fn security_incidents_are_for_the_security_team_and_their_parties_only() {
        let incident = IncidentAccess {
            service: Some("lan-om"),
            customer: None,
            security: true,
            reporter: "ann",
            caller: "bob",
        };
        let desk = person("dora", vec![grant(Role::ServiceDesk, None)]);
        let security = person("sam", vec![grant(Role::SecurityManager, None)]);
        assert!(!incident.readable_by(&desk));
        assert!(incident.readable_by(&security));
        assert!(incident.readable_by(&person("bob", Vec::new())));
        assert!(!incident.readable_by(&Principal::system()));
        let ordinary = IncidentAccess {
            security: false,
            ..incident
        };
        assert!(ordinary.readable_by(&desk));
        assert!(!ordinary.readable_by(&person("bob", Vec::new())));
    }

    #[test]
    fn a_customer_contact_reads_only_their_customers_incidents() {
        let contact = person(
            "cy",
            vec![grant(Role::Customer, Some(Scope::customer("acme")))],
        );
        let of = |customer| IncidentAccess {
            service: None,
            customer: Some(customer),
            security: false,
            reporter: "x",
            caller: "y",
        };
        assert!(of("acme").readable_by(&contact));
        assert!(!of("globex").readable_by(&contact));
    }
}

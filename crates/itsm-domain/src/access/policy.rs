//! The decisions every component asks: does this caller hold this authority for a record in this
//! context; which records may they see; and may they grant this role to that person.

use super::authority::{authority, names};
use super::grant::Grant;
use super::role::Role;
use super::scope::Scope;

/// Whether a grant confers `authority` in `context` (the scopes of the record at hand).
fn confers(grant: &Grant, holders: &[Role], context: &[Scope]) -> bool {
    holders.contains(&grant.role)
        && match (grant.role.scope_kind(), &grant.scope) {
            (None, _) => true,
            (Some(_), Some(scope)) => context.contains(scope),
            (Some(_), None) => false,
        }
}

/// True iff some grant's role holds `authority` and, for a scoped role, the grant's scope is
/// among the record's `context`. An unknown authority is held by nobody.
pub fn permits(grants: &[Grant], authority_name: &str, context: &[Scope]) -> bool {
    authority(authority_name).is_some_and(|a| grants.iter().any(|g| confers(g, a.holders, context)))
}

/// True iff some grant is of `role` and, for a scoped role, lies among the record's `context`:
/// who may act where a record names a role rather than an authority (an approver by role).
pub fn holds_role(grants: &[Grant], role: Role, context: &[Scope]) -> bool {
    grants.iter().any(|g| confers(g, &[role], context))
}

/// Which records an authority reaches: all of them, those in some scopes, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    All,
    Only(Vec<Scope>),
    Nothing,
}

pub fn visibility(grants: &[Grant], authority_name: &str) -> Visibility {
    let Some(a) = authority(authority_name) else {
        return Visibility::Nothing;
    };
    let holding: Vec<&Grant> = grants
        .iter()
        .filter(|g| a.holders.contains(&g.role))
        .collect();
    if holding.iter().any(|g| g.role.scope_kind().is_none()) {
        return Visibility::All;
    }
    let mut scopes: Vec<Scope> = Vec::new();
    for scope in holding.iter().filter_map(|g| g.scope.as_ref()) {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    if scopes.is_empty() {
        Visibility::Nothing
    } else {
        Visibility::Only(scopes)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantRefusal {
    #[error("nobody may grant or revoke a role of their own")]
    SelfGrant,
    #[error("granting {role} needs the role.grant authority without scope")]
    NeedsGlobalGrant { role: Role },
    #[error("only top management may grant {role}")]
    ReservedRole { role: Role },
    #[error("missing authority role.grant")]
    MissingAuthority,
    #[error("{scope} is outside the grantor's scope")]
    OutsideScope { scope: Scope },
}

/// Whether `grantor` (holding `grantor_grants`) may give `grant` to `grantee`. Nobody grants to
/// themselves; only top management makes administrators or top managers; a process owner may
/// appoint process managers of its own process and nothing else.
pub fn may_grant(
    grantor_grants: &[Grant],
    grantor: &str,
    grantee: &str,
    grant: &Grant,
) -> Result<(), GrantRefusal> {
    if grantor == grantee {
        return Err(GrantRefusal::SelfGrant);
    }
    let is_top = grantor_grants.iter().any(|g| g.role == Role::TopManagement);
    if matches!(grant.role, Role::TopManagement | Role::Admin) && !is_top {
        return Err(GrantRefusal::ReservedRole { role: grant.role });
    }
    if permits(grantor_grants, names::ROLE_GRANT, &[]) {
        return Ok(());
    }
    let owned: Vec<&Scope> = grantor_grants
        .iter()
        .filter(|g| g.role == Role::ProcessOwner)
        .filter_map(|g| g.scope.as_ref())
        .collect();
    if owned.is_empty() {
        return Err(GrantRefusal::MissingAuthority);
    }
    if grant.role != Role::ProcessManager {
        return Err(GrantRefusal::NeedsGlobalGrant { role: grant.role });
    }
    match &grant.scope {
        Some(scope) if owned.contains(&scope) => Ok(()),
        Some(scope) => Err(GrantRefusal::OutsideScope {
            scope: scope.clone(),
        }),
        None => Err(GrantRefusal::NeedsGlobalGrant { role: grant.role }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{AUTHORITIES, Process, ScopeKind};

    fn grant(role: Role, scope: Option<Scope>) -> Grant {
        Grant::new(role, scope).expect("a valid grant")
    }

    /// A grant of `role` with a sample scope of its kind, and that scope as the context.
    fn sample(role: Role) -> (Grant, Vec<Scope>) {
        let scope = role.scope_kind().map(|kind| match kind {
            ScopeKind::Process => Scope::process(Process::Incident),
            ScopeKind::Service => Scope::service("mail"),
            ScopeKind::Customer => Scope::customer("acme"),
        });
        let context = scope.iter().cloned().collect();
        (grant(role, scope), context)
    }

    #[test]
    fn a_role_is_held_only_within_its_grants_scope() {
        let owner = [grant(Role::ServiceOwner, Some(Scope::service("mail")))];
        let desk = [grant(Role::ServiceDesk, None)];
        let mail = [Scope::service("mail"), Scope::customer("acme")];
        let chat = [Scope::service("chat")];
        assert!(holds_role(&owner, Role::ServiceOwner, &mail));
        assert!(!holds_role(&owner, Role::ServiceOwner, &chat));
        assert!(!holds_role(&owner, Role::ServiceDesk, &mail));
        assert!(holds_role(&desk, Role::ServiceDesk, &chat));
        assert!(holds_role(&desk, Role::ServiceDesk, &[]));
    }

    #[test]
    fn every_authority_is_held_by_each_of_its_roles_and_by_no_other() {
        for a in AUTHORITIES {
            for role in Role::ALL {
                let (g, context) = sample(*role);
                assert_eq!(
                    permits(&[g], a.name, &context),
                    a.holders.contains(role),
                    "{} for {role}",
                    a.name
                );
            }
        }
    }

    #[test]
    fn the_headline_decisions_belong_to_their_teams_alone() {
        let only = |authority: &str, holders: &[Role]| {
            for role in Role::ALL {
                let (g, context) = sample(*role);
                assert_eq!(
                    permits(&[g], authority, &context),
                    holders.contains(role),
                    "{authority} / {role}"
                );
            }
        };
        only("change.approve", &[Role::ChangeManager, Role::ServiceOwner]);
        only("problem.solution.approve", &[Role::ProblemManager]);
        only("sla.approve", &[Role::ManagementRep]);
        only("ci.write", &[Role::ConfigManager]);
        only("sms.change.approve", &[Role::TopManagement]);
        only("supplier.evaluate", &[Role::SupplierManager]);
        only("security.decide", &[Role::SecurityManager]);
    }

    #[test]
    fn scoped_roles_hold_their_authority_only_within_their_scope() {
        let owner = [grant(Role::ServiceOwner, Some(Scope::service("mail")))];
        assert!(permits(&owner, "change.approve", &[Scope::service("mail")]));
        assert!(!permits(&owner, "change.approve", &[Scope::service("web")]));
        assert!(!permits(&owner, "change.approve", &[]));
        let contact = [grant(Role::Customer, Some(Scope::customer("acme")))];
        assert!(permits(
            &contact,
            "incident.read",
            &[Scope::customer("acme"), Scope::service("mail")]
        ));
        assert!(!permits(
            &contact,
            "incident.read",
            &[Scope::customer("globex")]
        ));
        let process_owner = [grant(
            Role::ProcessOwner,
            Some(Scope::process(Process::Incident)),
        )];
        assert!(permits(
            &process_owner,
            "process.configure",
            &[Scope::process(Process::Incident)]
        ));
        assert!(!permits(
            &process_owner,
            "process.configure",
            &[Scope::process(Process::Problem)]
        ));
        assert!(!permits(&process_owner, "no.such.authority", &[]));
    }

    #[test]
    fn visibility_is_all_some_scopes_or_nothing() {
        assert_eq!(
            visibility(&[grant(Role::ServiceDesk, None)], "incident.read"),
            Visibility::All
        );
        let contact = [
            grant(Role::Customer, Some(Scope::customer("acme"))),
            grant(Role::Customer, Some(Scope::customer("globex"))),
        ];
        assert_eq!(
            visibility(&contact, "incident.read"),
            Visibility::Only(vec![Scope::customer("acme"), Scope::customer("globex")])
        );
        assert_eq!(
            visibility(&[grant(Role::ExternalAuditor, None)], "incident.write"),
            Visibility::Nothing
        );
        assert_ne!(visibility(&contact, "incident.create"), Visibility::Nothing);
    }

    #[test]
    fn grants_follow_the_rules_in_order() {
        let top = [grant(Role::TopManagement, None)];
        let admin = [grant(Role::Admin, None)];
        let owner = [grant(
            Role::ProcessOwner,
            Some(Scope::process(Process::Change)),
        )];
        let slm = grant(Role::Slm, None);
        assert_eq!(
            may_grant(&top, "tom", "tom", &slm),
            Err(GrantRefusal::SelfGrant)
        );
        assert_eq!(
            may_grant(&top, "tom", "ann", &grant(Role::Admin, None)),
            Ok(())
        );
        assert_eq!(
            may_grant(&admin, "ada", "ann", &grant(Role::TopManagement, None)),
            Err(GrantRefusal::ReservedRole {
                role: Role::TopManagement
            })
        );
        assert_eq!(
            may_grant(&admin, "ada", "ann", &grant(Role::Admin, None)),
            Err(GrantRefusal::ReservedRole { role: Role::Admin })
        );
        assert_eq!(
            may_grant(&top, "tom", "ann", &grant(Role::TopManagement, None)),
            Ok(())
        );
        assert_eq!(may_grant(&admin, "ada", "ann", &slm), Ok(()));
        assert_eq!(
            may_grant(&owner, "owen", "ann", &grant(Role::Admin, None)),
            Err(GrantRefusal::ReservedRole { role: Role::Admin })
        );
        assert_eq!(
            may_grant(&owner, "owen", "owen", &slm),
            Err(GrantRefusal::SelfGrant)
        );
        let manager_of = |p| grant(Role::ProcessManager, Some(Scope::process(p)));
        assert_eq!(
            may_grant(&owner, "owen", "ann", &manager_of(Process::Change)),
            Ok(())
        );
        assert_eq!(
            may_grant(&owner, "owen", "ann", &manager_of(Process::Problem)),
            Err(GrantRefusal::OutsideScope {
                scope: Scope::process(Process::Problem)
            })
        );
        assert_eq!(
            may_grant(&owner, "owen", "ann", &slm),
            Err(GrantRefusal::NeedsGlobalGrant { role: Role::Slm })
        );
        let other_owner = grant(Role::ProcessOwner, Some(Scope::process(Process::Change)));
        assert_eq!(
            may_grant(&owner, "owen", "ann", &other_owner),
            Err(GrantRefusal::NeedsGlobalGrant {
                role: Role::ProcessOwner
            })
        );
        let manager = [manager_of(Process::Change)];
        assert_eq!(
            may_grant(&manager, "mia", "ann", &manager_of(Process::Change)),
            Err(GrantRefusal::MissingAuthority)
        );
        assert_eq!(
            may_grant(&[grant(Role::ServiceDesk, None)], "sam", "ann", &slm),
            Err(GrantRefusal::MissingAuthority)
        );
    }
}

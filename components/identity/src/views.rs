//! The identity API's answers that are not a stored row: the published policy, the caller's own
//! view, a contract's processes and a new token. Typed, so the OpenAPI document derives their
//! schemas from the same structs that are serialized.

use crate::store::customers::ProcessDecision;
use crate::store::tokens::Token;
use itsm_domain::access::{
    AUTHORITIES, AuthorityDef, Grant, Process, Role, Scope, ScopeKind, Tailoring,
};
use schemars::JsonSchema;
use serde::Serialize;

/// A role of the policy, with every authority it holds.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RoleView {
    pub role: Role,
    pub title: &'static str,
    pub description: &'static str,
    /// The kind of scope a grant of this role must name; null for an unscoped role.
    pub scope: Option<ScopeKind>,
    pub read_only: bool,
    pub source: &'static str,
    pub authorities: Vec<&'static str>,
}

impl From<Role> for RoleView {
    fn from(role: Role) -> Self {
        Self {
            role,
            title: role.title(),
            description: role.description(),
            scope: role.scope_kind(),
            read_only: role.is_read_only(),
            source: role.source(),
            authorities: AUTHORITIES
                .iter()
                .filter(|a| a.holders.contains(&role))
                .map(|a| a.name)
                .collect(),
        }
    }
}

/// An authority of the policy: what it allows, where the standard says so, and who holds it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AuthorityView {
    pub authority: &'static str,
    pub process: Process,
    pub description: &'static str,
    pub source: &'static str,
    pub holders: &'static [Role],
}

impl From<&AuthorityDef> for AuthorityView {
    fn from(a: &AuthorityDef) -> Self {
        Self {
            authority: a.name,
            process: a.process,
            description: a.description,
            source: a.source,
            holders: a.holders,
        }
    }
}

/// Where the caller holds an authority: everywhere, or only within these scopes.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HeldScopes {
    All(AllScopes),
    Only(Vec<Scope>),
}

/// Serialized as the word `all`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AllScopes {
    All,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HeldAuthority {
    pub authority: &'static str,
    pub scopes: HeldScopes,
}

/// `GET /api/v1/me`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MeView {
    pub user: String,
    /// Null for the bootstrap administrator, who is not a stored user.
    pub user_id: Option<i64>,
    /// True for the bootstrap token, which holds every authority.
    pub break_glass: bool,
    pub grants: Vec<Grant>,
    pub authorities: Vec<HeldAuthority>,
}

/// `GET /api/v1/me/permissions/{authority}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PermissionAnswer {
    pub authority: &'static str,
    pub context: Vec<Scope>,
    pub allowed: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NotificationRead {
    pub id: i64,
    pub read: bool,
}

/// A process as a customer's contract has it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ContractProcess {
    pub process: Process,
    pub title: &'static str,
    pub tailoring: Tailoring,
    pub enabled: bool,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
}

impl ContractProcess {
    pub fn new(process: Process, decision: Option<&ProcessDecision>) -> Self {
        Self {
            process,
            title: process.title(),
            tailoring: process.tailoring(),
            enabled: decision.is_none_or(|d| d.enabled),
            decided_by: decision.map(|d| d.decided_by.clone()),
            decided_at: decision.map(|d| d.decided_at.clone()),
            reason: decision.and_then(|d| d.reason.clone()),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ContractProcesses {
    pub customer: String,
    pub items: Vec<ContractProcess>,
}

/// A token just created: the only answer that ever carries its secret.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NewTokenView {
    #[serde(flatten)]
    pub token: Token,
    pub user: String,
    /// The bearer secret. Shown this once; only its hash is stored.
    #[serde(rename = "token")]
    pub secret: String,
}

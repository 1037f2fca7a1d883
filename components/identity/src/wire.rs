//! The JSON shapes of the identity API and their parsing into checked values at the edge: every
//! field is checked and all the bad ones are reported together, naming each.

use itsm_domain::access::{Grant, Role, Scope, ScopeKind};
use itsm_domain::{FieldErrors, Label, Reason};
use itsm_http::time::parse_future_instant;
use schemars::JsonSchema;
use serde::Deserialize;

/// User names and customer codes: short, lowercase, safe in paths, scopes and logs.
pub use itsm_domain::{CODE_PATTERN, parse_code};

fn parse_user_name(text: &str) -> Result<String, String> {
    if itsm_http::auth::RESERVED_USERS.contains(&text) {
        return Err("is reserved for the system's own entries in the audit trail".to_owned());
    }
    parse_code(text)
}

fn parse_email(text: &str) -> Result<String, String> {
    let label = Label::parse(text)?;
    match text.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
            Ok(label.as_str().to_owned())
        }
        _ => Err("must be an e-mail address such as ann@example.com".to_owned()),
    }
}

fn parse_label(text: &str) -> Result<String, String> {
    Label::parse(text).map(|l| l.as_str().to_owned())
}

fn parse_reason(text: &str) -> Result<String, String> {
    Reason::parse(text).map(|r| r.as_str().to_owned())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schemars(regex(pattern = CODE_PATTERN))]
    pub user_name: String,
    #[schemars(with = "Label")]
    pub display_name: String,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub email: Option<String>,
}

pub struct NewUser {
    pub user_name: String,
    pub display_name: String,
    pub email: Option<String>,
}

impl CreateUserRequest {
    pub fn parse(self) -> Result<NewUser, FieldErrors> {
        let mut e = FieldErrors::new();
        let user_name = e.take("user_name", parse_user_name(&self.user_name));
        let display_name = e.take("display_name", parse_label(&self.display_name));
        let email = e.take_optional("email", self.email.as_deref(), parse_email);
        match (user_name, display_name, email) {
            (Some(user_name), Some(display_name), Some(email)) if e.is_empty() => Ok(NewUser {
                user_name,
                display_name,
                email,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub email: Option<Option<String>>,
    /// `false` deactivates the user (their tokens stop working); `true` reactivates.
    #[serde(default)]
    pub active: Option<bool>,
}

pub struct UserChanges {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub active: Option<bool>,
}

impl UpdateUserRequest {
    pub fn parse(self) -> Result<UserChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        let display_name =
            e.take_optional("display_name", self.display_name.as_deref(), parse_label);
        let email = match self.email {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(text)) => e.take("email", parse_email(&text)).map(|v| Some(Some(v))),
        };
        match (display_name, email) {
            (Some(display_name), Some(email)) if e.is_empty() => Ok(UserChanges {
                display_name,
                email,
                active: self.active,
            }),
            _ => Err(e),
        }
    }
}

/// A scope as sent: `{"kind": "process", "key": "change"}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeInput {
    #[schemars(with = "ScopeKind")]
    pub kind: String,
    #[schemars(regex(pattern = CODE_PATTERN))]
    pub key: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    #[schemars(with = "Role")]
    pub role: String,
    #[serde(default)]
    pub scope: Option<ScopeInput>,
    #[schemars(with = "Reason")]
    pub reason: String,
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub valid_until: Option<String>,
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub reevaluate_by: Option<String>,
}

/// A checked grant request.
pub struct NewGrant {
    pub grant: Grant,
    pub reason: String,
    pub valid_until: Option<String>,
    pub reevaluate_by: Option<String>,
}

impl GrantRequest {
    pub fn parse(self, now: &str) -> Result<NewGrant, FieldErrors> {
        let mut e = FieldErrors::new();
        let role = e.take("role", Role::parse(&self.role));
        let scope = match &self.scope {
            None => Some(None),
            Some(input) => e
                .take("scope.kind", ScopeKind::parse(&input.kind))
                .map(|kind| {
                    Some(Scope {
                        kind,
                        key: input.key.clone(),
                    })
                }),
        };
        let reason = e.take("reason", parse_reason(&self.reason));
        let valid_until = e.take_optional("valid_until", self.valid_until.as_deref(), |t| {
            parse_future_instant(t, now)
        });
        let reevaluate_by = e.take_optional("reevaluate_by", self.reevaluate_by.as_deref(), |t| {
            parse_future_instant(t, now)
        });
        let grant = match (role, scope) {
            (Some(role), Some(scope)) => {
                let field = if self.scope.is_some() {
                    "scope"
                } else {
                    "role"
                };
                e.take(
                    field,
                    Grant::new(role, scope).map_err(|error| error.to_string()),
                )
            }
            _ => None,
        };
        match (grant, reason, valid_until, reevaluate_by) {
            (Some(grant), Some(reason), Some(valid_until), Some(reevaluate_by)) if e.is_empty() => {
                Ok(NewGrant {
                    grant,
                    reason,
                    valid_until,
                    reevaluate_by,
                })
            }
            _ => Err(e),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    #[schemars(with = "Reason")]
    pub reason: String,
}

impl RevokeRequest {
    pub fn parse(self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = e.take("reason", parse_reason(&self.reason));
        match reason {
            Some(reason) if e.is_empty() => Ok(reason),
            _ => Err(e),
        }
    }
}

/// A re-evaluation confirms an assignment and sets when it is next due.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReevaluateRequest {
    #[schemars(with = "Reason")]
    pub reason: String,
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub reevaluate_by: Option<String>,
}

pub struct Reevaluation {
    pub reason: String,
    pub reevaluate_by: Option<String>,
}

impl ReevaluateRequest {
    pub fn parse(self, now: &str) -> Result<Reevaluation, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = e.take("reason", parse_reason(&self.reason));
        let reevaluate_by = e.take_optional("reevaluate_by", self.reevaluate_by.as_deref(), |t| {
            parse_future_instant(t, now)
        });
        match (reason, reevaluate_by) {
            (Some(reason), Some(reevaluate_by)) if e.is_empty() => Ok(Reevaluation {
                reason,
                reevaluate_by,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    #[schemars(with = "Label")]
    pub label: String,
    /// When the token stops working; 90 days from now when left out.
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub expires_at: Option<String>,
    /// Another user's id or name, for administrators issuing tokens to bots.
    #[serde(default)]
    pub user: Option<String>,
}

/// The longest a token may live, so a forgotten one does not work for ever.
pub const MAX_TOKEN_DAYS: i64 = 366;
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

#[derive(Debug)]
pub struct NewToken {
    pub label: String,
    pub expires_at: String,
    pub user: Option<String>,
}

impl CreateTokenRequest {
    pub fn parse(self, now: &str) -> Result<NewToken, FieldErrors> {
        let mut e = FieldErrors::new();
        let label = e.take("label", parse_label(&self.label));
        let latest = itsm_http::time::days_after(now, MAX_TOKEN_DAYS);
        let expires_at = match self.expires_at.as_deref() {
            None => Some(itsm_http::time::days_after(now, DEFAULT_TOKEN_DAYS)),
            Some(text) => e.take(
                "expires_at",
                parse_future_instant(text, now).and_then(|at| {
                    if at <= latest {
                        Ok(at)
                    } else {
                        Err(format!("must be at most {MAX_TOKEN_DAYS} days ahead"))
                    }
                }),
            ),
        };
        match (label, expires_at) {
            (Some(label), Some(expires_at)) if e.is_empty() => Ok(NewToken {
                label,
                expires_at,
                user: self.user,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerRequest {
    #[schemars(regex(pattern = CODE_PATTERN))]
    pub code: String,
    #[schemars(with = "Label")]
    pub name: String,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub contract_reference: Option<String>,
}

pub struct NewCustomer {
    pub code: String,
    pub name: String,
    pub contract_reference: Option<String>,
}

impl CreateCustomerRequest {
    pub fn parse(self) -> Result<NewCustomer, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = e.take("code", parse_code(&self.code));
        let name = e.take("name", parse_label(&self.name));
        let contract_reference = e.take_optional(
            "contract_reference",
            self.contract_reference.as_deref(),
            parse_label,
        );
        match (code, name, contract_reference) {
            (Some(code), Some(name), Some(contract_reference)) if e.is_empty() => Ok(NewCustomer {
                code,
                name,
                contract_reference,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerRequest {
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub contract_reference: Option<Option<String>>,
}

pub struct CustomerChanges {
    pub name: Option<String>,
    pub contract_reference: Option<Option<String>>,
}

impl UpdateCustomerRequest {
    pub fn parse(self) -> Result<CustomerChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take_optional("name", self.name.as_deref(), parse_label);
        let contract_reference = match self.contract_reference {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(text)) => e
                .take("contract_reference", parse_label(&text))
                .map(|v| Some(Some(v))),
        };
        match (name, contract_reference) {
            (Some(name), Some(contract_reference)) if e.is_empty() => Ok(CustomerChanges {
                name,
                contract_reference,
            }),
            _ => Err(e),
        }
    }
}

/// A customer contact: a new user who holds the customer role for one customer.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContactRequest {
    #[schemars(regex(pattern = CODE_PATTERN))]
    pub user_name: String,
    #[schemars(with = "Label")]
    pub display_name: String,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub email: Option<String>,
}

impl CreateContactRequest {
    pub fn parse(self) -> Result<NewUser, FieldErrors> {
        CreateUserRequest {
            user_name: self.user_name,
            display_name: self.display_name,
            email: self.email,
        }
        .parse()
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessDecisionRequest {
    pub enabled: bool,
    #[schemars(with = "Reason")]
    pub reason: String,
}

pub struct Decision {
    pub enabled: bool,
    pub reason: String,
}

impl ProcessDecisionRequest {
    pub fn parse(self) -> Result<Decision, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = e.take("reason", parse_reason(&self.reason));
        match reason {
            Some(reason) if e.is_empty() => Ok(Decision {
                enabled: self.enabled,
                reason,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_grant_request_names_every_bad_field() {
        let request = GrantRequest {
            role: "wizard".to_owned(),
            scope: None,
            reason: String::new(),
            valid_until: Some("yesterday".to_owned()),
            reevaluate_by: Some("2020-01-01T00:00:00Z".to_owned()),
        };
        let errors = request.parse(NOW).err().expect("refused");
        assert_eq!(
            fields(errors),
            ["role", "reason", "valid_until", "reevaluate_by"]
        );
    }

    #[test]
    fn a_scoped_role_needs_its_scope_and_an_unscoped_one_refuses_it() {
        let grant = |role: &str, scope: Option<(&str, &str)>| GrantRequest {
            role: role.to_owned(),
            scope: scope.map(|(kind, key)| ScopeInput {
                kind: kind.to_owned(),
                key: key.to_owned(),
            }),
            reason: "appointed".to_owned(),
            valid_until: None,
            reevaluate_by: None,
        };
        assert!(
            grant("service_owner", Some(("service", "mail")))
                .parse(NOW)
                .is_ok()
        );
        assert_eq!(
            fields(
                grant("service_owner", None)
                    .parse(NOW)
                    .err()
                    .expect("no scope")
            ),
            ["role"]
        );
        assert_eq!(
            fields(
                grant("slm", Some(("service", "mail")))
                    .parse(NOW)
                    .err()
                    .expect("scope")
            ),
            ["scope"]
        );
        assert_eq!(
            fields(
                grant("process_owner", Some(("process", "wizardry")))
                    .parse(NOW)
                    .err()
                    .expect("process")
            ),
            ["scope"]
        );
        assert_eq!(
            fields(
                grant("process_owner", Some(("galaxy", "x")))
                    .parse(NOW)
                    .err()
                    .expect("kind")
            ),
            ["scope.kind"]
        );
    }

    #[test]
    fn tokens_expire_in_90_days_by_default_and_at_most_a_year_ahead() {
        let token = |expires_at: Option<&str>| CreateTokenRequest {
            label: "ci".to_owned(),
            expires_at: expires_at.map(str::to_owned),
            user: None,
        };
        assert_eq!(
            token(None).parse(NOW).expect("default").expires_at,
            "2027-02-19T10:00:00.000Z"
        );
        assert!(token(Some("2030-01-01T00:00:00Z")).parse(NOW).is_err());
    }

    #[test]
    fn codes_and_user_names_are_lowercase_and_the_system_names_are_reserved() {
        assert!(parse_code("acme-corp_2").is_ok());
        assert!(parse_code("Acme").is_err());
        assert!(parse_code("").is_err());
        assert!(parse_user_name("bootstrap-admin").is_err());
        assert!(parse_user_name("system").is_err());
        assert!(parse_user_name("systems").is_ok());
        assert!(parse_email("ann@example.com").is_ok());
        assert!(parse_email("ann").is_err());
    }
}

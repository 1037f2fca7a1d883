//! A catalogue entry as the service department writes it: the fields the seeds ask every entry to
//! carry (requirements §4.5), the view it belongs to, and for orderable entries the request form
//! and who must approve an order.

use super::form::RequestForm;
use super::localized::Localized;
use crate::access::Role;
use crate::code::Code;
use crate::field::FieldErrors;
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    /// The business view is written for customers, the technical view for the IT and O&M teams
    /// (seed 004-1 §3).
    pub enum CatalogueView {
        Business => "business",
        Technical => "technical",
    }
}

text_enum! {
    pub enum ApprovalRule {
        /// Every approver must approve.
        All => "all",
        /// One approval is enough.
        Any => "any",
    }
}

pub type Name = Localized<160>;
pub type Short = Localized<1000>;
pub type Long = Localized<4000>;

/// Everything an entry says, bar its code (which names it in the path and never changes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryDefinition {
    /// The service it offers, by code.
    pub service: Code,
    pub view: CatalogueView,
    pub name: Name,
    /// The class of service (seed 004-1 §3: information-system O&M, IT application support, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<Localized<100>>,
    /// Function, features and technical requirements (seed 004-7 §3.1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Long>,
    /// What the service includes, item by item (seed 004-1 §3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    pub content_items: Vec<Short>,
    /// How it is delivered: on site, hotline, remote, … (seed 004-1 §3.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub service_modes: Vec<Localized<100>>,
    /// What is measured and the value promised (seed 004-1 §3.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    pub indicators: Vec<Indicator>,
    /// The service objective or standard (seed 001 §6.1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<Short>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_level: Option<ServiceLevel>,
    /// When the service is provided (seed 001 §6.1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_hours: Option<Short>,
    /// Exceptions to the service hours: holidays, maintenance windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_hours_exceptions: Option<Short>,
    /// How a recipient reaches the service (seed 001 §6.1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Short>,
    /// Security considerations and arrangements (seed 001 §6.1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Long>,
    /// The charging standard (seed 004-7 §3.1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<Short>,
    /// The settlement method (seed 004-7 §3.1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement: Option<Short>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// How to use this entry (seed 004-7 §3.1.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_guide: Option<Long>,
    /// Anything else (seed 004-7 §3.1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Long>,
    /// Makes the entry orderable: what an order must answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_form: Option<RequestForm>,
    /// Who must approve an order before it is fulfilled; orderable entries only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub name: Localized<100>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Localized<100>>,
}

/// The service level an entry promises (seed 004-7 §3.1.3); the seeds give no figures, so both
/// times are optional and the SLA process may refine them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub response_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub resolution_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Short>,
}

/// The provider's details (seed 004-7 §3.1.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Short>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub qualifications: Vec<Short>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPolicy {
    pub rule: ApprovalRule,
    #[schemars(length(min = 1, max = 20))]
    pub approvers: Vec<Approver>,
}

/// An approver: anyone holding a role, or one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    Role(Role),
    User(Code),
}

impl EntryDefinition {
    /// The rules a single field's type cannot state: list lengths, service level times, the
    /// request form, and approval only for what can be ordered.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut at_most = |len: usize, max: usize, name: &str| {
            if len > max {
                errors.push(name, format!("at most {max} items"));
            }
        };
        at_most(self.content_items.len(), 50, "content_items");
        at_most(self.service_modes.len(), 20, "service_modes");
        at_most(self.indicators.len(), 50, "indicators");
        at_most(
            self.provider.as_ref().map_or(0, |p| p.qualifications.len()),
            20,
            "provider.qualifications",
        );
        if let Some(level) = &self.service_level {
            for (minutes, name) in [
                (level.response_minutes, "service_level.response_minutes"),
                (level.resolution_minutes, "service_level.resolution_minutes"),
            ] {
                if minutes == Some(0) {
                    errors.push(name, "must be at least 1 minute");
                }
            }
            if let (Some(response), Some(resolution)) =
                (level.response_minutes, level.resolution_minutes)
                && response > resolution
            {
                errors.push(
                    "service_level.response_minutes",
                    "must not exceed resolution_minutes",
                );
            }
        }
        if let Some(form) = &self.request_form {
            form.check("request_form", &mut errors);
        }
        if let Some(approval) = &self.approval {
            check_approval(approval, self.request_form.is_some(), &mut errors);
        }
        errors.finish(())
    }

    pub fn orderable(&self) -> bool {
        self.request_form.is_some()
    }
}

fn check_approval(approval: &ApprovalPolicy, orderable: bool, errors: &mut FieldErrors) {
    if !orderable {
        errors.push(
            "approval",
            "only an orderable entry (one with a request_form) needs approvals",
        );
    }
    if approval.approvers.is_empty() || approval.approvers.len() > 20 {
        errors.push("approval.approvers", "name 1 to 20 approvers");
    }
    for (i, approver) in approval.approvers.iter().enumerate() {
        if approval.approvers[..i].contains(approver) {
            errors.push(format!("approval.approvers[{i}]"), "is named twice");
        }
        if matches!(
            approver,
            Approver::Role(Role::Customer | Role::ExternalAuditor)
        ) {
            errors.push(
                format!("approval.approvers[{i}]"),
                "must be a role of the provider's staff",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(value: serde_json::Value) -> EntryDefinition {
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"))
    }

    fn problems(value: serde_json::Value) -> Vec<String> {
        match entry(value).check() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.as_slice().iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_plain_entry_needs_only_service_view_and_name() {
        let plain =
            entry(json!({"service": "hotline", "view": "business", "name": {"en": "Hotline"}}));
        assert_eq!(plain.check(), Ok(()));
        assert!(!plain.orderable());
    }

    #[test]
    fn approvals_need_an_order_form_and_staff_approvers() {
        assert_eq!(
            problems(
                json!({"service": "s", "view": "business", "name": {"en": "S"},
                "approval": {"rule": "all", "approvers": [{"role": "customer"}, {"user": "ann"}, {"user": "ann"}]}})
            ),
            [
                "approval: only an orderable entry (one with a request_form) needs approvals",
                "approval.approvers[0]: must be a role of the provider's staff",
                "approval.approvers[2]: is named twice",
            ]
        );
        assert_eq!(
            problems(
                json!({"service": "s", "view": "business", "name": {"en": "S"},
                "request_form": {"fields": []}, "approval": {"rule": "any", "approvers": []}})
            ),
            ["approval.approvers: name 1 to 20 approvers"]
        );
    }

    #[test]
    fn service_level_times_must_be_positive_and_in_order() {
        assert_eq!(
            problems(
                json!({"service": "s", "view": "technical", "name": {"en": "S"},
                "service_level": {"response_minutes": 0, "resolution_minutes": 60}})
            ),
            ["service_level.response_minutes: must be at least 1 minute"]
        );
        assert_eq!(
            problems(
                json!({"service": "s", "view": "technical", "name": {"en": "S"},
                "service_level": {"response_minutes": 120, "resolution_minutes": 60}})
            ),
            ["service_level.response_minutes: must not exceed resolution_minutes"]
        );
    }

    #[test]
    fn form_problems_are_named_under_request_form() {
        assert_eq!(
            problems(
                json!({"service": "s", "view": "business", "name": {"en": "S"},
                "request_form": {"fields": [{"key": "a", "type": "choice", "label": {"en": "A"}}]}})
            ),
            ["request_form.fields[0].options: give at least one option to choose from"]
        );
    }

    #[test]
    fn approvers_are_a_role_or_a_user() {
        let policy: ApprovalPolicy = serde_json::from_value(json!({"rule": "any",
            "approvers": [{"role": "change_manager"}, {"user": "ann"}]}))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(policy.approvers[0], Approver::Role(Role::ChangeManager));
        let both: Result<Approver, _> =
            serde_json::from_value(json!({"role": "slm", "user": "ann"}));
        assert!(both.is_err());
    }
}

//! An agreement's terms on the wire: the 15 content items of seed 001 §6.1.6, the further items
//! of §6.1.4–6.1.5 and seed 004-4 (continuous loss, degraded service, workload, breach
//! liability), the structured targets and service hours, the validity period, and the links to
//! customers, services, catalogue entries, supporting agreements and supplier contracts.

use chrono::{Datelike, NaiveDate};
use itsm_domain::catalogue::Localized;
use itsm_domain::sla::{
    AgreementAction, AgreementKind, EscalationRule, ListFault, ShownState, Target,
    check_escalation_rules, check_targets, check_validity,
};
use itsm_domain::{FieldErrors, Label, Reason, RecordKind, parse_code};
use itsm_http::ApiError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub type Title = Localized<200>;
/// One content item's text, by language.
pub type Item = Localized<4000>;

/// Links one list may hold.
const MAX_LINKS: usize = 200;

/// A supplier contract that underpins the agreement (seed 001 §6.1.7); suppliers have no
/// component yet, so the contract is named by its reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierContract {
    pub reference: Label,
    pub supplier: Label,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Label>,
}

/// The terms: everything the parties agree on. Written whole on creation, changed with a JSON
/// merge patch (RFC 7396) while drafted or under review; every item is optional until the
/// terms are negotiated, when the seeds' content must be complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// `sla` with a customer, `ola` with an internal team, `uc` with a supplier. Fixed once
    /// created.
    pub kind: AgreementKind,
    pub title: Title,
    /// Item 1: A brief description of the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_description: Option<Item>,
    /// Item 2: Glossary of terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glossary: Option<Item>,
    /// Item 3: The customer's responsibilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_responsibilities: Option<Item>,
    /// Item 4: The service department's responsibilities and obligations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_responsibilities: Option<Item>,
    /// Item 5: Service targets: response and resolution per kind of record and priority (or
    /// catalogue entry), in working time of their calendar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// Item 5: Availability target, in percent of the service hours (for example 99.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub availability_percent: Option<f64>,
    /// The share of a target, in percent, after which its clock is "at risk" (1–99); 75 when
    /// left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 99))]
    pub warn_at_percent: Option<u8>,
    /// Item 6: Service hours: the calendar (its code) targets count on unless they name their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Item 6: Service hours, in words (support outside them, on-call arrangements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_hours: Option<Item>,
    /// Item 7: Workload limits: the maximum and minimum workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_limits: Option<Item>,
    /// Item 8: Support and related services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_services: Option<Item>,
    /// Item 9: Impact and priority description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_and_priority: Option<Item>,
    /// Item 10: Authorisation details and the contact information of authorised persons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorised_contacts: Option<Item>,
    /// Item 11: Validity: the first day in force (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Item 11: Validity: the last day in force; open-ended when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// Item 11: Change control, including the escalation and notification procedures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_control: Option<Item>,
    /// Item 12: Corrective actions taken on a service interruption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interruption_actions: Option<Item>,
    /// Item 13: Planned and coordinated interruptions, with their notification events and frequency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_interruptions: Option<Item>,
    /// Item 14: Communication: reports and the complaint procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication: Option<Item>,
    /// Item 15: Exceptions to the terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<Item>,
    /// The longest acceptable continuous loss of service, in minutes (seed 001 §6.1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_continuous_loss_minutes: Option<u32>,
    /// The longest acceptable period of degraded service, in minutes (seed 001 §6.1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_degraded_minutes: Option<u32>,
    /// The acceptable degraded service level during restoration (seed 001 §6.1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degraded_service_level: Option<Item>,
    /// The expected workload characteristics (seed 001 §6.1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_characteristics: Option<Item>,
    /// How the workload is measured and reported (seed 001 §6.1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_reporting: Option<Item>,
    /// Liability for a breach of the agreement (seed 004-4 §4.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breach_liability: Option<Item>,
    /// Customers the agreement covers (codes); none: every customer (a standard agreement).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customers: Vec<String>,
    /// Services it covers (catalogue codes); none: every service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Catalogue entries it covers (codes), for request targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<String>,
    /// OLAs and underpinning contracts: the SLAs they support (numbers such as SLA0000001).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<String>,
    /// The supplier contracts that underpin it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplier_contracts: Vec<SupplierContract>,
    /// OLAs: the internal team that commits to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_team: Option<Label>,
    /// Item 11: who is told, besides the record's assignee, when a clock under this agreement
    /// reaches its warning threshold or its target (user names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalation_contacts: Vec<String>,
    /// Item 11: what is done to a record, besides telling people, when one of its clocks
    /// reaches its warning threshold or its target: raise its priority, or reassign it. Each
    /// rule acts once per clock, carried out by the record's own process at its next tick.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalation_rules: Vec<EscalationRule>,
}

impl Terms {
    /// The checks that need no database: codes well formed, lists bounded and without
    /// repeats, targets sound, validity in order, figures in range, links fit for the kind.
    pub fn check(&self) -> Result<(), ApiError> {
        for (field, list) in [
            ("customers", &self.customers),
            ("services", &self.services),
            ("entries", &self.entries),
        ] {
            check_codes(field, list)?;
        }
        check_list_size("supplier_contracts", self.supplier_contracts.len())?;
        check_codes("escalation_contacts", &self.escalation_contacts)?;
        check_list_size("supports", self.supports.len())?;
        for (i, number) in self.supports.iter().enumerate() {
            RecordKind::Agreement
                .parse_ref(number)
                .map_err(|m| ApiError::invalid_field(&format!("supports[{i}]"), m))?;
        }
        check_targets(&self.targets).map_err(|fault| list_fault("targets", fault))?;
        check_escalation_rules(&self.escalation_rules)
            .map_err(|fault| list_fault("escalation_rules", fault))?;
        if let Some(calendar) = &self.calendar {
            parse_code(calendar).map_err(|m| ApiError::invalid_field("calendar", m))?;
        }
        if self.warn_at_percent.is_some_and(|p| !(1..=99).contains(&p)) {
            return Err(ApiError::invalid_field(
                "warn_at_percent",
                "must be between 1 and 99",
            ));
        }
        if let Some(percent) = self.availability_percent
            && !(percent > 0.0 && percent <= 100.0)
        {
            return Err(ApiError::invalid_field(
                "availability_percent",
                "must be more than 0 and at most 100",
            ));
        }
        for (field, minutes) in [
            (
                "max_continuous_loss_minutes",
                self.max_continuous_loss_minutes,
            ),
            ("max_degraded_minutes", self.max_degraded_minutes),
        ] {
            if minutes == Some(0) {
                return Err(ApiError::invalid_field(
                    field,
                    "must be at least one minute",
                ));
            }
        }
        for (field, day) in [
            ("valid_from", self.valid_from),
            ("valid_until", self.valid_until),
        ] {
            if day.is_some_and(|d| !(1970..=9999).contains(&d.year())) {
                return Err(ApiError::invalid_field(
                    field,
                    "must lie between the years 1970 and 9999",
                ));
            }
        }
        for (i, target) in self.targets.iter().enumerate() {
            if let Some(entry) = &target.entry
                && !self.entries.is_empty()
                && !self.entries.contains(entry)
            {
                return Err(ApiError::invalid_field(
                    &format!("targets[{i}].entry"),
                    format!("{entry} is not among the agreement's entries"),
                ));
            }
        }
        match (self.valid_from, self.valid_until) {
            (None, Some(_)) => {
                return Err(ApiError::invalid_field(
                    "valid_from",
                    "give the first valid day with the last",
                ));
            }
            (Some(from), until) => {
                check_validity(from, until)
                    .map_err(|m| ApiError::invalid_field("valid_until", m))?;
            }
            (None, None) => {}
        }
        self.check_kind()
    }

    /// Links that only one kind of agreement has.
    fn check_kind(&self) -> Result<(), ApiError> {
        let refuse = |field: &str, message: &str| Err(ApiError::invalid_field(field, message));
        match self.kind {
            AgreementKind::Sla if !self.supports.is_empty() => {
                refuse("supports", "an SLA is supported, it supports nothing")
            }
            AgreementKind::Sla | AgreementKind::Uc if self.internal_team.is_some() => {
                refuse("internal_team", "only an OLA names an internal team")
            }
            AgreementKind::Ola | AgreementKind::Uc if !self.customers.is_empty() => refuse(
                "customers",
                "OLAs and underpinning contracts are not made with customers; name the SLAs they support",
            ),
            _ => Ok(()),
        }
    }

    /// The items the seeds require before the terms can be negotiated, each named.
    pub fn missing_items(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let mut require = |present: bool, field: &str| {
            if !present {
                errors.push(field, "is required before the terms are negotiated");
            }
        };
        require(self.service_description.is_some(), "service_description");
        require(
            self.provider_responsibilities.is_some(),
            "provider_responsibilities",
        );
        require(!self.targets.is_empty(), "targets");
        require(self.calendar.is_some(), "calendar");
        require(self.valid_from.is_some(), "valid_from");
        match self.kind {
            AgreementKind::Sla => {
                for (present, field) in [
                    (self.glossary.is_some(), "glossary"),
                    (
                        self.customer_responsibilities.is_some(),
                        "customer_responsibilities",
                    ),
                    (self.workload_limits.is_some(), "workload_limits"),
                    (self.support_services.is_some(), "support_services"),
                    (self.impact_and_priority.is_some(), "impact_and_priority"),
                    (self.authorised_contacts.is_some(), "authorised_contacts"),
                    (self.change_control.is_some(), "change_control"),
                    (self.interruption_actions.is_some(), "interruption_actions"),
                    (
                        self.planned_interruptions.is_some(),
                        "planned_interruptions",
                    ),
                    (self.communication.is_some(), "communication"),
                    (self.exceptions.is_some(), "exceptions"),
                ] {
                    require(present, field);
                }
            }
            AgreementKind::Ola => {
                require(!self.supports.is_empty(), "supports");
                require(self.internal_team.is_some(), "internal_team");
            }
            AgreementKind::Uc => {
                require(!self.supports.is_empty(), "supports");
                require(!self.supplier_contracts.is_empty(), "supplier_contracts");
            }
        }
        errors
    }

    /// Every calendar the terms name: the service hours' and the targets' own.
    pub fn calendars(&self) -> Vec<(&str, String)> {
        self.calendar
            .iter()
            .map(|c| (c.as_str(), "calendar".to_owned()))
            .chain(self.targets.iter().enumerate().filter_map(|(i, t)| {
                t.calendar
                    .as_deref()
                    .map(|c| (c, format!("targets[{i}].calendar")))
            }))
            .collect()
    }
}

/// A list check's fault as the field it names: `targets[2].resolution_minutes`.
fn list_fault(list: &str, fault: ListFault) -> ApiError {
    ApiError::invalid_field(
        &format!("{list}[{}].{}", fault.index, fault.field),
        fault.message,
    )
}

fn check_list_size(field: &str, len: usize) -> Result<(), ApiError> {
    if len > MAX_LINKS {
        return Err(ApiError::invalid_field(
            field,
            format!("at most {MAX_LINKS}"),
        ));
    }
    Ok(())
}

fn check_codes(field: &str, list: &[String]) -> Result<(), ApiError> {
    check_list_size(field, list.len())?;
    for (i, code) in list.iter().enumerate() {
        let at = format!("{field}[{i}]");
        parse_code(code).map_err(|m| ApiError::invalid_field(&at, m))?;
        if list[..i].contains(code) {
            return Err(ApiError::invalid_field(&at, format!("names {code} twice")));
        }
    }
    Ok(())
}

/// The body of `POST /api/v1/slas/{id}/{action}`; which fields an action needs is its own.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// Why the terms are sent back (`return`) or the agreement ends (`expire`).
    #[serde(default)]
    pub reason: Option<Reason>,
    /// What the periodic review found (`confirm`, and `review` when already known).
    #[serde(default)]
    pub findings: Option<Reason>,
    /// The cost of meeting the targets, as found by the review (seed 001 §6.4.4).
    #[serde(default)]
    pub cost_of_targets: Option<Label>,
}

/// Who decided a step, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    pub at: String,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The last periodic review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Review {
    pub opened_at: String,
    pub opened_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_of_targets: Option<String>,
    /// When the review was closed, by confirming the terms or approving a revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
}

/// An agreement as the API shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgreementView {
    pub id: i64,
    /// SLA0000001: one series for SLAs, OLAs and underpinning contracts.
    pub number: String,
    pub kind: AgreementKind,
    /// The state, with an approved agreement read as `active` within its validity and
    /// `expired` after it.
    pub state: ShownState,
    pub allowed_actions: Vec<AgreementAction>,
    /// The working copy of the terms; the version in force is under `versions`.
    pub terms: Terms,
    /// The number of the approved version in force (or last in force); `null` before the
    /// first approval.
    pub in_force_version: Option<i64>,
    pub negotiated: Option<Decision>,
    pub signed: Option<Decision>,
    /// The last time the terms were sent back, and why.
    pub returned: Option<Decision>,
    pub last_review: Option<Review>,
    pub expired: Option<Decision>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// One approved version, as approved.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VersionView {
    pub number: String,
    pub version: i64,
    pub terms: Terms,
    pub negotiated: Decision,
    pub signed: Decision,
    pub approved: Decision,
}

pub fn agreement_number(id: i64) -> String {
    RecordKind::Agreement.number_text(id)
}

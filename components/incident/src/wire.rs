//! The JSON shapes of the incident API and their parsing into domain values at the edge: every
//! field is checked and all the bad ones are reported together, naming each.

use crate::store::Incident;
use itsm_domain::incident::{
    Action, Channel, HoldReason, Impact, Priority, ResolutionCode, Urgency, allowed_actions,
};
use itsm_domain::{
    CommentBody, Description, FieldErrors, Label, Reason, RecordKind, ShortDescription,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIncidentRequest {
    #[schemars(with = "ShortDescription")]
    pub short_description: String,
    #[serde(default)]
    #[schemars(with = "Option<Description>")]
    pub description: Option<String>,
    #[schemars(with = "Impact")]
    pub impact: String,
    #[schemars(with = "Urgency")]
    pub urgency: String,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub category: Option<String>,
    #[schemars(with = "Label")]
    pub caller: String,
    /// How the incident was reported; `api` when left out.
    #[serde(default)]
    #[schemars(with = "Option<Channel>")]
    pub channel: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub assignment_group: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub assignee: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub configuration_item: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub service: Option<String>,
    /// The customer organisation's code; a customer contact's own when left out.
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub customer: Option<String>,
    /// An information security incident: then only the security team and the incident's
    /// reporter and caller see it.
    #[serde(default)]
    pub security: bool,
}

/// A validated new incident.
#[derive(Debug, Clone)]
pub struct NewIncident {
    pub short_description: ShortDescription,
    pub description: Option<Description>,
    pub impact: Impact,
    pub urgency: Urgency,
    pub category: Option<Label>,
    pub caller: Label,
    pub channel: Channel,
    pub assignment_group: Option<Label>,
    pub assignee: Option<Label>,
    pub configuration_item: Option<Label>,
    pub service: Option<Label>,
    pub customer: Option<Label>,
    pub security: bool,
}

impl TryFrom<CreateIncidentRequest> for NewIncident {
    type Error = FieldErrors;

    fn try_from(r: CreateIncidentRequest) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let short_description = field(
            &mut e,
            "short_description",
            ShortDescription::parse(&r.short_description),
        );
        let description = optional(
            &mut e,
            "description",
            r.description.as_deref(),
            Description::parse,
        );
        let impact = field(
            &mut e,
            "impact",
            parse_enum(&r.impact, Impact::parse, "high, medium, low"),
        );
        let urgency = field(
            &mut e,
            "urgency",
            parse_enum(&r.urgency, Urgency::parse, "high, medium, low"),
        );
        let category = optional(&mut e, "category", r.category.as_deref(), Label::parse);
        let caller = field(&mut e, "caller", Label::parse(&r.caller));
        let channel = match r.channel.as_deref() {
            None => Some(Channel::Api),
            Some(text) => field(
                &mut e,
                "channel",
                parse_enum(text, Channel::parse, CHANNELS),
            ),
        };
        let assignment_group = optional(
            &mut e,
            "assignment_group",
            r.assignment_group.as_deref(),
            Label::parse,
        );
        let assignee = optional(&mut e, "assignee", r.assignee.as_deref(), Label::parse);
        let configuration_item = optional(
            &mut e,
            "configuration_item",
            r.configuration_item.as_deref(),
            Label::parse,
        );
        let service = optional(&mut e, "service", r.service.as_deref(), Label::parse);
        let customer = optional(&mut e, "customer", r.customer.as_deref(), Label::parse);
        match (short_description, impact, urgency, caller, channel) {
            (Some(short_description), Some(impact), Some(urgency), Some(caller), Some(channel))
                if e.is_empty() =>
            {
                Ok(NewIncident {
                    short_description,
                    description: description.flatten(),
                    impact,
                    urgency,
                    category: category.flatten(),
                    caller,
                    channel,
                    assignment_group: assignment_group.flatten(),
                    assignee: assignee.flatten(),
                    configuration_item: configuration_item.flatten(),
                    service: service.flatten(),
                    customer: customer.flatten(),
                    security: r.security,
                })
            }
            _ => Err(e),
        }
    }
}

/// `PATCH` fields: absent means unchanged, `null` clears an optional field.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIncidentRequest {
    #[serde(default)]
    #[schemars(with = "Option<ShortDescription>")]
    pub short_description: Option<String>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Description>>")]
    pub description: Option<Option<String>>,
    #[serde(default)]
    #[schemars(with = "Option<Impact>")]
    pub impact: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Urgency>")]
    pub urgency: Option<String>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub category: Option<Option<String>>,
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub caller: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Channel>")]
    pub channel: Option<String>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub assignment_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub assignee: Option<Option<String>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub configuration_item: Option<Option<String>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub service: Option<Option<String>>,
    /// Marks an information security incident; only the security team takes the mark off.
    #[serde(default)]
    pub security: Option<bool>,
}

/// The assignment route's body: a group, an assignee, or both (`null` clears one).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub assignment_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub assignee: Option<Option<String>>,
}

/// The body of a transition; which fields are required depends on the action.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Needed to hold.
    #[serde(default)]
    #[schemars(with = "Option<HoldReason>")]
    pub hold_reason: Option<String>,
    /// Needed to resolve, with `resolution_notes`.
    #[serde(default)]
    #[schemars(with = "Option<ResolutionCode>")]
    pub resolution_code: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Description>")]
    pub resolution_notes: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<Reason>")]
    pub reason: Option<String>,
}

/// A transition with what its action needs, validated.
#[derive(Debug, Clone)]
pub enum Transition {
    Start,
    Hold(HoldReason),
    Resume,
    Resolve {
        code: ResolutionCode,
        notes: Description,
    },
    Close,
    Reopen,
    Cancel(Reason),
    Confirm,
    Reject,
}

impl Transition {
    pub fn parse(
        action: Action,
        r: TransitionRequest,
    ) -> Result<(Transition, Option<Reason>), FieldErrors> {
        let mut e = FieldErrors::new();
        let mut required = |field: &str, value: Option<&str>| -> Option<String> {
            match value {
                Some(v) => Some(v.to_owned()),
                None => {
                    e.push(field, format!("is required to {}", action.as_str()));
                    None
                }
            }
        };
        let hold_reason = if action == Action::Hold {
            required("hold_reason", r.hold_reason.as_deref())
        } else {
            None
        };
        let code = if action == Action::Resolve {
            required("resolution_code", r.resolution_code.as_deref())
        } else {
            None
        };
        let notes = if action == Action::Resolve {
            required("resolution_notes", r.resolution_notes.as_deref())
        } else {
            None
        };
        let needs_reason = matches!(action, Action::Reopen | Action::Cancel | Action::Reject);
        let reason_text = if needs_reason {
            required("reason", r.reason.as_deref())
        } else {
            r.reason.clone()
        };
        for (field, given, allowed) in [
            (
                "hold_reason",
                r.hold_reason.is_some(),
                action == Action::Hold,
            ),
            (
                "resolution_code",
                r.resolution_code.is_some(),
                action == Action::Resolve,
            ),
            (
                "resolution_notes",
                r.resolution_notes.is_some(),
                action == Action::Resolve,
            ),
        ] {
            if given && !allowed {
                e.push(field, format!("does not apply to {}", action.as_str()));
            }
        }
        let hold_reason = hold_reason.and_then(|t| {
            field(
                &mut e,
                "hold_reason",
                parse_enum(&t, HoldReason::parse, HOLD_REASONS),
            )
        });
        let code = code.and_then(|t| {
            field(
                &mut e,
                "resolution_code",
                parse_enum(&t, ResolutionCode::parse, RESOLUTION_CODES),
            )
        });
        let notes = notes.and_then(|t| field(&mut e, "resolution_notes", Description::parse(&t)));
        let reason = reason_text.and_then(|t| field(&mut e, "reason", Reason::parse(&t)));
        let transition = match action {
            Action::Start => Some(Transition::Start),
            Action::Hold => hold_reason.map(Transition::Hold),
            Action::Resume => Some(Transition::Resume),
            Action::Resolve => code
                .zip(notes)
                .map(|(code, notes)| Transition::Resolve { code, notes }),
            Action::Close => Some(Transition::Close),
            Action::Reopen => reason.as_ref().map(|_| Transition::Reopen),
            Action::Cancel => reason.clone().map(Transition::Cancel),
            Action::Confirm => Some(Transition::Confirm),
            Action::Reject => reason.as_ref().map(|_| Transition::Reject),
        };
        match transition {
            Some(t) if e.is_empty() => Ok((t, reason)),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    #[schemars(with = "CommentBody")]
    pub body: String,
}

impl NoteRequest {
    pub fn parse(self) -> Result<CommentBody, FieldErrors> {
        let mut e = FieldErrors::new();
        let body = field(&mut e, "body", CommentBody::parse(&self.body));
        match body {
            Some(body) if e.is_empty() => Ok(body),
            _ => Err(e),
        }
    }
}

/// An incident as the API returns it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Incident")]
pub struct IncidentResponse<'a> {
    pub id: i64,
    pub number: String,
    #[serde(flatten)]
    pub incident: &'a Incident,
    pub allowed_actions: Vec<&'static str>,
}

impl<'a> IncidentResponse<'a> {
    pub fn new(incident: &'a Incident) -> Self {
        Self {
            id: incident.id,
            number: number_of(incident.id),
            incident,
            allowed_actions: allowed_actions(incident.state)
                .into_iter()
                .map(|a| a.as_str())
                .collect(),
        }
    }
}

/// The human number of a stored incident (ids from the database are always positive).
pub fn number_of(id: i64) -> String {
    RecordKind::Incident.number_text(id)
}

/// The impact × urgency matrix that derives each incident's priority.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PriorityMatrixResponse {
    pub cells: Vec<PriorityCell>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PriorityCell {
    pub impact: Impact,
    pub urgency: Urgency,
    pub priority: Priority,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityMatrixRequest {
    pub cells: Vec<PriorityCellRequest>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityCellRequest {
    #[schemars(with = "Impact")]
    pub impact: String,
    #[schemars(with = "Urgency")]
    pub urgency: String,
    #[schemars(with = "Priority")]
    pub priority: String,
}

pub const CHANNELS: &str = "phone, email, web, chat, monitoring, walk_in, api";
pub const HOLD_REASONS: &str =
    "awaiting_caller, awaiting_vendor, awaiting_problem, awaiting_change";
pub const RESOLUTION_CODES: &str = "solved_permanently, solved_workaround, not_reproducible, duplicate, closed_by_caller, no_action_needed";
pub const PRIORITIES: &str = "critical, high, moderate, low, planning";

/// Parses an enum's text, with a message listing the accepted values.
pub fn parse_enum<T, E>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, E>,
    accepted: &str,
) -> Result<T, String> {
    parse(text).map_err(|_| format!("must be one of {accepted}"))
}

/// Records the error of a required field, keeping the value when valid.
pub fn field<T>(e: &mut FieldErrors, name: &str, result: Result<T, String>) -> Option<T> {
    result.map_err(|message| e.push(name, message)).ok()
}

/// An optional field: `Some(None)` when absent, `Some(Some(v))` when valid, and `None` when
/// invalid (the error is recorded).
pub fn optional<T>(
    e: &mut FieldErrors,
    name: &str,
    text: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<Option<T>> {
    match text {
        None => Some(None),
        Some(text) => field(e, name, parse(text)).map(Some),
    }
}

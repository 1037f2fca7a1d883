//! `PATCH /api/v1/incidents/{id}` and `POST /api/v1/incidents/{id}/assign`: change fields; a
//! new impact or urgency re-prioritises through the matrix, moving an incident away from a
//! group or assignee it already had counts as a reassignment, and only the security team takes
//! the security mark off.

use super::{Edit, Gate, SECURITY, modify, parse_id};
use crate::store::{self, Incident};
use crate::wire::{AssignRequest, CHANNELS, UpdateIncidentRequest, field, parse_enum};
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::incident::{Channel, Impact, Urgency};
use itsm_domain::{Description, FieldErrors, Label, ShortDescription};
use itsm_http::references::ensure_service_open;
use itsm_http::{ApiError, ApiJson, Principal, Services};

pub async fn update_incident(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateIncidentRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let changes = Changes::parse(request)?;
    let edit = Edit {
        action: "update",
        gate: Gate::Handle,
        reason: None,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        edit,
        async |db, incident| changes.apply(db, &principal, incident).await,
    )
    .await
}

pub async fn assign_incident(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AssignRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    if request.assignment_group.is_none() && request.assignee.is_none() {
        return Err(ApiError::Unprocessable {
            detail: "name an assignment_group, an assignee, or both".to_owned(),
            errors: Vec::new(),
        });
    }
    let changes = Changes::parse(UpdateIncidentRequest {
        assignment_group: request.assignment_group,
        assignee: request.assignee,
        ..UpdateIncidentRequest::default()
    })?;
    let edit = Edit {
        action: "assign",
        gate: Gate::Handle,
        reason: None,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        edit,
        async |db, incident| changes.apply(db, &principal, incident).await,
    )
    .await
}

/// Validated field changes: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default)]
pub(super) struct Changes {
    short_description: Option<ShortDescription>,
    description: Option<Option<Description>>,
    impact: Option<Impact>,
    urgency: Option<Urgency>,
    category: Option<Option<Label>>,
    caller: Option<Label>,
    channel: Option<Channel>,
    assignment_group: Option<Option<Label>>,
    assignee: Option<Option<Label>>,
    configuration_item: Option<Option<Label>>,
    service: Option<Option<Label>>,
    security: Option<bool>,
}

impl Changes {
    /// A new urgency alone (an SLA escalation raising it).
    pub(super) fn urgency(urgency: Urgency) -> Self {
        Self {
            urgency: Some(urgency),
            ..Self::default()
        }
    }

    /// A new assignment alone (an SLA escalation reassigning).
    pub(super) fn assignment(
        assignment_group: Option<Option<Label>>,
        assignee: Option<Option<Label>>,
    ) -> Self {
        Self {
            assignment_group,
            assignee,
            ..Self::default()
        }
    }

    fn parse(r: UpdateIncidentRequest) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut c = Changes::default();
        let clearable = |e: &mut FieldErrors,
                         name: &str,
                         value: Option<Option<String>>|
         -> Option<Option<Label>> {
            match value? {
                None => Some(None),
                Some(text) => field(e, name, Label::parse(&text)).map(Some),
            }
        };
        c.short_description = r
            .short_description
            .and_then(|t| field(&mut e, "short_description", ShortDescription::parse(&t)));
        c.description = match r.description {
            None => None,
            Some(None) => Some(None),
            Some(Some(t)) => field(&mut e, "description", Description::parse(&t)).map(Some),
        };
        c.impact = r.impact.and_then(|t| {
            field(
                &mut e,
                "impact",
                parse_enum(&t, Impact::parse, "high, medium, low"),
            )
        });
        c.urgency = r.urgency.and_then(|t| {
            field(
                &mut e,
                "urgency",
                parse_enum(&t, Urgency::parse, "high, medium, low"),
            )
        });
        c.category = clearable(&mut e, "category", r.category);
        c.caller = r
            .caller
            .and_then(|t| field(&mut e, "caller", Label::parse(&t)));
        c.channel = r
            .channel
            .and_then(|t| field(&mut e, "channel", parse_enum(&t, Channel::parse, CHANNELS)));
        c.assignment_group = clearable(&mut e, "assignment_group", r.assignment_group);
        c.assignee = clearable(&mut e, "assignee", r.assignee);
        c.configuration_item = clearable(&mut e, "configuration_item", r.configuration_item);
        c.service = clearable(&mut e, "service", r.service);
        c.security = r.security;
        e.finish(c)
    }

    pub(super) async fn apply(
        &self,
        db: &impl itsm_store::Sql,
        principal: &Principal,
        incident: &mut Incident,
    ) -> Result<(), ApiError> {
        if incident.state.is_terminal() {
            return Err(ApiError::InvalidTransition {
                detail: format!("a {} incident cannot be changed", incident.state.as_str()),
                allowed_actions: Vec::new(),
            });
        }
        // Only a newly named service is checked: an incident of a service retired since keeps it.
        if let Some(Some(service)) = &self.service
            && incident.service.as_deref() != Some(service.as_str())
        {
            ensure_service_open(db, service.as_str(), "service").await?;
        }
        let text = |l: &Label| l.as_str().to_owned();
        let set_opt = |slot: &mut Option<String>, v: &Option<Option<Label>>| {
            if let Some(v) = v {
                *slot = v.as_ref().map(text);
            }
        };
        if let Some(v) = &self.short_description {
            incident.short_description = v.as_str().to_owned();
        }
        if let Some(v) = &self.description {
            incident.description = v.as_ref().map(|d| d.as_str().to_owned());
        }
        if let Some(v) = &self.caller {
            incident.caller = text(v);
        }
        if let Some(v) = self.channel {
            incident.channel = v;
        }
        if let Some(security) = self.security {
            // Anyone handling an incident may mark it; only the security team clears the mark,
            // so a security incident cannot be made visible to everyone by mistake.
            if incident.security && !security {
                principal.require(SECURITY)?;
            }
            incident.security = security;
        }
        set_opt(&mut incident.category, &self.category);
        set_opt(&mut incident.configuration_item, &self.configuration_item);
        set_opt(&mut incident.service, &self.service);
        let (group, assignee) = (incident.assignment_group.clone(), incident.assignee.clone());
        set_opt(&mut incident.assignment_group, &self.assignment_group);
        set_opt(&mut incident.assignee, &self.assignee);
        let moved =
            |before: &Option<String>, after: &Option<String>| before.is_some() && before != after;
        if moved(&group, &incident.assignment_group) || moved(&assignee, &incident.assignee) {
            incident.reassignment_count += 1;
        }
        let (impact, urgency) = (
            self.impact.unwrap_or(incident.impact),
            self.urgency.unwrap_or(incident.urgency),
        );
        if (impact, urgency) != (incident.impact, incident.urgency) {
            incident.impact = impact;
            incident.urgency = urgency;
            incident.priority = store::priority_for(db, impact, urgency).await?;
        }
        Ok(())
    }
}

//! The JSON shapes of the catalogue API. Requests are read straight into checked domain types
//! (localized text, codes, entry definitions), so a bad field is named by its path; answers add
//! what a client needs next (owners, allowed actions, whether an entry can be ordered).

use crate::store::entries::Entry;
use crate::store::services::Service;
use crate::store::versions::{CatalogueVersion, Item};
use chrono::NaiveDate;
use itsm_domain::catalogue::{
    EntryDefinition, Localized, ServiceAction, ServiceState, allowed_service_actions,
};
use itsm_domain::{Code, Description, FieldErrors, Reason};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceRequest {
    pub code: Code,
    pub name: Localized<160>,
    #[serde(default)]
    pub description: Option<Localized<4000>>,
    /// Where an existing service starts in its lifecycle (`planned` when not given); a new
    /// service cannot start retired.
    #[serde(default)]
    pub state: Option<ServiceState>,
}

impl CreateServiceRequest {
    pub fn initial_state(&self) -> Result<ServiceState, FieldErrors> {
        match self.state {
            None => Ok(ServiceState::Planned),
            Some(ServiceState::Retired) => {
                let mut errors = FieldErrors::new();
                errors.push("state", "a new service cannot start retired");
                Err(errors)
            }
            Some(state) => Ok(state),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateServiceRequest {
    #[serde(default)]
    pub name: Option<Localized<160>>,
    /// `null` removes the description.
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Localized<4000>>")]
    pub description: Option<Option<Localized<4000>>>,
}

/// The body of a lifecycle action; retiring a service needs a reason.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceActionRequest {
    #[serde(default)]
    pub reason: Option<Reason>,
}

impl ServiceActionRequest {
    pub fn reason_for(&self, action: ServiceAction) -> Result<Option<&Reason>, FieldErrors> {
        if action == ServiceAction::Retire && self.reason.is_none() {
            let mut errors = FieldErrors::new();
            errors.push("reason", "say why the service is retired");
            return Err(errors);
        }
        Ok(self.reason.as_ref())
    }
}

/// A service with its owners and the lifecycle actions open to it now.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ServiceView {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: Localized<160>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Localized<4000>>,
    pub state: ServiceState,
    /// The users holding the service-owner role for it; only they may retire it.
    pub owners: Vec<String>,
    pub allowed_actions: Vec<ServiceAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retire_reason: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<String>,
}

impl ServiceView {
    pub fn new(service: &Service, owners: Vec<String>) -> Self {
        ServiceView {
            id: service.id,
            code: service.code.clone(),
            name: service.name.clone(),
            description: service.description.clone(),
            state: service.state,
            owners,
            allowed_actions: allowed_service_actions(service.state),
            retire_reason: service.retire_reason.clone(),
            version: service.version,
            created_at: service.created_at.clone(),
            created_by: service.created_by.clone(),
            updated_at: service.updated_at.clone(),
            retired_at: service.retired_at.clone(),
        }
    }
}

/// An entry of the working copy.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EntryView {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    #[serde(flatten)]
    pub definition: EntryDefinition,
    /// Whether it can be ordered: it has a request form.
    pub orderable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

impl EntryView {
    pub fn new(entry: &Entry) -> Self {
        EntryView {
            id: entry.id,
            code: entry.code.clone(),
            definition: entry.definition.clone(),
            orderable: entry.definition.orderable(),
            withdrawn_at: entry.withdrawn_at.clone(),
            withdrawn_by: entry.withdrawn_by.clone(),
            version: entry.version,
            created_at: entry.created_at.clone(),
            created_by: entry.created_by.clone(),
            updated_at: entry.updated_at.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// What changed, for the recipients.
    #[serde(default)]
    pub notes: Option<Description>,
    /// When the published content is next due for review (YYYY-MM-DD, after today).
    #[serde(default)]
    pub review_due: Option<NaiveDate>,
}

/// An entry as published: what a recipient reads and orders from.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PublishedItem {
    pub code: String,
    pub catalogue_version: i64,
    pub service_name: Localized<160>,
    #[serde(flatten)]
    pub definition: EntryDefinition,
    pub orderable: bool,
    /// Whether an order waits for approval (who approves is shown to staff only).
    pub requires_approval: bool,
}

impl PublishedItem {
    /// `staff` see who approves; customers only that someone does.
    pub fn new(item: &Item, version: i64, staff: bool) -> Self {
        let mut definition = item.definition.clone();
        let requires_approval = definition.approval.is_some();
        if !staff {
            definition.approval = None;
        }
        PublishedItem {
            code: item.code.clone(),
            catalogue_version: version,
            service_name: item.service_name.clone(),
            definition,
            orderable: item.orderable,
            requires_approval,
        }
    }
}

/// One published version with its items.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PublishedCatalogue {
    #[serde(flatten)]
    pub version: CatalogueVersion,
    pub items: Vec<PublishedItem>,
}

/// An entry publishing left out, and why.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LeftOut {
    pub code: String,
    pub reason: String,
}

/// What a publication produced: the new version, and the entries it did not include.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Publication {
    #[serde(flatten)]
    pub catalogue: PublishedCatalogue,
    pub left_out: Vec<LeftOut>,
}

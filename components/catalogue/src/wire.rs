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
    #[serde(flatten)]
    pub service: Service,
    /// The users holding the service-owner role for it; only they may retire it.
    pub owners: Vec<String>,
    pub allowed_actions: Vec<ServiceAction>,
}

impl ServiceView {
    pub fn new(service: &Service, owners: Vec<String>) -> Self {
        ServiceView {
            service: service.clone(),
            owners,
            allowed_actions: allowed_service_actions(service.state),
        }
    }
}

/// An entry of the working copy.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EntryView {
    #[serde(flatten)]
    pub entry: Entry,
    /// Whether it can be ordered: it has a request form.
    pub orderable: bool,
}

impl EntryView {
    pub fn new(entry: &Entry) -> Self {
        EntryView {
            entry: entry.clone(),
            orderable: entry.definition.orderable(),
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
            orderable: item.definition.orderable(),
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

//! Satisfaction ratings on the wire: what is brought. A rating is shown as stored (`store::Rating`)
//! and the summary is the domain's `SatisfactionSummary`.

use itsm_domain::incident::Channel;
use itsm_domain::satisfaction::Score;
use itsm_domain::{ContactDetails, Description};
use schemars::JsonSchema;
use serde::Deserialize;

/// A rating as brought.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRatingRequest {
    /// The record rated: an incident, request or complaint number such as INC0000042, once it
    /// is resolved, fulfilled or given its result (or closed).
    pub about: String,
    pub score: Score,
    /// Anything the customer wants to add, in their words.
    #[serde(default)]
    pub comment: Option<Description>,
    /// How it reached us; `web` when left out.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Who answered, when recorded for someone without an account (a caller, a portal visitor).
    #[serde(default)]
    pub contact_details: Option<ContactDetails>,
}

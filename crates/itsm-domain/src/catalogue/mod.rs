//! The service catalogue's rules (requirements §4, §7.9): services and their lifecycle, entries
//! with the fields the seeds require in several languages, and the request forms orders answer.

pub mod answer;
pub mod entry;
pub mod form;
pub mod localized;
pub mod service;

pub use answer::{Answer, AnswerError, Answers};
pub use entry::{
    ApprovalPolicy, ApprovalRule, Approver, CatalogueView, EntryDefinition, Indicator, Provider,
    ServiceLevel,
};
pub use form::{ChoiceOption, FieldType, FormField, RequestForm};
pub use localized::Localized;
pub use service::{
    ServiceAction, ServiceState, ServiceTransitionError, allowed_service_actions,
    next_service_state,
};

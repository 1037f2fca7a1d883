//! The ITSM domain rules, kept free of IO so every component and the host agree on them and they can be tested natively.

pub mod access;
pub mod catalogue;
pub mod chat;
pub mod closure;
pub mod code;
pub mod complaint;
pub mod field;
pub mod inbound_mail;
pub mod incident;
pub mod knowledge;
pub mod link;
pub mod number;
pub mod problem;
pub mod record_title;
pub mod request;
pub mod satisfaction;
pub mod sla;
pub mod text;
mod text_enum;
pub mod webhook;

#[cfg(test)]
mod test_support;

pub use code::{CODE_PATTERN, Code, parse_code};
pub use field::{FieldError, FieldErrors, check};
pub use incident::{
    Action, Channel, HoldReason, Impact, IncidentState, Priority, PriorityMatrix, ResolutionCode,
    TransitionError, Urgency, allowed_actions, counts_as_reopen, next_state,
};
pub use number::{RecordKind, RecordNumber};
pub use record_title::record_title;
pub use text::{
    BoundedText, CommentBody, ContactDetails, Description, Label, Reason, ShortDescription,
};

//! Incidents: their enumerations, priority rules, numbering and lifecycle, split one concern per file and gathered here.

mod alert;
mod channel;
mod hold_reason;
mod impact;
mod lifecycle;
mod major;
mod priority;
mod resolution;
mod state;

pub use alert::{AlertFacts, AlertMapping, Rating};
pub use channel::Channel;
pub use hold_reason::HoldReason;
pub use impact::{Impact, Urgency};
pub use lifecycle::{Action, TransitionError, allowed_actions, counts_as_reopen, next_state};
pub use major::{Audience, SolutionEffectiveness, minutes_between};
pub use priority::{Priority, PriorityMatrix};
pub use resolution::ResolutionCode;
pub use state::IncidentState;

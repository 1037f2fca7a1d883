//! Service requests (requirements §2.3, §7.4): their lifecycle from order to verification, the
//! approval rule that decides when an order may proceed, and their fulfilment tasks.

mod approval;
mod lifecycle;

pub use approval::{ApprovalOutcome, Decision, approval_outcome, slot_for};
pub use lifecycle::{
    RequestAction, RequestState, RequestTransitionError, TaskState, allowed_request_actions,
    next_request_state,
};

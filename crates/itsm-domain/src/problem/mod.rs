//! Problem management (requirements §2.4, §7.5): a problem's lifecycle from logging to closure,
//! how its root cause is recorded, the solution only the problem management team approves, and
//! the known errors whose signatures catch the incidents that recur.

mod known_error;
mod lifecycle;

pub use known_error::{KnownErrorState, MatchTerms};
pub use lifecycle::{
    AnalysisMethod, ProblemAction, ProblemState, ProblemTransitionError, RootCauseCategory,
    SolutionStatus, allowed_problem_actions, next_problem_state,
};

//! How the log's vocabulary maps onto the API's: its states onto ours (and the actions that get
//! an incident there), its 1–3 impact and urgency and 1–4 priority onto our names, its contact
//! types onto our channels. Kept apart from the runner so the mapping can be read (and tested)
//! on its own.

use super::log::LogState;

/// Where an incident is, in the API's states (holds with their reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ours {
    New,
    InProgress,
    OnHold(&'static str),
    Resolved,
    Closed,
}

impl Ours {
    pub fn parse(state: &str, hold_reason: Option<&str>) -> Option<Self> {
        Some(match state {
            "new" => Self::New,
            "in_progress" => Self::InProgress,
            "on_hold" => Self::OnHold(match hold_reason {
                Some("awaiting_vendor") => "awaiting_vendor",
                Some("awaiting_problem") => "awaiting_problem",
                Some("awaiting_change") => "awaiting_change",
                _ => "awaiting_caller",
            }),
            "resolved" => Self::Resolved,
            "closed" => Self::Closed,
            _ => return None,
        })
    }

    /// The API state's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::InProgress => "in_progress",
            Self::OnHold(_) => "on_hold",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }
}

/// The API state a log state corresponds to. "Awaiting Evidence" is evidence from the caller.
pub fn target(state: LogState) -> Ours {
    match state {
        LogState::New => Ours::New,
        LogState::Active => Ours::InProgress,
        LogState::AwaitingUserInfo | LogState::AwaitingEvidence => Ours::OnHold("awaiting_caller"),
        LogState::AwaitingVendor => Ours::OnHold("awaiting_vendor"),
        LogState::AwaitingProblem => Ours::OnHold("awaiting_problem"),
        LogState::Resolved => Ours::Resolved,
        LogState::Closed => Ours::Closed,
    }
}

/// The actions that take an incident from `from` to `to`, in order; `None` when the API has no
/// way there (back to `new`, or out of `closed`), which the report counts.
pub fn path(from: &Ours, to: &Ours) -> Option<Vec<Step>> {
    use Ours as O;
    let resolve = Step::Resolve;
    Some(match (from, to) {
        (a, b) if a == b => Vec::new(),
        (O::Closed, _) | (_, O::New) => return None,
        (O::New, O::InProgress) => vec![Step::Start],
        (O::OnHold(_), O::InProgress) => vec![Step::Resume],
        (O::Resolved, O::InProgress) => vec![Step::Reopen],
        (O::New | O::InProgress, O::OnHold(reason)) => vec![Step::Hold(reason)],
        (O::OnHold(_), O::OnHold(reason)) => vec![Step::Resume, Step::Hold(reason)],
        (O::Resolved, O::OnHold(reason)) => vec![Step::Reopen, Step::Hold(reason)],
        (O::New | O::InProgress | O::OnHold(_), O::Resolved) => vec![resolve],
        (O::New | O::InProgress | O::OnHold(_), O::Closed) => vec![resolve, Step::Close],
        (O::Resolved, O::Closed) => vec![Step::Close],
        // Only equal states remain, answered by the first arm.
        _ => Vec::new(),
    })
}

/// One action of the API's incident lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Start,
    Hold(&'static str),
    Resume,
    Resolve,
    Reopen,
    Close,
}

impl Step {
    pub fn action(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Hold(_) => "hold",
            Self::Resume => "resume",
            Self::Resolve => "resolve",
            Self::Reopen => "reopen",
            Self::Close => "close",
        }
    }
}

/// 1 high, 2 medium, 3 low (impact and urgency alike).
pub fn level(n: u8) -> &'static str {
    match n {
        1 => "high",
        2 => "medium",
        _ => "low",
    }
}

/// 1 critical … 4 low.
pub fn priority(n: u8) -> &'static str {
    match n {
        1 => "critical",
        2 => "high",
        3 => "moderate",
        _ => "low",
    }
}

pub fn channel(contact_type: &str) -> &'static str {
    match contact_type {
        "Email" => "email",
        "Self service" => "web",
        "Direct opening" => "walk_in",
        // Phone and IVR.
        _ => "phone",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_log_state_is_reachable_from_every_open_state_but_new() {
        let states = [
            LogState::New,
            LogState::Active,
            LogState::AwaitingUserInfo,
            LogState::AwaitingVendor,
            LogState::AwaitingProblem,
            LogState::AwaitingEvidence,
            LogState::Resolved,
            LogState::Closed,
        ];
        for from in [
            Ours::New,
            Ours::InProgress,
            Ours::OnHold("awaiting_vendor"),
            Ours::Resolved,
        ] {
            for to in states {
                let reachable = path(&from, &target(to)).is_some();
                assert_eq!(
                    reachable,
                    to != LogState::New || from == Ours::New,
                    "{from:?} -> {to:?}"
                );
            }
        }
        assert_eq!(
            path(&Ours::OnHold("awaiting_caller"), &Ours::Closed),
            Some(vec![Step::Resolve, Step::Close])
        );
        assert_eq!(path(&Ours::Closed, &Ours::InProgress), None);
    }
}

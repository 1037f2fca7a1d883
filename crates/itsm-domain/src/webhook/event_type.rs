//! The catalogue of event types a subscription names: what happened to which kind of record.

use crate::text_enum::text_enum;

text_enum! {
    /// What happened; a subscription lists the ones it wants.
    pub enum EventType {
        #[serde(rename = "incident.created")]
        IncidentCreated => "incident.created",
        #[serde(rename = "incident.state_changed")]
        IncidentStateChanged => "incident.state_changed",
        #[serde(rename = "incident.assigned")]
        IncidentAssigned => "incident.assigned",
        #[serde(rename = "incident.major_declared")]
        IncidentMajorDeclared => "incident.major_declared",
        #[serde(rename = "request.created")]
        RequestCreated => "request.created",
        #[serde(rename = "request.state_changed")]
        RequestStateChanged => "request.state_changed",
        #[serde(rename = "request.assigned")]
        RequestAssigned => "request.assigned",
        #[serde(rename = "request.approval_needed")]
        RequestApprovalNeeded => "request.approval_needed",
        #[serde(rename = "problem.created")]
        ProblemCreated => "problem.created",
        #[serde(rename = "problem.state_changed")]
        ProblemStateChanged => "problem.state_changed",
        #[serde(rename = "problem.assigned")]
        ProblemAssigned => "problem.assigned",
        #[serde(rename = "complaint.created")]
        ComplaintCreated => "complaint.created",
        #[serde(rename = "complaint.state_changed")]
        ComplaintStateChanged => "complaint.state_changed",
        #[serde(rename = "complaint.assigned")]
        ComplaintAssigned => "complaint.assigned",
        #[serde(rename = "sla.warning")]
        SlaWarning => "sla.warning",
        #[serde(rename = "sla.breach")]
        SlaBreach => "sla.breach",
        /// A test delivery asked for by hand; never subscribed to.
        #[serde(rename = "ping")]
        Ping => "ping",
    }
}

impl EventType {
    /// The types a subscription may list (all but `ping`, which is sent on request).
    pub fn subscribable() -> impl Iterator<Item = EventType> {
        Self::ALL.iter().copied().filter(|t| *t != Self::Ping)
    }

    pub const fn description(self) -> &'static str {
        match self {
            Self::IncidentCreated => {
                "An incident was logged (by a person, an alert, or any channel)."
            }
            Self::IncidentStateChanged => {
                "An incident moved to another state (`changes.state` has both)."
            }
            Self::IncidentAssigned => "An incident's assignee or assignment group changed.",
            Self::IncidentMajorDeclared => "An incident was declared a major incident.",
            Self::RequestCreated => "A service request was ordered.",
            Self::RequestStateChanged => "A service request moved to another state.",
            Self::RequestAssigned => "A service request's assignee or assignment group changed.",
            Self::RequestApprovalNeeded => {
                "A service request awaits its approvers' decisions (`object.approvals` names them)."
            }
            Self::ProblemCreated => "A problem was recorded.",
            Self::ProblemStateChanged => "A problem moved to another state.",
            Self::ProblemAssigned => "A problem's assignee or assignment group changed.",
            Self::ComplaintCreated => "A complaint or feedback was received.",
            Self::ComplaintStateChanged => "A complaint moved to another state.",
            Self::ComplaintAssigned => "A complaint was given to a handler.",
            Self::SlaWarning => "A record's SLA clock passed its warning threshold.",
            Self::SlaBreach => "A record's SLA clock passed its target.",
            Self::Ping => "A test delivery, sent when asked for.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_serde_agree_and_every_type_is_described() {
        for t in EventType::ALL {
            let json = serde_json::to_value(t).expect("serializes");
            assert_eq!(json, serde_json::json!(t.as_str()));
            assert_eq!(EventType::parse(t.as_str()), Ok(*t));
            assert!(!t.description().is_empty());
        }
        assert!(EventType::subscribable().all(|t| t != EventType::Ping));
        assert!(EventType::parse("incident.deleted").is_err());
    }
}

//! Customer satisfaction with handled work (requirements §2.18 and §7.16; the hotline's user
//! satisfaction survey [004-1 §3.1]; the satisfaction score among the metrics [002 §7.1]): one
//! rating per incident, request or complaint once it has been handled, from 1 to 5, and the
//! summary a report reads from many.

use crate::RecordKind;
use crate::complaint::ComplaintState;
use crate::incident::IncidentState;
use crate::request::RequestState;
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

/// How satisfied the customer is: 1 (very dissatisfied) to 5 (very satisfied), the common
/// five-point scale, so scores compare with other products' and surveys'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Score(u8);

impl Score {
    pub const LOWEST: u8 = 1;
    pub const HIGHEST: u8 = 5;
    /// The lowest score that counts as satisfied.
    pub const SATISFIED_FROM: u8 = 4;

    pub const fn get(self) -> u8 {
        self.0
    }

    /// 4 and 5: the share of these is the usual satisfaction rate ("CSAT").
    pub const fn is_satisfied(self) -> bool {
        self.0 >= Self::SATISFIED_FROM
    }
}

impl TryFrom<i64> for Score {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        u8::try_from(value)
            .ok()
            .filter(|v| (Self::LOWEST..=Self::HIGHEST).contains(v))
            .map(Self)
            .ok_or_else(|| {
                "must be a whole number from 1 (very dissatisfied) to 5 (very satisfied)".to_owned()
            })
    }
}

impl From<Score> for u8 {
    fn from(score: Score) -> Self {
        score.0
    }
}

impl schemars::JsonSchema for Score {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SatisfactionScore".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "integer",
            "minimum": Self::LOWEST,
            "maximum": Self::HIGHEST,
            "description": "1 very dissatisfied, 2 dissatisfied, 3 neither, 4 satisfied, 5 very satisfied.",
        })
    }
}

text_enum! {
    /// The kinds of record a customer rates: work done for them.
    pub enum RatedKind {
        Incident => "incident",
        Request => "request",
        Complaint => "complaint",
    }
}

impl RatedKind {
    pub const fn record_kind(self) -> RecordKind {
        match self {
            Self::Incident => RecordKind::Incident,
            Self::Request => RecordKind::Request,
            Self::Complaint => RecordKind::Complaint,
        }
    }
}

/// [`RatedKind`]s as the kinds of numbered record they are.
pub const RATED_KINDS: [RecordKind; 3] = [
    RatedKind::Incident.record_kind(),
    RatedKind::Request.record_kind(),
    RatedKind::Complaint.record_kind(),
];

/// Whether a record of `kind` in `state` has been handled, so its customer can say how it
/// went: an incident resolved, a request fulfilled, a complaint given its result, or any of
/// them closed afterwards. Work refused or cancelled is not rated; a complaint is the way to
/// say what was wrong with that.
pub fn handled(kind: RecordKind, state: &str) -> bool {
    match kind {
        RecordKind::Incident => IncidentState::parse(state)
            .is_ok_and(|s| matches!(s, IncidentState::Resolved | IncidentState::Closed)),
        RecordKind::Request => RequestState::parse(state)
            .is_ok_and(|s| matches!(s, RequestState::Fulfilled | RequestState::Closed)),
        RecordKind::Complaint => ComplaintState::parse(state)
            .is_ok_and(|s| matches!(s, ComplaintState::Resolved | ComplaintState::Closed)),
        _ => false,
    }
}

/// What many ratings add up to: how many, their average, the share satisfied (4 or 5), and how
/// many gave each score.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SatisfactionSummary {
    pub responses: u64,
    /// The mean score, to two decimals; `null` without responses.
    pub average: Option<f64>,
    /// The percentage of responses scoring 4 or 5, to one decimal; `null` without responses.
    pub satisfied_percent: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5, in that order.
    pub by_score: [u64; 5],
}

impl SatisfactionSummary {
    /// The summary of `by_score[i]` responses scoring `i + 1`.
    pub fn from_counts(by_score: [u64; 5]) -> Self {
        let responses: u64 = by_score.iter().sum();
        let weighted: u64 = by_score.iter().zip(1u64..).map(|(n, s)| n * s).sum();
        let satisfied: u64 = by_score[usize::from(Score::SATISFIED_FROM - 1)..]
            .iter()
            .sum();
        let ratio = |part: u64, scale: f64, places: f64| {
            (responses > 0).then(|| {
                let factor = 10f64.powf(places);
                (part as f64 * scale / responses as f64 * factor).round() / factor
            })
        };
        Self {
            responses,
            average: ratio(weighted, 1.0, 2.0),
            satisfied_percent: ratio(satisfied, 100.0, 1.0),
            by_score,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_run_from_one_to_five() {
        assert_eq!(Score::try_from(1).map(Score::get), Ok(1));
        assert_eq!(Score::try_from(5).map(Score::get), Ok(5));
        for wrong in [0, 6, -1, 256] {
            let refused = Score::try_from(wrong).expect_err("out of range");
            assert!(refused.contains("from 1"), "{refused}");
        }
        assert!(Score::try_from(4).is_ok_and(Score::is_satisfied));
        assert!(!Score::try_from(3).is_ok_and(Score::is_satisfied));
    }

    #[test]
    fn every_rated_kind_is_listed() {
        assert_eq!(RatedKind::ALL.len(), RATED_KINDS.len());
    }

    #[test]
    fn only_handled_work_is_rated() {
        assert!(handled(RecordKind::Incident, "resolved"));
        assert!(handled(RecordKind::Incident, "closed"));
        assert!(!handled(RecordKind::Incident, "in_progress"));
        assert!(!handled(RecordKind::Incident, "cancelled"));
        assert!(handled(RecordKind::Request, "fulfilled"));
        assert!(!handled(RecordKind::Request, "rejected"));
        assert!(handled(RecordKind::Complaint, "resolved"));
        assert!(!handled(RecordKind::Complaint, "withdrawn"));
        assert!(
            !handled(RecordKind::Problem, "closed"),
            "not work done for a customer"
        );
        assert!(!handled(RecordKind::Incident, "no such state"));
    }

    #[test]
    fn a_summary_averages_and_counts_the_satisfied() {
        let summary = SatisfactionSummary::from_counts([1, 0, 1, 2, 3]);
        assert_eq!(summary.responses, 7);
        // (1 + 3 + 8 + 15) / 7 = 3.857…
        assert_eq!(summary.average, Some(3.86));
        // 5 of 7 = 71.43 %
        assert_eq!(summary.satisfied_percent, Some(71.4));
        let none = SatisfactionSummary::from_counts([0; 5]);
        assert_eq!((none.average, none.satisfied_percent), (None, None));
    }
}

//! The kinds of record search finds, and where each sits in the index: a document's rowid is the
//! record id times 8 plus its slot (migration 0018).

use itsm_domain::RecordKind;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Incident,
    Request,
    Problem,
    Article,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Incident, Kind::Request, Kind::Problem, Kind::Article];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Incident => "incident",
            Self::Request => "request",
            Self::Problem => "problem",
            Self::Article => "article",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| format!("{text:?} is not one of incident, request, problem, article"))
    }

    /// The kind of the index slot; slots 3 and 4 are an article's working copy and its
    /// published version.
    pub const fn of_slot(slot: i64) -> Option<Self> {
        match slot {
            0 => Some(Self::Incident),
            1 => Some(Self::Request),
            2 => Some(Self::Problem),
            3 | 4 => Some(Self::Article),
            _ => None,
        }
    }

    pub const fn record_kind(self) -> RecordKind {
        match self {
            Self::Incident => RecordKind::Incident,
            Self::Request => RecordKind::Request,
            Self::Problem => RecordKind::Problem,
            Self::Article => RecordKind::Article,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_text_and_slots() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Ok(kind));
            assert_eq!(
                serde_json::to_value(kind).expect("json"),
                serde_json::json!(kind.as_str())
            );
        }
        assert_eq!(Kind::of_slot(4), Some(Kind::Article));
        assert_eq!(Kind::of_slot(5), None);
        assert!(Kind::parse("incidents").is_err());
    }
}

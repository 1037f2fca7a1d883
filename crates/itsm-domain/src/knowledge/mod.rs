//! Knowledge management (requirements §2.19, §7.19): articles that record solutions to common
//! problems, workarounds and fault-handling procedures, published in numbered versions, shown to
//! customers only when meant for them, and due for review so the base is "updated regularly"
//! [002 §6.3].

use crate::text_enum::text_enum;
use chrono::{Days, NaiveDate};

text_enum! {
    pub enum ArticleState {
        /// Written, never published: only the knowledge staff see it.
        Draft => "draft",
        /// Its latest published version is what readers see; the working copy may be ahead.
        Published => "published",
        /// Withdrawn: kept with its versions for the record, shown to nobody but staff.
        Retired => "retired",
    }
}

text_enum! {
    /// Who an article is for.
    pub enum ArticleAudience {
        /// The support teams only.
        Internal => "internal",
        /// Also customers and their users (self-help).
        Customer => "customer",
    }
}

impl ArticleState {
    /// Publishing snapshots the working copy as the next version; a retired article is not
    /// brought back by it.
    pub const fn may_publish(self) -> bool {
        matches!(self, Self::Draft | Self::Published)
    }
}

/// How long a published article stays trusted before someone must confirm it still holds:
/// half a year, the longest interval the seeds' "periodic" reviews use elsewhere (the SLA and
/// catalogue reviews are at most semi-annual).
pub const DEFAULT_REVIEW_DAYS: u64 = 182;

/// The latest a review may be set: two years ahead, so nothing escapes review for good.
pub const MAX_REVIEW_DAYS: u64 = 731;

/// The review date for an article published or reviewed on `today`: `given` when it lies within
/// the allowed window (tomorrow to two years ahead), the default interval when not given.
pub fn review_due(today: NaiveDate, given: Option<NaiveDate>) -> Result<NaiveDate, String> {
    let latest = today.checked_add_days(Days::new(MAX_REVIEW_DAYS));
    match given {
        None => today
            .checked_add_days(Days::new(DEFAULT_REVIEW_DAYS))
            .ok_or_else(|| "lies beyond the calendar".to_owned()),
        Some(date) if date <= today => Err(format!("must be after today ({today})")),
        Some(date) if latest.is_none_or(|latest| date > latest) => Err(format!(
            "must be at most {MAX_REVIEW_DAYS} days ahead, so the article is reviewed at least every two years"
        )),
        Some(date) => Ok(date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn a_review_falls_due_half_a_year_on_unless_a_date_within_two_years_is_given() {
        let today = day("2026-11-22");
        assert_eq!(review_due(today, None), Ok(day("2027-05-23")));
        assert_eq!(
            review_due(today, Some(day("2027-01-31"))),
            Ok(day("2027-01-31"))
        );
        assert!(review_due(today, Some(today)).is_err());
        assert!(review_due(today, Some(day("2028-11-22"))).is_ok());
        assert!(review_due(today, Some(day("2028-11-23"))).is_err());
    }

    #[test]
    fn states_and_audiences_have_one_text_each() {
        for v in ArticleState::ALL {
            assert_text_encoding(*v, v.as_str(), ArticleState::parse);
        }
        for v in ArticleAudience::ALL {
            assert_text_encoding(*v, v.as_str(), ArticleAudience::parse);
        }
        assert!(!ArticleState::Retired.may_publish());
    }
}

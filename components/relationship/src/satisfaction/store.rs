//! The `satisfaction_response` table: one rating per handled record, written once and never
//! changed (a customer who thinks again brings a complaint or feedback instead).

use itsm_domain::incident::Channel;
use itsm_domain::satisfaction::{RatedKind, Score};
use itsm_http::reach::Reach;
use itsm_store::{Row, Sql, StoreError, Value, where_clause};
use schemars::JsonSchema;
use serde::Serialize;

/// A rating as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Rating {
    pub id: i64,
    /// The record rated, such as INC0000042.
    pub about: String,
    pub score: Score,
    pub comment: Option<String>,
    pub channel: Channel,
    /// Who answered, when recorded for someone without an account (by the hotline, the portal).
    pub contact_details: Option<String>,
    /// The rated record's customer and service, as it named them.
    pub customer: Option<String>,
    pub service: Option<String>,
    /// About a security incident: read only by the security team and whoever recorded it.
    pub restricted: bool,
    /// Who recorded it (a user name).
    pub created_by: String,
    pub created_at: String,
}

const COLUMNS: &str = "response_id, about, score, comment, channel, contact_details, customer,
    service, restricted, created_by, created_at";

impl Rating {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        let score: i64 = row.get("score")?;
        Ok(Self {
            id: row.get("response_id")?,
            about: row.get("about")?,
            score: Score::try_from(score).map_err(|message| StoreError::Decode {
                column: "score".to_owned(),
                message,
            })?,
            comment: row.get("comment")?,
            channel: row.parsed("channel", Channel::parse)?,
            contact_details: row.get("contact_details")?,
            customer: row.get("customer")?,
            service: row.get("service")?,
            restricted: row.get("restricted")?,
            created_by: row.get("created_by")?,
            created_at: row.get("created_at")?,
        })
    }
}

/// Stores a rating unless its record has one already: its id, or `None` then.
pub async fn insert_rating(db: &impl Sql, r: &Rating) -> Result<Option<i64>, StoreError> {
    let inserted = db
        .execute(
            "INSERT INTO satisfaction_response (about, score, comment, channel, contact_details,
                customer, service, restricted, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (about) DO NOTHING",
            &[
                r.about.as_str().into(),
                i64::from(r.score.get()).into(),
                r.comment.as_deref().into(),
                r.channel.as_str().into(),
                r.contact_details.as_deref().into(),
                r.customer.as_deref().into(),
                r.service.as_deref().into(),
                r.restricted.into(),
                r.created_by.as_str().into(),
                r.created_at.as_str().into(),
            ],
        )
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    db.last_insert_rowid().await.map(Some)
}

pub async fn load_rating(db: &impl Sql, id: i64) -> Result<Option<Rating>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM satisfaction_response WHERE response_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(|row| Rating::from_row(&row)).transpose()
}

/// Which ratings a list or a summary takes; `None` leaves a column alone.
#[derive(Debug, Default)]
pub struct RatingFilter {
    pub about: Option<String>,
    pub kind: Option<RatedKind>,
    pub customer: Option<String>,
    pub service: Option<String>,
    pub score: Option<Score>,
    /// Recorded at or after this instant, and before `to`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Readers with scoped grants: the services and customers they see, besides what they
    /// recorded themselves.
    pub visible_in: Option<Reach>,
    /// Whether ratings of security incidents are left out (but for the reader's own).
    pub hide_restricted: bool,
    /// The reader, who always sees what they recorded.
    pub reader: String,
}

impl RatingFilter {
    fn clauses(&self) -> (Vec<String>, Vec<Value>) {
        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        for (condition, value) in [
            ("about = ?", self.about.clone()),
            ("customer = ?", self.customer.clone()),
            ("service = ?", self.service.clone()),
            ("created_at >= ?", self.from.clone()),
            ("created_at < ?", self.to.clone()),
            (
                "substr(about, 1, 3) = ?",
                self.kind.map(|k| k.record_kind().prefix().to_owned()),
            ),
        ] {
            if let Some(value) = value {
                clauses.push(condition.to_owned());
                params.push(value.into());
            }
        }
        if let Some(score) = self.score {
            clauses.push("score = ?".to_owned());
            params.push(i64::from(score.get()).into());
        }
        if let Some(reach) = &self.visible_in {
            let (sql, values) = reach.condition("service", "customer");
            clauses.push(format!("({sql} OR created_by = ?)"));
            params.extend(values);
            params.push(self.reader.as_str().into());
        }
        if self.hide_restricted {
            clauses.push("(restricted = 0 OR created_by = ?)".to_owned());
            params.push(self.reader.as_str().into());
        }
        (clauses, params)
    }
}

/// A page of ratings, newest first, one more than `limit` to tell whether more follow.
pub async fn list_ratings(
    db: &impl Sql,
    filter: &RatingFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Rating>, StoreError> {
    let (mut clauses, mut params) = filter.clauses();
    if let Some(after) = after {
        clauses.push("response_id < ?".to_owned());
        params.push(after.into());
    }
    let condition = where_clause(&clauses);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM satisfaction_response {condition}
                 ORDER BY response_id DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| Rating::from_row(&row)).collect()
}

/// How many of the ratings the filter takes gave each score, 1 to 5.
pub async fn score_counts(db: &impl Sql, filter: &RatingFilter) -> Result<[u64; 5], StoreError> {
    let (clauses, params) = filter.clauses();
    let condition = where_clause(&clauses);
    let rows = db
        .query(
            &format!(
                "SELECT score, COUNT(*) AS n FROM satisfaction_response {condition} GROUP BY score"
            ),
            &params,
        )
        .await?;
    let mut counts = [0u64; 5];
    for row in rows.iter() {
        let score: i64 = row.get("score")?;
        let n: i64 = row.get("n")?;
        if let Some(slot) = usize::try_from(score - 1)
            .ok()
            .and_then(|i| counts.get_mut(i))
        {
            *slot = u64::try_from(n).unwrap_or_default();
        }
    }
    Ok(counts)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    use crate::test_db::{NOW, db};

    fn rating(about: &str, score: i64, customer: &str, by: &str) -> Rating {
        Rating {
            id: 0,
            about: about.to_owned(),
            score: Score::try_from(score).expect("score"),
            comment: None,
            channel: Channel::Web,
            contact_details: None,
            customer: Some(customer.to_owned()),
            service: None,
            restricted: false,
            created_by: by.to_owned(),
            created_at: NOW.to_owned(),
        }
    }

    #[tokio::test]
    async fn a_record_is_rated_once() {
        let db = db().await;
        let first = rating("INC0000001", 4, "acme", "cy");
        let id = insert_rating(&db, &first).await.expect("stored");
        assert_eq!(id, Some(1));
        let again = rating("INC0000001", 1, "acme", "cy");
        assert_eq!(insert_rating(&db, &again).await.expect("refused"), None);
        let this_one = RatingFilter {
            about: Some("INC0000001".to_owned()),
            ..RatingFilter::default()
        };
        let kept = list_ratings(&db, &this_one, None, 10).await.expect("read");
        let scores: Vec<u8> = kept.iter().map(|r| r.score.get()).collect();
        assert_eq!(scores, [4], "the first stays");
        let loaded = load_rating(&db, 1).await.expect("read");
        assert_eq!(loaded, Some(Rating { id: 1, ..first }));
    }

    #[tokio::test]
    async fn lists_and_counts_take_what_the_reader_may_see() {
        let db = db().await;
        for (about, score, customer, by) in [
            ("INC0000001", 5, "acme", "desk"),
            ("REQ0000001", 2, "acme", "desk"),
            ("INC0000002", 4, "globex", "desk"),
            ("CMP0000001", 1, "globex", "cy"),
        ] {
            insert_rating(&db, &rating(about, score, customer, by))
                .await
                .expect("stored");
        }
        let acme_and_mine = RatingFilter {
            visible_in: Some(Reach {
                services: Vec::new(),
                customers: vec!["acme".to_owned()],
            }),
            reader: "cy".to_owned(),
            ..RatingFilter::default()
        };
        let seen = list_ratings(&db, &acme_and_mine, None, 10)
            .await
            .expect("listed");
        let abouts: Vec<&str> = seen.iter().map(|r| r.about.as_str()).collect();
        assert_eq!(abouts, ["CMP0000001", "REQ0000001", "INC0000001"]);
        let counts = score_counts(&db, &acme_and_mine).await.expect("counted");
        assert_eq!(counts, [1, 1, 0, 0, 1]);
        let incidents = RatingFilter {
            kind: Some(RatedKind::Incident),
            ..RatingFilter::default()
        };
        let counts = score_counts(&db, &incidents).await.expect("counted");
        assert_eq!(counts, [0, 0, 0, 1, 1]);
    }

    #[tokio::test]
    async fn a_security_incidents_rating_is_left_out_but_for_whoever_recorded_it() {
        let db = db().await;
        for (about, by) in [("INC0000001", "desk"), ("INC0000002", "cy")] {
            let secret = Rating {
                restricted: true,
                ..rating(about, 1, "acme", by)
            };
            insert_rating(&db, &secret).await.expect("stored");
        }
        insert_rating(&db, &rating("INC0000003", 5, "acme", "desk"))
            .await
            .expect("stored");
        let outsider = RatingFilter {
            hide_restricted: true,
            reader: "cy".to_owned(),
            ..RatingFilter::default()
        };
        let seen = list_ratings(&db, &outsider, None, 10)
            .await
            .expect("listed");
        let abouts: Vec<&str> = seen.iter().map(|r| r.about.as_str()).collect();
        assert_eq!(abouts, ["INC0000003", "INC0000002"]);
        let counts = score_counts(&db, &outsider).await.expect("counted");
        assert_eq!(counts, [1, 0, 0, 0, 1]);
        let team = RatingFilter::default();
        let counts = score_counts(&db, &team).await.expect("counted");
        assert_eq!(counts, [2, 0, 0, 0, 1]);
    }
}

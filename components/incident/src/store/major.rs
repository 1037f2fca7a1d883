//! A major incident's record (the seeds' emergency response, [002 §6.4]) kept with the incident
//! as one JSON column, so its declaration, team and review travel with every version of the
//! incident in the audit trail; and its communication log, an append-only table of its own.

use itsm_domain::incident::{Audience, SolutionEffectiveness};
use itsm_store::{Sql, StoreError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MajorIncident {
    pub declared_at: String,
    pub declared_by: String,
    /// Why it was declared major.
    pub reason: String,
    /// The emergency response team: the users who run it.
    pub emergency_team: Vec<String>,
    /// The emergency response plan being followed, if one applies.
    pub response_plan: Option<String>,
    pub stood_down_at: Option<String>,
    pub stood_down_by: Option<String>,
    pub stand_down_reason: Option<String>,
    pub review: Option<PostIncidentReview>,
}

/// The post-incident review: cause, response time and solution effectiveness ([002 §6.4]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PostIncidentReview {
    pub cause: String,
    pub solution_effectiveness: SolutionEffectiveness,
    /// What to keep or change next time.
    pub lessons: Option<String>,
    /// Minutes from the incident's recording to its first response, measured from the record.
    pub response_minutes: Option<i64>,
    /// Minutes from the incident's recording to its resolution, measured from the record.
    pub restoration_minutes: Option<i64>,
    pub reviewed_at: String,
    pub reviewed_by: String,
}

/// One entry of the communication log.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Communication {
    pub id: i64,
    pub audience: Audience,
    /// How it was sent: e-mail, status page, chat, call, meeting, …
    pub channel: String,
    pub body: String,
    pub author: String,
    pub created_at: String,
}

pub async fn insert_communication(
    db: &impl Sql,
    incident_id: i64,
    entry: &Communication,
) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO incident_communication (incident_id, audience, channel, body, author, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        &[
            incident_id.into(),
            entry.audience.as_str().into(),
            entry.channel.as_str().into(),
            entry.body.as_str().into(),
            entry.author.as_str().into(),
            entry.created_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn list_communications(
    db: &impl Sql,
    incident_id: i64,
) -> Result<Vec<Communication>, StoreError> {
    let rows = db
        .query(
            "SELECT communication_id, audience, channel, body, author, created_at
             FROM incident_communication WHERE incident_id = ? ORDER BY communication_id",
            &[incident_id.into()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Communication {
                id: row.get("communication_id")?,
                audience: row.parsed("audience", Audience::parse)?,
                channel: row.get("channel")?,
                body: row.get("body")?,
                author: row.get("author")?,
                created_at: row.get("created_at")?,
            })
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::insert_incident;
    use super::super::tests::{NOW, db, sample};
    use super::*;

    #[tokio::test]
    async fn the_log_keeps_its_entries_in_order() {
        let db = db().await;
        let id = insert_incident(&db, &sample("Mail down", "mail"))
            .await
            .expect("insert");
        for (audience, body) in [
            (Audience::Customers, "first"),
            (Audience::Management, "second"),
        ] {
            let entry = Communication {
                id: 0,
                audience,
                channel: "status page".to_owned(),
                body: body.to_owned(),
                author: "mia".to_owned(),
                created_at: NOW.to_owned(),
            };
            insert_communication(&db, id, &entry).await.expect("insert");
        }
        let log = list_communications(&db, id).await.expect("list");
        let seen: Vec<(Audience, &str)> =
            log.iter().map(|c| (c.audience, c.body.as_str())).collect();
        assert_eq!(
            seen,
            [
                (Audience::Customers, "first"),
                (Audience::Management, "second")
            ]
        );
        assert!(
            list_communications(&db, id + 1)
                .await
                .expect("list")
                .is_empty()
        );
    }
}

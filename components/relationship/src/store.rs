//! The `complaint` table: one row per complaint or piece of feedback, from the moment it is
//! received to its closure, with the response and the result given to the customer.

use itsm_domain::complaint::{ComplaintFinding, ComplaintKind, ComplaintState};
use itsm_domain::incident::Channel;
use itsm_domain::sla::TargetRecord;
use itsm_http::reach::Reach;
use itsm_http::sla::summary::{SlaFilter, condition};
use itsm_store::{Row, Sql, StoreError, Value, where_clause};
use schemars::JsonSchema;
use serde::Serialize;

/// A complaint or feedback as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(rename = "ComplaintFields")]
pub struct Complaint {
    #[serde(skip)]
    pub id: i64,
    pub kind: ComplaintKind,
    pub subject: String,
    pub content: String,
    pub channel: Channel,
    /// Who brought it (a user name).
    pub complainant: String,
    /// How to reach them, when not through the product.
    pub contact_details: Option<String>,
    pub customer: Option<String>,
    pub service: Option<String>,
    /// The record it is about, such as INC0000042.
    pub about: Option<String>,
    pub state: ComplaintState,
    pub assignee: Option<String>,
    /// The first response given to the customer.
    pub response: Option<String>,
    pub responded_at: Option<String>,
    /// The handling result given back to the customer.
    pub result: Option<String>,
    /// Complaints: whether it was upheld.
    pub finding: Option<ComplaintFinding>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub withdraw_reason: Option<String>,
    pub reopen_count: i64,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "complaint_id, kind, subject, content, channel, complainant, contact_details,
    customer, service, about, state, assignee, response, responded_at, result, finding, resolved_at,
    closed_at, withdraw_reason, reopen_count, version, created_by, created_at, updated_at";

impl Complaint {
    /// A complaint as received, before it is stored: nobody has answered it yet. Where it is
    /// from (customer, service, the record it is about, contact details) is set by the caller.
    pub fn received(
        kind: ComplaintKind,
        subject: &str,
        content: &str,
        channel: Channel,
        complainant: &str,
        created_by: &str,
        now: &str,
    ) -> Self {
        Self {
            id: 0,
            kind,
            subject: subject.to_owned(),
            content: content.to_owned(),
            channel,
            complainant: complainant.to_owned(),
            contact_details: None,
            customer: None,
            service: None,
            about: None,
            state: ComplaintState::Received,
            assignee: None,
            response: None,
            responded_at: None,
            result: None,
            finding: None,
            resolved_at: None,
            closed_at: None,
            withdraw_reason: None,
            reopen_count: 0,
            version: 1,
            created_by: created_by.to_owned(),
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
        }
    }

    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("complaint_id")?,
            kind: row.parsed("kind", ComplaintKind::parse)?,
            subject: row.get("subject")?,
            content: row.get("content")?,
            channel: row.parsed("channel", Channel::parse)?,
            complainant: row.get("complainant")?,
            contact_details: row.get("contact_details")?,
            customer: row.get("customer")?,
            service: row.get("service")?,
            about: row.get("about")?,
            state: row.parsed("state", ComplaintState::parse)?,
            assignee: row.get("assignee")?,
            response: row.get("response")?,
            responded_at: row.get("responded_at")?,
            result: row.get("result")?,
            finding: row.parsed_opt("finding", ComplaintFinding::parse)?,
            resolved_at: row.get("resolved_at")?,
            closed_at: row.get("closed_at")?,
            withdraw_reason: row.get("withdraw_reason")?,
            reopen_count: row.get("reopen_count")?,
            version: row.get("version")?,
            created_by: row.get("created_by")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }

    /// The columns a change may write, in the order of [`save_complaint`]'s statement.
    fn changeable(&self) -> Vec<Value> {
        vec![
            self.state.as_str().into(),
            self.assignee.as_deref().into(),
            self.response.as_deref().into(),
            self.responded_at.as_deref().into(),
            self.result.as_deref().into(),
            self.finding.map(|f| f.as_str()).into(),
            self.resolved_at.as_deref().into(),
            self.closed_at.as_deref().into(),
            self.withdraw_reason.as_deref().into(),
            self.reopen_count.into(),
            self.updated_at.as_str().into(),
        ]
    }
}

pub async fn insert_complaint(db: &impl Sql, c: &Complaint) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO complaint (kind, subject, content, channel, complainant, contact_details, customer,
            service, about, state, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            c.kind.as_str().into(),
            c.subject.as_str().into(),
            c.content.as_str().into(),
            c.channel.as_str().into(),
            c.complainant.as_str().into(),
            c.contact_details.as_deref().into(),
            c.customer.as_deref().into(),
            c.service.as_deref().into(),
            c.about.as_deref().into(),
            c.state.as_str().into(),
            c.created_by.as_str().into(),
            c.created_at.as_str().into(),
            c.updated_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_complaint(db: &impl Sql, id: i64) -> Result<Option<Complaint>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM complaint WHERE complaint_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first()
        .map(|row| Complaint::from_row(&row))
        .transpose()
}

/// Writes what a change may change if the stored version is still `expected_version`, bumping
/// it; `false` when another writer got there first.
pub async fn save_complaint(
    db: &impl Sql,
    c: &Complaint,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let mut values = c.changeable();
    values.extend([c.id.into(), expected_version.into()]);
    let changed = db
        .execute(
            "UPDATE complaint SET state = ?, assignee = ?, response = ?, responded_at = ?, result = ?,
                finding = ?, resolved_at = ?, closed_at = ?, withdraw_reason = ?, reopen_count = ?,
                updated_at = ?, version = version + 1
             WHERE complaint_id = ? AND version = ?",
            &values,
        )
        .await?;
    Ok(changed == 1)
}

/// What a list asks for; `None` leaves a column alone.
#[derive(Debug, Default)]
pub struct ComplaintFilter {
    pub kind: Option<ComplaintKind>,
    pub state: Option<ComplaintState>,
    pub customer: Option<String>,
    pub assignee: Option<String>,
    /// Readers with scoped grants: the services and customers they see, besides what they
    /// brought themselves.
    pub visible_in: Option<Reach>,
    /// The reader, who always sees what they brought or recorded.
    pub reader: String,
    pub sla: SlaFilter,
    pub now: String,
}

/// A page of complaints, newest first, one more than `limit` to tell whether more follow.
pub async fn list_complaints(
    db: &impl Sql,
    filter: &ComplaintFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Complaint>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    for (column, value) in [
        ("kind", filter.kind.map(|k| k.as_str().to_owned())),
        ("state", filter.state.map(|s| s.as_str().to_owned())),
        ("customer", filter.customer.clone()),
        ("assignee", filter.assignee.clone()),
    ] {
        if let Some(value) = value {
            clauses.push(format!("{column} = ?"));
            params.push(value.into());
        }
    }
    if let Some(reach) = &filter.visible_in {
        let (sql, values) = reach.condition("service", "customer");
        clauses.push(format!("({sql} OR complainant = ? OR created_by = ?)"));
        params.extend(values);
        params.extend([filter.reader.as_str().into(), filter.reader.as_str().into()]);
    }
    if let Some((clause, values)) = condition(
        TargetRecord::Complaint,
        "complaint.complaint_id",
        &filter.sla,
        &filter.now,
    ) {
        clauses.push(clause);
        params.extend(values);
    }
    if let Some(after) = after {
        clauses.push("complaint_id < ?".to_owned());
        params.push(after.into());
    }
    let condition = where_clause(&clauses);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM complaint {condition} ORDER BY complaint_id DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| Complaint::from_row(&row)).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    use crate::test_db::{NOW, db};

    fn sample(customer: Option<&str>, complainant: &str) -> Complaint {
        Complaint {
            customer: customer.map(str::to_owned),
            ..Complaint::received(
                ComplaintKind::Complaint,
                "The engineer never came",
                "We waited all day",
                Channel::Phone,
                complainant,
                "desk",
                NOW,
            )
        }
    }

    #[tokio::test]
    async fn a_complaint_round_trips_and_saves_only_at_the_version_read() {
        let db = db().await;
        let mut stored = sample(Some("acme"), "cy");
        stored.id = insert_complaint(&db, &stored).await.expect("inserted");
        let loaded = load_complaint(&db, stored.id).await.expect("read");
        assert_eq!(loaded.as_ref(), Some(&stored));
        let mut answered = stored.clone();
        answered.state = ComplaintState::Responded;
        answered.response = Some("We are sorry; we are finding out".to_owned());
        answered.finding = Some(ComplaintFinding::Upheld);
        assert!(save_complaint(&db, &answered, 1).await.expect("saved"));
        assert!(!save_complaint(&db, &answered, 1).await.expect("refused"));
        let reread = load_complaint(&db, stored.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(reread.version, 2);
        assert_eq!(reread.finding, Some(ComplaintFinding::Upheld));
    }

    #[tokio::test]
    async fn a_scoped_reader_lists_their_customers_and_what_they_brought() {
        let db = db().await;
        for (customer, complainant) in [(Some("acme"), "cy"), (Some("globex"), "gus"), (None, "cy")]
        {
            insert_complaint(&db, &sample(customer, complainant))
                .await
                .expect("inserted");
        }
        let filter = ComplaintFilter {
            visible_in: Some(Reach {
                services: Vec::new(),
                customers: vec!["acme".to_owned()],
            }),
            reader: "cy".to_owned(),
            now: NOW.to_owned(),
            ..ComplaintFilter::default()
        };
        let seen = list_complaints(&db, &filter, None, 10)
            .await
            .expect("listed");
        let ids: Vec<i64> = seen.iter().map(|c| c.id).collect();
        assert_eq!(ids, [3, 1]);
        let everyone = ComplaintFilter {
            now: NOW.to_owned(),
            ..ComplaintFilter::default()
        };
        let all = list_complaints(&db, &everyone, None, 10)
            .await
            .expect("listed");
        assert_eq!(all.len(), 3);
    }
}

//! The incident process's SQL: the only place that knows its tables (`incident`, `incident_note`,
//! `incident_priority_matrix`). Every statement here runs natively in this file's tests against
//! the real migrations.

use itsm_domain::incident::{
    Channel, HoldReason, Impact, IncidentState, Priority, PriorityMatrix, ResolutionCode, Urgency,
};
use itsm_store::{Row, Sql, StoreError, Value};
use serde::Serialize;

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "IncidentFields")]
pub struct Incident {
    #[serde(skip)]
    pub id: i64,
    pub short_description: String,
    pub description: Option<String>,
    pub impact: Impact,
    pub urgency: Urgency,
    pub priority: Priority,
    pub category: Option<String>,
    pub caller: String,
    pub channel: Channel,
    pub assignment_group: Option<String>,
    pub assignee: Option<String>,
    pub configuration_item: Option<String>,
    pub service: Option<String>,
    /// The customer organisation the incident belongs to; its contacts may see it.
    pub customer: Option<String>,
    pub state: IncidentState,
    pub hold_reason: Option<HoldReason>,
    pub resolution_code: Option<ResolutionCode>,
    pub resolution_notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub reassignment_count: i64,
    pub reopen_count: i64,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
}

const COLUMNS: &str = "incident_id, short_description, description, impact, urgency, priority, category, caller, channel,
    assignment_group, assignee, configuration_item, service, customer, state, hold_reason, resolution_code,
    resolution_notes, cancel_reason, reassignment_count, reopen_count, version, created_at, created_by, updated_at, resolved_at, closed_at";

impl Incident {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Incident {
            id: row.get("incident_id")?,
            short_description: row.get("short_description")?,
            description: row.get("description")?,
            impact: row.parsed("impact", Impact::parse)?,
            urgency: row.parsed("urgency", Urgency::parse)?,
            priority: row.parsed("priority", Priority::parse)?,
            category: row.get("category")?,
            caller: row.get("caller")?,
            channel: row.parsed("channel", Channel::parse)?,
            assignment_group: row.get("assignment_group")?,
            assignee: row.get("assignee")?,
            configuration_item: row.get("configuration_item")?,
            service: row.get("service")?,
            customer: row.get("customer")?,
            state: row.parsed("state", IncidentState::parse)?,
            hold_reason: row.parsed_opt("hold_reason", HoldReason::parse)?,
            resolution_code: row.parsed_opt("resolution_code", ResolutionCode::parse)?,
            resolution_notes: row.get("resolution_notes")?,
            cancel_reason: row.get("cancel_reason")?,
            reassignment_count: row.get("reassignment_count")?,
            reopen_count: row.get("reopen_count")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            resolved_at: row.get("resolved_at")?,
            closed_at: row.get("closed_at")?,
        })
    }
}

/// Inserts a new incident (state `new`, version 1) and returns its id.
pub async fn insert_incident(db: &impl Sql, i: &Incident) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO incident (short_description, description, impact, urgency, priority, category, caller, channel,
            assignment_group, assignee, configuration_item, service, customer, state, created_at, created_by,
            updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            i.short_description.as_str().into(),
            i.description.as_deref().into(),
            i.impact.as_str().into(),
            i.urgency.as_str().into(),
            i.priority.as_str().into(),
            i.category.as_deref().into(),
            i.caller.as_str().into(),
            i.channel.as_str().into(),
            i.assignment_group.as_deref().into(),
            i.assignee.as_deref().into(),
            i.configuration_item.as_deref().into(),
            i.service.as_deref().into(),
            i.customer.as_deref().into(),
            i.state.as_str().into(),
            i.created_at.as_str().into(),
            i.created_by.as_str().into(),
            i.updated_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_incident(db: &impl Sql, id: i64) -> Result<Option<Incident>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM incident WHERE incident_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(Incident::from_row).transpose()
}

/// Writes every mutable column if the stored version is still `expected_version`, bumping it;
/// `false` when another writer got there first.
pub async fn save_incident(
    db: &impl Sql,
    i: &Incident,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE incident SET short_description = ?, description = ?, impact = ?, urgency = ?, priority = ?,
                category = ?, caller = ?, channel = ?, assignment_group = ?, assignee = ?, configuration_item = ?,
                service = ?, state = ?, hold_reason = ?, resolution_code = ?, resolution_notes = ?, cancel_reason = ?,
                reassignment_count = ?, reopen_count = ?, updated_at = ?, resolved_at = ?, closed_at = ?,
                version = version + 1
             WHERE incident_id = ? AND version = ?",
            &[
                i.short_description.as_str().into(),
                i.description.as_deref().into(),
                i.impact.as_str().into(),
                i.urgency.as_str().into(),
                i.priority.as_str().into(),
                i.category.as_deref().into(),
                i.caller.as_str().into(),
                i.channel.as_str().into(),
                i.assignment_group.as_deref().into(),
                i.assignee.as_deref().into(),
                i.configuration_item.as_deref().into(),
                i.service.as_deref().into(),
                i.state.as_str().into(),
                i.hold_reason.map(|r| r.as_str()).into(),
                i.resolution_code.map(|c| c.as_str()).into(),
                i.resolution_notes.as_deref().into(),
                i.cancel_reason.as_deref().into(),
                i.reassignment_count.into(),
                i.reopen_count.into(),
                i.updated_at.as_str().into(),
                i.resolved_at.as_deref().into(),
                i.closed_at.as_deref().into(),
                i.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// The list filters; each is an exact match on an indexed column.
#[derive(Debug, Default, Clone)]
pub struct IncidentFilter {
    pub state: Option<IncidentState>,
    pub priority: Option<Priority>,
    pub assignee: Option<String>,
    pub assignment_group: Option<String>,
    pub customer: Option<String>,
    /// Only these customers' incidents (a customer contact's view); `None`: no such limit.
    pub visible_customers: Option<Vec<String>>,
}

/// Newest first; `after` continues below that id. Fetches `limit + 1` rows so the caller knows
/// whether a next page exists.
pub async fn list_incidents(
    db: &impl Sql,
    filter: &IncidentFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Incident>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: Value| {
        clauses.push(clause.to_owned());
        params.push(value);
    };
    if let Some(state) = filter.state {
        add("state = ?", state.as_str().into());
    }
    if let Some(priority) = filter.priority {
        add("priority = ?", priority.as_str().into());
    }
    if let Some(assignee) = &filter.assignee {
        add("assignee = ?", assignee.into());
    }
    if let Some(group) = &filter.assignment_group {
        add("assignment_group = ?", group.into());
    }
    if let Some(customer) = &filter.customer {
        add("customer = ?", customer.into());
    }
    if let Some(after) = after {
        add("incident_id < ?", after.into());
    }
    if let Some(visible) = &filter.visible_customers {
        let marks = vec!["?"; visible.len()].join(", ");
        // No visible customer at all must match nothing, not everything.
        clauses.push(if visible.is_empty() {
            "0".to_owned()
        } else {
            format!("customer IN ({marks})")
        });
        params.extend(visible.iter().map(Value::from));
    }
    let condition = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM incident {condition} ORDER BY incident_id DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(Incident::from_row).collect()
}

/// The priority for an impact and urgency from the stored matrix, or the default matrix's if the
/// cell is somehow missing.
pub async fn priority_for(
    db: &impl Sql,
    impact: Impact,
    urgency: Urgency,
) -> Result<Priority, StoreError> {
    let rows = db
        .query(
            "SELECT priority FROM incident_priority_matrix WHERE impact = ? AND urgency = ?",
            &[impact.as_str().into(), urgency.as_str().into()],
        )
        .await?;
    match rows.first() {
        Some(row) => row.parsed("priority", Priority::parse),
        None => Ok(PriorityMatrix::default().priority(impact, urgency)),
    }
}

pub async fn load_matrix(db: &impl Sql) -> Result<Vec<(Impact, Urgency, Priority)>, StoreError> {
    let rows = db
        .query(
            "SELECT impact, urgency, priority FROM incident_priority_matrix",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.parsed("impact", Impact::parse)?,
                row.parsed("urgency", Urgency::parse)?,
                row.parsed("priority", Priority::parse)?,
            ))
        })
        .collect()
}

/// Replaces every cell; run inside a transaction so readers never see half a matrix.
pub async fn replace_matrix(db: &impl Sql, matrix: &PriorityMatrix) -> Result<(), StoreError> {
    for (impact, urgency, priority) in matrix.cells() {
        db.execute(
            "INSERT INTO incident_priority_matrix (impact, urgency, priority) VALUES (?, ?, ?)
             ON CONFLICT (impact, urgency) DO UPDATE SET priority = excluded.priority",
            &[
                impact.as_str().into(),
                urgency.as_str().into(),
                priority.as_str().into(),
            ],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Comment,
    WorkNote,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Comment => "comment",
            NoteKind::WorkNote => "work_note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Note {
    pub id: i64,
    pub body: String,
    pub author: String,
    pub created_at: String,
}

pub async fn insert_note(
    db: &impl Sql,
    incident_id: i64,
    kind: NoteKind,
    body: &str,
    author: &str,
    now: &str,
) -> Result<Note, StoreError> {
    db.execute(
        "INSERT INTO incident_note (incident_id, kind, body, author, created_at) VALUES (?, ?, ?, ?, ?)",
        &[incident_id.into(), kind.as_str().into(), body.into(), author.into(), now.into()],
    )
    .await?;
    Ok(Note {
        id: db.last_insert_rowid().await?,
        body: body.to_owned(),
        author: author.to_owned(),
        created_at: now.to_owned(),
    })
}

pub async fn list_notes(
    db: &impl Sql,
    incident_id: i64,
    kind: NoteKind,
) -> Result<Vec<Note>, StoreError> {
    let rows = db
        .query(
            "SELECT note_id, body, author, created_at FROM incident_note WHERE incident_id = ? AND kind = ? ORDER BY note_id",
            &[incident_id.into(), kind.as_str().into()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Note {
                id: row.get("note_id")?,
                body: row.get("body")?,
                author: row.get("author")?,
                created_at: row.get("created_at")?,
            })
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use itsm_store::native::NativeDb;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    async fn db() -> NativeDb {
        let db = NativeDb::in_memory().expect("db");
        itsm_store::apply_migrations(&db, NOW)
            .await
            .expect("migrations");
        db
    }

    fn sample(short: &str, group: &str) -> Incident {
        Incident {
            id: 0,
            short_description: short.to_owned(),
            description: None,
            impact: Impact::Medium,
            urgency: Urgency::High,
            priority: Priority::High,
            category: None,
            caller: "ann".to_owned(),
            channel: Channel::Phone,
            assignment_group: Some(group.to_owned()),
            assignee: None,
            configuration_item: None,
            service: None,
            customer: None,
            state: IncidentState::New,
            hold_reason: None,
            resolution_code: None,
            resolution_notes: None,
            cancel_reason: None,
            reassignment_count: 0,
            reopen_count: 0,
            version: 1,
            created_at: NOW.to_owned(),
            created_by: "tester".to_owned(),
            updated_at: NOW.to_owned(),
            resolved_at: None,
            closed_at: None,
        }
    }

    #[tokio::test]
    async fn an_incident_round_trips_through_its_table() {
        let db = db().await;
        let mut incident = sample("Disk full", "storage");
        incident.id = insert_incident(&db, &incident).await.expect("insert");
        assert_eq!(incident.id, 1);
        assert_eq!(load_incident(&db, 1).await.expect("load"), Some(incident));
        assert_eq!(load_incident(&db, 2).await.expect("load"), None);
    }

    #[tokio::test]
    async fn a_save_with_a_stale_version_writes_nothing() {
        let db = db().await;
        let mut incident = sample("Disk full", "storage");
        incident.id = insert_incident(&db, &incident).await.expect("insert");
        incident.state = IncidentState::OnHold;
        incident.hold_reason = Some(HoldReason::AwaitingVendor);
        assert!(save_incident(&db, &incident, 1).await.expect("save"));
        incident.state = IncidentState::Resolved;
        incident.hold_reason = None;
        assert!(!save_incident(&db, &incident, 1).await.expect("stale save"));
        let stored = load_incident(&db, incident.id)
            .await
            .expect("load")
            .expect("exists");
        assert_eq!((stored.state, stored.version), (IncidentState::OnHold, 2));
    }

    #[tokio::test]
    async fn the_schema_refuses_a_hold_without_a_reason() {
        let db = db().await;
        let mut incident = sample("Disk full", "storage");
        incident.id = insert_incident(&db, &incident).await.expect("insert");
        incident.state = IncidentState::OnHold;
        assert!(save_incident(&db, &incident, 1).await.is_err());
    }

    #[tokio::test]
    async fn lists_filter_and_continue_after_a_cursor() {
        let db = db().await;
        for n in 1..=5 {
            let group = if n % 2 == 0 { "even" } else { "odd" };
            insert_incident(&db, &sample(&format!("n{n}"), group))
                .await
                .expect("insert");
        }
        let ids = |v: Vec<Incident>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
        let all = list_incidents(&db, &IncidentFilter::default(), None, 2)
            .await
            .expect("list");
        assert_eq!(ids(all), [5, 4, 3], "limit + 1 rows, newest first");
        let odd = IncidentFilter {
            assignment_group: Some("odd".to_owned()),
            ..IncidentFilter::default()
        };
        assert_eq!(
            ids(list_incidents(&db, &odd, Some(5), 10).await.expect("list")),
            [3, 1]
        );
        let closed = IncidentFilter {
            state: Some(IncidentState::Closed),
            ..IncidentFilter::default()
        };
        assert!(
            list_incidents(&db, &closed, None, 10)
                .await
                .expect("list")
                .is_empty()
        );
    }

    #[tokio::test]
    async fn the_seeded_matrix_is_the_default_and_can_be_replaced() {
        let db = db().await;
        let stored =
            PriorityMatrix::from_cells(&load_matrix(&db).await.expect("load")).expect("whole");
        assert_eq!(stored, PriorityMatrix::default());
        assert_eq!(
            priority_for(&db, Impact::High, Urgency::High)
                .await
                .expect("cell"),
            Priority::Critical
        );
        let mut cells = stored.cells();
        cells[8].2 = Priority::Planning;
        let planning = PriorityMatrix::from_cells(&cells).expect("valid");
        replace_matrix(&db, &planning).await.expect("replace");
        assert_eq!(
            priority_for(&db, Impact::Low, Urgency::Low)
                .await
                .expect("cell"),
            Priority::Planning
        );
    }

    #[tokio::test]
    async fn notes_are_listed_by_kind_in_order() {
        let db = db().await;
        let id = insert_incident(&db, &sample("Disk full", "storage"))
            .await
            .expect("insert");
        insert_note(&db, id, NoteKind::Comment, "first", "ann", NOW)
            .await
            .expect("note");
        insert_note(&db, id, NoteKind::WorkNote, "internal", "bo", NOW)
            .await
            .expect("note");
        insert_note(&db, id, NoteKind::Comment, "second", "ann", NOW)
            .await
            .expect("note");
        let bodies = |notes: Vec<Note>| notes.into_iter().map(|n| n.body).collect::<Vec<_>>();
        assert_eq!(
            bodies(list_notes(&db, id, NoteKind::Comment).await.expect("list")),
            ["first", "second"]
        );
        assert_eq!(
            bodies(list_notes(&db, id, NoteKind::WorkNote).await.expect("list")),
            ["internal"]
        );
    }
}

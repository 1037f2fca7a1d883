//! The incident process's SQL: the only place that knows its tables (`incident` here; notes,
//! the priority matrix, links and communications in the files beside it). Every statement here runs natively in this file's tests against
//! the real migrations.

use itsm_domain::closure::Closure;
use itsm_domain::incident::{
    Channel, HoldReason, Impact, IncidentState, Priority, ResolutionCode, Urgency,
};
use itsm_store::{Row, Sql, StoreError, Value};
use serde::Serialize;

mod alerts;
mod links;
mod major;
mod matrix;
mod notes;
mod recurrence;

pub use alerts::{AlertKey, NewAlert, insert_alert, latest_alert, notified};
pub use links::{
    Link, causes_reach, delete_link, duplicate_of, duplicates_of, insert_link, list_links,
};
pub use major::{
    Communication, MajorIncident, PostIncidentReview, insert_communication, list_communications,
};
pub use matrix::{load_matrix, priority_for, replace_matrix};
#[cfg(not(target_arch = "wasm32"))]
pub use notes::Note;
pub use notes::{NoteKind, insert_note, list_notes};
pub use recurrence::{NewIncident, record_recurrences};

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
    /// How a closed incident came to be closed.
    pub closure: Option<Closure>,
    pub cancel_reason: Option<String>,
    /// An information security incident: seen only by the security team and its reporter.
    pub security: bool,
    /// A major incident, run by an emergency response team until it is stood down.
    pub major: bool,
    /// The major incident's declaration, team and review; kept after it is stood down.
    pub major_incident: Option<MajorIncident>,
    pub reassignment_count: i64,
    pub reopen_count: i64,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    /// When it first left `new`: the response the SLA and the review measure.
    pub responded_at: Option<String>,
    pub resolved_at: Option<String>,
    /// When a resolution the caller leaves unanswered closes itself: fixed when it is resolved,
    /// from the setting then in force; `null` while not resolved or when it never does.
    pub auto_close_at: Option<String>,
    pub closed_at: Option<String>,
}

const COLUMNS: &str = "incident_id, short_description, description, impact, urgency, priority, category, caller, channel,
    assignment_group, assignee, configuration_item, service, customer, state, hold_reason, resolution_code,
    resolution_notes, closure, cancel_reason, security, major, major_incident, reassignment_count, reopen_count, version,
    created_at, created_by, updated_at, responded_at, resolved_at, auto_close_at, closed_at";

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
            closure: row.parsed_opt("closure", Closure::parse)?,
            cancel_reason: row.get("cancel_reason")?,
            security: row.get("security")?,
            major: row.get("major")?,
            major_incident: row.json_opt("major_incident")?,
            reassignment_count: row.get("reassignment_count")?,
            reopen_count: row.get("reopen_count")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            responded_at: row.get("responded_at")?,
            resolved_at: row.get("resolved_at")?,
            auto_close_at: row.get("auto_close_at")?,
            closed_at: row.get("closed_at")?,
        })
    }
}

/// Inserts a new incident (state `new`, version 1) and returns its id.
pub async fn insert_incident(db: &impl Sql, i: &Incident) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO incident (short_description, description, impact, urgency, priority, category, caller, channel,
            assignment_group, assignee, configuration_item, service, customer, state, security, created_at,
            created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            i.security.into(),
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
                service = ?, state = ?, hold_reason = ?, resolution_code = ?, resolution_notes = ?, closure = ?,
                cancel_reason = ?, security = ?, major = ?, major_incident = ?, reassignment_count = ?,
                reopen_count = ?, updated_at = ?, responded_at = ?, resolved_at = ?, auto_close_at = ?,
                closed_at = ?,
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
                i.closure.map(|c| c.as_str()).into(),
                i.cancel_reason.as_deref().into(),
                i.security.into(),
                i.major.into(),
                i.major_incident
                    .as_ref()
                    .map(itsm_store::to_json)
                    .transpose()?
                    .into(),
                i.reassignment_count.into(),
                i.reopen_count.into(),
                i.updated_at.as_str().into(),
                i.responded_at.as_deref().into(),
                i.resolved_at.as_deref().into(),
                i.auto_close_at.as_deref().into(),
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
    pub major: Option<bool>,
    pub security: Option<bool>,
    /// Only these customers' incidents (a customer contact's view); `None`: no such limit.
    pub visible_customers: Option<Vec<String>>,
    /// Security incidents only if the caller reported them or is their caller; `None`: all
    /// (the security team's view).
    pub security_party: Option<String>,
    /// The instant the list is as of: resolutions whose deadline has passed by then have closed
    /// themselves, and the `state` filter counts them as closed, not resolved.
    pub as_of: Option<String>,
    /// Only incidents whose SLA clocks stand so (as of `as_of`).
    pub sla: itsm_http::sla::summary::SlaFilter,
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
    match (filter.state, &filter.as_of) {
        (Some(IncidentState::Resolved), Some(now)) => add(
            "state = 'resolved' AND (auto_close_at IS NULL OR auto_close_at > ?)",
            now.into(),
        ),
        (Some(IncidentState::Closed), Some(now)) => add(
            "(state = 'closed' OR (state = 'resolved' AND auto_close_at <= ?))",
            now.into(),
        ),
        (Some(state), _) => add("state = ?", state.as_str().into()),
        (None, _) => {}
    }
    if let Some(major) = filter.major {
        add("major = ?", major.into());
    }
    if let Some(security) = filter.security {
        add("security = ?", security.into());
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
    if let Some(user) = &filter.security_party {
        clauses.push("(security = 0 OR created_by = ? OR caller = ?)".to_owned());
        params.extend([Value::from(user), Value::from(user)]);
    }
    if let Some(visible) = &filter.visible_customers {
        let marks = itsm_store::placeholders(visible.len());
        // No visible customer at all must match nothing, not everything.
        clauses.push(if visible.is_empty() {
            "0".to_owned()
        } else {
            format!("customer IN ({marks})")
        });
        params.extend(visible.iter().map(Value::from));
    }
    let now = filter.as_of.clone().unwrap_or_default();
    if let Some((clause, values)) = itsm_http::sla::summary::condition(
        itsm_domain::sla::TargetRecord::Incident,
        "incident.incident_id",
        &filter.sla,
        &now,
    ) {
        clauses.push(clause);
        params.extend(values);
    }
    let condition = itsm_store::where_clause(&clauses);
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

/// Resolved incidents whose auto-close deadline has passed by `now`, earliest deadline first.
pub async fn overdue_resolutions(
    db: &impl Sql,
    now: &str,
    limit: u32,
) -> Result<Vec<Incident>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM incident WHERE state = 'resolved' AND auto_close_at <= ?
                 ORDER BY auto_close_at, incident_id LIMIT ?"
            ),
            &[now.into(), limit.into()],
        )
        .await?;
    rows.iter().map(Incident::from_row).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use itsm_store::native::NativeDb;

    pub(crate) const NOW: &str = "2026-11-21T10:00:00.000Z";

    pub(crate) async fn db() -> NativeDb {
        NativeDb::migrated(NOW).await.expect("migrated db")
    }

    pub(crate) fn sample(short: &str, group: &str) -> Incident {
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
            closure: None,
            cancel_reason: None,
            security: false,
            major: false,
            major_incident: None,
            reassignment_count: 0,
            reopen_count: 0,
            version: 1,
            created_at: NOW.to_owned(),
            created_by: "tester".to_owned(),
            updated_at: NOW.to_owned(),
            responded_at: None,
            resolved_at: None,
            auto_close_at: None,
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
    async fn security_incidents_are_listed_only_for_their_parties() {
        let db = db().await;
        let mut secret = sample("Phishing mail", "security");
        secret.security = true;
        secret.created_by = "ann".to_owned();
        secret.caller = "bob".to_owned();
        insert_incident(&db, &secret).await.expect("insert");
        insert_incident(&db, &sample("Disk full", "storage"))
            .await
            .expect("insert");
        let seen_by = |party: Option<&str>| IncidentFilter {
            security_party: party.map(str::to_owned),
            ..IncidentFilter::default()
        };
        let ids = |v: Vec<Incident>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
        for (party, expected) in [
            (None, vec![2, 1]),
            (Some("ann"), vec![2, 1]),
            (Some("bob"), vec![2, 1]),
            (Some("cy"), vec![2]),
        ] {
            let got = ids(list_incidents(&db, &seen_by(party), None, 10)
                .await
                .expect("list"));
            assert_eq!(got, expected, "{party:?}");
        }
        let only_security = IncidentFilter {
            security: Some(true),
            ..IncidentFilter::default()
        };
        assert_eq!(
            ids(list_incidents(&db, &only_security, None, 10)
                .await
                .expect("list")),
            [1]
        );
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
        let mut resolved = sample("n6", "odd");
        resolved.id = insert_incident(&db, &resolved).await.expect("insert");
        resolved.state = IncidentState::Resolved;
        resolved.resolved_at = Some("2026-11-15T09:00:00.000Z".to_owned());
        resolved.auto_close_at = Some("2026-11-18T09:00:00.000Z".to_owned());
        assert!(save_incident(&db, &resolved, 1).await.expect("save"));
        let as_of = |state, now: &str| IncidentFilter {
            state: Some(state),
            as_of: Some(now.to_owned()),
            ..IncidentFilter::default()
        };
        // Before its deadline it is resolved; from the deadline on it counts as closed.
        let before = "2026-11-18T08:59:59.999Z";
        let at = "2026-11-18T09:00:00.000Z";
        assert_eq!(
            ids(
                list_incidents(&db, &as_of(IncidentState::Resolved, before), None, 10)
                    .await
                    .expect("list")
            ),
            [6]
        );
        assert!(
            list_incidents(&db, &as_of(IncidentState::Closed, before), None, 10)
                .await
                .expect("list")
                .is_empty()
        );
        assert!(
            list_incidents(&db, &as_of(IncidentState::Resolved, at), None, 10)
                .await
                .expect("list")
                .is_empty()
        );
        assert_eq!(
            ids(
                list_incidents(&db, &as_of(IncidentState::Closed, at), None, 10)
                    .await
                    .expect("list")
            ),
            [6]
        );
        assert_eq!(
            ids(overdue_resolutions(&db, at, 10).await.expect("due")),
            [6]
        );
        assert!(
            overdue_resolutions(&db, before, 10)
                .await
                .expect("due")
                .is_empty()
        );
        assert!(
            list_incidents(&db, &closed, None, 10)
                .await
                .expect("list")
                .is_empty()
        );
    }
}

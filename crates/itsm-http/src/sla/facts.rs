//! What a record's clocks are computed from, read straight from the record's table and audit
//! trail: the same facts whichever process shows the clocks or acts on them (the record's own,
//! or the service level tick).

use super::clocks::{RecordFacts, record_states};
use crate::ApiError;
use crate::settings::is_due;
use itsm_domain::RecordKind;
use itsm_domain::incident::Priority;
use itsm_domain::sla::TargetRecord;
use itsm_store::{Row, Sql};

/// The facts of record `id` of `kind`, as of `now`; `None` when there is no such record. `staff` says whether the reader may see other agreements.
pub async fn facts_of(
    db: &impl Sql,
    kind: TargetRecord,
    id: i64,
    now: &str,
    staff: bool,
) -> Result<Option<RecordFacts>, ApiError> {
    let (sql, entity, record_kind) = match kind {
        TargetRecord::Incident => (
            "SELECT created_at, customer, service, priority, NULL AS entry, state, closure, closed_at,
                    auto_close_at
             FROM incident WHERE incident_id = ?",
            "incident",
            RecordKind::Incident,
        ),
        TargetRecord::Request => (
            "SELECT created_at, customer, service_code AS service, priority, item_code AS entry, state,
                    closure, closed_at, auto_close_at
             FROM service_request WHERE request_id = ?",
            "service_request",
            RecordKind::Request,
        ),
        TargetRecord::Complaint => (
            "SELECT created_at, customer, service, NULL AS priority, NULL AS entry, state,
                    NULL AS closure, closed_at, NULL AS auto_close_at
             FROM complaint WHERE complaint_id = ?",
            "complaint",
            RecordKind::Complaint,
        ),
    };
    let rows = db.query(sql, &[id.into()]).await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let number = record_kind.number_text(id);
    let states = record_states(db, entity, id, &number).await?;
    Ok(Some(RecordFacts {
        record: kind,
        logged_at: row.get("created_at")?,
        customer: row.get("customer")?,
        service: row.get("service")?,
        priority: row.parsed_opt("priority", Priority::parse)?,
        entry: row.get("entry")?,
        closed_itself_at: closed_itself_at(&row, now)?,
        id,
        number,
        states,
        staff,
    }))
}

/// When a resolution nobody answered closed itself: stored as closed by rule, or due to be.
fn closed_itself_at(row: &Row<'_>, now: &str) -> Result<Option<String>, ApiError> {
    let state: String = row.get("state")?;
    let closure: Option<String> = row.get("closure")?;
    let closed_at: Option<String> = row.get("closed_at")?;
    let deadline: Option<String> = row.get("auto_close_at")?;
    Ok(match (state.as_str(), closure.as_deref()) {
        ("closed", Some("auto_closed")) => closed_at,
        ("resolved" | "fulfilled", _) if is_due(deadline.as_deref(), now) => deadline,
        _ => None,
    })
}

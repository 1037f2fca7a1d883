//! The processes' settings, kept as data in `process_setting` (each process writes only its own
//! rows), and the one they share so far: how long a resolved record waits for its requester's
//! answer before it closes itself. Also the shape of every tick route's answer.

use crate::audit::{Change, record};
use crate::sla::escalation::EscalationReport;
use crate::time::format_instant;
use crate::{ApiError, Principal};
use chrono::{DateTime, Utc};
use itsm_domain::access::names::PROCESS_CONFIGURE;
use itsm_domain::access::{Process, Scope};
use itsm_domain::closure::AutoClose;
use itsm_store::{Sql, StoreError, in_transaction};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const AUTO_CLOSE: &str = "auto_close_after_hours";

/// A process's settings as the API shows them.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "ProcessSettings")]
pub struct SettingsResponse {
    /// Hours a resolution waits for the requester's confirmation before it closes itself;
    /// `null`: it waits until the requester or the desk closes it.
    pub auto_close_after_hours: Option<u32>,
}

impl SettingsResponse {
    pub fn new(rule: AutoClose) -> Self {
        Self {
            auto_close_after_hours: rule.after_hours(),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProcessSettingsChange")]
pub struct SettingsRequest {
    /// Between 1 and 8784 hours, or `null` to never close by itself.
    #[serde(deserialize_with = "crate::json::present")]
    pub auto_close_after_hours: Option<Option<u32>>,
}

/// What one call of a tick route did.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TickResponse {
    /// The records whose unconfirmed resolution this call closed.
    pub auto_closed: Vec<String>,
    /// SLA escalations this call carried out, with what changed: "INC0000042: assignment group
    /// desk → network-l2, assignee ann → nobody".
    pub escalated: Vec<String>,
    /// SLA escalations this call left undone, with why (the record resolved meanwhile, its
    /// priority already at the top).
    pub escalations_skipped: Vec<String>,
    /// SLA escalations that failed on a fault of the store (the cause is logged); retried by
    /// the next call.
    pub escalations_failed: Vec<String>,
    /// More were due than one call handles: call again.
    pub remaining: bool,
}

impl TickResponse {
    /// The answer of a tick that closed `auto_closed` and did what `escalations` says.
    pub fn new(
        auto_closed: Vec<String>,
        closing_remains: bool,
        escalations: EscalationReport,
    ) -> Self {
        Self {
            auto_closed,
            escalated: escalations.escalated,
            escalations_skipped: escalations.escalations_skipped,
            escalations_failed: escalations.escalations_failed,
            remaining: closing_remains || escalations.remaining,
        }
    }
}

/// The process's stored rule, or the default when nobody has set one.
pub async fn auto_close(db: &impl Sql, process: Process) -> Result<AutoClose, StoreError> {
    let rows = db
        .query(
            "SELECT value FROM process_setting WHERE process = ? AND name = ?",
            &[process.as_str().into(), AUTO_CLOSE.into()],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(AutoClose::default());
    };
    let hours: Option<u32> = row.json("value")?;
    AutoClose::new(hours).map_err(|message| StoreError::Decode {
        column: AUTO_CLOSE.to_owned(),
        message,
    })
}

async fn set_auto_close(
    db: &impl Sql,
    process: Process,
    rule: AutoClose,
    by: &str,
    now: &str,
) -> Result<(), StoreError> {
    store_setting(db, process, AUTO_CLOSE, &rule.after_hours(), by, now).await
}

/// A process's setting `name`, as stored; `None` when nobody has set it.
pub async fn read_setting<T: serde::de::DeserializeOwned>(
    db: &impl Sql,
    process: Process,
    name: &str,
) -> Result<Option<T>, StoreError> {
    let rows = db
        .query(
            "SELECT value FROM process_setting WHERE process = ? AND name = ?",
            &[process.as_str().into(), name.into()],
        )
        .await?;
    rows.first().map(|row| row.json("value")).transpose()
}

/// Writes one of `process`'s settings (as JSON), replacing the value before.
pub async fn store_setting<T: Serialize + ?Sized>(
    db: &impl Sql,
    process: Process,
    name: &str,
    value: &T,
    by: &str,
    now: &str,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO process_setting (process, name, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (process, name) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        &[
            process.as_str().into(),
            name.into(),
            itsm_store::to_json(value)?.into(),
            now.into(),
            by.into(),
        ],
    )
    .await?;
    Ok(())
}

/// `GET …/settings`: for anyone who reads the process's records (`read_authority`).
pub async fn read_settings(
    db: &impl Sql,
    principal: &Principal,
    process: Process,
    read_authority: &str,
) -> Result<SettingsResponse, ApiError> {
    principal.require_anywhere(read_authority)?;
    Ok(SettingsResponse::new(auto_close(db, process).await?))
}

/// `PUT …/settings`: the process's design, so its process owner decides; audited.
pub async fn write_settings(
    db: &impl Sql,
    principal: &Principal,
    process: Process,
    request: SettingsRequest,
) -> Result<SettingsResponse, ApiError> {
    principal.require_in(PROCESS_CONFIGURE, &[Scope::process(process)])?;
    // The field has no default, so it is always there; `null` switches the rule off.
    let rule = AutoClose::new(request.auto_close_after_hours.flatten())
        .map_err(|message| ApiError::invalid_field(AUTO_CLOSE, message))?;
    let now = crate::now();
    let entity = format!("{}_settings", process.as_str());
    in_transaction(db, async |db| {
        let before = auto_close(db, process).await?;
        set_auto_close(db, process, rule, &principal.user, &now).await?;
        let change = Change::new(&entity, 0, "update")
            .before(&SettingsResponse::new(before))
            .after(&SettingsResponse::new(rule));
        record(db, principal, &change, &now).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(SettingsResponse::new(rule))
}

/// The deadline a resolution given at `now` gets under `rule`: fixed then and stored with the
/// record, so a later change of the setting never moves it. `None`: it never closes itself.
pub fn deadline_from(rule: AutoClose, now: &str) -> Option<String> {
    rule.deadline(instant(now)).map(format_instant)
}

/// Whether a stored deadline has passed by `now`; both are RFC 3339 UTC with milliseconds, so
/// their text order is their time order (and the database compares them the same way).
pub fn is_due(deadline: Option<&str>, now: &str) -> bool {
    deadline.is_some_and(|deadline| deadline <= now)
}

/// `now` (as returned by [`crate::now`]) as an instant.
pub fn instant(now: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(now).map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use itsm_store::native::NativeDb;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    #[tokio::test]
    async fn each_process_keeps_its_own_rule_with_a_default() {
        let db = NativeDb::migrated(NOW).await.expect("migrated db");
        let (incident, request) = (Process::Incident, Process::ServiceRequest);
        assert_eq!(
            auto_close(&db, incident).await.expect("read"),
            AutoClose::default()
        );
        for hours in [Some(24), None] {
            let rule = AutoClose::new(hours).expect("valid");
            set_auto_close(&db, incident, rule, "olga", NOW)
                .await
                .expect("write");
            assert_eq!(auto_close(&db, incident).await.expect("read"), rule);
        }
        assert_eq!(
            auto_close(&db, request).await.expect("read"),
            AutoClose::default()
        );
    }

    #[test]
    fn a_deadline_is_fixed_from_the_rule_and_due_from_then_on() {
        let rule = AutoClose::new(Some(72)).expect("valid");
        let deadline = deadline_from(rule, "2026-11-18T09:00:00.000Z");
        assert_eq!(deadline.as_deref(), Some("2026-11-21T09:00:00.000Z"));
        assert!(!is_due(deadline.as_deref(), "2026-11-21T08:59:59.999Z"));
        assert!(is_due(deadline.as_deref(), "2026-11-21T09:00:00.000Z"));
        let never = AutoClose::new(None).expect("valid");
        assert_eq!(deadline_from(never, NOW), None);
        assert!(!is_due(None, "2030-01-01T00:00:00.000Z"));
    }
}

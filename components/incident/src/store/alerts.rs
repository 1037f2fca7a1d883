//! `incident_alert`: the monitoring alerts that opened incidents, matched by their source, the
//! account that sends them and their fingerprint, so an alert firing again finds its open
//! incident, one clearing finds the incident to resolve, and a late copy of an episode whose
//! incident was closed opens nothing.

use itsm_store::{Row, Sql, StoreError, to_json};
use std::collections::BTreeMap;

/// Which alert: the monitor, its account and the alert's fingerprint.
#[derive(Debug, Clone, Copy)]
pub struct AlertKey<'a> {
    pub source: &'a str,
    pub received_by: &'a str,
    pub fingerprint: &'a str,
}

/// The latest record of an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAlert {
    pub alert_id: i64,
    pub incident_id: i64,
    /// Whether it was last reported firing (else it cleared).
    pub firing: bool,
    /// When its episode began, by the monitor's clock.
    pub starts_at: Option<String>,
    /// Whether its incident is still new, in progress or on hold.
    pub incident_open: bool,
}

/// The latest record of the alert, if it ever opened an incident.
pub async fn latest_alert(
    db: &impl Sql,
    key: AlertKey<'_>,
) -> Result<Option<KnownAlert>, StoreError> {
    let rows = db
        .query(
            "SELECT a.alert_id, a.incident_id, a.status, a.starts_at,
                    i.state IN ('new', 'in_progress', 'on_hold') AS incident_open
             FROM incident_alert a JOIN incident i ON i.incident_id = a.incident_id
             WHERE a.source = ? AND a.received_by = ? AND a.fingerprint = ?
             ORDER BY a.alert_id DESC LIMIT 1",
            &[
                key.source.into(),
                key.received_by.into(),
                key.fingerprint.into(),
            ],
        )
        .await?;
    rows.first().map(|row| known(&row)).transpose()
}

fn known(row: &Row<'_>) -> Result<KnownAlert, StoreError> {
    Ok(KnownAlert {
        alert_id: row.get("alert_id")?,
        incident_id: row.get("incident_id")?,
        firing: row.get::<String>("status")? == "firing",
        starts_at: row.get("starts_at")?,
        incident_open: row.get("incident_open")?,
    })
}

/// The alert that opened incident `incident_id`.
pub struct NewAlert<'a> {
    pub key: AlertKey<'a>,
    pub incident_id: i64,
    pub labels: &'a BTreeMap<String, String>,
    pub starts_at: Option<&'a str>,
}

pub async fn insert_alert(
    db: &impl Sql,
    alert: &NewAlert<'_>,
    now: &str,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO incident_alert (source, received_by, fingerprint, incident_id, status, labels,
            starts_at, first_fired_at, last_notified_at)
         VALUES (?, ?, ?, ?, 'firing', ?, ?, ?, ?)",
        &[
            alert.key.source.into(),
            alert.key.received_by.into(),
            alert.key.fingerprint.into(),
            alert.incident_id.into(),
            to_json(alert.labels)?.into(),
            alert.starts_at.into(),
            now.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Records another notification of the alert: firing again, or cleared at `cleared_at`.
pub async fn notified(
    db: &impl Sql,
    alert_id: i64,
    labels: &BTreeMap<String, String>,
    cleared_at: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    let status = if cleared_at.is_some() {
        "resolved"
    } else {
        "firing"
    };
    db.execute(
        "UPDATE incident_alert SET status = ?, labels = ?, cleared_at = ?, last_notified_at = ?,
             notifications = notifications + 1
         WHERE alert_id = ?",
        &[
            status.into(),
            to_json(labels)?.into(),
            cleared_at.into(),
            now.into(),
            alert_id.into(),
        ],
    )
    .await?;
    Ok(())
}

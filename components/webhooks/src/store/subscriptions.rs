//! Subscriptions as stored: who receives which events, in which format, from when.

use itsm_domain::webhook::{EventType, Format};
use itsm_store::{Row, Sql, StoreError, Value, to_json};

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub format: Format,
    pub events: Vec<EventType>,
    /// Only this customer's records, when set.
    pub customer: Option<String>,
    pub active: bool,
    /// Random, not secret by itself: part of what the secret is derived from.
    pub secret_salt: String,
    pub secret_generation: i64,
    /// After a rotation, the previous secret also signs until then.
    pub previous_secret_until: Option<String>,
    /// Events from audit entries and SLA events after these ids only.
    pub after_audit_id: i64,
    pub after_sla_event_id: i64,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "subscription_id, name, url, format, events, customer, active, secret_salt, secret_generation,
    previous_secret_until, after_audit_id, after_sla_event_id, version, created_by, created_at, updated_at";

impl Subscription {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("subscription_id")?,
            name: row.get("name")?,
            url: row.get("url")?,
            format: row.parsed("format", Format::parse)?,
            events: row.json("events")?,
            customer: row.get("customer")?,
            active: row.get("active")?,
            secret_salt: row.get("secret_salt")?,
            secret_generation: row.get("secret_generation")?,
            previous_secret_until: row.get("previous_secret_until")?,
            after_audit_id: row.get("after_audit_id")?,
            after_sla_event_id: row.get("after_sla_event_id")?,
            version: row.get("version")?,
            created_by: row.get("created_by")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }

    /// Whether an event of this type about this customer's record reaches this subscription.
    pub fn wants(&self, event_type: EventType, customer: Option<&str>) -> bool {
        self.active
            && self.events.contains(&event_type)
            && self
                .customer
                .as_deref()
                .is_none_or(|only| customer == Some(only))
    }
}

/// Stores a new subscription from the current ends of both event sources; its id.
pub async fn insert_subscription(db: &impl Sql, s: &Subscription) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO webhook_subscription (name, url, format, events, customer, active, secret_salt,
            secret_generation, after_audit_id, after_sla_event_id, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1,
            (SELECT COALESCE(MAX(audit_id), 0) FROM audit_entry),
            (SELECT COALESCE(MAX(event_id), 0) FROM sla_event), ?, ?, ?)",
        &[
            s.name.as_str().into(),
            s.url.as_str().into(),
            s.format.as_str().into(),
            to_json(&s.events)?.into(),
            s.customer.as_deref().into(),
            s.active.into(),
            s.secret_salt.as_str().into(),
            s.created_by.as_str().into(),
            s.created_at.as_str().into(),
            s.updated_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_subscription(db: &impl Sql, id: i64) -> Result<Option<Subscription>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM webhook_subscription WHERE subscription_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first()
        .map(|row| Subscription::from_row(&row))
        .transpose()
}

/// Every subscription, oldest first (a deployment has a handful).
pub async fn list_subscriptions(db: &impl Sql) -> Result<Vec<Subscription>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM webhook_subscription ORDER BY subscription_id"),
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| Subscription::from_row(&row))
        .collect()
}

/// Writes what an edit or a rotation may change if the stored version is still
/// `expected_version`, bumping it; `false` when another writer got there first.
pub async fn save_subscription(
    db: &impl Sql,
    s: &Subscription,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let values: Vec<Value> = vec![
        s.name.as_str().into(),
        s.url.as_str().into(),
        s.format.as_str().into(),
        to_json(&s.events)?.into(),
        s.customer.as_deref().into(),
        s.active.into(),
        s.secret_generation.into(),
        s.previous_secret_until.as_deref().into(),
        s.updated_at.as_str().into(),
        s.id.into(),
        expected_version.into(),
    ];
    let changed = db
        .execute(
            "UPDATE webhook_subscription SET name = ?, url = ?, format = ?, events = ?, customer = ?,
                active = ?, secret_generation = ?, previous_secret_until = ?, updated_at = ?,
                version = version + 1
             WHERE subscription_id = ? AND version = ?",
            &values,
        )
        .await?;
    Ok(changed == 1)
}

/// From now on only: what happened while a subscription was paused is not delivered when it
/// resumes.
pub async fn start_from_now(db: &impl Sql, id: i64) -> Result<(), StoreError> {
    db.execute(
        "UPDATE webhook_subscription SET
            after_audit_id = (SELECT COALESCE(MAX(audit_id), 0) FROM audit_entry),
            after_sla_event_id = (SELECT COALESCE(MAX(event_id), 0) FROM sla_event)
         WHERE subscription_id = ?",
        &[id.into()],
    )
    .await?;
    Ok(())
}

/// Removes a subscription with its deliveries and their attempts.
pub async fn delete_subscription(db: &impl Sql, id: i64) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM webhook_attempt WHERE delivery_id IN
            (SELECT delivery_id FROM webhook_delivery WHERE subscription_id = ?)",
        &[id.into()],
    )
    .await?;
    db.execute(
        "DELETE FROM webhook_delivery WHERE subscription_id = ?",
        &[id.into()],
    )
    .await?;
    db.execute(
        "DELETE FROM webhook_subscription WHERE subscription_id = ?",
        &[id.into()],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db::{db, subscription};

    #[test]
    fn a_subscription_wants_its_types_and_its_customers_records_while_active() {
        let all = subscription(&[EventType::IncidentCreated], None);
        assert!(all.wants(EventType::IncidentCreated, Some("acme")));
        assert!(all.wants(EventType::IncidentCreated, None));
        assert!(!all.wants(EventType::IncidentAssigned, None));
        let acme = subscription(&[EventType::IncidentCreated], Some("acme"));
        assert!(acme.wants(EventType::IncidentCreated, Some("acme")));
        assert!(!acme.wants(EventType::IncidentCreated, Some("globex")));
        assert!(!acme.wants(EventType::IncidentCreated, None));
        let paused = Subscription {
            active: false,
            ..all
        };
        assert!(!paused.wants(EventType::IncidentCreated, None));
    }

    #[tokio::test]
    async fn stored_subscriptions_read_back_start_after_what_exists_and_save_by_version() {
        let db = db().await;
        let before: i64 = db
            .query(
                "SELECT COALESCE(MAX(audit_id), 0) AS n FROM audit_entry",
                &[],
            )
            .await
            .expect("query")
            .first()
            .expect("row")
            .get("n")
            .expect("n");
        let mut s = subscription(
            &[EventType::IncidentCreated, EventType::SlaBreach],
            Some("acme"),
        );
        s.id = insert_subscription(&db, &s).await.expect("insert");
        let stored = load_subscription(&db, s.id)
            .await
            .expect("load")
            .expect("there");
        assert_eq!(stored.after_audit_id, before);
        assert_eq!(stored.events, s.events);
        assert_eq!(stored.customer.as_deref(), Some("acme"));
        let edited = Subscription {
            name: "renamed".to_owned(),
            ..stored.clone()
        };
        assert!(save_subscription(&db, &edited, 1).await.expect("save"));
        assert!(
            !save_subscription(&db, &edited, 1).await.expect("stale"),
            "version 1 is gone"
        );
        let listed = list_subscriptions(&db).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].name.as_str(), listed[0].version), ("renamed", 2));
        delete_subscription(&db, s.id).await.expect("delete");
        assert_eq!(load_subscription(&db, s.id).await.expect("load"), None);
    }
}

//! The webhooks component's SQL: subscriptions, deliveries with their attempts, and the reading
//! of events off the audit trail and the SLA events.

pub mod deliveries;
pub mod events;
pub mod subscriptions;

#[cfg(test)]
pub(crate) mod test_db {
    use super::subscriptions::{Subscription, insert_subscription, load_subscription};
    use itsm_domain::webhook::{EventType, Format};
    use itsm_store::Sql;
    use itsm_store::native::NativeDb;

    pub const NOW: &str = "2027-01-11T09:00:00.000Z";

    /// A migrated in-memory database with customers acme and globex.
    pub async fn db() -> NativeDb {
        let db = NativeDb::migrated(NOW).await.expect("migrated db");
        for code in ["acme", "globex"] {
            db.execute(
                "INSERT INTO customer (code, name, created_at, created_by, updated_at) VALUES (?, ?, ?, 'x', ?)",
                &[code.into(), code.into(), NOW.into(), NOW.into()],
            )
            .await
            .expect("customer");
        }
        db
    }

    /// An active subscription in the standard format, not yet stored.
    pub fn subscription(events: &[EventType], customer: Option<&str>) -> Subscription {
        Subscription {
            id: 0,
            name: "ops".to_owned(),
            url: "https://example.org/hook".to_owned(),
            format: Format::Standard,
            events: events.to_vec(),
            customer: customer.map(str::to_owned),
            active: true,
            secret_salt: "salt".to_owned(),
            secret_generation: 1,
            previous_secret_until: None,
            after_audit_id: 0,
            after_sla_event_id: 0,
            version: 1,
            created_by: "admin".to_owned(),
            created_at: NOW.to_owned(),
            updated_at: NOW.to_owned(),
        }
    }

    /// The subscription stored, as read back.
    pub async fn subscribed(
        db: &NativeDb,
        events: &[EventType],
        customer: Option<&str>,
    ) -> Subscription {
        let id = insert_subscription(db, &subscription(events, customer))
            .await
            .expect("subscription");
        load_subscription(db, id)
            .await
            .expect("load")
            .expect("there")
    }
}

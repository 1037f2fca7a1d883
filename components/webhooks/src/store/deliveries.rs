//! Deliveries as stored: one per subscription and event, with its attempts. A tick claims a due
//! delivery with a short lease before sending it, outside any transaction, so a slow receiver
//! holds no lock and two ticks never send the same delivery at once.

use itsm_domain::webhook::{DeliveryStatus, EventType};
use itsm_store::{Row, Sql, StoreError, to_json};
use serde_json::Value;

/// Where a delivery's event came from.
pub const FROM_AUDIT: &str = "audit";
pub const FROM_SLA: &str = "sla";
pub const FROM_PING: &str = "ping";

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub event_type: EventType,
    pub source: String,
    pub source_id: i64,
    pub record: Option<String>,
    /// The record's customer, for the subscription's filter to be checked again when sent.
    pub customer: Option<String>,
    pub actor: Option<String>,
    pub occurred_at: String,
    pub changes: Value,
    pub object: Value,
    pub status: DeliveryStatus,
    /// Attempts since it was queued (or last sent again by hand).
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub failed_at: Option<String>,
}

const COLUMNS: &str =
    "delivery_id, subscription_id, event_type, source, source_id, record, customer, actor,
    occurred_at, changes, object, status, attempts, next_attempt_at, last_status, last_error,
    created_at, delivered_at, failed_at";

impl Delivery {
    /// A delivery of an event, due at once.
    pub fn queued(
        subscription_id: i64,
        event_type: EventType,
        source: &str,
        source_id: i64,
        now: &str,
    ) -> Self {
        Self {
            id: 0,
            subscription_id,
            event_type,
            source: source.to_owned(),
            source_id,
            record: None,
            customer: None,
            actor: None,
            occurred_at: now.to_owned(),
            changes: Value::Object(Default::default()),
            object: Value::Object(Default::default()),
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: Some(now.to_owned()),
            last_status: None,
            last_error: None,
            created_at: now.to_owned(),
            delivered_at: None,
            failed_at: None,
        }
    }

    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("delivery_id")?,
            subscription_id: row.get("subscription_id")?,
            event_type: row.parsed("event_type", EventType::parse)?,
            source: row.get("source")?,
            source_id: row.get("source_id")?,
            record: row.get("record")?,
            customer: row.get("customer")?,
            actor: row.get("actor")?,
            occurred_at: row.get("occurred_at")?,
            changes: row.json("changes")?,
            object: row.json("object")?,
            status: row.parsed("status", DeliveryStatus::parse)?,
            attempts: row.get("attempts")?,
            next_attempt_at: row.get("next_attempt_at")?,
            last_status: row.get("last_status")?,
            last_error: row.get("last_error")?,
            created_at: row.get("created_at")?,
            delivered_at: row.get("delivered_at")?,
            failed_at: row.get("failed_at")?,
        })
    }
}

/// Queues a delivery unless its subscription already has this event; its id when it was new.
pub async fn insert_delivery(db: &impl Sql, d: &Delivery) -> Result<Option<i64>, StoreError> {
    let inserted = db
        .execute(
            "INSERT OR IGNORE INTO webhook_delivery (subscription_id, event_type, source, source_id, record,
                customer, actor, occurred_at, changes, object, status, attempts, next_attempt_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            &[
                d.subscription_id.into(),
                d.event_type.as_str().into(),
                d.source.as_str().into(),
                d.source_id.into(),
                d.record.as_deref().into(),
                d.customer.as_deref().into(),
                d.actor.as_deref().into(),
                d.occurred_at.as_str().into(),
                to_json(&d.changes)?.into(),
                to_json(&d.object)?.into(),
                d.next_attempt_at.as_deref().into(),
                d.created_at.as_str().into(),
            ],
        )
        .await?;
    if inserted == 1 {
        db.last_insert_rowid().await.map(Some)
    } else {
        Ok(None)
    }
}

pub async fn load_delivery(db: &impl Sql, id: i64) -> Result<Option<Delivery>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM webhook_delivery WHERE delivery_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(|row| Delivery::from_row(&row)).transpose()
}

/// Takes the next due delivery of an active subscription for sending: leases it until
/// `lease_until` and counts the attempt. Call inside a transaction.
pub async fn claim_due(
    db: &impl Sql,
    now: &str,
    lease_until: &str,
) -> Result<Option<Delivery>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM webhook_delivery
                 WHERE status = 'pending' AND next_attempt_at <= ?
                   AND (lease_until IS NULL OR lease_until <= ?)
                   AND subscription_id IN (SELECT subscription_id FROM webhook_subscription WHERE active = 1)
                 ORDER BY next_attempt_at, delivery_id LIMIT 1"
            ),
            &[now.into(), now.into()],
        )
        .await?;
    match rows.first() {
        Some(row) => claim(db, row.get("delivery_id")?, lease_until).await,
        None => Ok(None),
    }
}

/// Leases one delivery until `lease_until` and counts the attempt about to be made; the
/// delivery as claimed. Call inside a transaction.
pub async fn claim(
    db: &impl Sql,
    delivery_id: i64,
    lease_until: &str,
) -> Result<Option<Delivery>, StoreError> {
    db.execute(
        "UPDATE webhook_delivery SET lease_until = ?, attempts = attempts + 1 WHERE delivery_id = ?",
        &[lease_until.into(), delivery_id.into()],
    )
    .await?;
    load_delivery(db, delivery_id).await
}

/// Whether any of a subscription's deliveries is being sent right now.
pub async fn any_leased(
    db: &impl Sql,
    subscription_id: i64,
    now: &str,
) -> Result<bool, StoreError> {
    let rows = db
        .query(
            "SELECT 1 AS leased FROM webhook_delivery WHERE subscription_id = ? AND lease_until > ? LIMIT 1",
            &[subscription_id.into(), now.into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// Whether any delivery of an active subscription is due.
pub async fn any_due(db: &impl Sql, now: &str) -> Result<bool, StoreError> {
    let rows = db
        .query(
            "SELECT 1 AS due FROM webhook_delivery
             WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
               AND subscription_id IN (SELECT subscription_id FROM webhook_subscription WHERE active = 1)
             LIMIT 1",
            &[now.into(), now.into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// One attempt as logged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Attempt {
    /// 1 for the first attempt, counting on across repeats by hand.
    pub attempt: i64,
    pub started_at: String,
    pub duration_ms: i64,
    /// The receiver's HTTP status; `null` when no answer came.
    pub status: Option<i64>,
    /// Why no answer came (refused by the allow-list, unreachable, timed out).
    pub error: Option<String>,
    /// The first KiB of the receiver's answer.
    pub response_excerpt: Option<String>,
}

/// What became of an attempt, for [`record_attempt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    Delivered,
    RetryAt(String),
    Failed,
}

/// Logs an attempt and moves the delivery on (delivered, due again later, or failed), unless
/// its lease ran out meanwhile and another sender took it over: then that sender settles it.
pub async fn record_attempt(
    db: &impl Sql,
    delivery_id: i64,
    lease_until: &str,
    attempt: &Attempt,
    settled: &Settled,
    now: &str,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO webhook_attempt (delivery_id, attempt, started_at, duration_ms, status, error, response_excerpt)
         VALUES (?, (SELECT COALESCE(MAX(attempt), 0) + 1 FROM webhook_attempt WHERE delivery_id = ?), ?, ?, ?, ?, ?)",
        &[
            delivery_id.into(),
            delivery_id.into(),
            attempt.started_at.as_str().into(),
            attempt.duration_ms.into(),
            attempt.status.into(),
            attempt.error.as_deref().into(),
            attempt.response_excerpt.as_deref().into(),
        ],
    )
    .await?;
    let (status, next, delivered_at, failed_at) = match settled {
        Settled::Delivered => ("delivered", None, Some(now), None),
        Settled::RetryAt(at) => ("pending", Some(at.as_str()), None, None),
        Settled::Failed => ("failed", None, None, Some(now)),
    };
    db.execute(
        "UPDATE webhook_delivery SET status = ?, next_attempt_at = ?, lease_until = NULL, last_status = ?,
            last_error = ?, delivered_at = ?, failed_at = ?
         WHERE delivery_id = ? AND lease_until = ?",
        &[
            status.into(),
            next.into(),
            attempt.status.into(),
            attempt.error.as_deref().into(),
            delivered_at.into(),
            failed_at.into(),
            delivery_id.into(),
            lease_until.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Every attempt at a delivery, first first.
pub async fn attempts_of(db: &impl Sql, delivery_id: i64) -> Result<Vec<Attempt>, StoreError> {
    let rows = db
        .query(
            "SELECT attempt, started_at, duration_ms, status, error, response_excerpt
             FROM webhook_attempt WHERE delivery_id = ? ORDER BY attempt",
            &[delivery_id.into()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Attempt {
                attempt: row.get("attempt")?,
                started_at: row.get("started_at")?,
                duration_ms: row.get("duration_ms")?,
                status: row.get("status")?,
                error: row.get("error")?,
                response_excerpt: row.get("response_excerpt")?,
            })
        })
        .collect()
}

/// Queues a delivery again, due at once with a fresh retry schedule; `false` if it is being
/// sent right now.
pub async fn send_again(db: &impl Sql, delivery_id: i64, now: &str) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ?,
                failed_at = NULL, delivered_at = NULL
             WHERE delivery_id = ? AND (lease_until IS NULL OR lease_until <= ?)",
            &[now.into(), delivery_id.into(), now.into()],
        )
        .await?;
    Ok(changed == 1)
}

/// A page of a subscription's deliveries, newest first, optionally in one status.
pub async fn list_deliveries(
    db: &impl Sql,
    subscription_id: i64,
    status: Option<DeliveryStatus>,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Vec<Delivery>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM webhook_delivery
                 WHERE subscription_id = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR delivery_id < ?)
                 ORDER BY delivery_id DESC LIMIT ?"
            ),
            &[
                subscription_id.into(),
                status.map(|s| s.as_str()).into(),
                status.map(|s| s.as_str()).into(),
                before_id.into(),
                before_id.into(),
                i64::from(limit).into(),
            ],
        )
        .await?;
    rows.iter().map(|row| Delivery::from_row(&row)).collect()
}

/// How a subscription's deliveries stand, at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Standing {
    /// Deliveries waiting to be sent or retried.
    pub pending: i64,
    /// Deliveries refused or out of retries, which nobody has sent again (failed pings are
    /// not counted: they were answered at once).
    pub failed: i64,
    pub last_delivered_at: Option<String>,
    /// The last failed attempt's answer or error, when the latest attempt failed.
    pub last_failure: Option<String>,
}

pub async fn standing_of(db: &impl Sql, subscription_id: i64) -> Result<Standing, StoreError> {
    let rows = db
        .query(
            "SELECT COALESCE(SUM(status = 'pending'), 0) AS pending,
                COALESCE(SUM(status = 'failed' AND source <> 'ping'), 0) AS failed,
                MAX(delivered_at) AS last_delivered_at
             FROM webhook_delivery WHERE subscription_id = ?",
            &[subscription_id.into()],
        )
        .await?;
    let mut standing = match rows.first() {
        Some(row) => Standing {
            pending: row.get("pending")?,
            failed: row.get("failed")?,
            last_delivered_at: row.get("last_delivered_at")?,
            last_failure: None,
        },
        None => Standing::default(),
    };
    let last = db
        .query(
            "SELECT a.status, a.error FROM webhook_attempt a JOIN webhook_delivery d USING (delivery_id)
             WHERE d.subscription_id = ? ORDER BY a.started_at DESC, a.delivery_id DESC, a.attempt DESC LIMIT 1",
            &[subscription_id.into()],
        )
        .await?;
    if let Some(row) = last.first() {
        let status: Option<i64> = row.get("status")?;
        let error: Option<String> = row.get("error")?;
        standing.last_failure = match (status, error) {
            (Some(code), _) if !(200..300).contains(&code) => Some(format!("HTTP {code}")),
            (None, Some(error)) => Some(error),
            _ => None,
        };
    }
    Ok(standing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::subscriptions::{Subscription, save_subscription};
    use crate::store::test_db::{NOW, db, subscribed};

    fn attempt(status: Option<i64>) -> Attempt {
        Attempt {
            attempt: 0,
            started_at: NOW.to_owned(),
            duration_ms: 12,
            status,
            error: status.is_none().then(|| "connection refused".to_owned()),
            response_excerpt: None,
        }
    }

    #[tokio::test]
    async fn an_event_is_queued_once_per_subscription() {
        let db = db().await;
        let s = subscribed(&db, &[EventType::IncidentCreated], None).await;
        let d = Delivery::queued(s.id, EventType::IncidentCreated, FROM_AUDIT, 7, NOW);
        assert!(insert_delivery(&db, &d).await.expect("first").is_some());
        assert_eq!(insert_delivery(&db, &d).await.expect("again"), None);
        let ping = Delivery::queued(s.id, EventType::Ping, FROM_PING, 0, NOW);
        assert!(insert_delivery(&db, &ping).await.expect("ping").is_some());
        assert!(
            insert_delivery(&db, &ping)
                .await
                .expect("ping again")
                .is_some(),
            "pings repeat"
        );
    }

    #[tokio::test]
    async fn a_claimed_delivery_is_not_claimed_again_until_its_lease_ends() {
        let db = db().await;
        let s = subscribed(&db, &[EventType::IncidentCreated], None).await;
        let d = Delivery::queued(s.id, EventType::IncidentCreated, FROM_AUDIT, 7, NOW);
        insert_delivery(&db, &d).await.expect("queued");
        let claimed = claim_due(&db, NOW, "2027-01-11T09:02:00.000Z")
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(claimed.attempts, 1);
        assert_eq!(
            claim_due(&db, NOW, "2027-01-11T09:02:00.000Z")
                .await
                .expect("claim"),
            None
        );
        let later = "2027-01-11T09:02:00.000Z";
        let again = claim_due(&db, later, "2027-01-11T09:04:00.000Z")
            .await
            .expect("claim")
            .expect("lease over");
        assert_eq!(again.attempts, 2);
    }

    #[tokio::test]
    async fn a_paused_subscriptions_deliveries_wait() {
        let db = db().await;
        let s = subscribed(&db, &[EventType::IncidentCreated], None).await;
        insert_delivery(
            &db,
            &Delivery::queued(s.id, EventType::IncidentCreated, FROM_AUDIT, 7, NOW),
        )
        .await
        .expect("queued");
        let paused = Subscription {
            active: false,
            ..s.clone()
        };
        save_subscription(&db, &paused, s.version)
            .await
            .expect("paused");
        assert!(!any_due(&db, NOW).await.expect("due"));
        assert_eq!(claim_due(&db, NOW, NOW).await.expect("claim"), None);
    }

    const LEASE: &str = "2027-01-11T09:05:00.000Z";

    /// A subscription with one delivery queued; the delivery's id.
    async fn one_queued(db: &itsm_store::native::NativeDb) -> (Subscription, i64) {
        let s = subscribed(db, &[EventType::IncidentCreated], None).await;
        let queued = Delivery::queued(s.id, EventType::IncidentCreated, FROM_AUDIT, 7, NOW);
        let id = insert_delivery(db, &queued)
            .await
            .expect("queued")
            .expect("new");
        (s, id)
    }

    #[tokio::test]
    async fn attempts_are_logged_and_settle_the_delivery() {
        let db = db().await;
        let (s, id) = one_queued(&db).await;
        let settle = async |attempted: Attempt, settled: Settled| {
            claim(&db, id, LEASE).await.expect("claimed");
            record_attempt(&db, id, LEASE, &attempted, &settled, NOW)
                .await
                .expect("recorded");
            load_delivery(&db, id).await.expect("load").expect("there")
        };
        let retry_at = "2027-01-11T09:01:00.000Z".to_owned();
        let waiting = settle(attempt(None), Settled::RetryAt(retry_at.clone())).await;
        assert_eq!(
            (waiting.status, waiting.next_attempt_at, waiting.attempts),
            (DeliveryStatus::Pending, Some(retry_at), 1)
        );
        let standing = standing_of(&db, s.id).await.expect("standing");
        assert_eq!(standing.last_failure.as_deref(), Some("connection refused"));
        let failed = settle(attempt(Some(503)), Settled::Failed).await;
        assert_eq!(
            (failed.status, failed.last_status),
            (DeliveryStatus::Failed, Some(503))
        );
        assert!(send_again(&db, id, NOW).await.expect("again"));
        let delivered = settle(attempt(Some(204)), Settled::Delivered).await;
        assert_eq!(
            (delivered.status, delivered.attempts),
            (DeliveryStatus::Delivered, 1)
        );
        let numbers: Vec<i64> = attempts_of(&db, id)
            .await
            .expect("attempts")
            .iter()
            .map(|a| a.attempt)
            .collect();
        assert_eq!(numbers, [1, 2, 3], "numbered on across a repeat by hand");
        let standing = standing_of(&db, s.id).await.expect("standing");
        assert_eq!(
            standing,
            Standing {
                pending: 0,
                failed: 0,
                last_delivered_at: Some(NOW.to_owned()),
                last_failure: None
            }
        );
        let listed = list_deliveries(&db, s.id, Some(DeliveryStatus::Delivered), None, 10)
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
    }

    #[tokio::test]
    async fn a_sender_whose_lease_was_taken_over_logs_its_attempt_but_settles_nothing() {
        let db = db().await;
        let (s, id) = one_queued(&db).await;
        claim(&db, id, LEASE).await.expect("first sender");
        claim(&db, id, "2027-01-11T09:10:00.000Z")
            .await
            .expect("second sender, after the lease");
        record_attempt(
            &db,
            id,
            LEASE,
            &attempt(Some(204)),
            &Settled::Delivered,
            NOW,
        )
        .await
        .expect("recorded");
        let still = load_delivery(&db, id).await.expect("load").expect("there");
        assert_eq!(
            still.status,
            DeliveryStatus::Pending,
            "the second sender settles it"
        );
        assert_eq!(attempts_of(&db, id).await.expect("attempts").len(), 1);
        assert!(any_leased(&db, s.id, NOW).await.expect("leased"));
    }
}

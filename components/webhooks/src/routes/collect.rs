//! Turning what happened into deliveries: the audit entries and SLA events written since the
//! last tick, each matched against the active subscriptions, one delivery per subscription and
//! event. The cursor moves in the same transaction as the deliveries are queued, so an event is
//! queued once however often or however concurrently the tick runs.

use crate::store::deliveries::{Delivery, FROM_AUDIT, FROM_SLA, insert_delivery};
use crate::store::events::{
    AUDIT, AuditRow, SLA, SlaRow, audit_after, cursor, newest_ids, set_cursor, sla_events_after,
};
use crate::store::subscriptions::{Subscription, list_subscriptions};
use crate::wire::WebhookTick;
use itsm_domain::webhook::{EventType, RecordChange, events_of};
use itsm_http::ApiError;
use itsm_store::{Sql, in_transaction};
use serde_json::{Value, json};

/// Entries read per source per call: a busy day's changes in a few calls.
pub const READ_BATCH: u32 = 500;

pub async fn collect(db: &impl Sql, now: &str) -> Result<WebhookTick, ApiError> {
    in_transaction(db, async |db| {
        let subscriptions: Vec<Subscription> = list_subscriptions(db)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .collect();
        let (newest_audit, newest_sla) = newest_ids(db).await?;
        let mut report = WebhookTick::default();
        if subscriptions.is_empty() {
            // Nobody listens: what happens now is nobody's to receive later.
            set_cursor(db, AUDIT, newest_audit).await?;
            set_cursor(db, SLA, newest_sla).await?;
            return Ok(report);
        }
        // Nothing before the earliest subscription began is anybody's to receive.
        let earliest =
            |start: fn(&Subscription) -> i64| subscriptions.iter().map(start).min().unwrap_or(0);
        let audit_from = cursor(db, AUDIT).await?.max(earliest(|s| s.after_audit_id));
        let entries = audit_after(db, audit_from, READ_BATCH).await?;
        for entry in &entries {
            queue_record_events(db, &subscriptions, entry, now, &mut report).await?;
        }
        let audit_full = entries.len() == READ_BATCH as usize;
        let audit_to = match entries.last() {
            Some(last) if audit_full => last.audit_id,
            _ => newest_audit,
        };
        set_cursor(db, AUDIT, audit_to).await?;
        let sla_from = cursor(db, SLA)
            .await?
            .max(earliest(|s| s.after_sla_event_id));
        let clocks = sla_events_after(db, sla_from, READ_BATCH).await?;
        for event in clocks.iter().filter(|e| !e.restricted) {
            queue_clock_event(db, &subscriptions, event, now, &mut report).await?;
        }
        let sla_full = clocks.len() == READ_BATCH as usize;
        let sla_to = match clocks.last() {
            Some(last) if sla_full => last.event_id,
            _ => newest_sla,
        };
        set_cursor(db, SLA, sla_to).await?;
        report.remaining = audit_full || sla_full;
        Ok::<_, ApiError>(report)
    })
    .await
}

async fn queue_record_events(
    db: &impl Sql,
    subscriptions: &[Subscription],
    entry: &AuditRow,
    now: &str,
    report: &mut WebhookTick,
) -> Result<(), ApiError> {
    let change = RecordChange {
        entity_type: &entry.entity_type,
        entity_id: entry.entity_id,
        action: &entry.action,
        before: entry.before.as_ref(),
        after: entry.after.as_ref(),
    };
    let mut object = entry.after.clone().unwrap_or(Value::Null);
    let customer = object["customer"].as_str().map(str::to_owned);
    for event in events_of(&change) {
        // Some processes' snapshots leave the number out; receivers always find it.
        if let Some(fields) = object.as_object_mut() {
            fields
                .entry("number")
                .or_insert_with(|| Value::String(event.record.clone()));
        }
        report.events_read += 1;
        for subscription in subscriptions.iter().filter(|s| {
            s.after_audit_id < entry.audit_id && s.wants(event.event_type, customer.as_deref())
        }) {
            let delivery = Delivery {
                record: Some(event.record.clone()),
                customer: customer.clone(),
                actor: Some(entry.actor.clone()),
                occurred_at: entry.occurred_at.clone(),
                changes: event.changes.clone(),
                object: object.clone(),
                ..Delivery::queued(
                    subscription.id,
                    event.event_type,
                    FROM_AUDIT,
                    entry.audit_id,
                    now,
                )
            };
            if insert_delivery(db, &delivery).await?.is_some() {
                report.queued += 1;
            }
        }
    }
    Ok(())
}

async fn queue_clock_event(
    db: &impl Sql,
    subscriptions: &[Subscription],
    event: &SlaRow,
    now: &str,
    report: &mut WebhookTick,
) -> Result<(), ApiError> {
    let event_type = match event.kind.as_str() {
        "warning" => EventType::SlaWarning,
        "breach" => EventType::SlaBreach,
        _ => return Ok(()),
    };
    report.events_read += 1;
    for subscription in subscriptions.iter().filter(|s| {
        s.after_sla_event_id < event.event_id && s.wants(event_type, event.customer.as_deref())
    }) {
        let delivery = Delivery {
            record: Some(event.record.clone()),
            customer: event.customer.clone(),
            occurred_at: event.created_at.clone(),
            changes: json!({}),
            object: event.object.clone(),
            ..Delivery::queued(subscription.id, event_type, FROM_SLA, event.event_id, now)
        };
        if insert_delivery(db, &delivery).await?.is_some() {
            report.queued += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::deliveries::list_deliveries;
    use crate::store::test_db::{NOW, db, subscribed};
    use itsm_store::native::NativeDb;
    use itsm_store::{AuditEntry, insert_audit_entry};

    async fn log(db: &NativeDb, id: i64, action: &str, before: Option<&Value>, after: &Value) {
        insert_audit_entry(
            db,
            &AuditEntry {
                entity_type: "incident",
                entity_id: id,
                action,
                actor: "desk",
                actor_roles: "service_desk",
                occurred_at: NOW,
                before,
                after: Some(after),
                reason: None,
            },
        )
        .await
        .expect("entry");
    }

    #[tokio::test]
    async fn each_event_is_queued_once_for_each_subscription_that_wants_it() {
        let db = db().await;
        log(
            &db,
            1,
            "create",
            None,
            &json!({"short_description": "a", "state": "new", "customer": "acme"}),
        )
        .await;
        let everyone = subscribed(
            &db,
            &[EventType::IncidentCreated, EventType::IncidentStateChanged],
            None,
        )
        .await;
        let globex = subscribed(&db, &[EventType::IncidentCreated], Some("globex")).await;
        let new = json!({"short_description": "b", "state": "new", "customer": "acme"});
        log(&db, 2, "create", None, &new).await;
        let moved = json!({"short_description": "b", "state": "in_progress", "customer": "acme"});
        log(&db, 2, "update", Some(&new), &moved).await;
        let first = collect(&db, NOW).await.expect("collect");
        assert_eq!(
            (first.events_read, first.queued, first.remaining),
            (2, 2, false)
        );
        let again = collect(&db, NOW).await.expect("collect again");
        assert_eq!((again.events_read, again.queued), (0, 0));
        let queued = list_deliveries(&db, everyone.id, None, None, 10)
            .await
            .expect("list");
        let types: Vec<&str> = queued.iter().rev().map(|d| d.event_type.as_str()).collect();
        assert_eq!(
            types,
            ["incident.created", "incident.state_changed"],
            "INC0000001 came before the subscription"
        );
        assert_eq!(
            queued[0].changes,
            json!({"state": {"from": "new", "to": "in_progress"}})
        );
        assert_eq!(queued[0].record.as_deref(), Some("INC0000002"));
        assert_eq!(
            queued[0].object["number"], "INC0000002",
            "filled in where left out"
        );
        assert!(
            list_deliveries(&db, globex.id, None, None, 10)
                .await
                .expect("list")
                .is_empty(),
            "acme's"
        );
    }

    #[tokio::test]
    async fn with_nobody_subscribed_the_cursor_moves_past_everything() {
        let db = db().await;
        log(
            &db,
            1,
            "create",
            None,
            &json!({"short_description": "a", "state": "new"}),
        )
        .await;
        assert_eq!(collect(&db, NOW).await.expect("collect").events_read, 0);
        subscribed(&db, &[EventType::IncidentCreated], None).await;
        assert_eq!(collect(&db, NOW).await.expect("collect").queued, 0);
    }
}

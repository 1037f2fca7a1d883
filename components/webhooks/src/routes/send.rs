//! One attempt at a delivery: the body in the subscription's format, signed after Standard
//! Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), sent outside any
//! transaction, then logged with what it means: delivered, due again later, or failed.

use super::later;
use crate::store::deliveries::{Attempt, Delivery, Settled, record_attempt};
use crate::store::subscriptions::Subscription;
use crate::wire::webhook_id;
use itsm_domain::RecordKind;
use itsm_domain::webhook::{
    self, EventType, Verdict, retry_delay_minutes, sign, subscription_secret, verdict,
};
use itsm_http::ApiError;
use itsm_http::outbound::{Outgoing, Sender};
use itsm_store::{Sql, in_transaction};
use serde_json::Value;

/// The body a delivery sends, as its subscription's format shapes it.
pub fn body_of(subscription: &Subscription, delivery: &Delivery) -> Value {
    webhook::render(
        subscription.format,
        &webhook::Delivery {
            event_type: delivery.event_type,
            occurred_at: &delivery.occurred_at,
            actor: delivery.actor.as_deref(),
            record: delivery.record.as_deref(),
            changes: &delivery.changes,
            object: &delivery.object,
        },
    )
}

/// The signed request for one attempt at `unix_time`: signed by the current secret, and by the
/// previous one too while it is still honoured.
pub fn outgoing(
    subscription: &Subscription,
    delivery: &Delivery,
    key: &[u8],
    unix_time: i64,
    now: &str,
) -> Outgoing {
    let body = body_of(subscription, delivery).to_string().into_bytes();
    let id = webhook_id(delivery.id);
    let mut generations = vec![subscription.secret_generation];
    if subscription
        .previous_secret_until
        .as_deref()
        .is_some_and(|until| until > now)
    {
        generations.push(subscription.secret_generation - 1);
    }
    let signatures: Vec<String> = generations
        .iter()
        .filter_map(|generation| {
            let secret =
                subscription_secret(key, &subscription.secret_salt, subscription.id, *generation);
            sign(&secret, &id, unix_time, &body)
        })
        .collect();
    Outgoing {
        url: subscription.url.clone(),
        headers: vec![
            ("content-type", "application/json".to_owned()),
            ("user-agent", "itsm-webhooks/1".to_owned()),
            ("webhook-id", id),
            ("webhook-timestamp", unix_time.to_string()),
            ("webhook-signature", signatures.join(" ")),
        ],
        body,
    }
}

/// What the attempt's outcome means for the delivery. A ping is not retried: whoever asked for
/// it reads the answer at once.
pub fn settle(
    delivery: &Delivery,
    status: Option<u16>,
    retry_after: Option<u64>,
    now: &str,
) -> Result<Settled, ApiError> {
    Ok(match verdict(status) {
        Verdict::Delivered => Settled::Delivered,
        Verdict::Refused => Settled::Failed,
        Verdict::Retry if delivery.event_type == EventType::Ping => Settled::Failed,
        Verdict::Retry => {
            let failed = u32::try_from(delivery.attempts).unwrap_or(u32::MAX);
            match retry_delay_minutes(failed, retry_after) {
                Some(minutes) => Settled::RetryAt(later(now, minutes)?),
                None => Settled::Failed,
            }
        }
    })
}

/// Why a delivery may no longer go out, checked again at every attempt since things change
/// while it waits: its incident has since been marked a security incident, or the subscription
/// has since been narrowed to another customer.
pub async fn withheld(
    db: &impl Sql,
    subscription: &Subscription,
    delivery: &Delivery,
) -> Result<Option<String>, ApiError> {
    if let Some(only) = &subscription.customer
        && delivery.event_type != EventType::Ping
        && delivery.customer.as_deref() != Some(only.as_str())
    {
        return Ok(Some(format!(
            "withheld: the subscription now covers customer {only}'s records only"
        )));
    }
    let incident = delivery
        .record
        .as_deref()
        .filter(|r| r.starts_with(RecordKind::Incident.prefix()))
        .and_then(|r| RecordKind::Incident.parse_ref(r).ok());
    if let Some(id) = incident {
        let rows = db
            .query(
                "SELECT security FROM incident WHERE incident_id = ?",
                &[id.into()],
            )
            .await?;
        if let Some(row) = rows.first()
            && row.get::<bool>("security")?
        {
            return Ok(Some("withheld: it is about a security incident".to_owned()));
        }
    }
    Ok(None)
}

/// What the delivery's lease and the deployment's key are, for [`attempt`].
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub key: &'a [u8],
    pub lease_until: &'a str,
}

/// Sends one claimed delivery (unless it is withheld) and logs the attempt; what became of it.
pub async fn attempt(
    sender: &impl Sender,
    db: &impl Sql,
    subscription: &Subscription,
    delivery: &Delivery,
    claim: Claim<'_>,
    now: &str,
) -> Result<Settled, ApiError> {
    let unix_time = now
        .parse::<chrono::DateTime<chrono::Utc>>()
        .map_err(|_| ApiError::Internal(format!("unreadable instant {now}")))?
        .timestamp();
    let started = std::time::Instant::now();
    let (logged, settled) = match withheld(db, subscription, delivery).await? {
        Some(reason) => (
            logged_attempt(now, 0, None, Some(reason), None),
            Settled::Failed,
        ),
        None => {
            let request = outgoing(subscription, delivery, claim.key, unix_time, now);
            let answer = sender.post(&request).await;
            let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            match answer {
                Ok(answer) => (
                    logged_attempt(
                        now,
                        duration_ms,
                        Some(answer.status),
                        None,
                        Some(answer.excerpt),
                    ),
                    settle(delivery, Some(answer.status), answer.retry_after, now)?,
                ),
                Err(error) => (
                    logged_attempt(now, duration_ms, None, Some(error), None),
                    settle(delivery, None, None, now)?,
                ),
            }
        }
    };
    in_transaction(db, async |db| {
        record_attempt(db, delivery.id, claim.lease_until, &logged, &settled, now).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(settled)
}

fn logged_attempt(
    now: &str,
    duration_ms: i64,
    status: Option<u16>,
    error: Option<String>,
    excerpt: Option<String>,
) -> Attempt {
    Attempt {
        attempt: 0,
        started_at: now.to_owned(),
        duration_ms,
        status: status.map(i64::from),
        error,
        response_excerpt: excerpt.filter(|e| !e.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::deliveries::{
        FROM_AUDIT, attempts_of, claim, insert_delivery, load_delivery,
    };
    use crate::store::test_db::{NOW, db, subscribed, subscription};
    use itsm_domain::webhook::DeliveryStatus;
    use itsm_http::outbound::Answer;
    use serde_json::json;
    use std::sync::Mutex;

    const KEY: &[u8] = b"a signing key of at least thirty-two chars";
    const LEASE: &str = "2027-01-11T09:05:00.000Z";

    fn rotated() -> Subscription {
        Subscription {
            id: 3,
            secret_generation: 2,
            previous_secret_until: Some("2027-01-12T09:00:00.000Z".to_owned()),
            ..subscription(&[EventType::IncidentCreated], None)
        }
    }

    fn delivery(attempts: i64) -> Delivery {
        Delivery {
            id: 42,
            attempts,
            record: Some("INC0000001".to_owned()),
            object: json!({"number": "INC0000001", "state": "new"}),
            ..Delivery::queued(3, EventType::IncidentCreated, FROM_AUDIT, 9, NOW)
        }
    }

    fn header<'a>(request: &'a Outgoing, name: &str) -> &'a str {
        request
            .headers
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Answers each request with the next of its answers, and keeps what it was sent.
    struct FakeSender {
        answers: Mutex<Vec<Result<Answer, String>>>,
        sent: Mutex<Vec<Outgoing>>,
    }

    impl FakeSender {
        fn answering(answers: Vec<Result<Answer, String>>) -> Self {
            Self {
                answers: Mutex::new(answers),
                sent: Mutex::default(),
            }
        }
    }

    impl Sender for FakeSender {
        async fn post(&self, outgoing: &Outgoing) -> Result<Answer, String> {
            self.sent.lock().expect("sent").push(outgoing.clone());
            self.answers.lock().expect("answers").remove(0)
        }
    }

    fn answer(status: u16, retry_after: Option<u64>) -> Result<Answer, String> {
        Ok(Answer {
            status,
            retry_after,
            excerpt: format!("got {status}"),
        })
    }

    #[test]
    fn a_request_carries_id_timestamp_and_both_secrets_signatures_while_they_overlap() {
        let request = outgoing(&rotated(), &delivery(1), KEY, 1_800_000_000, NOW);
        assert_eq!(header(&request, "webhook-id"), "dlv_42");
        assert_eq!(header(&request, "webhook-timestamp"), "1800000000");
        let current = subscription_secret(KEY, "salt", 3, 2);
        let previous = subscription_secret(KEY, "salt", 3, 1);
        let expected = [
            sign(&current, "dlv_42", 1_800_000_000, &request.body).expect("signed"),
            sign(&previous, "dlv_42", 1_800_000_000, &request.body).expect("signed"),
        ]
        .join(" ");
        assert_eq!(header(&request, "webhook-signature"), expected);
        let body: Value = serde_json::from_slice(&request.body).expect("json");
        assert_eq!(body["type"], "incident.created");
        let after_overlap = outgoing(
            &rotated(),
            &delivery(1),
            KEY,
            1_800_000_000,
            "2027-01-12T09:00:00.000Z",
        );
        assert_eq!(
            header(&after_overlap, "webhook-signature")
                .split(' ')
                .count(),
            1
        );
    }

    #[test]
    fn failures_wait_by_the_schedule_then_fail_and_pings_fail_at_once() {
        let at = |text: &str| Settled::RetryAt(text.to_owned());
        assert_eq!(
            settle(&delivery(1), Some(204), None, NOW).ok(),
            Some(Settled::Delivered)
        );
        assert_eq!(
            settle(&delivery(1), Some(404), None, NOW).ok(),
            Some(Settled::Failed)
        );
        assert_eq!(
            settle(&delivery(1), Some(503), None, NOW).ok(),
            Some(at("2027-01-11T09:01:00.000Z"))
        );
        assert_eq!(
            settle(&delivery(2), None, None, NOW).ok(),
            Some(at("2027-01-11T09:05:00.000Z"))
        );
        assert_eq!(
            settle(&delivery(9), Some(500), None, NOW).ok(),
            Some(Settled::Failed)
        );
        let ping = Delivery {
            event_type: EventType::Ping,
            ..delivery(1)
        };
        assert_eq!(
            settle(&ping, Some(503), None, NOW).ok(),
            Some(Settled::Failed)
        );
    }

    #[tokio::test]
    async fn an_attempt_is_sent_signed_logged_and_settled_by_the_answer() {
        let db = db().await;
        let s = subscribed(&db, &[EventType::IncidentCreated], None).await;
        let queued = Delivery {
            record: Some("CMP0000001".to_owned()),
            ..Delivery::queued(s.id, EventType::IncidentCreated, FROM_AUDIT, 9, NOW)
        };
        let id = insert_delivery(&db, &queued)
            .await
            .expect("queued")
            .expect("new");
        let sender = FakeSender::answering(vec![answer(429, Some(600)), answer(200, None)]);
        let claim_for = Claim {
            key: KEY,
            lease_until: LEASE,
        };
        for expected in [
            Settled::RetryAt("2027-01-11T09:10:00.000Z".to_owned()),
            Settled::Delivered,
        ] {
            let claimed = claim(&db, id, LEASE).await.expect("claim").expect("there");
            let settled = attempt(&sender, &db, &s, &claimed, claim_for, NOW)
                .await
                .expect("attempt");
            assert_eq!(
                settled, expected,
                "the receiver's Retry-After of ten minutes is honoured"
            );
        }
        let sent = sender.sent.lock().expect("sent").clone();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].url, "https://example.org/hook");
        assert_eq!(
            header(&sent[0], "webhook-id"),
            header(&sent[1], "webhook-id")
        );
        let logged = attempts_of(&db, id).await.expect("attempts");
        assert_eq!(logged[0].status, Some(429));
        assert_eq!(logged[1].response_excerpt.as_deref(), Some("got 200"));
        let stored = load_delivery(&db, id).await.expect("load").expect("there");
        assert_eq!(stored.status, DeliveryStatus::Delivered);
    }

    #[tokio::test]
    async fn a_delivery_about_what_became_a_security_incident_or_another_customer_is_withheld() {
        let db = db().await;
        let narrowed = subscribed(&db, &[EventType::IncidentCreated], Some("acme")).await;
        let globex = Delivery {
            customer: Some("globex".to_owned()),
            ..Delivery::queued(narrowed.id, EventType::IncidentCreated, FROM_AUDIT, 9, NOW)
        };
        let reason = withheld(&db, &narrowed, &globex).await.expect("checked");
        assert!(reason.is_some_and(|r| r.contains("acme")));
        let id = insert_delivery(&db, &globex)
            .await
            .expect("queued")
            .expect("new");
        let claimed = claim(&db, id, LEASE).await.expect("claim").expect("there");
        let sender = FakeSender::answering(Vec::new());
        let settled = attempt(
            &sender,
            &db,
            &narrowed,
            &claimed,
            Claim {
                key: KEY,
                lease_until: LEASE,
            },
            NOW,
        )
        .await
        .expect("attempt");
        assert_eq!(settled, Settled::Failed);
        assert!(
            sender.sent.lock().expect("sent").is_empty(),
            "nothing left the building"
        );
        let logged = attempts_of(&db, id).await.expect("attempts");
        assert!(
            logged[0]
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("withheld"))
        );
    }
}

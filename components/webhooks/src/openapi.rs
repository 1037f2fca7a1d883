//! The webhooks component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::wire::{
    CreatedSubscription, DeliveryDetail, DeliveryView, EventTypeView, NewSubscription,
    RotatedSecret, SubscriptionPatch, SubscriptionView, WebhookTick,
};
use itsm_domain::access::names;
use itsm_domain::webhook::DeliveryStatus;
use itsm_http::openapi::ApiDoc;

const TAG: &str = "webhooks";
const ID: &str = "The subscription's id.";
const DELIVERY: &str = "The delivery's id, or its webhook-id such as dlv_42.";
const NOT_CONFIGURED: &str = "The deployment has no usable `webhook_signing_key` Spin variable (unset or under 32 characters); the detail says which.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Outbound webhooks: what happens to incidents, requests, problems and complaints (created, moved, assigned, approvals needed, major incidents) and SLA warnings and breaches, delivered to other systems, signed after Standard Webhooks (standardwebhooks.com: `webhook-id`, `webhook-timestamp`, and `webhook-signature` = `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with the subscription's secret). Each delivery is logged with every attempt and retried with backoff (1, 5, 15 minutes, 1, 3, 6, 12, 24 hours) by the tick route; `standard` deliveries are `{\"type\", \"timestamp\", \"data\"}` JSON, `slack` and `teams` ones are ready-made messages for those platforms' incoming webhooks. Security incidents never leave this way. Receivers are reachable only when the deployment's `webhook_hosts` variable allows their host.");
    doc.post("/api/v1/webhooks", "createWebhook", "Set up a webhook subscription")
        .tag(TAG)
        .authority(names::WEBHOOK_MANAGE)
        .describe("Delivers the listed event types that happen from now on (nothing from before), optionally only those about one customer's records. The answer carries the `secret` deliveries are signed with: shown this once. A URL naming this machine, a private or link-local network or an internal name (`localhost`, `*.internal`, `*.local`) is refused unless the deployment sets `webhook_allow_internal_hosts`; which hosts are reachable at all is the `webhook_hosts` variable.")
        .body::<NewSubscription>()
        .created::<CreatedSubscription>("The subscription, with its secret.")
        .fails(503, NOT_CONFIGURED)
        .links("id", "$response.body#/id", &["getWebhook", "listWebhookDeliveries"])
        .add();
    doc.get("/api/v1/webhooks", "listWebhooks", "List webhook subscriptions")
        .tag(TAG)
        .authority(names::WEBHOOK_READ)
        .describe("Every subscription, oldest first, with how its deliveries stand. URLs are shown cut after their first path segment, since Slack's and Teams' webhook URLs are credentials.")
        .list_of::<SubscriptionView>("The subscriptions.")
        .add();
    doc.get(
        "/api/v1/webhooks/event-types",
        "listWebhookEventTypes",
        "The event types a subscription may name",
    )
    .tag(TAG)
    .authority(names::WEBHOOK_READ)
    .list_of::<EventTypeView>("Each event type, described.")
    .add();
    doc.post("/api/v1/webhooks/tick", "tickWebhooks", "Queue and send what is due")
        .tag(TAG)
        .authority(names::SCHEDULE_RUN)
        .describe("For a scheduler (Spin's cron trigger, a CronJob, any timer), every minute or so: queues a delivery for each event since the last call (reading at most 500 of each source) and each subscription that wants it, then sends what is due, at most 50, starting no new send after 20 seconds. A delivery is leased while it is sent, so concurrent calls never send one twice at once; receivers drop repeats (after a lost answer, say) by `webhook-id`. `remaining` says whether to call again now.")
        .ok::<WebhookTick>("What the call did.")
        .fails(503, NOT_CONFIGURED)
        .add();
    doc.get(
        "/api/v1/webhooks/{id}",
        "getWebhook",
        "Read a webhook subscription",
    )
    .tag(TAG)
    .authority(names::WEBHOOK_READ)
    .path_param("id", ID)
    .ok_record::<SubscriptionView>("The subscription (never its secret).")
    .add();
    doc.patch("/api/v1/webhooks/{id}", "updateWebhook", "Change a webhook subscription")
        .tag(TAG)
        .authority(names::WEBHOOK_MANAGE)
        .describe("A JSON merge patch: rename, move to another URL or format, change the event types or the customer, pause (`active: false`) or resume. A subscription receives what happens while it is active: paused, nothing new is queued for it and what was queued waits; resumed, it starts from that moment. Deliveries still pending go to the new URL, in the new format; one about a record the new `customer` does not cover is withheld (failed, with the reason), as is one about an incident since marked a security incident.")
        .path_param("id", ID)
        .body::<SubscriptionPatch>()
        .if_match()
        .ok_record::<SubscriptionView>("The subscription as changed.")
        .add();
    doc.delete("/api/v1/webhooks/{id}", "deleteWebhook", "Remove a webhook subscription")
        .tag(TAG)
        .authority(names::WEBHOOK_MANAGE)
        .describe("Removes it with its delivery log; what was still pending is never sent. The audit trail keeps its settings.")
        .path_param("id", ID)
        .if_match()
        .no_content("Removed.")
        .fails(409, "A delivery of it is being sent right now; try again in a few minutes.")
        .add();
    doc.post("/api/v1/webhooks/{id}/rotate-secret", "rotateWebhookSecret", "Give a subscription a new secret")
        .tag(TAG)
        .authority(names::WEBHOOK_MANAGE)
        .describe("Answers the new secret, shown this once. For 24 hours deliveries carry a second signature by the previous secret, so the receiver can switch over without refusing any; rotating again within that time retires the oldest secret at once.")
        .path_param("id", ID)
        .if_match()
        .ok_record::<RotatedSecret>("The new secret, with the subscription's new `ETag`.")
        .fails(503, NOT_CONFIGURED)
        .add();
    doc.post("/api/v1/webhooks/{id}/ping", "pingWebhook", "Send a test delivery now")
        .tag(TAG)
        .authority(names::WEBHOOK_MANAGE)
        .describe("Sends a `ping` delivery at once, even to a paused subscription, and answers with it and its attempt: whether the receiver was reachable and what it answered. A failed ping is not retried.")
        .path_param("id", ID)
        .ok::<DeliveryDetail>("The ping as sent, with its attempt.")
        .fails(503, NOT_CONFIGURED)
        .add();
    doc.get(
        "/api/v1/webhooks/{id}/deliveries",
        "listWebhookDeliveries",
        "A subscription's delivery log, newest first",
    )
    .tag(TAG)
    .authority(names::WEBHOOK_READ)
    .path_param("id", ID)
    .query_choice(
        "status",
        "Only deliveries in this state.",
        DeliveryStatus::ALL.iter().map(|s| s.as_str()),
    )
    .page_of::<DeliveryView>("A page of deliveries.")
    .add();
    doc.get("/api/v1/webhooks/{id}/deliveries/{delivery}", "getWebhookDelivery", "One delivery, its body and its attempts")
        .tag(TAG)
        .authority(names::WEBHOOK_READ)
        .path_param("id", ID)
        .path_param("delivery", DELIVERY)
        .ok::<DeliveryDetail>("The delivery with the body it sends and every attempt (status, duration, the answer's first KiB or why none came).")
        .add();
    doc.post("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver", "redeliverWebhookDelivery", "Send a delivery again")
        .tag(TAG)
        .authority(names::WEBHOOK_MANAGE)
        .describe("Queues it again, due at once with a fresh retry schedule, whatever its state; the next tick sends it with the same `webhook-id`.")
        .path_param("id", ID)
        .path_param("delivery", DELIVERY)
        .accepted::<DeliveryView>("Queued; the delivery as it now stands.")
        .fails(409, "It is being sent right now; read it again in a minute.")
        .add();
}

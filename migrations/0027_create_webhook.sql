-- Outbound webhooks: subscriptions naming the events a receiver wants, and the deliveries made
-- to it with every attempt. Events are read off the audit trail (record changes) and sla_event
-- (warnings and breaches) after a cursor, so no process announces anything and none writes
-- these tables but the webhooks component. Owner: the webhooks component (management system).
CREATE TABLE IF NOT EXISTS webhook_subscription (
    subscription_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('standard', 'slack', 'teams')),
    events TEXT NOT NULL,               -- JSON array of event types
    customer TEXT REFERENCES customer (code),   -- only this customer's records, when set
    active INTEGER NOT NULL DEFAULT 1,
    -- The secret is derived from the webhook_signing_key variable, this random salt (so two
    -- databases sharing a key never share secrets), the id and the generation: no secret is
    -- stored. After a rotation the previous generation also signs until previous_secret_until.
    secret_salt TEXT NOT NULL,
    secret_generation INTEGER NOT NULL DEFAULT 1,
    previous_secret_until TEXT,
    -- Only what happens after the subscription exists is delivered to it.
    after_audit_id INTEGER NOT NULL,
    after_sla_event_id INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS webhook_delivery (
    delivery_id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscription (subscription_id),
    event_type TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('audit', 'sla', 'ping')),
    source_id INTEGER NOT NULL,         -- the audit entry or SLA event it came from
    record TEXT,                        -- the record's number
    customer TEXT,                      -- the record's customer, checked again when sent
    actor TEXT,
    occurred_at TEXT NOT NULL,
    changes TEXT NOT NULL,              -- JSON: {"field": {"from", "to"}}
    object TEXT NOT NULL,               -- JSON: the record (or SLA event) after the change
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,               -- while pending: when it is due
    lease_until TEXT,                   -- a tick sending it holds it until then
    last_status INTEGER,                -- the receiver's last answer; NULL when none came
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    failed_at TEXT
);
-- One delivery per subscription and event, however often the tick reads the same entries.
CREATE UNIQUE INDEX IF NOT EXISTS webhook_delivery_once
    ON webhook_delivery (subscription_id, source, source_id, event_type) WHERE source <> 'ping';
CREATE INDEX IF NOT EXISTS webhook_delivery_due ON webhook_delivery (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS webhook_delivery_by_subscription
    ON webhook_delivery (subscription_id, delivery_id);

CREATE TABLE IF NOT EXISTS webhook_attempt (
    delivery_id INTEGER NOT NULL REFERENCES webhook_delivery (delivery_id),
    attempt INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    status INTEGER,                     -- the receiver's answer; NULL when none came
    error TEXT,                         -- why there was no answer
    response_excerpt TEXT,              -- the answer body's first KiB
    PRIMARY KEY (delivery_id, attempt)
);

-- How far the tick has read each event source.
CREATE TABLE IF NOT EXISTS webhook_cursor (
    source TEXT PRIMARY KEY CHECK (source IN ('audit', 'sla')),
    last_id INTEGER NOT NULL
);
INSERT OR IGNORE INTO webhook_cursor (source, last_id)
    VALUES ('audit', (SELECT COALESCE(MAX(audit_id), 0) FROM audit_entry));
INSERT OR IGNORE INTO webhook_cursor (source, last_id)
    VALUES ('sla', (SELECT COALESCE(MAX(event_id), 0) FROM sla_event));

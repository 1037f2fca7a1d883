-- Monitoring alerts and the incidents they opened: an alert that fires again while its incident
-- is open is counted against that incident instead of opening another (matched by its source,
-- the account that sends it and its fingerprint), a late or repeated notification of an episode
-- whose incident was closed opens nothing, and an alert that clears resolves its incident or
-- notes it, as the process's alert mapping says. Each alert is matched and recorded inside one
-- BEGIN IMMEDIATE transaction, which is what keeps two notifications of a new alert from
-- opening two incidents. Owner: the incident process.
CREATE TABLE IF NOT EXISTS incident_alert (
    alert_id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,               -- 'alertmanager', or the generic route's source name
    received_by TEXT NOT NULL,          -- the monitor's account
    fingerprint TEXT NOT NULL,
    incident_id INTEGER NOT NULL REFERENCES incident (incident_id),
    status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
    labels TEXT NOT NULL,               -- JSON object of the last notification's labels
    starts_at TEXT,                     -- when the episode began, by the monitor's clock
    first_fired_at TEXT NOT NULL,
    last_notified_at TEXT NOT NULL,
    cleared_at TEXT,
    notifications INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS incident_alert_by_fingerprint
    ON incident_alert (source, received_by, fingerprint, alert_id);
CREATE INDEX IF NOT EXISTS incident_alert_by_incident ON incident_alert (incident_id);

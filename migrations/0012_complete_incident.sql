-- Completes the incident record: who confirmed a resolution, when the incident was first
-- responded to, the major and security flags, links between records, major incidents'
-- communication log, and the processes' own settings (how long a resolution waits for the caller).
-- Owner: the incident process, except record_link (see there) and process_setting (each process
-- writes only its own rows).

ALTER TABLE incident ADD COLUMN closure TEXT
    CHECK (closure IN ('caller_confirmed', 'desk_closed', 'auto_closed'));
ALTER TABLE incident ADD COLUMN responded_at TEXT;           -- when it first left 'new'
ALTER TABLE incident ADD COLUMN security INTEGER NOT NULL DEFAULT 0 CHECK (security IN (0, 1));
ALTER TABLE incident ADD COLUMN major INTEGER NOT NULL DEFAULT 0 CHECK (major IN (0, 1));
-- JSON: declaration, emergency team, stand-down and post-incident review; kept after stand-down.
ALTER TABLE incident ADD COLUMN major_incident TEXT;

-- The tick route's query: resolutions waiting for the caller, oldest first.
CREATE INDEX IF NOT EXISTS incident_by_resolution ON incident (state, resolved_at);
CREATE INDEX IF NOT EXISTS incident_by_major ON incident (major, incident_id);

-- One row per link, stored from its source record and written by the source's process; the
-- target's side reads it under the inverse name. Targets are record numbers (INC0000042),
-- service codes or configuration item names, so links can point at any process's records.
CREATE TABLE IF NOT EXISTS record_link (
    link_id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_kind TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    relation TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (source_kind, source_id, relation, target_kind, target)
);
CREATE INDEX IF NOT EXISTS record_link_by_target ON record_link (target_kind, target, relation);

-- What was said to whom while a major incident ran ([002 §6.4] communication mechanism).
CREATE TABLE IF NOT EXISTS incident_communication (
    communication_id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incident (incident_id),
    audience TEXT NOT NULL CHECK (audience IN ('customers', 'users', 'internal', 'management', 'suppliers')),
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_communication_by_incident
    ON incident_communication (incident_id, communication_id);

-- A process's settings as JSON values under a name, with who set them last.
CREATE TABLE IF NOT EXISTS process_setting (
    process TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (process, name)
);

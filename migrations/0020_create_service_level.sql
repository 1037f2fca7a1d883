-- Service level management (requirements §2.8, §7.10): business calendars, and agreements (SLAs
-- with customers, OLAs with internal teams, underpinning contracts with suppliers) with their
-- approved versions.
-- Owner: the service level process.

-- A calendar's week, holidays and exceptional working days are one JSON document (`spec`), read
-- back through the domain's checked BusinessCalendar; calendars are few and always read whole.
CREATE TABLE IF NOT EXISTS business_calendar (
    calendar_id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    zone TEXT NOT NULL,                 -- IANA name, such as Europe/London
    spec TEXT NOT NULL,                 -- {"week": {...}, "holidays": [...], "working_days": [...]}
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Round the clock, for targets that never wait for office hours.
INSERT OR IGNORE INTO business_calendar (code, name, zone, spec, created_at, created_by, updated_at, updated_by)
VALUES (
    'always',
    '{"en":"Round the clock","zh":"全天候"}',
    'UTC',
    '{"week":{"monday":["00:00-24:00"],"tuesday":["00:00-24:00"],"wednesday":["00:00-24:00"],"thursday":["00:00-24:00"],"friday":["00:00-24:00"],"saturday":["00:00-24:00"],"sunday":["00:00-24:00"]},"holidays":[],"working_days":[]}',
    '2026-01-01T00:00:00Z', 'system', '2026-01-01T00:00:00Z', 'system'
);

-- The working copy of an agreement: its terms (the 15 content items of [001 §6.1.6], the targets,
-- service hours, validity and links) are one JSON document, so each version lands whole in the
-- audit trail. Numbers (SLA0000001) are derived from agreement_id.
CREATE TABLE IF NOT EXISTS service_agreement (
    agreement_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('sla', 'ola', 'uc')),
    state TEXT NOT NULL CHECK (state IN ('draft', 'negotiated', 'signed', 'approved', 'under_review', 'expired')),
    terms TEXT NOT NULL,
    -- Denormalised from terms for list filters: JSON arrays of codes.
    customers TEXT NOT NULL DEFAULT '[]',
    services TEXT NOT NULL DEFAULT '[]',
    in_force_version INTEGER,           -- the latest approved version's number
    in_force_from TEXT,                 -- its validity (YYYY-MM-DD), for the state lists show
    in_force_until TEXT,
    -- The current round of decisions, each {at, by}: cleared when the terms are sent back.
    negotiated TEXT,
    signed TEXT,
    -- The last time the terms were sent back ({at, by, reason}); cleared when negotiated again.
    returned TEXT,
    -- The last periodic review: when, by whom, its findings and the cost of meeting the targets.
    last_review TEXT,
    expired TEXT,                       -- {at, by, reason}
    version INTEGER NOT NULL DEFAULT 1,  -- the row's version for ETags
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    CHECK ((state = 'expired') = (expired IS NOT NULL)),
    CHECK (state NOT IN ('approved', 'under_review') OR in_force_version IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS service_agreement_by_state ON service_agreement (state, agreement_id);

-- Each approved version as it was approved, with who negotiated, signed and approved it. Clocks
-- name the version that governed them, so a revision never rewrites a past figure.
CREATE TABLE IF NOT EXISTS service_agreement_version (
    agreement_id INTEGER NOT NULL REFERENCES service_agreement (agreement_id),
    version_number INTEGER NOT NULL,
    terms TEXT NOT NULL,
    negotiated TEXT NOT NULL,           -- {at, by}
    signed TEXT NOT NULL,
    approved TEXT NOT NULL,
    approved_at TEXT NOT NULL,          -- also in `approved`; a column to order and compare by
    PRIMARY KEY (agreement_id, version_number)
);

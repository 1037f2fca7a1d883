-- The service portfolio and the service catalogue (requirements §4 and §7.9): services with their
-- lifecycle, the catalogue's working copy (one row per entry), and the published versions, each a
-- frozen copy of the entries it offered, so an order always names what it was ordered from.
-- Owner: the catalogue process. Identity reads service codes to check service-scoped grants;
-- service requests read the published items they are ordered from.
CREATE TABLE IF NOT EXISTS service (
    service_id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,          -- lowercase letters, digits, '.', '-' and '_'; never changes
    name TEXT NOT NULL,                 -- JSON: the text by language tag
    description TEXT,                   -- JSON: the text by language tag
    state TEXT NOT NULL CHECK (state IN ('planned', 'design', 'transition', 'live', 'retired')),
    retire_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    retired_at TEXT,
    CHECK ((state = 'retired') = (retired_at IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS service_by_state ON service (state, service_id);

-- The working copy. A withdrawn entry stays (its code is never reused) but is not published.
CREATE TABLE IF NOT EXISTS catalogue_entry (
    entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    service_code TEXT NOT NULL REFERENCES service (code),
    view TEXT NOT NULL CHECK (view IN ('business', 'technical')),
    definition TEXT NOT NULL,           -- JSON: the entry as the API shows it, bar its code
    withdrawn_at TEXT,
    withdrawn_by TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE INDEX IF NOT EXISTS catalogue_entry_by_service ON catalogue_entry (service_code, entry_id);

-- Published versions, numbered 1, 2, 3 … in order; a version never changes once written.
CREATE TABLE IF NOT EXISTS catalogue_version (
    catalogue_version INTEGER PRIMARY KEY,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    notes TEXT,
    review_due TEXT,                    -- YYYY-MM-DD: when its content is next reviewed
    item_count INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS catalogue_item (
    catalogue_version INTEGER NOT NULL REFERENCES catalogue_version (catalogue_version),
    code TEXT NOT NULL,
    service_code TEXT NOT NULL,
    service_name TEXT NOT NULL,         -- JSON, as it read when published
    view TEXT NOT NULL CHECK (view IN ('business', 'technical')),
    orderable INTEGER NOT NULL CHECK (orderable IN (0, 1)),
    definition TEXT NOT NULL,           -- JSON, as it read when published
    PRIMARY KEY (catalogue_version, code)
);

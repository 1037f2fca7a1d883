-- Customer organisations, the processes each contract switches on, and the customer of each
-- incident, so customer contacts see only their own organisation's records.
-- Owner: business relationship management (customers, tailoring); incident owns incident.customer.
CREATE TABLE IF NOT EXISTS customer (
    customer_id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,         -- lowercase letters, digits, '-' and '_'; never changes
    name TEXT NOT NULL,
    contract_reference TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- Process tailoring per contract (seed 001 §2.1.4.1). No row means on: only switching a
-- tailorable process off needs a decision, and the decision is kept with who made it and why.
CREATE TABLE IF NOT EXISTS customer_process (
    customer_code TEXT NOT NULL REFERENCES customer (code),
    process TEXT NOT NULL,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (customer_code, process)
);

ALTER TABLE incident ADD COLUMN customer TEXT REFERENCES customer (code);
CREATE INDEX IF NOT EXISTS incident_by_customer ON incident (customer, incident_id);

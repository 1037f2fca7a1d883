-- Where each record's SLA clocks stand, for the lists that filter by it and the tick that acts
-- on it, and what the tick did: each warning and breach, once, with the breach's analysis.
-- Owner: the service level process. A record's rows in sla_clock are rewritten, on the service
-- level process's behalf, in the transaction of every write that moves its clocks (the record's
-- own process), and by the tick; the figures shown are always computed afresh from the record.
CREATE TABLE IF NOT EXISTS sla_clock (
    record_kind TEXT NOT NULL CHECK (record_kind IN ('incident', 'request', 'complaint')),
    record_id INTEGER NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('response', 'resolution')),
    record_number TEXT NOT NULL,
    agreement TEXT NOT NULL,            -- SLA0000001
    agreement_version INTEGER NOT NULL,
    target_minutes INTEGER NOT NULL,
    customer TEXT,
    service TEXT,
    running INTEGER NOT NULL CHECK (running IN (0, 1)),
    standing TEXT NOT NULL CHECK (standing IN ('on_track', 'at_risk', 'breached', 'met')),
    due_at TEXT,                        -- when it falls (or fell) due; NULL while paused short of it
    warn_at TEXT,
    stopped_at TEXT,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (record_kind, record_id, metric)
);
CREATE INDEX IF NOT EXISTS sla_clock_by_due ON sla_clock (running, due_at);
CREATE INDEX IF NOT EXISTS sla_clock_by_warning ON sla_clock (running, warn_at);
CREATE INDEX IF NOT EXISTS sla_clock_by_standing ON sla_clock (standing, stopped_at);

-- When each record's clocks were last computed, whether or not an agreement covers it: the tick
-- computes the open records never computed (those older than this table) or computed before
-- the last change of a calendar or a clock policy.
CREATE TABLE IF NOT EXISTS sla_record (
    record_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (record_kind, record_id)
);

-- Each warning and breach the tick found, once per clock and kind: the unique key is what makes
-- calling the tick twice send nothing twice. A breach carries the analysis the seeds require of
-- an unmet target [001 §6.1.5]: why it was missed and what is done about it.
CREATE TABLE IF NOT EXISTS sla_event (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('warning', 'breach')),
    record_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    record_number TEXT NOT NULL,
    metric TEXT NOT NULL,
    agreement TEXT NOT NULL,
    agreement_version INTEGER NOT NULL,
    target_minutes INTEGER NOT NULL,
    customer TEXT,
    service TEXT,
    due_at TEXT NOT NULL,               -- the instant crossed: the warning threshold or the target
    recipients TEXT NOT NULL,           -- JSON array of user names told
    explanation TEXT NOT NULL,          -- the clock's sentence when found
    created_at TEXT NOT NULL,
    -- A security incident's: shown only to its recipients, never to escalation contacts.
    restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    analysis TEXT,                      -- breaches: {cause, explanation, corrective_action, by, at}
    UNIQUE (record_kind, record_id, metric, kind)
);
CREATE INDEX IF NOT EXISTS sla_event_by_kind ON sla_event (kind, event_id);

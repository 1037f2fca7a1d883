-- Incidents and their comments and work notes.
-- Owner: the incident process. The human number (INC0000001) is derived from incident_id by the
-- domain, never stored twice; AUTOINCREMENT keeps ids (and so numbers) from ever being reused.
CREATE TABLE IF NOT EXISTS incident (
    incident_id INTEGER PRIMARY KEY AUTOINCREMENT,
    short_description TEXT NOT NULL,
    description TEXT,
    impact TEXT NOT NULL CHECK (impact IN ('high', 'medium', 'low')),
    urgency TEXT NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
    priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'moderate', 'low', 'planning')),
    category TEXT,
    caller TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'web', 'chat', 'monitoring', 'walk_in', 'api')),
    assignment_group TEXT,
    assignee TEXT,
    configuration_item TEXT,
    service TEXT,
    state TEXT NOT NULL CHECK (state IN ('new', 'in_progress', 'on_hold', 'resolved', 'closed', 'cancelled')),
    hold_reason TEXT CHECK (hold_reason IN ('awaiting_caller', 'awaiting_vendor', 'awaiting_problem', 'awaiting_change')),
    resolution_code TEXT,
    resolution_notes TEXT,
    cancel_reason TEXT,
    reassignment_count INTEGER NOT NULL DEFAULT 0,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,   -- bumped by every change; the ETag is derived from it
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    resolved_at TEXT,
    closed_at TEXT,
    -- A held incident always says what it waits for, and only a held one does.
    CHECK ((state = 'on_hold') = (hold_reason IS NOT NULL))
);

-- The list filters, each followed by the id so that cursor pages stay index scans.
CREATE INDEX IF NOT EXISTS incident_by_state ON incident (state, incident_id);
CREATE INDEX IF NOT EXISTS incident_by_priority ON incident (priority, incident_id);
CREATE INDEX IF NOT EXISTS incident_by_assignee ON incident (assignee, incident_id);
CREATE INDEX IF NOT EXISTS incident_by_group ON incident (assignment_group, incident_id);

-- Comments are visible to the caller; work notes are internal to the support teams.
CREATE TABLE IF NOT EXISTS incident_note (
    note_id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incident (incident_id),
    kind TEXT NOT NULL CHECK (kind IN ('comment', 'work_note')),
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_note_by_incident ON incident_note (incident_id, note_id);

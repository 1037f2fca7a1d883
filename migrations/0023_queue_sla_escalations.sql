-- What an agreement's escalation rules call for when the SLA tick records a warning or a breach
-- (raise a record's priority, reassign it), queued by the service level process in the
-- transaction that records the event, and carried out by the record's own process at its next
-- tick, so that each process writes only its own records. The unique key makes each rule act
-- once per event; done_at, set in the transaction that acts, makes each row act once.
CREATE TABLE IF NOT EXISTS sla_escalation (
    escalation_id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES sla_event (event_id),
    rule_index INTEGER NOT NULL,        -- the rule's position in the agreement version's terms
    record_kind TEXT NOT NULL CHECK (record_kind IN ('incident', 'request')),
    record_id INTEGER NOT NULL,
    record_number TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('raise_priority', 'reassign')),
    assignment_group TEXT,
    assignee TEXT,
    reason TEXT NOT NULL,               -- why, as the record's audit entry gives it
    created_at TEXT NOT NULL,
    done_at TEXT,
    outcome TEXT CHECK (outcome IN ('applied', 'skipped')),
    detail TEXT,                        -- what was changed, or why nothing was
    UNIQUE (event_id, rule_index)
);
CREATE INDEX IF NOT EXISTS sla_escalation_pending
    ON sla_escalation (record_kind, escalation_id) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS sla_escalation_by_event ON sla_escalation (event_id);

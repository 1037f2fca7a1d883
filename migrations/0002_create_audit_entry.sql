-- The audit trail every process writes in the same transaction as the change it records.
-- Owner: every process appends; nobody updates or deletes (the triggers below refuse it), so an
-- auditor can rely on the trail as evidence (ISO/IEC 20000-1, records of activities).
CREATE TABLE IF NOT EXISTS audit_entry (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TEXT NOT NULL,        -- RFC 3339, UTC
    actor TEXT NOT NULL,              -- the authenticated user name
    entity_type TEXT NOT NULL,        -- 'incident', ...
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL,             -- 'create', 'update', 'resolve', ...
    before_json TEXT,                 -- the record before the change (NULL on create)
    after_json TEXT,                  -- the record after the change
    reason TEXT
);

-- The per-record timeline reads by entity, oldest first.
CREATE INDEX IF NOT EXISTS audit_entry_by_entity ON audit_entry (entity_type, entity_id, audit_id);

CREATE TRIGGER IF NOT EXISTS audit_entry_is_append_only_update
BEFORE UPDATE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER IF NOT EXISTS audit_entry_is_append_only_delete
BEFORE DELETE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

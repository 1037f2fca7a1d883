-- Makes the audit trail tamper-evident and queryable by auditors.
-- Owner: every process appends through itsm-store's insert_audit_entry, which fills these columns.
-- Each entry carries the hash of the entry before it and a hash over its own content and that
-- link, so an entry altered, removed or inserted directly in the database breaks the chain at
-- that point, and the verify route names the first broken link.
ALTER TABLE audit_entry ADD COLUMN actor_roles TEXT;   -- the actor's grants at the time, e.g. "service_desk, customer:acme"
ALTER TABLE audit_entry ADD COLUMN prev_hash TEXT;     -- entry_hash of the entry before (64 zeros for the first)
ALTER TABLE audit_entry ADD COLUMN entry_hash TEXT;    -- hex SHA-256 over this entry's content and prev_hash

-- The auditors' query filters, each followed by the id so pages stay index scans.
CREATE INDEX IF NOT EXISTS audit_entry_by_actor ON audit_entry (actor, audit_id);
CREATE INDEX IF NOT EXISTS audit_entry_by_time ON audit_entry (occurred_at, audit_id);
CREATE INDEX IF NOT EXISTS audit_entry_by_action ON audit_entry (action, audit_id);

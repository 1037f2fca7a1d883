-- The bookkeeping table: one row per migration that ran, with a checksum of its text, so that a
-- migration edited after it was applied is refused (migrations are forward-only). The runner also
-- creates it before anything else; this file keeps the schema readable in one place.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

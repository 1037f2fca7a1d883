-- Chat accounts linked to project users: a Slack or Teams user (in its workspace or tenant) is
-- acted for only once linked, so nothing is changed for an account nobody vouched for.
-- Owner: the channels component.
CREATE TABLE IF NOT EXISTS chat_identity (
    platform TEXT NOT NULL CHECK (platform IN ('slack', 'teams')),
    workspace TEXT NOT NULL,            -- Slack team_id, Teams tenant id
    external_id TEXT NOT NULL,          -- Slack user_id, Teams aadObjectId
    user_name TEXT NOT NULL REFERENCES app_user (user_name),
    linked_by TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (platform, workspace, external_id)
);
CREATE INDEX IF NOT EXISTS chat_identity_by_user ON chat_identity (user_name);

-- Chat requests already handled, by the hash of their signed body, with the answer given: a
-- replayed copy, or a platform's retry after a lost answer, gets the same answer and changes
-- nothing twice.
-- Rows older than the platforms' replay window are pruned as new ones arrive. Owner: channels.
CREATE TABLE IF NOT EXISTS chat_request (
    body_hash TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    received_at TEXT NOT NULL,
    answer TEXT                         -- JSON; NULL while the first copy is being handled
);
CREATE INDEX IF NOT EXISTS chat_request_by_age ON chat_request (received_at);

-- Role assignments as records with history (ISO/IEC 20000-1 §5.3: roles are documented,
-- periodically re-evaluated and communicated), replacing the bare user_role pairs.
-- Owner: the identity process; every process reads the active ones to authenticate.
CREATE TABLE IF NOT EXISTS role_assignment (
    assignment_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES app_user (user_id),
    role TEXT NOT NULL,                -- a role of itsm_domain::access::Role
    scope_kind TEXT CHECK (scope_kind IN ('process', 'service', 'customer')),
    scope_key TEXT,                    -- the process name, service code or customer code
    reason TEXT NOT NULL,              -- why it was granted
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    valid_until TEXT,                  -- NULL: until revoked
    reevaluate_by TEXT NOT NULL,       -- when the assignment must next be re-evaluated
    reevaluated_at TEXT,
    reevaluated_by TEXT,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((scope_kind IS NULL) = (scope_key IS NULL)),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- One live assignment per user, role and scope; revoked ones stay as history.
CREATE UNIQUE INDEX IF NOT EXISTS role_assignment_live
    ON role_assignment (user_id, role, coalesce(scope_kind, ''), coalesce(scope_key, ''))
    WHERE revoked_at IS NULL;
CREATE INDEX IF NOT EXISTS role_assignment_by_role ON role_assignment (role, assignment_id);
CREATE INDEX IF NOT EXISTS role_assignment_by_reevaluation ON role_assignment (reevaluate_by) WHERE revoked_at IS NULL;

INSERT INTO role_assignment (user_id, role, reason, granted_by, granted_at, reevaluate_by)
SELECT user_id, role, 'carried over from user_role', 'migration',
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 year')
FROM user_role;

DROP TABLE IF EXISTS user_role;

-- Users gain an e-mail address, deactivation (their tokens stop working) and a version for ETags.
ALTER TABLE app_user ADD COLUMN email TEXT;
ALTER TABLE app_user ADD COLUMN deactivated_at TEXT;
ALTER TABLE app_user ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- What a user is told when their roles change; chat and e-mail channels deliver them later.
CREATE TABLE IF NOT EXISTS user_notification (
    notification_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES app_user (user_id),
    kind TEXT NOT NULL,                -- 'role_granted', 'role_revoked', 'role_reevaluated'
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    entity_type TEXT,
    entity_id INTEGER,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX IF NOT EXISTS user_notification_by_user ON user_notification (user_id, notification_id);

CREATE INDEX IF NOT EXISTS api_token_by_user ON api_token (user_id, token_id);

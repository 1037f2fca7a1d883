-- Who may call the API. Tokens are random secrets handed out once; only their SHA-256 hash is
-- stored, so a copy of the database does not let anyone call the API.
-- Owner: the identity process (the full role model arrives with it); every process reads.
CREATE TABLE IF NOT EXISTS app_user (
    user_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Roles a user holds; the names follow the role set of the requirements (section 3.5).
CREATE TABLE IF NOT EXISTS user_role (
    user_id INTEGER NOT NULL REFERENCES app_user (user_id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE IF NOT EXISTS api_token (
    token_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES app_user (user_id),
    token_hash TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the token
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,                  -- NULL: does not expire
    revoked_at TEXT,
    last_used_at TEXT
);

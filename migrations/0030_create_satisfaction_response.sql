-- Customer satisfaction with handled work (requirements §2.18, §7.16; the hotline's user
-- satisfaction survey [004-1 §3.1]; the satisfaction score [002 §7.1]): one rating per incident,
-- request or complaint once handled, from 1 (very dissatisfied) to 5 (very satisfied), with the
-- record's customer and service copied so summaries by either need no join across processes. A
-- rating of a security incident is restricted like the incident: the security team and whoever
-- recorded it read it, not everyone who reads its customer's ratings.
-- Owner: the business relationship process (the relationship component).
CREATE TABLE IF NOT EXISTS satisfaction_response (
    response_id INTEGER PRIMARY KEY AUTOINCREMENT,
    about TEXT NOT NULL UNIQUE,         -- the record rated: INC0000042, REQ0000007, CMP0000003
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'web', 'chat', 'monitoring', 'walk_in', 'api')),
    contact_details TEXT,               -- who answered, when recorded for someone without an account
    customer TEXT REFERENCES customer (code),
    restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),  -- about a security incident: its readers only
    service TEXT,                       -- as the record names it (an incident's service is free text)
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS satisfaction_by_customer ON satisfaction_response (customer, response_id);
CREATE INDEX IF NOT EXISTS satisfaction_by_service ON satisfaction_response (service, response_id);
CREATE INDEX IF NOT EXISTS satisfaction_by_time ON satisfaction_response (created_at);

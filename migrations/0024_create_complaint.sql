-- Customer complaints and feedback (requirements §2.18, §7.16): collected from every channel,
-- recorded, answered within 24 hours and resolved with a result given back within 72 unless an
-- agreement sets other targets [002 §4.3.2], their clocks kept like any other record's.
-- Owner: the business relationship process (the relationship component).
CREATE TABLE IF NOT EXISTS complaint (
    complaint_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'feedback')),
    subject TEXT NOT NULL,
    content TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'web', 'chat', 'monitoring', 'walk_in', 'api')),
    complainant TEXT NOT NULL,          -- the user who brought it (a caller, a customer contact)
    contact_details TEXT,               -- how to reach them, when not through the product
    customer TEXT REFERENCES customer (code),
    service TEXT REFERENCES service (code),
    about TEXT,                         -- the record it is about: INC0000042, REQ0000007, SLA0000001
    state TEXT NOT NULL CHECK (state IN ('received', 'responded', 'resolved', 'closed', 'withdrawn')),
    assignee TEXT,
    response TEXT,                      -- the first response given to the customer
    responded_at TEXT,
    result TEXT,                        -- the handling result given back
    finding TEXT CHECK (finding IN ('upheld', 'partly_upheld', 'not_upheld')),
    resolved_at TEXT,
    closed_at TEXT,
    withdraw_reason TEXT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS complaint_by_state ON complaint (state, complaint_id);
CREATE INDEX IF NOT EXISTS complaint_by_customer ON complaint (customer, complaint_id);
CREATE INDEX IF NOT EXISTS complaint_by_complainant ON complaint (complainant, complaint_id);

-- Service requests (requirements §2.3, §7.4): orders from the published catalogue, their approvals
-- and their fulfilment tasks.
-- Owner: the service request process. The human number (REQ0000001) is derived from request_id by
-- the domain; AUTOINCREMENT keeps ids (and so numbers) from ever being reused. An order names the
-- published catalogue version and item it was ordered from, and keeps the item's name and the
-- approval rule as they read then, so later publications never change what was ordered.
CREATE TABLE IF NOT EXISTS service_request (
    request_id INTEGER PRIMARY KEY AUTOINCREMENT,
    catalogue_version INTEGER NOT NULL REFERENCES catalogue_version (catalogue_version),
    item_code TEXT NOT NULL,
    item_name TEXT NOT NULL,            -- JSON: the item's name by language tag, as published
    service_code TEXT NOT NULL REFERENCES service (code),
    customer TEXT REFERENCES customer (code),
    requested_by TEXT NOT NULL,         -- who ordered it
    requested_for TEXT NOT NULL,        -- who it is for (the orderer unless said otherwise)
    priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'moderate', 'low', 'planning')),
    answers TEXT NOT NULL,              -- JSON: the checked answers by form field key
    approval_rule TEXT CHECK (approval_rule IN ('all', 'any')),  -- NULL: no approval needed
    state TEXT NOT NULL CHECK (state IN ('awaiting_approval', 'submitted', 'assigned', 'in_progress',
        'fulfilled', 'closed', 'rejected', 'cancelled')),
    assignment_group TEXT,
    assignee TEXT,
    fulfilment_notes TEXT,
    cancel_reason TEXT,
    reassignment_count INTEGER NOT NULL DEFAULT 0,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,   -- bumped by every change; the ETag is derived from it
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    approved_at TEXT,
    fulfilled_at TEXT,
    closed_at TEXT,                     -- closed, rejected or cancelled
    FOREIGN KEY (catalogue_version, item_code) REFERENCES catalogue_item (catalogue_version, code),
    CHECK ((state IN ('assigned', 'in_progress') AND assignee IS NOT NULL) OR state NOT IN ('assigned', 'in_progress')),
    CHECK ((state = 'cancelled') = (cancel_reason IS NOT NULL)),
    CHECK ((state IN ('closed', 'rejected', 'cancelled')) = (closed_at IS NOT NULL))
);

-- The list filters, each followed by the id so that cursor pages stay index scans.
CREATE INDEX IF NOT EXISTS service_request_by_state ON service_request (state, request_id);
CREATE INDEX IF NOT EXISTS service_request_by_assignee ON service_request (assignee, request_id);
CREATE INDEX IF NOT EXISTS service_request_by_requester ON service_request (requested_by, request_id);
CREATE INDEX IF NOT EXISTS service_request_by_recipient ON service_request (requested_for, request_id);
CREATE INDEX IF NOT EXISTS service_request_by_customer ON service_request (customer, request_id);
CREATE INDEX IF NOT EXISTS service_request_by_item ON service_request (item_code, request_id);

-- One row per approver the item named when ordered ("slot"), filled by one person's decision.
CREATE TABLE IF NOT EXISTS request_approval (
    request_id INTEGER NOT NULL REFERENCES service_request (request_id),
    slot INTEGER NOT NULL,              -- 0, 1, … in the order the item lists its approvers
    approver_kind TEXT NOT NULL CHECK (approver_kind IN ('role', 'user')),
    approver TEXT NOT NULL,             -- the role name or the user name
    decision TEXT CHECK (decision IN ('approved', 'rejected')),
    reason TEXT,
    decided_by TEXT,
    decided_at TEXT,
    PRIMARY KEY (request_id, slot),
    CHECK ((decision IS NULL) = (decided_by IS NULL) AND (decision IS NULL) = (decided_at IS NULL)),
    CHECK (decision IS NOT 'rejected' OR reason IS NOT NULL)
);
-- "What awaits my decision": undecided slots by approver.
CREATE INDEX IF NOT EXISTS request_approval_undecided ON request_approval (approver_kind, approver, request_id)
    WHERE decision IS NULL;

-- Fulfilment tasks, numbered 1, 2, … within their request.
CREATE TABLE IF NOT EXISTS request_task (
    task_id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES service_request (request_id),
    task_number INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    assignment_group TEXT,
    assignee TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'done', 'cancelled')),
    notes TEXT,                         -- what was done, or why it was cancelled
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    finished_by TEXT,
    UNIQUE (request_id, task_number),
    CHECK ((state = 'open') = (finished_at IS NULL) AND (state = 'open') = (finished_by IS NULL)),
    CHECK (state IS NOT 'cancelled' OR notes IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS request_task_by_assignee ON request_task (assignee, task_id) WHERE state = 'open';

-- Problem management (requirements §2.4, §7.5): problems, their known errors, the incidents that
-- matched a known error when they were logged, and the change requests raised to fix them.
-- Owner: the problem process, except change_request (see there) and known_error_match (see there).
-- Numbers (PRB0000001, KE0000001, CHG0000001) are derived from the ids; AUTOINCREMENT keeps ids
-- from ever being reused. Links to incidents and changes are rows of record_link made from the
-- problem's side (source_kind 'problem').
CREATE TABLE IF NOT EXISTS problem (
    problem_id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT,                   -- the symptoms, as observed
    service_code TEXT NOT NULL REFERENCES service (code),
    configuration_item TEXT,
    category TEXT,
    customer TEXT REFERENCES customer (code),   -- set when it concerns one customer only
    priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'moderate', 'low', 'planning')),
    state TEXT NOT NULL CHECK (state IN ('new', 'investigating', 'fix_in_progress', 'resolved',
        'closed', 'cancelled')),
    assignment_group TEXT,
    assignee TEXT,
    root_cause TEXT,                    -- JSON: summary, category, method, who and when
    workaround TEXT,
    solution TEXT,                      -- JSON: the proposal and the problem team's decision
    resolution_notes TEXT,
    cancel_reason TEXT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,   -- bumped by every change; the ETag is derived from it
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    resolved_at TEXT,
    closed_at TEXT,                     -- closed or cancelled
    CHECK ((state = 'cancelled') = (cancel_reason IS NOT NULL)),
    CHECK ((state IN ('closed', 'cancelled')) = (closed_at IS NOT NULL)),
    CHECK (state <> 'fix_in_progress' OR solution IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS problem_by_state ON problem (state, problem_id);
CREATE INDEX IF NOT EXISTS problem_by_service ON problem (service_code, problem_id);

-- A known error: a problem's symptom with its workaround, and the terms that recognise it in a
-- new incident. Only active ones match; retired ones stay for the record.
CREATE TABLE IF NOT EXISTS known_error (
    known_error_id INTEGER PRIMARY KEY AUTOINCREMENT,
    problem_id INTEGER NOT NULL REFERENCES problem (problem_id),
    title TEXT NOT NULL,
    symptom TEXT NOT NULL,
    root_cause TEXT,
    workaround TEXT NOT NULL,
    service_code TEXT REFERENCES service (code),   -- NULL: incidents of any service match
    match_terms TEXT NOT NULL,          -- JSON: lower-case terms that must all appear
    state TEXT NOT NULL CHECK (state IN ('active', 'retired')),
    retired_reason TEXT,
    retired_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((state = 'retired') = (retired_at IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS known_error_by_state ON known_error (state, service_code);
CREATE INDEX IF NOT EXISTS known_error_by_problem ON known_error (problem_id, known_error_id);

-- The recurrence count: each incident that matched an active known error when it was logged.
-- Written by the incident process in the transaction that stores the incident (with the
-- record_link that ties the incident to the known error's problem); the problem process removes
-- a row when it unlinks that incident as a false match.
CREATE TABLE IF NOT EXISTS known_error_match (
    known_error_id INTEGER NOT NULL REFERENCES known_error (known_error_id),
    incident_id INTEGER NOT NULL REFERENCES incident (incident_id),
    matched_at TEXT NOT NULL,
    PRIMARY KEY (known_error_id, incident_id)
);

-- Requests for change. Owner: the change process, whose component comes with its own issue; until
-- then a problem raises a change here (state 'requested') and reads its state to track it.
CREATE TABLE IF NOT EXISTS change_request (
    change_id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT,
    service_code TEXT REFERENCES service (code),
    state TEXT NOT NULL CHECK (state IN ('requested', 'assessed', 'approved', 'scheduled',
        'implemented', 'closed', 'rejected', 'cancelled')),
    requested_by TEXT NOT NULL,
    problem_id INTEGER REFERENCES problem (problem_id),   -- raised to fix this problem
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS change_request_by_problem ON change_request (problem_id, change_id);

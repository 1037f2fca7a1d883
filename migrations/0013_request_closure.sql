-- How a fulfilled service request came to be closed: the requester confirmed it, or nobody
-- answered within the process's auto_close_after_hours (process_setting) and it closed itself.
-- Owner: the service request process.
ALTER TABLE service_request ADD COLUMN closure TEXT
    CHECK (closure IN ('caller_confirmed', 'desk_closed', 'auto_closed'));

-- The tick route's query: fulfilments waiting for the requester, oldest first.
CREATE INDEX IF NOT EXISTS service_request_by_fulfilment ON service_request (state, fulfilled_at);

-- A resolution's (or fulfilment's) auto-close deadline is fixed when it is given, from the
-- process's setting in force then, so changing the setting later never reopens what readers
-- were already shown closed, nor closes anything before its time. NULL: it never closes itself.
-- Owners: the incident process (incident) and the service request process (service_request).
ALTER TABLE incident ADD COLUMN auto_close_at TEXT;
ALTER TABLE service_request ADD COLUMN auto_close_at TEXT;

-- The tick routes' queries: what is due, earliest deadline first.
DROP INDEX IF EXISTS incident_by_resolution;
DROP INDEX IF EXISTS service_request_by_fulfilment;
CREATE INDEX IF NOT EXISTS incident_by_auto_close ON incident (state, auto_close_at);
CREATE INDEX IF NOT EXISTS service_request_by_auto_close ON service_request (state, auto_close_at);

-- The seeded `always` calendar counts every minute: targets that never wait for office hours
-- and the seeds' default complaint target (24 h, 72 h) rely on it, and from this version the
-- service level process refuses to change it. A deployment that edited it before is put back,
-- and its clocks are recomputed by the next SLA tick (the calendar's updated_at moves).
-- Owner: the service level process.
UPDATE business_calendar
SET zone = 'UTC',
    spec = '{"week":{"monday":["00:00-24:00"],"tuesday":["00:00-24:00"],"wednesday":["00:00-24:00"],"thursday":["00:00-24:00"],"friday":["00:00-24:00"],"saturday":["00:00-24:00"],"sunday":["00:00-24:00"]},"holidays":[],"working_days":[]}',
    zone_rules = '{"name":"UTC","transitions":[{"from":0,"offset":0,"abbreviation":"UTC"}]}',
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
    updated_by = 'system',
    version = version + 1
WHERE code = 'always'
  AND (zone <> 'UTC'
       OR spec <> '{"week":{"monday":["00:00-24:00"],"tuesday":["00:00-24:00"],"wednesday":["00:00-24:00"],"thursday":["00:00-24:00"],"friday":["00:00-24:00"],"saturday":["00:00-24:00"],"sunday":["00:00-24:00"]},"holidays":[],"working_days":[]}'
       OR zone_rules IS NULL
       OR zone_rules <> '{"name":"UTC","transitions":[{"from":0,"offset":0,"abbreviation":"UTC"}]}');

-- Each business calendar keeps its time zone compiled (UTC offsets and their names from 1970 to
-- 2100, JSON), written when the calendar is saved, so the processes that read calendars need no
-- copy of the IANA database.
-- Owner: the service level process.
ALTER TABLE business_calendar ADD COLUMN zone_rules TEXT;

UPDATE business_calendar
SET zone_rules = '{"name":"UTC","transitions":[{"from":0,"offset":0,"abbreviation":"UTC"}]}'
WHERE code = 'always' AND zone = 'UTC';

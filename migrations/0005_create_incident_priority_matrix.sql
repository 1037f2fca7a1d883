-- Priority = f(impact, urgency), kept as data so each organisation can set its own matrix through
-- the API. Owner: the incident process.
CREATE TABLE IF NOT EXISTS incident_priority_matrix (
    impact TEXT NOT NULL CHECK (impact IN ('high', 'medium', 'low')),
    urgency TEXT NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
    priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'moderate', 'low', 'planning')),
    PRIMARY KEY (impact, urgency)
);

-- The default is the matrix observed in a real ServiceNow incident log (UCI "Incident management
-- process enriched event log", CC BY 4.0): (1,1)->1, (1,2)->2, (2,1)->2, (2,2)->3, (3,1)->3,
-- (2,3)->4, (3,2)->4, (3,3)->4; the unobserved (1,3) is set to 3 so the matrix stays monotonic.
INSERT OR IGNORE INTO incident_priority_matrix (impact, urgency, priority) VALUES
    ('high', 'high', 'critical'),
    ('high', 'medium', 'high'),
    ('high', 'low', 'moderate'),
    ('medium', 'high', 'high'),
    ('medium', 'medium', 'moderate'),
    ('medium', 'low', 'low'),
    ('low', 'high', 'moderate'),
    ('low', 'medium', 'low'),
    ('low', 'low', 'low');

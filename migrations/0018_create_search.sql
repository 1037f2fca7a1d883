-- Full-text search across incidents, service requests, problems and knowledge articles
-- (issue: service desk search), kept in step with the records by triggers so no process has to
-- remember to index what it writes, and filled here with what exists already.
-- Owner: the search component reads it; the triggers write it. The trigram tokenizer matches any
-- run of three or more characters, case-insensitively, so Chinese text (written without spaces)
-- is found as well as English. Each record has one row whose rowid encodes the kind (id * 8 +
-- kind: 0 incident, 1 service request, 2 problem, 3 article working copy, 4 article as published),
-- so a change replaces its row by rowid instead of scanning the index.
CREATE VIRTUAL TABLE IF NOT EXISTS search_document USING fts5(
    title, body, tokenize = 'trigram'
);

CREATE TRIGGER IF NOT EXISTS search_incident_insert AFTER INSERT ON incident BEGIN
    INSERT INTO search_document (rowid, title, body) VALUES (new.incident_id * 8,
        new.short_description,
        coalesce(new.description, '') || ' ' || coalesce(new.category, '') || ' ' || coalesce(new.resolution_notes, '') || ' ' || coalesce(new.configuration_item, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_incident_update
AFTER UPDATE OF short_description, description, category, resolution_notes, configuration_item ON incident BEGIN
    DELETE FROM search_document WHERE rowid = old.incident_id * 8;
    INSERT INTO search_document (rowid, title, body) VALUES (new.incident_id * 8,
        new.short_description,
        coalesce(new.description, '') || ' ' || coalesce(new.category, '') || ' ' || coalesce(new.resolution_notes, '') || ' ' || coalesce(new.configuration_item, ''));
END;

CREATE TRIGGER IF NOT EXISTS search_request_insert AFTER INSERT ON service_request BEGIN
    INSERT INTO search_document (rowid, title, body) VALUES (new.request_id * 8 + 1,
        new.item_name, coalesce(new.answers, '') || ' ' || coalesce(new.fulfilment_notes, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_request_update
AFTER UPDATE OF fulfilment_notes ON service_request BEGIN
    DELETE FROM search_document WHERE rowid = old.request_id * 8 + 1;
    INSERT INTO search_document (rowid, title, body) VALUES (new.request_id * 8 + 1,
        new.item_name, coalesce(new.answers, '') || ' ' || coalesce(new.fulfilment_notes, ''));
END;

CREATE TRIGGER IF NOT EXISTS search_problem_insert AFTER INSERT ON problem BEGIN
    INSERT INTO search_document (rowid, title, body) VALUES (new.problem_id * 8 + 2,
        new.title,
        coalesce(new.description, '') || ' ' || coalesce(new.category, '') || ' ' || coalesce(json_extract(new.root_cause, '$.summary'), '') || ' ' || coalesce(new.workaround, '') || ' ' || coalesce(json_extract(new.solution, '$.description'), '') || ' ' || coalesce(new.resolution_notes, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_problem_update
AFTER UPDATE OF title, description, category, root_cause, workaround, solution, resolution_notes ON problem BEGIN
    DELETE FROM search_document WHERE rowid = old.problem_id * 8 + 2;
    INSERT INTO search_document (rowid, title, body) VALUES (new.problem_id * 8 + 2,
        new.title,
        coalesce(new.description, '') || ' ' || coalesce(new.category, '') || ' ' || coalesce(json_extract(new.root_cause, '$.summary'), '') || ' ' || coalesce(new.workaround, '') || ' ' || coalesce(json_extract(new.solution, '$.description'), '') || ' ' || coalesce(new.resolution_notes, ''));
END;

-- Articles: the working copy (for staff) and the latest published version (for customers).
CREATE TRIGGER IF NOT EXISTS search_article_insert AFTER INSERT ON knowledge_article BEGIN
    INSERT INTO search_document (rowid, title, body) VALUES (new.article_id * 8 + 3,
        new.title, coalesce(new.summary, '') || ' ' || coalesce(new.body, '') || ' ' || coalesce(new.category, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_article_update
AFTER UPDATE OF title, summary, body, category ON knowledge_article BEGIN
    DELETE FROM search_document WHERE rowid = old.article_id * 8 + 3;
    INSERT INTO search_document (rowid, title, body) VALUES (new.article_id * 8 + 3,
        new.title, coalesce(new.summary, '') || ' ' || coalesce(new.body, '') || ' ' || coalesce(new.category, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_article_publish AFTER INSERT ON knowledge_article_version BEGIN
    DELETE FROM search_document WHERE rowid = new.article_id * 8 + 4;
    INSERT INTO search_document (rowid, title, body) VALUES (new.article_id * 8 + 4,
        new.title, coalesce(new.summary, '') || ' ' || coalesce(new.body, '') || ' ' || coalesce(new.category, ''));
END;

-- What exists already.
INSERT INTO search_document (rowid, title, body)
    SELECT incident_id * 8, short_description,
        coalesce(description, '') || ' ' || coalesce(category, '') || ' ' || coalesce(resolution_notes, '') || ' ' || coalesce(configuration_item, '') FROM incident;
INSERT INTO search_document (rowid, title, body)
    SELECT request_id * 8 + 1, item_name, coalesce(answers, '') || ' ' || coalesce(fulfilment_notes, '') FROM service_request;
INSERT INTO search_document (rowid, title, body)
    SELECT problem_id * 8 + 2, title,
        coalesce(description, '') || ' ' || coalesce(category, '') || ' ' || coalesce(json_extract(root_cause, '$.summary'), '') || ' ' || coalesce(workaround, '') || ' ' || coalesce(json_extract(solution, '$.description'), '') || ' ' || coalesce(resolution_notes, '') FROM problem;
INSERT INTO search_document (rowid, title, body)
    SELECT article_id * 8 + 3, title, coalesce(summary, '') || ' ' || coalesce(body, '') || ' ' || coalesce(category, '') FROM knowledge_article;
INSERT INTO search_document (rowid, title, body)
    SELECT v.article_id * 8 + 4, v.title, coalesce(v.summary, '') || ' ' || coalesce(v.body, '') || ' ' || coalesce(v.category, '')
    FROM knowledge_article_version v JOIN knowledge_article a
        ON a.article_id = v.article_id AND a.published_version = v.version_number;

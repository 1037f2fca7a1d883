-- The search index holds the text of stored JSON (a request's item name and answers, an article's
-- title, summary and body by language), not its keys and punctuation, so "en" or "description"
-- match nothing and passages read as text. Replaces the JSON-carrying triggers of 0018 and
-- re-indexes those rows. Owner: as 0018.
DROP TRIGGER IF EXISTS search_request_insert;
DROP TRIGGER IF EXISTS search_request_update;
DROP TRIGGER IF EXISTS search_article_insert;
DROP TRIGGER IF EXISTS search_article_update;
DROP TRIGGER IF EXISTS search_article_publish;

CREATE TRIGGER IF NOT EXISTS search_request_insert AFTER INSERT ON service_request BEGIN
    INSERT INTO search_document (rowid, title, body) VALUES (new.request_id * 8 + 1,
        (SELECT group_concat(value, ' / ') FROM json_each(new.item_name)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(new.answers)), '') || ' '
            || coalesce(new.fulfilment_notes, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_request_update
AFTER UPDATE OF item_name, answers, fulfilment_notes ON service_request BEGIN
    DELETE FROM search_document WHERE rowid = old.request_id * 8 + 1;
    INSERT INTO search_document (rowid, title, body) VALUES (new.request_id * 8 + 1,
        (SELECT group_concat(value, ' / ') FROM json_each(new.item_name)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(new.answers)), '') || ' '
            || coalesce(new.fulfilment_notes, ''));
END;

CREATE TRIGGER IF NOT EXISTS search_article_insert AFTER INSERT ON knowledge_article BEGIN
    INSERT INTO search_document (rowid, title, body) VALUES (new.article_id * 8 + 3,
        (SELECT group_concat(value, ' / ') FROM json_each(new.title)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(new.summary)), '') || ' '
            || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.body)), '') || ' '
            || coalesce(new.category, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_article_update
AFTER UPDATE OF title, summary, body, category ON knowledge_article BEGIN
    DELETE FROM search_document WHERE rowid = old.article_id * 8 + 3;
    INSERT INTO search_document (rowid, title, body) VALUES (new.article_id * 8 + 3,
        (SELECT group_concat(value, ' / ') FROM json_each(new.title)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(new.summary)), '') || ' '
            || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.body)), '') || ' '
            || coalesce(new.category, ''));
END;
CREATE TRIGGER IF NOT EXISTS search_article_publish AFTER INSERT ON knowledge_article_version BEGIN
    DELETE FROM search_document WHERE rowid = new.article_id * 8 + 4;
    INSERT INTO search_document (rowid, title, body) VALUES (new.article_id * 8 + 4,
        (SELECT group_concat(value, ' / ') FROM json_each(new.title)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(new.summary)), '') || ' '
            || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.body)), '') || ' '
            || coalesce(new.category, ''));
END;

-- Re-index what exists.
DELETE FROM search_document WHERE rowid % 8 IN (1, 3, 4);
INSERT INTO search_document (rowid, title, body)
    SELECT request_id * 8 + 1,
        (SELECT group_concat(value, ' / ') FROM json_each(item_name)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(answers)), '') || ' '
            || coalesce(fulfilment_notes, '')
    FROM service_request;
INSERT INTO search_document (rowid, title, body)
    SELECT article_id * 8 + 3,
        (SELECT group_concat(value, ' / ') FROM json_each(title)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(summary)), '') || ' '
            || coalesce((SELECT group_concat(value, ' ') FROM json_each(body)), '') || ' '
            || coalesce(category, '')
    FROM knowledge_article;
INSERT INTO search_document (rowid, title, body)
    SELECT v.article_id * 8 + 4,
        (SELECT group_concat(value, ' / ') FROM json_each(v.title)),
        coalesce((SELECT group_concat(value, ' ') FROM json_each(v.summary)), '') || ' '
            || coalesce((SELECT group_concat(value, ' ') FROM json_each(v.body)), '') || ' '
            || coalesce(v.category, '')
    FROM knowledge_article_version v JOIN knowledge_article a
        ON a.article_id = v.article_id AND a.published_version = v.version_number;

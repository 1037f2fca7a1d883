-- Knowledge management (requirements §2.19, §7.19): articles with a working copy that staff edit,
-- the versions published from it (never changed once published), and a review date that keeps the
-- base "updated regularly" [002 §6.3].
-- Owner: the knowledge process. Numbers (KB0000001) are derived from article_id; AUTOINCREMENT keeps
-- them from ever being reused. Links to problems, known errors and services are record_link rows
-- made from the article's side (source_kind 'article', relation 'documents').
CREATE TABLE IF NOT EXISTS knowledge_article (
    article_id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The working copy. Title, summary and body are JSON: the text by language tag ({"en": …, "zh": …}).
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    category TEXT,
    audience TEXT NOT NULL CHECK (audience IN ('internal', 'customer')),
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'retired')),
    published_version INTEGER,          -- the latest published version's number
    review_due TEXT,                    -- YYYY-MM-DD; set when published, moved on by each review
    last_reviewed_at TEXT,
    last_reviewed_by TEXT,
    retired_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,  -- the row's version for ETags, not a published version
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    CHECK (state <> 'draft' OR published_version IS NULL),
    CHECK (state <> 'published' OR published_version IS NOT NULL),
    CHECK ((state = 'retired') = (retired_reason IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS knowledge_article_by_state ON knowledge_article (state, article_id);
CREATE INDEX IF NOT EXISTS knowledge_article_by_review ON knowledge_article (state, review_due);

-- Each published version as it was published.
CREATE TABLE IF NOT EXISTS knowledge_article_version (
    article_id INTEGER NOT NULL REFERENCES knowledge_article (article_id),
    version_number INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    category TEXT,
    audience TEXT NOT NULL,
    change_note TEXT,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (article_id, version_number)
);

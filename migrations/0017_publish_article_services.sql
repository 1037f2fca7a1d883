-- The services a published knowledge article is about, frozen with each version: customers see
-- the services of the version they read, so a draft's link changes reach them only when published.
-- Owner: the knowledge process. JSON: a list of service codes.
ALTER TABLE knowledge_article_version ADD COLUMN services TEXT NOT NULL DEFAULT '[]';

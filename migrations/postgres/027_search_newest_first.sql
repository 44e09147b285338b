-- 027_search_newest_first.sql (PostgreSQL): each kind's pieces newest
-- first, from an index. The search (src/search/search.c) reads a kind's
-- newest pieces through it before it asks the kind's GIN index for older
-- ones: a GIN index returns matches in no order, so a word common in a
-- kind cost a visit to each of its matches before the newest six were
-- sorted out. (On SQLite this migration turns the FTS5 indexes around.)
CREATE INDEX search_docs_recent ON search_docs (kind, id);

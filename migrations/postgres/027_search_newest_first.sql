-- 027_search_newest_first.sql (PostgreSQL): each kind's pieces newest
-- first, from an index. The search (src/search/search.c) reads a kind's
-- newest pieces through it before it asks the kind's GIN index for older
-- ones: a GIN index returns matches in no order, so a word common in a
-- kind cost a visit to each of its matches before the newest six were
-- sorted out. (On SQLite this migration turns the FTS5 indexes around.)
CREATE INDEX search_docs_recent ON search_docs (kind, id);
-- The Latin words the index holds, so that a word being typed ("part") is
-- asked as the words it begins (part, partition, partitioned). Compared
-- as bytes (COLLATE "C"), so that every word beginning with a term sorts
-- between it and the term with its last letter one higher. The indexing
-- adds words and never takes one away. Every piece is indexed again to
-- fill it.
CREATE TABLE search_words (word text COLLATE "C" PRIMARY KEY);
INSERT INTO search_queue (kind, ref_id) SELECT kind, ref_id FROM search_docs;

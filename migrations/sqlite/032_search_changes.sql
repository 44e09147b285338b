-- 032_search_changes.sql (SQLite): every change to search_docs, in the
-- order of its commits, so that each server's search index in memory
-- (src/search/memory.c) reads what changed since it last looked, whoever
-- indexed it. Each change moves the "search" version, which tells every
-- server to look. The indexing keeps the newest 100,000 changes; a
-- server further behind builds its index again.
CREATE TABLE search_changes (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	doc_id INTEGER NOT NULL
);
CREATE TRIGGER search_changes_i AFTER INSERT ON search_docs BEGIN INSERT INTO search_changes (doc_id) VALUES (new.id); END;
CREATE TRIGGER search_changes_u AFTER UPDATE ON search_docs BEGIN INSERT INTO search_changes (doc_id) VALUES (new.id); END;
CREATE TRIGGER search_changes_d AFTER DELETE ON search_docs BEGIN INSERT INTO search_changes (doc_id) VALUES (old.id); END;
CREATE TRIGGER search_v_changes AFTER INSERT ON search_changes BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'search'; END;

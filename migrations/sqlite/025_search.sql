-- 025_search.sql (SQLite): one search over articles, events and
-- organizations (and what later features add). search_docs holds each
-- public piece's text and its grams: every Chinese character and every
-- pair of neighbours, and each Latin word lower-cased, as the server's
-- tokenizer writes them (src/base/grams.c); search_fts_KIND indexes the
-- grams with FTS5's plain unicode61 tokenizer, so a one- or two-character query
-- ("索引", "华为") is a token lookup, not a scan of every body (the
-- trigram tokenizer needs three). The sources' triggers only queue what
-- changed, in plain SQL, so any writer (a second server, the sqlite3
-- shell) keeps the queue right; the server tokenizes the queue before it
-- searches.
CREATE TABLE search_docs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	ref_id INTEGER NOT NULL,
	title_zh TEXT NOT NULL,
	title_en TEXT NOT NULL,
	body TEXT NOT NULL,
	at INTEGER NOT NULL,
	shown_from INTEGER,
	grams TEXT NOT NULL,
	UNIQUE (kind, ref_id)
);
-- One FTS5 index per kind, so a query of one kind reads only that kind's
-- lists of documents: a word common in articles costs a search of the
-- knowledge base nothing. The triggers send each row to its kind's index.
CREATE VIRTUAL TABLE search_fts_article USING fts5(grams, content='search_docs', content_rowid='id', tokenize='unicode61');
CREATE VIRTUAL TABLE search_fts_kb USING fts5(grams, content='search_docs', content_rowid='id', tokenize='unicode61');
CREATE VIRTUAL TABLE search_fts_question USING fts5(grams, content='search_docs', content_rowid='id', tokenize='unicode61');
CREATE VIRTUAL TABLE search_fts_event USING fts5(grams, content='search_docs', content_rowid='id', tokenize='unicode61');
CREATE VIRTUAL TABLE search_fts_org USING fts5(grams, content='search_docs', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER search_fts_i AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts_article(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'article';
	INSERT INTO search_fts_kb(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'kb';
	INSERT INTO search_fts_question(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'question';
	INSERT INTO search_fts_event(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'event';
	INSERT INTO search_fts_org(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'org';
END;
CREATE TRIGGER search_fts_d AFTER DELETE ON search_docs BEGIN
	INSERT INTO search_fts_article(search_fts_article, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'article';
	INSERT INTO search_fts_kb(search_fts_kb, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'kb';
	INSERT INTO search_fts_question(search_fts_question, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'question';
	INSERT INTO search_fts_event(search_fts_event, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'event';
	INSERT INTO search_fts_org(search_fts_org, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'org';
END;
CREATE TRIGGER search_fts_u AFTER UPDATE ON search_docs BEGIN
	INSERT INTO search_fts_article(search_fts_article, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'article';
	INSERT INTO search_fts_kb(search_fts_kb, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'kb';
	INSERT INTO search_fts_question(search_fts_question, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'question';
	INSERT INTO search_fts_event(search_fts_event, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'event';
	INSERT INTO search_fts_org(search_fts_org, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.kind = 'org';
	INSERT INTO search_fts_article(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'article';
	INSERT INTO search_fts_kb(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'kb';
	INSERT INTO search_fts_question(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'question';
	INSERT INTO search_fts_event(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'event';
	INSERT INTO search_fts_org(rowid, grams) SELECT new.id, new.grams WHERE new.kind = 'org';
END;

CREATE TABLE search_queue (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	ref_id INTEGER NOT NULL
);
INSERT INTO cache_versions (name, shard, version) VALUES ('search', 0, 1);
CREATE TRIGGER search_v_queue AFTER INSERT ON search_queue BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'search'; END;

CREATE TRIGGER search_q_articles_i AFTER INSERT ON articles BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('article', new.id); END;
CREATE TRIGGER search_q_articles_u AFTER UPDATE ON articles BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('article', new.id); END;
CREATE TRIGGER search_q_articles_d AFTER DELETE ON articles BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('article', old.id); END;
CREATE TRIGGER search_q_events_i AFTER INSERT ON events BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('event', new.id); END;
CREATE TRIGGER search_q_events_u AFTER UPDATE OF title_zh, title_en, description, description_en, venue, venue_en, status, starts_at, city_id ON events BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('event', new.id); END;
CREATE TRIGGER search_q_events_d AFTER DELETE ON events BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('event', old.id); END;
CREATE TRIGGER search_q_orgs_i AFTER INSERT ON orgs BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('org', new.id); END;
CREATE TRIGGER search_q_orgs_u AFTER UPDATE OF name_zh, name_en, search_text, category, industry ON orgs BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('org', new.id); END;
CREATE TRIGGER search_q_orgs_d AFTER DELETE ON orgs BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('org', old.id); END;

INSERT INTO search_queue (kind, ref_id) SELECT 'event', id FROM events;
INSERT INTO search_queue (kind, ref_id) SELECT 'org', id FROM orgs;
INSERT INTO search_queue (kind, ref_id) SELECT 'article', id FROM articles;

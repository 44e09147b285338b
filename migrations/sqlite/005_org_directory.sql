-- 005_org_directory.sql (SQLite): aliases, descriptions and name search.
-- search_text holds every name and alias of an organization, lower-cased;
-- orgs_fts indexes it with the trigram tokenizer for 3+ character queries
-- (shorter ones read orgs directly: a trigram MATCH needs 3 characters).
ALTER TABLE orgs ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

CREATE TABLE org_aliases (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	alias TEXT NOT NULL UNIQUE
);
CREATE INDEX org_aliases_org ON org_aliases(org_id);

CREATE VIRTUAL TABLE orgs_fts USING fts5(search_text, content='orgs', content_rowid='id', tokenize='trigram');
CREATE TRIGGER orgs_fts_i AFTER INSERT ON orgs BEGIN
	INSERT INTO orgs_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER orgs_fts_d AFTER DELETE ON orgs BEGIN
	INSERT INTO orgs_fts(orgs_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER orgs_fts_u AFTER UPDATE OF search_text ON orgs BEGIN
	INSERT INTO orgs_fts(orgs_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
	INSERT INTO orgs_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;

UPDATE orgs SET search_text = lower(name_zh || ' ' || coalesce(name_en, ''));

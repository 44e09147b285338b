-- 029_wishes.sql (SQLite): the wish wall. A member's wish for PostgreSQL
-- (a kernel feature, an extension, a tool, the documentation, a vendor's
-- product, the community), in Chinese or English with an optional
-- translation; members vote once each; organizers move it along a trail
-- (under review, forwarded with the link to the hackers' thread or the
-- CommitFest entry, in development, implemented in a version, declined,
-- or a duplicate of another wish, which takes its votes and followers),
-- each step kept with who made it and why. `votes` is the count of
-- wish_votes, changed in the same transaction as they are.
CREATE TABLE wishes (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id INTEGER NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL CHECK (kind IN ('kernel', 'extension', 'tool', 'docs', 'vendor', 'community')),
	lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
	title TEXT NOT NULL CHECK (title <> ''),
	body TEXT NOT NULL DEFAULT '',
	title_tr TEXT NOT NULL DEFAULT '',
	body_tr TEXT NOT NULL DEFAULT '',
	pg_version TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'review', 'forwarded', 'developing', 'implemented', 'declined', 'duplicate')),
	status_reason TEXT NOT NULL DEFAULT '',
	status_link TEXT NOT NULL DEFAULT '',
	shipped_in TEXT NOT NULL DEFAULT '',
	duplicate_of INTEGER REFERENCES wishes(id),
	shown TEXT NOT NULL DEFAULT 'visible' CHECK (shown IN ('visible', 'pending', 'hidden')),
	hidden_reason TEXT NOT NULL DEFAULT '',
	votes INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
	created_at INTEGER NOT NULL,
	active_at INTEGER NOT NULL
);
CREATE INDEX wishes_top ON wishes(shown, votes, id);
CREATE INDEX wishes_new ON wishes(shown, id);
CREATE INDEX wishes_status ON wishes(status, shown, id);
CREATE INDEX wishes_user ON wishes(user_id, shown);

CREATE TABLE wish_votes (
	wish_id INTEGER NOT NULL REFERENCES wishes(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (wish_id, user_id)
);
CREATE INDEX wish_votes_user ON wish_votes(user_id, wish_id);

-- Who is told of each step: the author, the voters (while they vote for
-- it) and whoever follows it; `token` is the mail's link to stop.
CREATE TABLE wish_followers (
	wish_id INTEGER NOT NULL REFERENCES wishes(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	token TEXT NOT NULL UNIQUE,
	stopped INTEGER NOT NULL DEFAULT 0 CHECK (stopped IN (0, 1)),
	PRIMARY KEY (wish_id, user_id)
);

CREATE TABLE wish_trail (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	wish_id INTEGER NOT NULL REFERENCES wishes(id),
	status TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',
	shipped_in TEXT NOT NULL DEFAULT '',
	by_user INTEGER NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL
);
CREATE INDEX wish_trail_wish ON wish_trail(wish_id, id);

INSERT INTO cache_versions (name, shard, version) VALUES ('wishes', 0, 1);
CREATE TRIGGER wishes_v_i AFTER INSERT ON wishes BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'wishes'; END;
CREATE TRIGGER wishes_v_u AFTER UPDATE ON wishes BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'wishes'; END;
CREATE TRIGGER wishes_v_d AFTER DELETE ON wishes BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'wishes'; END;
CREATE TRIGGER wish_trail_v AFTER INSERT ON wish_trail BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'wishes'; END;
-- A wish's page shows its reader whether they follow it: kept pages of it
-- follow that too.
CREATE TRIGGER wish_followers_v_i AFTER INSERT ON wish_followers BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'wishes'; END;
CREATE TRIGGER wish_followers_v_u AFTER UPDATE ON wish_followers BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'wishes'; END;

-- The search: one index more, and the wishes' changes queued.
CREATE VIRTUAL TABLE search_fts_wish USING fts5(grams, content='', tokenize='unicode61');
DROP TRIGGER search_fts_i;
DROP TRIGGER search_fts_d;
DROP TRIGGER search_fts_u;
CREATE TRIGGER search_fts_i AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts_article(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'article';
	INSERT INTO search_fts_kb(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'kb';
	INSERT INTO search_fts_question(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'question';
	INSERT INTO search_fts_event(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'event';
	INSERT INTO search_fts_org(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'org';
	INSERT INTO search_fts_wish(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'wish';
END;
CREATE TRIGGER search_fts_d AFTER DELETE ON search_docs BEGIN
	INSERT INTO search_fts_article(search_fts_article, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'article';
	INSERT INTO search_fts_kb(search_fts_kb, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'kb';
	INSERT INTO search_fts_question(search_fts_question, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'question';
	INSERT INTO search_fts_event(search_fts_event, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'event';
	INSERT INTO search_fts_org(search_fts_org, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'org';
	INSERT INTO search_fts_wish(search_fts_wish, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'wish';
END;
CREATE TRIGGER search_fts_u AFTER UPDATE OF kind, grams ON search_docs BEGIN
	INSERT INTO search_fts_article(search_fts_article, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'article';
	INSERT INTO search_fts_kb(search_fts_kb, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'kb';
	INSERT INTO search_fts_question(search_fts_question, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'question';
	INSERT INTO search_fts_event(search_fts_event, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'event';
	INSERT INTO search_fts_org(search_fts_org, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'org';
	INSERT INTO search_fts_wish(search_fts_wish, rowid, grams) SELECT 'delete', -old.id, old.grams WHERE old.kind = 'wish';
	INSERT INTO search_fts_article(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'article';
	INSERT INTO search_fts_kb(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'kb';
	INSERT INTO search_fts_question(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'question';
	INSERT INTO search_fts_event(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'event';
	INSERT INTO search_fts_org(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'org';
	INSERT INTO search_fts_wish(rowid, grams) SELECT -new.id, new.grams WHERE new.kind = 'wish';
END;
CREATE TRIGGER search_q_wishes_i AFTER INSERT ON wishes BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('wish', new.id); END;
CREATE TRIGGER search_q_wishes_u AFTER UPDATE OF title, body, title_tr, body_tr, status, shown ON wishes BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('wish', new.id); END;
CREATE TRIGGER search_q_wishes_d AFTER DELETE ON wishes BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('wish', old.id); END;

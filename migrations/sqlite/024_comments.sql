-- 024_comments.sql (SQLite): members' comments on what others publish (an
-- article now, a wish later), with one level of replies. A comment is
-- visible, waiting for review (a new member's first ones) or hidden by an
-- editor with a reason; nothing is deleted, so a thread keeps its shape.
CREATE TABLE comments (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	target_kind TEXT NOT NULL,
	target_id INTEGER NOT NULL,
	page TEXT NOT NULL,
	parent_id INTEGER REFERENCES comments(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	body TEXT NOT NULL CHECK (body <> ''),
	status TEXT NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'pending', 'hidden')),
	reason TEXT NOT NULL DEFAULT '',
	moderated_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX comments_target ON comments(target_kind, target_id, id);
CREATE INDEX comments_user ON comments(user_id, status);
CREATE INDEX comments_pending ON comments(status, id);

INSERT INTO cache_versions (name, shard, version) VALUES ('comments', 0, 1);
CREATE TRIGGER comments_v_i AFTER INSERT ON comments BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'comments'; END;
CREATE TRIGGER comments_v_u AFTER UPDATE ON comments BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'comments'; END;
CREATE TRIGGER comments_v_d AFTER DELETE ON comments BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'comments'; END;

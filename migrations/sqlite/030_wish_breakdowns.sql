-- 030_wish_breakdowns.sql (SQLite): who wants a wish, how much it is
-- talked about now, and what it won.
--
-- Each vote keeps who the voter was when they voted (job role, their
-- organization's category and industry; '' when not known), and
-- wish_segments counts a wish's votes by each of those and by each pair
-- and the three together ("r=dba&i=bank": DBAs at banks), changed in the
-- vote's own transaction, so "what DBAs at banks want" is one index range
-- and a wish's breakdown a few rows.
ALTER TABLE wish_votes ADD COLUMN job_role TEXT NOT NULL DEFAULT '';
ALTER TABLE wish_votes ADD COLUMN org_category TEXT NOT NULL DEFAULT '';
ALTER TABLE wish_votes ADD COLUMN org_industry TEXT NOT NULL DEFAULT '';
UPDATE wish_votes SET
	job_role = coalesce((SELECT u.job_role FROM users u WHERE u.id = wish_votes.user_id), ''),
	org_category = coalesce((SELECT o.category FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = wish_votes.user_id), ''),
	org_industry = coalesce((SELECT o.industry FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = wish_votes.user_id), '');

CREATE TABLE wish_segments (
	wish_id INTEGER NOT NULL REFERENCES wishes(id),
	segment TEXT NOT NULL,
	votes INTEGER NOT NULL CHECK (votes >= 0),
	PRIMARY KEY (wish_id, segment)
);
CREATE INDEX wish_segments_top ON wish_segments(segment, votes, wish_id);
WITH v AS (SELECT wish_id, job_role AS r, org_category AS c, org_industry AS i FROM wish_votes)
INSERT INTO wish_segments (wish_id, segment, votes)
SELECT wish_id, seg, count(*) FROM (
	SELECT wish_id, 'r=' || r AS seg FROM v WHERE r <> ''
	UNION ALL SELECT wish_id, 'c=' || c FROM v WHERE c <> ''
	UNION ALL SELECT wish_id, 'i=' || i FROM v WHERE i <> ''
	UNION ALL SELECT wish_id, 'r=' || r || '&c=' || c FROM v WHERE r <> '' AND c <> ''
	UNION ALL SELECT wish_id, 'r=' || r || '&i=' || i FROM v WHERE r <> '' AND i <> ''
	UNION ALL SELECT wish_id, 'c=' || c || '&i=' || i FROM v WHERE c <> '' AND i <> ''
	UNION ALL SELECT wish_id, 'r=' || r || '&c=' || c || '&i=' || i FROM v WHERE r <> '' AND c <> '' AND i <> ''
) s GROUP BY wish_id, seg;

-- Trending: each vote and visible comment counts, halved every seven
-- days of its age. `heat` is log2 of that sum taken at 2026-01-01
-- (1767225600) in weeks: the order is the same whatever day it is read,
-- so trending is one index, and each vote or comment adds its 2^week
-- in its own statement. The wish itself counts as one at its posting.
-- (The math functions are Debian's libsqlite3's, built with them.)
ALTER TABLE wishes ADD COLUMN heat REAL NOT NULL DEFAULT 0;
UPDATE wishes SET heat = (created_at - 1767225600) / 604800.0 + log2(1
	+ coalesce((SELECT sum(pow(2, min(max((v.created_at - wishes.created_at) / 604800.0, -60), 1000)))
		FROM wish_votes v WHERE v.wish_id = wishes.id), 0)
	+ coalesce((SELECT sum(pow(2, min(max((m.created_at - wishes.created_at) / 604800.0, -60), 1000)))
		FROM comments m WHERE m.target_kind = 'wish' AND m.target_id = wishes.id AND m.status = 'visible'), 0));
CREATE INDEX wishes_heat ON wishes(shown, heat, id);
CREATE TRIGGER wish_heat_comment_i AFTER INSERT ON comments WHEN new.target_kind = 'wish' AND new.status = 'visible' BEGIN
	UPDATE wishes SET heat = max(heat, (new.created_at - 1767225600) / 604800.0)
		+ log2(1 + pow(2, max(-abs(heat - (new.created_at - 1767225600) / 604800.0), -60))) WHERE id = new.target_id;
END;
CREATE TRIGGER wish_heat_comment_u AFTER UPDATE OF status ON comments
WHEN new.target_kind = 'wish' AND (old.status = 'visible') <> (new.status = 'visible') BEGIN
	UPDATE wishes SET heat = CASE WHEN new.status = 'visible'
		THEN max(heat, (new.created_at - 1767225600) / 604800.0)
			+ log2(1 + pow(2, max(-abs(heat - (new.created_at - 1767225600) / 604800.0), -60)))
		ELSE heat + log2(max(1 - pow(2, min((new.created_at - 1767225600) / 604800.0 - heat, 0)), 1e-12)) END
	WHERE id = new.target_id;
END;

-- Rewards an organizer gave for a wish (a T-shirt, a book, stickers or
-- something else, with a note): shown on the wish and on the member's
-- public profile, and kept as the record the points will read.
CREATE TABLE wish_rewards (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	wish_id INTEGER NOT NULL REFERENCES wishes(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL CHECK (kind IN ('tshirt', 'book', 'stickers', 'other')),
	note TEXT NOT NULL DEFAULT '',
	given_by INTEGER NOT NULL REFERENCES users(id),
	given_at INTEGER NOT NULL
);
CREATE INDEX wish_rewards_wish ON wish_rewards(wish_id, id);
CREATE INDEX wish_rewards_user ON wish_rewards(user_id, id);
INSERT INTO cache_versions (name, shard, version) VALUES ('rewards', 0, 1);
CREATE TRIGGER wish_rewards_v_i AFTER INSERT ON wish_rewards BEGIN
	UPDATE cache_versions SET version = version + 1 WHERE name IN ('rewards', 'wishes');
END;
CREATE TRIGGER wish_rewards_v_d AFTER DELETE ON wish_rewards BEGIN
	UPDATE cache_versions SET version = version + 1 WHERE name IN ('rewards', 'wishes');
END;

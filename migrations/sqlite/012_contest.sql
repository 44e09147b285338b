-- 012_contest.sql (SQLite): the debate a salon may hold (its motion, the
-- teams and their captains, the questions each team asked with the answer
-- given, the winner) and share-to-win prize draws (entries with their
-- proof and like count, a like threshold, the prizes, and the published
-- seed the winners follow from, so anyone can re-run the draw).
ALTER TABLE events ADD COLUMN debate_motion TEXT;

CREATE TABLE debate_teams (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	side TEXT NOT NULL DEFAULT '',         -- "正方 / for", as announced
	captain TEXT NOT NULL DEFAULT '',
	members TEXT NOT NULL DEFAULT '',
	won INTEGER NOT NULL DEFAULT 0 CHECK (won IN (0, 1)),
	created_at INTEGER NOT NULL,
	UNIQUE (event_id, name)
);
CREATE UNIQUE INDEX debate_teams_winner ON debate_teams(event_id) WHERE won = 1;

-- A question one team asked, the answer it got; kb marks it ready to
-- become a knowledge-base entry.
CREATE TABLE debate_questions (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	team_id INTEGER NOT NULL REFERENCES debate_teams(id) ON DELETE CASCADE,
	question TEXT NOT NULL,
	answer TEXT NOT NULL DEFAULT '',
	kb INTEGER NOT NULL DEFAULT 0 CHECK (kb IN (0, 1)),
	created_at INTEGER NOT NULL
);
CREATE INDEX debate_questions_event ON debate_questions(event_id, id);

CREATE TABLE prize_draws (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	min_likes INTEGER NOT NULL DEFAULT 0 CHECK (min_likes >= 0),
	prizes TEXT NOT NULL,                  -- one prize per line, first line first
	seed TEXT,                             -- NULL until drawn
	drawn_at INTEGER,
	drawn_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	CHECK ((seed IS NULL) = (drawn_at IS NULL))
);
CREATE INDEX prize_draws_event ON prize_draws(event_id, id);

-- no numbers the entries within their draw; the draw hashes "seed:no".
CREATE TABLE prize_entries (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	draw_id INTEGER NOT NULL REFERENCES prize_draws(id) ON DELETE CASCADE,
	no INTEGER NOT NULL CHECK (no > 0),
	user_id INTEGER REFERENCES users(id),
	name TEXT NOT NULL,
	proof TEXT NOT NULL DEFAULT '',        -- a link to the share, or a note
	likes INTEGER NOT NULL CHECK (likes >= 0),
	rank INTEGER CHECK (rank > 0),         -- set for winners by the draw
	prize TEXT,
	created_at INTEGER NOT NULL,
	UNIQUE (draw_id, no),
	UNIQUE (draw_id, name),
	UNIQUE (draw_id, rank)
);
CREATE UNIQUE INDEX prize_entries_member ON prize_entries(draw_id, user_id) WHERE user_id IS NOT NULL;

CREATE TRIGGER events_v_teams_i AFTER INSERT ON debate_teams BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_teams_u AFTER UPDATE ON debate_teams BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_teams_d AFTER DELETE ON debate_teams BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_questions_i AFTER INSERT ON debate_questions BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_questions_u AFTER UPDATE ON debate_questions BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_questions_d AFTER DELETE ON debate_questions BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_draws_i AFTER INSERT ON prize_draws BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_draws_u AFTER UPDATE ON prize_draws BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_draws_d AFTER DELETE ON prize_draws BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_entries_i AFTER INSERT ON prize_entries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_entries_u AFTER UPDATE ON prize_entries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_entries_d AFTER DELETE ON prize_entries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;

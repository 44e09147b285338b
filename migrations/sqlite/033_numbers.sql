-- 033_numbers.sql (SQLite): the community's numbers, counted by pgherd
-- itself.
--
-- page_views: what the server saw of its pages, written in batches by one
-- writer (numbers/writer.c), a row per visitor, page, source and kind of
-- device in each batch, with how many times. `day` is the community's
-- calendar day (days since 1970-01-01 in Asia/Shanghai). `visitor` is 64
-- bits of a keyed hash of the address and the browser, keyed with that
-- day's salt (view_salts), which is deleted once the day is over: a
-- visitor is one a day and cannot be followed across days, and no address
-- is kept. device: pc, phone, tablet, or bot (known crawlers, counted
-- apart); media: text, audio, video; source: what brought the visitor
-- ('' typed or bookmarked, 'ref:HOST', 'ch:KEY', 'utm:VALUE', 'via:CODE'
-- for an event's channel link, 'app:NAME' for a chat app's browser);
-- channel_id the channel that source belongs to, when one does.
CREATE TABLE page_views (
	day INTEGER NOT NULL,
	at INTEGER NOT NULL,
	visitor INTEGER NOT NULL,
	path TEXT NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	channel_id INTEGER,
	device TEXT NOT NULL CHECK (device IN ('pc', 'phone', 'tablet', 'bot')),
	media TEXT NOT NULL CHECK (media IN ('text', 'audio', 'video')),
	member INTEGER NOT NULL DEFAULT 0 CHECK (member IN (0, 1)),
	views INTEGER NOT NULL CHECK (views > 0)
);
CREATE INDEX page_views_day ON page_views(day);

CREATE TABLE view_salts (
	day INTEGER PRIMARY KEY,
	salt TEXT NOT NULL
);

-- A finished day summed up, so charts over a year read a row a day:
-- dim 'all' (key ''), 'device', 'media', 'channel' (a channel's id, or
-- 'direct', 'search' for search engines, 'other'), 'path', 'bot'.
-- visitors counts each visitor once within the row.
CREATE TABLE view_days (
	day INTEGER NOT NULL,
	dim TEXT NOT NULL,
	key TEXT NOT NULL,
	views INTEGER NOT NULL,
	visitors INTEGER NOT NULL,
	PRIMARY KEY (day, dim, key)
);
CREATE INDEX view_days_dim ON view_days(dim, day);
CREATE TABLE view_days_done (
	day INTEGER PRIMARY KEY,
	at INTEGER NOT NULL
);

-- Members who did anything on a day (a page, a vote, an API call), and in
-- a month (year * 12 + month - 1, the community's calendar) with the
-- month they joined (their cohort); and, once a day is over, its daily,
-- weekly and monthly active members and each cohort's members active in
-- that day's month.
CREATE TABLE member_days (
	day INTEGER NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (day, user_id)
);
CREATE TABLE member_months (
	month INTEGER NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	cohort INTEGER NOT NULL,
	PRIMARY KEY (month, user_id)
);
CREATE INDEX member_months_cohort ON member_months(month, cohort);
CREATE TABLE activity_days (
	day INTEGER PRIMARY KEY,
	dau INTEGER NOT NULL,
	wau INTEGER NOT NULL,
	mau INTEGER NOT NULL
);
CREATE TABLE cohort_months (
	cohort INTEGER NOT NULL,
	month INTEGER NOT NULL,
	members INTEGER NOT NULL,
	PRIMARY KEY (cohort, month)
);

-- Interactions a finished day held, by kind (registrations, check-ins,
-- comments, votes, wishes, questions, answers), counted once it is over
-- from each table's time of creation, which these indexes find.
CREATE TABLE interaction_days (
	day INTEGER NOT NULL,
	kind TEXT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (day, kind)
);
CREATE INDEX registrations_created ON registrations(created_at);
CREATE INDEX registrations_checked_in ON registrations(checked_in_at);
CREATE INDEX comments_created ON comments(created_at);
CREATE INDEX wish_votes_created ON wish_votes(created_at);
CREATE INDEX wishes_created ON wishes(created_at);
CREATE INDEX questions_created ON questions(created_at);
CREATE INDEX answers_created ON answers(created_at);
CREATE INDEX users_created ON users(created_at);

-- A channel's key for ?ch=KEY links, and its follower counts over time.
ALTER TABLE channels ADD COLUMN slug TEXT;
CREATE UNIQUE INDEX channels_slug ON channels(slug);
CREATE TABLE channel_counts (
	channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	followers INTEGER NOT NULL CHECK (followers >= 0),
	recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	recorded_at INTEGER NOT NULL,
	PRIMARY KEY (channel_id, day)
);

-- 033_numbers.sql (PostgreSQL): the community's numbers, counted by pgherd
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
--
-- Partitioned by day: the writer adds each day's partition ahead of it
-- (page_views_dDAY) and drops those past the days kept; the default
-- partition holds what has none (rows restored from a backup).
CREATE TABLE page_views (
	day integer NOT NULL,
	at timestamptz NOT NULL,
	visitor bigint NOT NULL,
	path text NOT NULL,
	source text NOT NULL DEFAULT '',
	channel_id bigint,
	device text NOT NULL CHECK (device IN ('pc', 'phone', 'tablet', 'bot')),
	media text NOT NULL CHECK (media IN ('text', 'audio', 'video')),
	member boolean NOT NULL DEFAULT false,
	views integer NOT NULL CHECK (views > 0)
) PARTITION BY RANGE (day);
CREATE TABLE page_views_default PARTITION OF page_views DEFAULT;
CREATE INDEX page_views_day ON page_views(day);

CREATE TABLE view_salts (
	day integer PRIMARY KEY,
	salt text NOT NULL
);

-- A finished day summed up, so charts over a year read a row a day:
-- dim 'all' (key ''), 'device', 'media', 'channel' (a channel's id, or
-- 'direct', 'search' for search engines, 'other'), 'path', 'bot'.
-- visitors counts each visitor once within the row.
CREATE TABLE view_days (
	day integer NOT NULL,
	dim text NOT NULL,
	key text NOT NULL,
	views bigint NOT NULL,
	visitors bigint NOT NULL,
	PRIMARY KEY (day, dim, key)
);
CREATE INDEX view_days_dim ON view_days(dim, day);
CREATE TABLE view_days_done (
	day integer PRIMARY KEY,
	at timestamptz NOT NULL
);

-- Members who did anything on a day (a page, a vote, an API call), and in
-- a month (year * 12 + month - 1, the community's calendar) with the
-- month they joined (their cohort); and, once a day is over, its daily,
-- weekly and monthly active members and each cohort's members active in
-- that day's month.
CREATE TABLE member_days (
	day integer NOT NULL,
	user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (day, user_id)
);
CREATE TABLE member_months (
	month integer NOT NULL,
	user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	cohort integer NOT NULL,
	PRIMARY KEY (month, user_id)
);
CREATE INDEX member_months_cohort ON member_months(month, cohort);
CREATE TABLE activity_days (
	day integer PRIMARY KEY,
	dau integer NOT NULL,
	wau integer NOT NULL,
	mau integer NOT NULL
);
CREATE TABLE cohort_months (
	cohort integer NOT NULL,
	month integer NOT NULL,
	members integer NOT NULL,
	PRIMARY KEY (cohort, month)
);

-- Interactions a finished day held, by kind (registrations, check-ins,
-- comments, votes, wishes, questions, answers), counted once it is over
-- from each table's time of creation, which these indexes find.
CREATE TABLE interaction_days (
	day integer NOT NULL,
	kind text NOT NULL,
	n integer NOT NULL,
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
ALTER TABLE channels ADD COLUMN slug text;
CREATE UNIQUE INDEX channels_slug ON channels(slug);
CREATE TABLE channel_counts (
	channel_id bigint NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
	day integer NOT NULL,
	followers integer NOT NULL CHECK (followers >= 0),
	recorded_by bigint REFERENCES users(id) ON DELETE SET NULL,
	recorded_at timestamptz NOT NULL,
	PRIMARY KEY (channel_id, day)
);

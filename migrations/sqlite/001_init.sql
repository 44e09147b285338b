-- 001_init.sql (SQLite): the community's settings, cities, organizations,
-- event series and events with their organizations and topics, channels,
-- and announcement subscribers. Times are Unix seconds.

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE cities (
	id INTEGER PRIMARY KEY,
	name_zh TEXT NOT NULL UNIQUE,
	name_en TEXT NOT NULL
);

CREATE TABLE orgs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name_zh TEXT NOT NULL UNIQUE,
	name_en TEXT,
	category TEXT NOT NULL DEFAULT 'user' CHECK (category IN ('user', 'db_vendor',
		'cloud', 'integrator', 'isv', 'hardware', 'university', 'media', 'training',
		'community')),
	industry TEXT,
	city_id INTEGER REFERENCES cities(id),
	website TEXT,
	created_at INTEGER NOT NULL
);

CREATE TABLE event_series (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	slug TEXT NOT NULL UNIQUE,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL,
	summary_zh TEXT NOT NULL DEFAULT '',
	summary_en TEXT NOT NULL DEFAULT ''
);

CREATE TABLE events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	series_id INTEGER REFERENCES event_series(id),
	seq INTEGER,
	title_zh TEXT NOT NULL,
	title_en TEXT NOT NULL,
	city_id INTEGER REFERENCES cities(id),
	venue TEXT NOT NULL DEFAULT '',
	starts_at INTEGER NOT NULL,
	ends_at INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published',
		'open', 'closed', 'finished', 'cancelled')),
	capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
	registered_text TEXT,
	reach_text TEXT,
	created_at INTEGER NOT NULL,
	CHECK (ends_at >= starts_at),
	UNIQUE (series_id, seq)
);
CREATE INDEX events_starts_at ON events(starts_at);

CREATE TABLE event_orgs (
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	role TEXT NOT NULL CHECK (role IN ('host', 'sponsor', 'venue', 'media', 'attendee')),
	PRIMARY KEY (event_id, org_id, role)
);
CREATE INDEX event_orgs_org ON event_orgs(org_id);

CREATE TABLE event_topics (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	pos INTEGER NOT NULL,
	title TEXT NOT NULL,
	speaker TEXT,
	speaker_org TEXT,
	UNIQUE (event_id, pos)
);

CREATE TABLE channels (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL CHECK (kind IN ('wechat_group', 'wechat_account', 'weibo',
		'dingtalk', 'qq', 'live', 'bilibili', 'ximalaya', 'mailing_list', 'website')),
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL,
	url TEXT,
	followers INTEGER,
	pos INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE subscribers (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	email TEXT NOT NULL UNIQUE,
	name TEXT,
	city_id INTEGER REFERENCES cities(id),
	lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
	created_at INTEGER NOT NULL
);

-- 009_events.sql (SQLite): planning events (address, time zone, Markdown
-- description, cover, registration window, checklist), the timed agenda
-- and its speakers, the topic library, per-channel registration links,
-- registrations with their seat counters, tickets and check-in, and the
-- mail outbox that registration writes into in the same transaction.
ALTER TABLE events ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN tz TEXT NOT NULL DEFAULT 'Asia/Shanghai';
ALTER TABLE events ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN cover_file_id INTEGER REFERENCES files(id);
ALTER TABLE events ADD COLUMN reg_opens_at INTEGER;
ALTER TABLE events ADD COLUMN reg_closes_at INTEGER;
ALTER TABLE events ADD COLUMN checklist TEXT NOT NULL DEFAULT '';
-- Seat counters, kept with the rows in the same transaction: a seat is
-- taken by one UPDATE ... WHERE confirmed < capacity, never by counting.
ALTER TABLE events ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed >= 0 AND confirmed <= capacity);
ALTER TABLE events ADD COLUMN waitlisted INTEGER NOT NULL DEFAULT 0 CHECK (waitlisted >= 0);
ALTER TABLE events ADD COLUMN checked_in INTEGER NOT NULL DEFAULT 0 CHECK (checked_in >= 0);
ALTER TABLE events ADD COLUMN updated_at INTEGER;
ALTER TABLE event_series ADD COLUMN kind TEXT NOT NULL DEFAULT 'salon' CHECK (kind IN ('salon', 'summit',
	'tour', 'university', 'enterprise', 'training'));

CREATE TABLE topics (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	title TEXT NOT NULL,
	abstract TEXT NOT NULL DEFAULT '',
	speaker_name TEXT NOT NULL,
	speaker_org TEXT NOT NULL DEFAULT '',
	proposer_id INTEGER REFERENCES users(id),
	status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'picked', 'declined')),
	event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX topics_status ON topics(status, id);

CREATE TABLE event_items (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	starts_at INTEGER NOT NULL,
	ends_at INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('signin', 'opening', 'talk', 'panel', 'case', 'debate',
		'closed', 'break', 'photo', 'prize')),
	title TEXT NOT NULL,
	slides_url TEXT,
	topic_id INTEGER REFERENCES topics(id) ON DELETE SET NULL,
	CHECK (ends_at >= starts_at)
);
CREATE INDEX event_items_event ON event_items(event_id, starts_at);

-- A speaker is a member (user_id) or a guest known by name and organization.
CREATE TABLE item_speakers (
	item_id INTEGER NOT NULL REFERENCES event_items(id) ON DELETE CASCADE,
	pos INTEGER NOT NULL,
	user_id INTEGER REFERENCES users(id),
	name TEXT NOT NULL,
	org_id INTEGER REFERENCES orgs(id) ON DELETE SET NULL,
	org_name TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (item_id, pos)
);
CREATE INDEX item_speakers_user ON item_speakers(user_id);

-- One registration link (and QR code) per channel an event is announced in.
CREATE TABLE event_links (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	code TEXT NOT NULL UNIQUE,
	channel_id INTEGER REFERENCES channels(id) ON DELETE SET NULL,
	label TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX event_links_event ON event_links(event_id);

CREATE TABLE registrations (
	id INTEGER PRIMARY KEY AUTOINCREMENT,   -- also the waitlist order
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	user_id INTEGER REFERENCES users(id),   -- NULL: a guest added by an organizer
	name TEXT NOT NULL,
	org TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT,
	status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
	link_id INTEGER REFERENCES event_links(id) ON DELETE SET NULL,
	ticket TEXT NOT NULL UNIQUE,            -- the code in the ticket's QR
	added_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	checked_in_at INTEGER,
	checked_in_by INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX registrations_person ON registrations(event_id, user_id);
CREATE INDEX registrations_queue ON registrations(event_id, status, id);

-- Mail written in the same transaction as what it announces, sent after
-- the commit by the mail thread; a crash loses no ticket mail.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	to_addr TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	sent_at INTEGER,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	claimed_until INTEGER   -- a sender is on it until then
);
CREATE INDEX outbox_pending ON outbox(sent_at, id);

-- The version behind cached event pages.
INSERT INTO cache_versions (name, version) VALUES ('events', 1);
CREATE TRIGGER events_v_events_i AFTER INSERT ON events BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_events_u AFTER UPDATE ON events BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_events_d AFTER DELETE ON events BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_items_i AFTER INSERT ON event_items BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_items_u AFTER UPDATE ON event_items BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_items_d AFTER DELETE ON event_items BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_spk_i AFTER INSERT ON item_speakers BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_spk_u AFTER UPDATE ON item_speakers BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_spk_d AFTER DELETE ON item_speakers BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_eorgs_i AFTER INSERT ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_eorgs_u AFTER UPDATE ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_eorgs_d AFTER DELETE ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_series_u AFTER UPDATE ON event_series BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_cities_u AFTER UPDATE ON cities BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_orgs_u AFTER UPDATE OF name_zh, name_en ON orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;

-- 011_record.sql (SQLite): the record an event leaves: figures kept as the
-- organizers published them ("1xx", "2200+"), agenda items whose time was
-- never recorded (imported past salons), and the event's media: live
-- stream and replay links, slides (PDF, stored like images) and photos.
--
-- files takes PDFs too. SQLite cannot alter a CHECK, so the table is
-- rebuilt (the runner turns foreign keys off around SQLite migrations and
-- runs foreign_key_check before committing).
CREATE TABLE files_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	sha256 TEXT NOT NULL,
	content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'application/pdf')),
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	size INTEGER NOT NULL,
	data_b64 TEXT NOT NULL,
	user_id INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	name TEXT NOT NULL DEFAULT ''
);
INSERT INTO files_new (id, sha256, content_type, width, height, size, data_b64, user_id, created_at)
	SELECT id, sha256, content_type, width, height, size, data_b64, user_id, created_at FROM files;
DROP TABLE files;
ALTER TABLE files_new RENAME TO files;

ALTER TABLE events ADD COLUMN checked_in_text TEXT;
ALTER TABLE events ADD COLUMN online_text TEXT;
ALTER TABLE event_items ADD COLUMN time_known INTEGER NOT NULL DEFAULT 1 CHECK (time_known IN (0, 1));

CREATE TABLE event_media (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('live', 'replay', 'slides', 'photo')),
	title TEXT NOT NULL DEFAULT '',
	url TEXT,
	file_id INTEGER REFERENCES files(id),
	item_id INTEGER REFERENCES event_items(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	CHECK ((url IS NULL) <> (file_id IS NULL))
);
CREATE INDEX event_media_event ON event_media(event_id, kind, id);
CREATE UNIQUE INDEX event_media_url ON event_media(event_id, url) WHERE url IS NOT NULL;

CREATE TRIGGER events_v_media_i AFTER INSERT ON event_media BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_media_u AFTER UPDATE ON event_media BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_media_d AFTER DELETE ON event_media BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;

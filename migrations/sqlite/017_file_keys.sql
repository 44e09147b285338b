-- 017_file_keys.sql (SQLite): a file is addressed by a random key, so the
-- addresses of the community's files cannot be listed by counting; and an
-- image keeps the smaller sizes pages show (a phone's column, an avatar).
ALTER TABLE files ADD COLUMN key TEXT;
UPDATE files SET key = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX files_key ON files(key);
CREATE TABLE file_sizes (
	file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
	size TEXT NOT NULL CHECK (size IN ('m', 's')),
	sha256 TEXT NOT NULL,
	content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	bytes INTEGER NOT NULL,
	data_b64 TEXT NOT NULL,
	PRIMARY KEY (file_id, size)
);

-- 008_files.sql (SQLite): uploaded images (avatars, logos), kept in the
-- database so every server sharing it can serve them. The bytes are
-- base64 text: one storage path for both engines; images are at most 2 MB.
CREATE TABLE files (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	sha256 TEXT NOT NULL,
	content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	size INTEGER NOT NULL,
	data_b64 TEXT NOT NULL,
	user_id INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
ALTER TABLE users ADD COLUMN avatar_file_id INTEGER REFERENCES files(id);
ALTER TABLE orgs ADD COLUMN logo_file_id INTEGER REFERENCES files(id);

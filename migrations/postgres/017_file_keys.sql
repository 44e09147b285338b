-- 017_file_keys.sql (PostgreSQL): a file is addressed by a random key, so
-- the addresses of the community's files cannot be listed by counting; and
-- an image keeps the smaller sizes pages show (a phone's column, an avatar).
ALTER TABLE files ADD COLUMN key text;
UPDATE files SET key = replace(gen_random_uuid()::text, '-', '');
ALTER TABLE files ALTER COLUMN key SET NOT NULL;
CREATE UNIQUE INDEX files_key ON files(key);
CREATE TABLE file_sizes (
	file_id bigint NOT NULL REFERENCES files(id) ON DELETE CASCADE,
	size text NOT NULL CHECK (size IN ('m', 's')),
	sha256 text NOT NULL,
	content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
	width integer NOT NULL,
	height integer NOT NULL,
	bytes integer NOT NULL,
	data_b64 text NOT NULL,
	PRIMARY KEY (file_id, size)
);

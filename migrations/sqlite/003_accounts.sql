-- 003_accounts.sql (SQLite): accounts, sessions, password resets, request
-- throttling and the audit log. Secrets are stored only as hashes.
CREATE TABLE users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	email TEXT UNIQUE,                -- lower-cased; NULL once the account is deleted
	display_name TEXT NOT NULL,
	phone TEXT,
	password_hash TEXT,               -- argon2id string; NULL once deleted
	role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'speaker', 'volunteer',
		'organizer', 'editor', 'treasurer', 'admin')),
	lang TEXT NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
	created_at INTEGER NOT NULL,
	deleted_at INTEGER
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,      -- BLAKE2b of the cookie's token, hex
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	client TEXT NOT NULL DEFAULT ''   -- the browser, as its User-Agent names it
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER
);

CREATE TABLE throttle (
	key TEXT PRIMARY KEY,             -- "login:<email>" or "addr:<hashed address>"
	window_start INTEGER NOT NULL,
	hits INTEGER NOT NULL
);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),
	action TEXT NOT NULL,
	target TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	client TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);

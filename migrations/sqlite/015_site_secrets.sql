-- 015_site_secrets.sql (SQLite): keys the site makes once and every server
-- sharing the database uses, such as the one CSRF tokens are signed with
-- (a token in a cookie is taken only if this site made it).
CREATE TABLE site_secrets (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

-- 004_profiles.sql (SQLite): what a member tells about themselves, and
-- which of it others may see.
ALTER TABLE users ADD COLUMN job_role TEXT CHECK (job_role IN ('developer', 'dba', 'architect',
	'decision_maker', 'student', 'other'));
ALTER TABLE users ADD COLUMN org_id INTEGER REFERENCES orgs(id);
ALTER TABLE users ADD COLUMN org_name TEXT;       -- as the member typed it, when not in the directory
ALTER TABLE users ADD COLUMN title TEXT;
ALTER TABLE users ADD COLUMN city TEXT;
ALTER TABLE users ADD COLUMN bio_md TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN profile_public BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN email_public BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN phone_public BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX users_org ON users(org_id);

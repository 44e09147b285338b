-- 004_profiles.sql (PostgreSQL): what a member tells about themselves, and
-- which of it others may see.
ALTER TABLE users ADD COLUMN job_role text CHECK (job_role IN ('developer', 'dba', 'architect',
	'decision_maker', 'student', 'other'));
ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs(id);
ALTER TABLE users ADD COLUMN org_name text;
ALTER TABLE users ADD COLUMN title text;
ALTER TABLE users ADD COLUMN city text;
ALTER TABLE users ADD COLUMN bio_md text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN profile_public boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN email_public boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN phone_public boolean NOT NULL DEFAULT false;
CREATE INDEX users_org ON users(org_id);

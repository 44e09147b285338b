-- 018_privacy.sql (PostgreSQL): what a member agreed to and proved. When
-- they accepted the privacy notice and when their address was shown to
-- reach them; whether a prize draw may show their name (a masked name is
-- shown otherwise). A profile is public only when its member says so.
ALTER TABLE users ADD COLUMN privacy_accepted_at timestamptz;
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
ALTER TABLE users ALTER COLUMN profile_public SET DEFAULT false;
ALTER TABLE prize_entries ADD COLUMN name_public boolean NOT NULL DEFAULT false;

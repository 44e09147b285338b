-- 018_privacy.sql (SQLite): what a member agreed to and proved. When they
-- accepted the privacy notice and when their address was shown to reach
-- them; whether a prize draw may show their name (a masked name is shown
-- otherwise). A profile is public only when its member says so: sign-up
-- now writes profile_public = 0 itself (SQLite cannot change a default).
ALTER TABLE users ADD COLUMN privacy_accepted_at INTEGER;
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
ALTER TABLE prize_entries ADD COLUMN name_public BOOLEAN NOT NULL DEFAULT 0;

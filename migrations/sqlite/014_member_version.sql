-- 014_member_version.sql (SQLite): a version per member behind the pages
-- kept for each signed-in member (their event page with their seat, their
-- draw entries and the form filled from their profile). Anything that
-- changes what such a page shows of the member bumps it: their account,
-- their registrations, their draw entries, their sessions and API tokens.
-- The session lookup reads it with the account, so checking costs nothing.
ALTER TABLE users ADD COLUMN cache_version INTEGER NOT NULL DEFAULT 1;

CREATE TRIGGER member_v_users AFTER UPDATE OF avatar_file_id, bio_md, city, deleted_at, display_name, email,
	email_public, job_role, lang, org_id, org_name, phone, phone_public, profile_public, role, title ON users
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = new.id; END;

CREATE TRIGGER member_v_reg_i AFTER INSERT ON registrations WHEN new.user_id IS NOT NULL
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = new.user_id; END;
CREATE TRIGGER member_v_reg_u AFTER UPDATE ON registrations
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id IN (old.user_id, new.user_id); END;
CREATE TRIGGER member_v_reg_d AFTER DELETE ON registrations WHEN old.user_id IS NOT NULL
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = old.user_id; END;

CREATE TRIGGER member_v_entry_i AFTER INSERT ON prize_entries WHEN new.user_id IS NOT NULL
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = new.user_id; END;
CREATE TRIGGER member_v_entry_u AFTER UPDATE ON prize_entries
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id IN (old.user_id, new.user_id); END;
CREATE TRIGGER member_v_entry_d AFTER DELETE ON prize_entries WHEN old.user_id IS NOT NULL
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = old.user_id; END;

CREATE TRIGGER member_v_session_i AFTER INSERT ON sessions
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = new.user_id; END;
CREATE TRIGGER member_v_session_d AFTER DELETE ON sessions
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = old.user_id; END;
CREATE TRIGGER member_v_token_i AFTER INSERT ON api_tokens
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = new.user_id; END;
CREATE TRIGGER member_v_token_d AFTER DELETE ON api_tokens
BEGIN UPDATE users SET cache_version = cache_version + 1 WHERE id = old.user_id; END;

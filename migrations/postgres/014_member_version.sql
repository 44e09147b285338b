-- 014_member_version.sql (PostgreSQL): a version per member behind the
-- pages kept for each signed-in member (their event page with their seat,
-- their draw entries and the form filled from their profile). Anything
-- that changes what such a page shows of the member bumps it: their
-- account, their registrations, their draw entries, their sessions and
-- API tokens. Row triggers: each touches only its member's row, so two
-- members registering at once never wait on each other here.
ALTER TABLE users ADD COLUMN cache_version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION bump_own_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.cache_version := OLD.cache_version + 1;
	RETURN NEW;
END
$$;

CREATE FUNCTION bump_member_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.user_id IS NOT NULL THEN
		UPDATE users SET cache_version = cache_version + 1 WHERE id = OLD.user_id;
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
		IF NEW.user_id IS NOT NULL THEN
			UPDATE users SET cache_version = cache_version + 1 WHERE id = NEW.user_id;
		END IF;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER member_version BEFORE UPDATE OF avatar_file_id, bio_md, city, deleted_at, display_name, email,
	email_public, job_role, lang, org_id, org_name, phone, phone_public, profile_public, role, title ON users
	FOR EACH ROW EXECUTE FUNCTION bump_own_version();
CREATE TRIGGER member_version AFTER INSERT OR UPDATE OR DELETE ON registrations
	FOR EACH ROW EXECUTE FUNCTION bump_member_version();
CREATE TRIGGER member_version AFTER INSERT OR UPDATE OR DELETE ON prize_entries
	FOR EACH ROW EXECUTE FUNCTION bump_member_version();
CREATE TRIGGER member_version AFTER INSERT OR DELETE ON sessions
	FOR EACH ROW EXECUTE FUNCTION bump_member_version();
CREATE TRIGGER member_version AFTER INSERT OR DELETE ON api_tokens
	FOR EACH ROW EXECUTE FUNCTION bump_member_version();

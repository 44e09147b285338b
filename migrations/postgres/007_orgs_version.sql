-- 007_orgs_version.sql (PostgreSQL): the version behind cached organization
-- pages, bumped once per statement that changes what those pages show.
INSERT INTO cache_versions (name, version) VALUES ('orgs', 1);

CREATE FUNCTION bump_orgs_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs';
	RETURN NULL;
END
$$;

CREATE TRIGGER orgs_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON orgs
	FOR EACH STATEMENT EXECUTE FUNCTION bump_orgs_version();
CREATE TRIGGER orgs_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_aliases
	FOR EACH STATEMENT EXECUTE FUNCTION bump_orgs_version();
CREATE TRIGGER orgs_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cities
	FOR EACH STATEMENT EXECUTE FUNCTION bump_orgs_version();
CREATE TRIGGER orgs_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_orgs
	FOR EACH STATEMENT EXECUTE FUNCTION bump_orgs_version();
CREATE TRIGGER orgs_version AFTER DELETE OR UPDATE OF title_zh, title_en, starts_at ON events
	FOR EACH STATEMENT EXECUTE FUNCTION bump_orgs_version();
CREATE TRIGGER orgs_version AFTER INSERT OR DELETE OR UPDATE OF org_id, display_name, title, profile_public,
	deleted_at ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_orgs_version();

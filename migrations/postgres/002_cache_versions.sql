-- 002_cache_versions.sql (PostgreSQL): versions of the data behind cached
-- pages, bumped once per statement that changes what the home page shows.
CREATE TABLE cache_versions (
	name text PRIMARY KEY,
	version bigint NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('home', 1);

CREATE FUNCTION bump_home_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cache_versions SET version = version + 1 WHERE name = 'home';
	RETURN NULL;
END
$$;

CREATE TRIGGER home_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON orgs
	FOR EACH STATEMENT EXECUTE FUNCTION bump_home_version();
CREATE TRIGGER home_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cities
	FOR EACH STATEMENT EXECUTE FUNCTION bump_home_version();
CREATE TRIGGER home_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_series
	FOR EACH STATEMENT EXECUTE FUNCTION bump_home_version();
CREATE TRIGGER home_version AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF series_id, seq,
	title_zh, title_en, city_id, venue, starts_at, ends_at, status, capacity, registered_text,
	reach_text ON events FOR EACH STATEMENT EXECUTE FUNCTION bump_home_version();
CREATE TRIGGER home_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_orgs
	FOR EACH STATEMENT EXECUTE FUNCTION bump_home_version();
CREATE TRIGGER home_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_topics
	FOR EACH STATEMENT EXECUTE FUNCTION bump_home_version();
CREATE TRIGGER home_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON channels
	FOR EACH STATEMENT EXECUTE FUNCTION bump_home_version();

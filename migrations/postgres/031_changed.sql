-- 031_changed.sql (PostgreSQL): a notification on "pgherd_changed" when a
-- transaction that changed what a kept page or a remembered session
-- depends on commits: the data versions (every feature's triggers bump
-- them), members, sessions and API tokens. Each pgherd server listens
-- (db/pg.c), and while it has heard nothing it serves kept pages and
-- known sessions without a statement. Notifications of one transaction
-- are folded into one at its commit.
CREATE FUNCTION pgherd_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('pgherd_changed', ''); RETURN NULL; END
$$;
CREATE TRIGGER changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cache_versions
	FOR EACH STATEMENT EXECUTE FUNCTION pgherd_changed();
CREATE TRIGGER changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
	FOR EACH STATEMENT EXECUTE FUNCTION pgherd_changed();
CREATE TRIGGER changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sessions
	FOR EACH STATEMENT EXECUTE FUNCTION pgherd_changed();
CREATE TRIGGER changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens
	FOR EACH STATEMENT EXECUTE FUNCTION pgherd_changed();

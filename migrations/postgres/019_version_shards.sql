-- 019_version_shards.sql (PostgreSQL): no row that every write updates.
-- A data version was one row per name, bumped by every statement that
-- changed events; with two servers the seat changes of two events took
-- that row and the events' rows in different orders and deadlocked. Now
-- each database connection bumps a row of its own (shard = its backend's
-- pid), which no other connection ever locks, and a version is the sum of
-- its name's rows: every commit raises it, in whatever order transactions
-- commit. Rows of connections that ended are folded into shard 0 now and
-- then (db_versions_fold), leaving the sums unchanged. A version has only
-- to change by the commit, so each transaction bumps a name once (a
-- setting local to the transaction, undone with a rolled-back savepoint),
-- not once per statement: a batch of registrations bumps it once.
ALTER TABLE cache_versions ADD COLUMN shard integer NOT NULL DEFAULT 0;
ALTER TABLE cache_versions DROP CONSTRAINT cache_versions_pkey;
ALTER TABLE cache_versions ADD PRIMARY KEY (name, shard);

CREATE FUNCTION bump_data_version(v_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('pgherd.bumped_' || v_name, true) IS DISTINCT FROM 't' THEN
		PERFORM set_config('pgherd.bumped_' || v_name, 't', true);
		INSERT INTO cache_versions (name, shard, version) VALUES (v_name, pg_backend_pid(), 1)
		ON CONFLICT (name, shard) DO UPDATE SET version = cache_versions.version + 1;
	END IF;
END
$$;
-- The trigger functions the earlier migrations attached keep their names.
CREATE OR REPLACE FUNCTION bump_home_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM bump_data_version('home'); RETURN NULL; END
$$;
CREATE OR REPLACE FUNCTION bump_orgs_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM bump_data_version('orgs'); RETURN NULL; END
$$;
CREATE OR REPLACE FUNCTION bump_events_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM bump_data_version('events'); RETURN NULL; END
$$;

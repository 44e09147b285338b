-- 019_version_shards.sql (SQLite): the shard column PostgreSQL's data
-- versions have (one row per connection there, so that no row is one
-- every write updates). SQLite has one writer at a time and cannot
-- deadlock on a row: its triggers keep bumping shard 0, and a version is
-- the sum of its name's rows on both engines.
ALTER TABLE cache_versions ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;

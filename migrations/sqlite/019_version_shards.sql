-- 019_version_shards.sql (SQLite): the shard column PostgreSQL's data
-- versions have (one row per connection there, so that no row is one
-- every write updates), with the same key, so a PostgreSQL backup
-- restores here. SQLite has one writer at a time and cannot deadlock on a
-- row: its triggers bump every row of a name, and a version is the sum of
-- its name's rows on both engines. SQLite cannot change a key in place:
-- the table is made again. The triggers name it and find the new one;
-- legacy_alter_table keeps the rename from checking them while it is gone.
PRAGMA legacy_alter_table = ON;
CREATE TABLE cache_versions_new (
	name TEXT NOT NULL,
	shard INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL,
	PRIMARY KEY (name, shard)
);
INSERT INTO cache_versions_new (name, shard, version) SELECT name, 0, version FROM cache_versions;
DROP TABLE cache_versions;
ALTER TABLE cache_versions_new RENAME TO cache_versions;
PRAGMA legacy_alter_table = OFF;

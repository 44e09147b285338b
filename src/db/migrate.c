/* migrate.c: versioned migrations, one folder per engine, built into the
 * binary and recorded in schema_migrations; and the schema dump that lets a
 * test prove both engines have the same tables and columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/util.h"
#include "db/db.h"
#include "base/banned.h"

struct step {
	const struct embed_file *f;
	int64_t version;
	int *applied;
};

static int apply_one(db *d, void *ctx, err *e)
{
	struct step *s = ctx;
	arena a = ARENA_INIT;
	db_res r;
	/* Another process may be migrating too: on PostgreSQL a transaction-level
	 * advisory lock serializes us; on SQLite BEGIN IMMEDIATE already does. */
	int rc = 0;
	if (db_engine_of(d) == DB_POSTGRES)
		rc = db_exec(d, "SELECT pg_advisory_xact_lock(424242)", DB_NOARGS, NULL, e);
	if (!rc)
		rc = db_query(d, &a, "SELECT 1 FROM schema_migrations WHERE version = ?",
			      DB_ARGS(DB_INT(s->version)), &r, e);
	if (!rc && r.nrows == 0) {
		rc = db_exec_script(d, (const char *)s->f->data, e);
		/* Foreign keys are off during SQLite migrations (a table rebuild
		 * needs it); what the migration left must still hold. */
		if (!rc && db_engine_of(d) == DB_SQLITE) {
			db_res bad;
			rc = db_query(d, &a, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check", DB_NOARGS, &bad, e);
			if (!rc && bad.nrows)
				rc = err_set(e, ERR_FAIL, "row %s of %s points to a missing %s", db_get(&bad, 0, 1),
					     db_get(&bad, 0, 0), db_get(&bad, 0, 2));
		}
		if (rc)
			log_error("migration %s failed: %s", s->f->name, e->msg);
		if (!rc)
			rc = db_exec(d, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				     DB_ARGS(DB_INT(s->version), DB_TEXT(s->f->name), DB_TIME(unix_now())), NULL, e);
		if (!rc)
			(*s->applied)++;
	}
	arena_release(&a);
	return rc;
}

int db_migrate(db *d, int *applied, err *e)
{
	return db_migrate_upto(d, INT64_MAX, applied, e);
}

static const char *prefix_of(const db *d)
{
	return db_engine_of(d) == DB_POSTGRES ? "migrations/postgres/" : "migrations/sqlite/";
}

int64_t db_migrations_latest(const db *d)
{
	const char *prefix = prefix_of(d);
	size_t plen = strlen(prefix);
	int64_t latest = 0, v;
	char num[16];
	for (size_t i = 0; i < embed_count; i++)
		if (!strncmp(embed_files[i].name, prefix, plen)) {
			snprintf(num, sizeof(num), "%.3s", embed_files[i].name + plen);
			if (!parse_i64(num, 1, 999, &v) && v > latest)
				latest = v;
		}
	return latest;
}

int db_migrate_upto(db *d, int64_t upto, int *applied, err *e)
{
	int count = 0;
	const char *prefix = prefix_of(d);
	const char *create = db_engine_of(d) == DB_POSTGRES
		? "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, "
		  "name text NOT NULL, applied_at timestamptz NOT NULL)"
		: "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
		  "name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
	int rc = db_exec_script(d, create, e);
	if (rc == ERR_CONSTRAINT || rc == ERR_FAIL) {
		/* Two processes racing CREATE TABLE IF NOT EXISTS on PostgreSQL can
		 * collide on the catalog; the table exists either way. */
		rc = db_exec_script(d, create, e);
	}
	if (rc)
		return rc;
	size_t plen = strlen(prefix);
	/* SQLite's way to change a table's constraints is to rebuild it, which
	 * needs foreign keys off; the pragma only works outside a transaction. */
	int sqlite = db_engine_of(d) == DB_SQLITE;
	if (sqlite && (rc = db_exec_script(d, "PRAGMA foreign_keys = OFF", e)))
		return rc;
	for (size_t i = 0; i < embed_count; i++) {
		const struct embed_file *f = &embed_files[i];
		if (strncmp(f->name, prefix, plen))
			continue;
		int64_t version;
		char num[16];
		snprintf(num, sizeof(num), "%.3s", f->name + plen);
		if (parse_i64(num, 1, 999, &version))
			return err_set(e, ERR_FAIL, "%s: migration names start with a 3-digit version", f->name);
		if (version > upto)
			break; /* embedded in name order */
		struct step s = { f, version, &count };
		if ((rc = db_tx(d, apply_one, &s, e)))
			break;
	}
	if (sqlite) {
		err e2 = ERR_INIT;
		int rc2 = db_exec_script(d, "PRAGMA foreign_keys = ON", &e2);
		if (!rc && rc2) {
			*e = e2;
			rc = rc2;
		}
	}
	if (rc)
		return rc;
	if (applied)
		*applied = count;
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int db_schema_dump(db *d, char **out, err *e)
{
	const char *sql = db_engine_of(d) == DB_POSTGRES
		/* A generated column is an engine's own index helper (the search
		 * tsvector), as SQLite's FTS tables are, which are left out too. */
		/* A table's partitions (page views by day) are the table's own
		 * storage, not tables of the schema. */
		? "SELECT table_name::text, column_name::text FROM information_schema.columns c "
		  "WHERE table_schema = current_schema() AND is_generated <> 'ALWAYS' AND NOT EXISTS "
		  "(SELECT 1 FROM pg_class k WHERE k.relname = c.table_name AND k.relispartition "
		  "AND k.relnamespace = current_schema()::regnamespace)"
		: "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
		  "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
		  "AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
		  "AND m.name NOT IN (SELECT name || suffix FROM sqlite_master, "
		  "(SELECT '_data' AS suffix UNION ALL SELECT '_idx' UNION ALL SELECT '_content' "
		  "UNION ALL SELECT '_docsize' UNION ALL SELECT '_config') "
		  "WHERE sql LIKE 'CREATE VIRTUAL TABLE%')";
	arena a = ARENA_INIT;
	db_res r;
	int rc = db_query(d, &a, sql, DB_NOARGS, &r, e);
	if (rc)
		goto out;
	char **lines = arena_alloc(&a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		lines[i] = arena_printf(&a, "%s.%s", db_get(&r, i, 0), db_get(&r, i, 1));
	qsort(lines, (size_t)r.nrows, sizeof(char *), cmp_lines);
	buf b = BUF_INIT;
	for (int i = 0; i < r.nrows; i++) {
		buf_adds(&b, lines[i]);
		buf_addc(&b, '\n');
	}
	*out = buf_detach(&b, NULL);
out:
	arena_release(&a);
	return rc;
}

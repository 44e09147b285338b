/* db.h: the one storage API over SQLite and PostgreSQL.
 *
 * Rules:
 * - SQL uses ? placeholders; values only ever travel as parameters.
 * - A db handle belongs to one thread. Server threads get theirs from
 *   db_thread(), opened on first use and closed when the thread exits.
 * - Results are copied into the caller's arena: db_res and its strings
 *   live until that arena is released.
 * - Every call returns 0 or a negative ERR_* code (base/err.h): ERR_BUSY
 *   is retryable, ERR_CONSTRAINT a unique/foreign key violation,
 *   ERR_UNAVAILABLE a lost or refused connection. */
#ifndef PGHERD_DB_H
#define PGHERD_DB_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

typedef enum { DB_SQLITE, DB_POSTGRES } db_engine;
typedef struct db db;

/* DBP_TIME is Unix seconds: INTEGER on SQLite, timestamptz on PostgreSQL,
 * and read back as Unix seconds from both. DBP_BOOL: 0/1 or boolean. */
enum { DBP_NULL, DBP_INT, DBP_TEXT, DBP_REAL, DBP_TIME, DBP_BOOL };
typedef struct db_param {
	int type;
	int64_t i;
	double d;
	const char *s;
} db_param;

#define DB_INT(x) ((db_param){ .type = DBP_INT, .i = (x) })
#define DB_TIME(x) ((db_param){ .type = DBP_TIME, .i = (x) })
#define DB_BOOL(x) ((db_param){ .type = DBP_BOOL, .i = !!(x) })
#define DB_REAL(x) ((db_param){ .type = DBP_REAL, .d = (x) })
static inline db_param db_text_param(const char *s)
{
	db_param p = { .type = s ? DBP_TEXT : DBP_NULL, .s = s };
	return p;
}
#define DB_TEXT(x) db_text_param(x) /* NULL becomes SQL NULL */
#define DB_NULL ((db_param){ .type = DBP_NULL })
/* DB_ARGS(DB_INT(1), DB_TEXT(s)) expands to the array and its length. */
#define DB_ARGS(...) (const db_param[]){ __VA_ARGS__ }, \
	(int)(sizeof((const db_param[]){ __VA_ARGS__ }) / sizeof(db_param))
#define DB_NOARGS NULL, 0

/* Column kinds, so JSON models keep numbers as numbers on both engines. */
enum { DBT_TEXT, DBT_INT, DBT_REAL, DBT_BOOL, DBT_TIME };

typedef struct db_res {
	int nrows, ncols;
	const char **names;   /* ncols */
	unsigned char *types; /* ncols, DBT_* */
	const char **vals;    /* nrows * ncols; NULL is SQL NULL */
} db_res;

/* SQL for a text kept in both languages: on an English page the English
 * when it was written, else the Chinese; and 1 when an English page shows
 * the Chinese for want of English (pages mark it as Chinese). Each takes
 * one ? for the page's language code. */
#define DB_IN_LANG(zh, en) "CASE WHEN ? = 'en' AND coalesce(" en ", '') <> '' THEN " en " ELSE " zh " END"
#define DB_ZH_ONLY(en) "CASE WHEN ? = 'en' AND coalesce(" en ", '') = '' THEN 1 ELSE 0 END"

/* Opening and closing. url is "sqlite:PATH" or a libpq URL. */
int db_open(const char *url, db **out, err *e);
void db_close(db *d);
db_engine db_engine_of(const db *d);
const char *db_engine_name(const db *d);

/* Statements. *changes (may be NULL) gets the number of rows affected. */
int db_exec(db *d, const char *sql, const db_param *p, int n, int64_t *changes, err *e);
int db_query(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e);
/* Like db_query, but PostgreSQL plans the statement with these very values
 * each time instead of reusing a prepared plan: for searches whose best
 * plan depends on the pattern (a trigram index for '%邮储银行%', a scan for
 * '%大%'). SQLite behaves as db_query. */
int db_query_planned(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e);
/* Like db_query, for a small read whose answer is nothing but what the
 * database holds (no clock, no randomness): the answer read last time for
 * the same statement and values while nothing has been committed since,
 * by any process (db_mark; kept.c); else read as db_query. Outside
 * transactions only (inside one it is db_query). db_kept_clear frees
 * what is kept (at exit). */
int db_query_kept(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e);
/* Like db_query, for a read of rows that are not changed once written (a
 * finished day's sums): the answer read last time for the same statement
 * and values while stamp, what the caller knows of the rows' writing, is
 * the same; else read as db_query. Answers up to 1 MB, 16 MB in all.
 * Outside transactions only. */
int db_query_settled(db *d, arena *a, const char *stamp, const char *sql, const db_param *p, int n, db_res *out,
		     err *e);
void db_kept_clear(void);
/* A list of ids as one parameter: db_ids_match's SQL ("COLUMN is one of
 * ?") takes db_ids_param's text of them, on either engine. */
const char *db_ids_match(const db *d, arena *a, const char *column);
const char *db_ids_param(const db *d, arena *a, const int64_t *ids, int n);
/* Several statements with no parameters (migrations only). */
int db_exec_script(db *d, const char *sql, err *e);
int db_ping(db *d, err *e);

/* Transactions: immediate on SQLite. db_tx runs fn inside one, commits, and
 * retries the whole function on ERR_BUSY (a few times, with backoff);
 * anything else fn returns rolls it back whole. */
int db_begin(db *d, err *e);
int db_commit(db *d, err *e);
int db_rollback(db *d);
typedef int (*db_tx_fn)(db *d, void *ctx, err *e);
int db_tx(db *d, db_tx_fn fn, void *ctx, err *e);

/* Getters; row and col must be in range. */
const char *db_get(const db_res *r, int row, int col);
int64_t db_get_int(const db_res *r, int row, int col);
/* Read by name: the column a statement named (its alias: name every
 * expression with AS), -1 when it has none; its text (NULL for SQL NULL
 * or no such column) or its number (0 then). Row readers use names, so a
 * column added to a SELECT moves nothing. */
int db_col(const db_res *r, const char *name);
const char *db_text(const db_res *r, int row, const char *name);
int64_t db_int(const db_res *r, int row, const char *name);
/* db_text, "" instead of NULL (a row reader's usual want). */
const char *db_str(const db_res *r, int row, const char *name);
/* One row as a JSON object / all rows as an array, typed by column. */
json_t *db_row_json(const db_res *r, int row);
json_t *db_rows_json(const db_res *r);

/* The version of a kind of data ("home", "orgs", "events") that the
 * database's triggers bump on every change to it; 0 for an unknown name.
 * Kept pages are tagged with it (view/page_cache.h). */
int db_data_version(db *d, arena *a, const char *name, int64_t *version, err *e);

/* A mark of what the database holds: two equal marks mean nothing was
 * committed between them, by any process. 0 when taken; -1 when the
 * engine cannot tell without a query (SQLite before its first read;
 * PostgreSQL while its watch is not listening), and the caller reads as
 * usual. */
struct db_mark {
	unsigned char b[64];
};
int db_mark(db *d, struct db_mark *m);
/* The server's watch of what other servers and programs commit, which
 * gives PostgreSQL its marks (pg.c); nothing on SQLite. */
int db_watch_start(const char *url, err *e);
void db_watch_stop(void);
/* 1: what this thread reads next takes no mark from the watch (a member
 * who just wrote, perhaps through another server, reads at once what the
 * database holds); 0: marks as usual. Set for each request. */
void db_fresh(int on);
/* 1 when this thread has committed a write on PostgreSQL since db_fresh. */
int db_committed(void);
/* The watch: -1 not running (SQLite, or pg_watch off), 0 not listening
 * (yet, or again), 1 listening; *heard: the commits heard so far (and
 * each time it began to listen). */
int db_watch_state(uint64_t *heard);

/* Every data version as one text ("events=12,home=5,orgs=3"), into a,
 * NULL when there are none. Read from the database only when something
 * was committed since this process last read it (db_mark); else the text
 * read then, at the cost of a memory compare. */
int db_versions(db *d, arena *a, const char **out, err *e);
/* DB_VERSIONS_SQL's text ("events=4,events=9,home=5", a row per
 * connection) with each name once and its rows added up ("events=13,
 * home=5"), into a: what a reader keeps, whose length then grows with the
 * names, not with the connections that ever wrote. */
const char *db_versions_summed(arena *a, const char *rows);
/* The same as SQL, for a statement that reads it along with other things
 * (agg: string_agg on PostgreSQL, group_concat on SQLite); and one name's
 * version. A version is the sum of its name's rows (migration 019): the
 * text names a name once per row ("events=4,events=9"), and its reader
 * adds them up, which costs PostgreSQL less than a GROUP BY would. */
#define DB_VERSIONS_SQL(agg) "(SELECT " agg "(name || '=' || version, ',') FROM cache_versions)"
#define DB_VERSION_SQL(name) "(SELECT coalesce(sum(version), 0) FROM cache_versions WHERE name = '" name "')"
/* PostgreSQL keeps a version row per connection (migration 019); folds the
 * rows of connections that ended into shard 0, sums unchanged. Run now and
 * then; nothing to do on SQLite. */
int db_versions_fold(db *d, err *e);

/* Per-thread connections for the server: db_thread_setup once at startup
 * (before threads start), then db_thread() from any thread. */
int db_thread_setup(const char *url, err *e);
db *db_thread(err *e);
void db_thread_teardown(void);

/* Migrations (migrate.c): applies every embedded migration for the engine
 * that is not yet recorded in schema_migrations. *applied (may be NULL)
 * gets how many ran. Safe to run from several processes at once. */
int db_migrate(db *d, int *applied, err *e);
/* db_migrate up to and including version `upto` only (a restore loads a
 * backup into the schema it was made with, then migrates on). */
int db_migrate_upto(db *d, int64_t upto, int *applied, err *e);
/* The newest migration this binary holds for the engine. */
int64_t db_migrations_latest(const db *d);
/* The tables and columns of the current schema as "table.column" lines,
 * sorted, into a malloc'd string; for the schema comparison test. */
int db_schema_dump(db *d, char **out, err *e);

#endif

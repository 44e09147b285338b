/* db_internal.h: what each engine implements behind db.h. */
#ifndef PGHERD_DB_INTERNAL_H
#define PGHERD_DB_INTERNAL_H

#include "db/db.h"

struct db_ops {
	const char *name;
	db_engine engine;
	void (*close)(db *d);
	int (*exec)(db *d, const char *sql, const db_param *p, int n, int64_t *changes, err *e);
	int (*query)(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e);
	/* may be NULL: query serves */
	int (*query_planned)(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e);
	int (*script)(db *d, const char *sql, err *e);
	int (*begin)(db *d, err *e);
	/* may be NULL: the engine cannot tell (db_mark answers -1) */
	int (*mark)(db *d, struct db_mark *m);
};

struct db {
	const struct db_ops *ops;
	int in_tx;
};

/* FNV-1a of the SQL text: the statement caches' hash. */
unsigned db_hash_sql(const char *sql);

int db_sqlite_open(const char *path, db **out, err *e);
int db_pg_open(const char *url, db **out, err *e);
int db_pg_watch_start(const char *url, err *e);
void db_pg_watch_stop(void);
void db_pg_fresh(int on);
int db_pg_committed(void);
int db_pg_watch_state(uint64_t *heard);

#endif

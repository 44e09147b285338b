/* sqlite.c: the embedded engine: WAL, foreign keys, busy timeout, and a
 * per-connection cache of prepared statements keyed by SQL text. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/util.h"
#include "db/db_internal.h"
#include "base/banned.h"

enum { CACHE_SLOTS = 128 };

/* Statements are known by their text, never by the caller's pointer: a
 * statement written into a request's memory can come again at the same
 * address with other text (the arena's chunk is reused), and taking it
 * for the one cached there ran the wrong statement. */
struct cached {
	unsigned hash;
	char *copy; /* the text */
	sqlite3_stmt *stmt;
};

struct db_sqlite {
	struct db base;
	sqlite3 *h;
	struct cached cache[CACHE_SLOTS];
	int wal;                  /* the journal is a write-ahead log */
	int used;                 /* a statement has run */
	const volatile unsigned char *shm; /* its wal-index, as SQLite maps it (s_mark) */
	dev_t shm_dev;            /* which database (the mark names it) */
	ino_t shm_ino;
};

static int map_rc(struct db_sqlite *s, int rc, const char *sql, err *e)
{
	int code = ERR_FAIL;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = ERR_BUSY;
		break;
	case SQLITE_CONSTRAINT:
		code = ERR_CONSTRAINT;
		break;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
		code = ERR_UNAVAILABLE;
		break;
	}
	return err_set(e, code, "sqlite: %s (in: %.120s)", sqlite3_errmsg(s->h), sql);
}

/* Returns a reset statement for sql, preparing and caching it on first use. */
static int prepare(struct db_sqlite *s, const char *sql, sqlite3_stmt **out, int *cached, err *e)
{
	unsigned hash = db_hash_sql(sql), slot = hash % CACHE_SLOTS;
	for (unsigned i = 0; i < 8; i++) {
		struct cached *c = &s->cache[(slot + i) % CACHE_SLOTS];
		if (!c->stmt)
			break;
		if (c->hash == hash && !strcmp(c->copy, sql)) {
			*out = c->stmt;
			*cached = 1;
			return 0;
		}
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(s->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(s, rc, sql, e);
	for (unsigned i = 0; i < 8; i++) {
		struct cached *c = &s->cache[(slot + i) % CACHE_SLOTS];
		if (!c->stmt && (c->copy = strdup(sql))) {
			c->hash = hash;
			c->stmt = st;
			*out = st;
			*cached = 1;
			return 0;
		}
	}
	*out = st; /* cache neighbourhood full: use once and finalize */
	*cached = 0;
	return 0;
}

static int bind(struct db_sqlite *s, sqlite3_stmt *st, const char *sql, const db_param *p, int n, err *e)
{
	if (sqlite3_bind_parameter_count(st) != n)
		return err_set(e, ERR_FAIL, "sqlite: %d parameters given, %d expected (in: %.120s)",
			       n, sqlite3_bind_parameter_count(st), sql);
	for (int i = 0; i < n; i++) {
		int rc;
		switch (p[i].type) {
		case DBP_INT:
		case DBP_TIME:
		case DBP_BOOL: rc = sqlite3_bind_int64(st, i + 1, p[i].i); break;
		case DBP_REAL: rc = sqlite3_bind_double(st, i + 1, p[i].d); break;
		case DBP_TEXT: rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_STATIC); break;
		default: rc = sqlite3_bind_null(st, i + 1); break;
		}
		if (rc != SQLITE_OK)
			return map_rc(s, rc, sql, e);
	}
	return 0;
}

static void done(sqlite3_stmt *st, int cached)
{
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
}

/* A prepared statement with its parameters bound, ready to step. */
static int start(struct db_sqlite *s, const char *sql, const db_param *p, int n, sqlite3_stmt **st,
		 int *cached, err *e)
{
	int rc = prepare(s, sql, st, cached, e);
	if (!rc && (rc = bind(s, *st, sql, p, n, e)))
		done(*st, *cached);
	return rc;
}

static int s_exec(db *d, const char *sql, const db_param *p, int n, int64_t *changes, err *e)
{
	struct db_sqlite *s = (struct db_sqlite *)d;
	sqlite3_stmt *st;
	int cached, rc = start(s, sql, p, n, &st, &cached, e);
	if (rc)
		return rc;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (step != SQLITE_DONE)
		rc = map_rc(s, step, sql, e);
	else if (changes)
		*changes = sqlite3_changes64(s->h);
	done(st, cached);
	s->used |= !rc;
	return rc;
}

static int s_query(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e)
{
	struct db_sqlite *s = (struct db_sqlite *)d;
	sqlite3_stmt *st;
	int cached, rc = start(s, sql, p, n, &st, &cached, e);
	if (rc)
		return rc;
	int nc = sqlite3_column_count(st);
	out->ncols = nc;
	out->names = arena_alloc(a, sizeof(char *) * (size_t)(nc ? nc : 1));
	out->types = arena_alloc(a, (size_t)(nc ? nc : 1));
	for (int c = 0; c < nc; c++) {
		out->names[c] = arena_strdup(a, sqlite3_column_name(st, c));
		out->types[c] = DBT_TEXT;
	}
	size_t cap = 16, nrows = 0;
	const char **vals = arena_alloc(a, sizeof(char *) * cap * (size_t)(nc ? nc : 1));
	int step;
	uint64_t typed = 0; /* columns typed already (the first 64; later ones are looked at each row) */
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (nrows == cap) {
			const char **nv = arena_alloc(a, sizeof(char *) * cap * 2 * (size_t)nc);
			memcpy(nv, vals, sizeof(char *) * cap * (size_t)nc);
			vals = nv;
			cap *= 2;
		}
		for (int c = 0; c < nc; c++) {
			int t = sqlite3_column_type(st, c);
			/* Types come from the first row holding a value in each column;
			 * a declared BOOLEAN column answers as a boolean. */
			if (t != SQLITE_NULL && (c >= 64 || !(typed & (UINT64_C(1) << c)))) {
				const char *decl = sqlite3_column_decltype(st, c);
				if (decl && !strcasecmp(decl, "BOOLEAN"))
					out->types[c] = DBT_BOOL;
				else if (t == SQLITE_INTEGER)
					out->types[c] = DBT_INT;
				else if (t == SQLITE_FLOAT)
					out->types[c] = DBT_REAL;
				if (c < 64)
					typed |= UINT64_C(1) << c;
			}
			if (t == SQLITE_NULL) {
				vals[nrows * (size_t)nc + (size_t)c] = NULL;
			} else {
				const char *txt = (const char *)sqlite3_column_text(st, c);
				int len = sqlite3_column_bytes(st, c);
				vals[nrows * (size_t)nc + (size_t)c] = arena_strndup(a, txt, (size_t)len);
			}
		}
		nrows++;
	}
	if (step != SQLITE_DONE)
		rc = map_rc(s, step, sql, e);
	out->nrows = (int)nrows;
	out->vals = vals;
	done(st, cached);
	s->used |= !rc;
	return rc;
}

static int s_script(db *d, const char *sql, err *e)
{
	struct db_sqlite *s = (struct db_sqlite *)d;
	char *msg = NULL;
	int rc = sqlite3_exec(s->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int code = (rc & 0xff) == SQLITE_BUSY ? ERR_BUSY : ERR_FAIL;
		err_set(e, code, "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

static int s_begin(db *d, err *e)
{
	return s_exec(d, "BEGIN IMMEDIATE", NULL, 0, NULL, e);
}

/* The write-ahead log's wal-index header (sqlite.org/walformat.html, "The
 * WAL-Index Header"): the first 96 bytes of the wal-index are two copies of
 * a 48-byte header that every commit rewrites, the second copy first. Two
 * equal copies that equal a mark taken earlier mean no transaction was
 * committed in between, by this process or any other: a memory compare
 * instead of a read transaction (two fcntl locks and a statement, a fifth
 * of a kept page's cost). The wal-index is SQLite's own mapping, asked of
 * the database file's VFS methods (xShmMap; region size WALINDEX_PGSZ):
 * opening the -shm file ourselves would drop SQLite's POSIX locks on it
 * at close. It stays mapped while the connection is in WAL mode. */
enum { WALINDEX_PGSZ = 32768 };

static int map_shm(struct db_sqlite *s)
{
	if (!s->wal || !s->used)
		return 0; /* before a first transaction the wal-index may not exist */
	sqlite3_file *f = NULL;
	volatile void *p = NULL;
	struct stat st;
	const char *file = sqlite3_db_filename(s->h, "main");
	if (!file || !*file || stat(file, &st) ||
	    sqlite3_file_control(s->h, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f || !f->pMethods ||
	    f->pMethods->iVersion < 2 || !f->pMethods->xShmMap ||
	    f->pMethods->xShmMap(f, 0, WALINDEX_PGSZ, 0, &p) != SQLITE_OK || !p) {
		s->wal = 0; /* cannot tell: every caller reads */
		return 0;
	}
	s->shm = (const volatile unsigned char *)p;
	s->shm_dev = st.st_dev;
	s->shm_ino = st.st_ino;
	return 1;
}

static int s_mark(db *d, struct db_mark *m)
{
	struct db_sqlite *s = (struct db_sqlite *)d;
	if (!s->shm && !map_shm(s))
		return -1;
	unsigned char first[48], second[48];
	for (size_t i = 0; i < sizeof(first); i++)
		first[i] = s->shm[i];
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the order SQLite's readers use */
	for (size_t i = 0; i < sizeof(second); i++)
		second[i] = s->shm[48 + i];
	if (memcmp(first, second, sizeof(first)) || !first[12]) /* mid-commit, or isInit unset */
		return -1;
	memset(m, 0, sizeof(*m));
	memcpy(m->b, first, sizeof(first));
	uint64_t dev = (uint64_t)s->shm_dev, ino = (uint64_t)s->shm_ino; /* which database */
	memcpy(m->b + 48, &dev, sizeof(dev));
	memcpy(m->b + 56, &ino, sizeof(ino));
	return 0;
}

static void s_close(db *d)
{
	struct db_sqlite *s = (struct db_sqlite *)d;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (s->cache[i].stmt)
			sqlite3_finalize(s->cache[i].stmt);
		free(s->cache[i].copy);
	}
	sqlite3_close_v2(s->h);
	free(s);
}

static const struct db_ops sqlite_ops = {
	"sqlite", DB_SQLITE, s_close, s_exec, s_query, NULL, s_script, s_begin, s_mark,
};

/* Creates the folder holding path when it is missing (one level, like ./data). */
static void make_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return;
	char dir[1024];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	mkdir(dir, 0750);
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/* Memory statistics cost a global mutex on every allocation; pgherd does
 * not read them. Each connection belongs to one thread. */
static void sqlite_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_initialize();
}

int db_sqlite_open(const char *path, db **out, err *e)
{
	pthread_once(&sqlite_once, sqlite_global_init);
	struct db_sqlite *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, ERR_FAIL, "out of memory");
	s->base.ops = &sqlite_ops;
	make_parent(path);
	int rc = sqlite3_open_v2(path, &s->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
					 SQLITE_OPEN_URI,
				 NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_UNAVAILABLE, "sqlite: cannot open %s: %s", path,
			s->h ? sqlite3_errmsg(s->h) : sqlite3_errstr(rc));
		sqlite3_close_v2(s->h);
		free(s);
		return ERR_UNAVAILABLE;
	}
	sqlite3_extended_result_codes(s->h, 1);
	/* Durable on a process crash (WAL + NORMAL); a power loss may drop the
	 * last commits but never corrupts. Foreign keys are enforced. Each
	 * connection caches 1 MB of pages, not SQLite's 2 MB: the page views'
	 * writer commits every second, and a commit by another connection
	 * empties every other connection's cache anyway, while the kernel
	 * keeps the file's pages for all of them (the dashboard over two years
	 * on 4 connections: 51 -> 39 MB resident, the same requests/s). */
	rc = s_script(&s->base,
		      "PRAGMA busy_timeout = 5000;"
		      "PRAGMA journal_mode = WAL;"
		      "PRAGMA synchronous = NORMAL;"
		      "PRAGMA foreign_keys = ON;"
		      "PRAGMA temp_store = MEMORY;"
		      "PRAGMA cache_size = -1024;",
		      e);
	if (rc) {
		s_close(&s->base);
		return ERR_UNAVAILABLE;
	}
	sqlite3_stmt *jm;
	if (sqlite3_prepare_v2(s->h, "PRAGMA journal_mode", -1, &jm, NULL) == SQLITE_OK) {
		s->wal = sqlite3_step(jm) == SQLITE_ROW && !sqlite3_stricmp((const char *)sqlite3_column_text(jm, 0), "wal");
		sqlite3_finalize(jm);
	}
	*out = &s->base;
	return 0;
}

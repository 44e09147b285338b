/* pg.c: the PostgreSQL engine over libpq: ? placeholders numbered as $n,
 * statements prepared once per connection, SQLSTATEs mapped to ERR_*. */
#include <libpq-fe.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "db/db_internal.h"
#include "base/banned.h"

enum { PG_SLOTS = 256, MAX_PARAMS = 1000 }; /* the page-view writer sends 100 rows of 10 */

/* Type OIDs from PostgreSQL's pg_type.h (stable across versions). */
enum { OID_TIMESTAMPTZ = 1184, OID_TIMESTAMP = 1114, OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
       OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700 };

struct prepared {
	char *sql;
	char name[16];
};

struct db_pg {
	struct db base;
	PGconn *conn;
	char *url;
	struct prepared cache[PG_SLOTS];
	int nprepared;
	int dirty; /* the open transaction has written */
};

/* ---- what changed, without asking (db_mark; the pg_watch setting) ----
 * One connection per server LISTENs on "pgherd_changed", which triggers
 * on the tables a kept page or a remembered session depends on notify
 * (migration 031: the data versions, members, sessions, API tokens) when
 * their transaction commits, whichever server or program made it. A mark
 * is the count of notifications heard and of this process's own commits:
 * while neither moves, nothing those tables hold has changed, and a kept
 * page or a known session needs no statement (as the wal-index gives
 * SQLite). This process's commits count when they return, so its own
 * next page is never older than its write; another's arrive with their
 * notification, a moment after they commit (under a millisecond on an
 * idle machine, some milliseconds on a loaded one). A member's own write
 * through another server is read at once all the same: the answer to a
 * write sets a short-lived cookie, and a request carrying it takes no
 * mark (db_fresh; http/server.c).
 *
 * The watch trusts only what it has seen work: the connection also
 * listens on a channel of its own and notifies it, when it starts and
 * every two quiet seconds; until that comes back there is no mark, and a
 * notification that does not come back in three seconds (a database that
 * stopped answering, or a pooler in transaction mode, which does not
 * carry notifications) drops the connection. While it is not listening
 * (starting, reconnecting after the server went away) every request
 * reads as before; coming back, the count moves, so nothing remembered
 * from before is trusted. */
static struct {
	pthread_t thread;
	int running, stop[2];
	char *url;
	_Atomic uint64_t heard, wrote;
	atomic_int listening;
} W = { .stop = { -1, -1 } };

static _Thread_local int fresh;     /* this thread's request takes no mark */
static _Thread_local int committed_; /* ...and has committed a write */

void db_pg_fresh(int on)
{
	fresh = on;
	committed_ = 0;
}

int db_pg_committed(void)
{
	return committed_;
}

static void committed(void)
{
	atomic_fetch_add(&W.wrote, 1);
	committed_ = 1;
}

int db_pg_watch_state(uint64_t *heard)
{
	*heard = atomic_load(&W.heard);
	return !W.running ? -1 : atomic_load(&W.listening);
}

/* Statements that change nothing a mark covers: a SELECT (none in pgherd
 * writes), SET and SHOW. Every other one counts as a write. */
static int reads_only(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	return !strncasecmp(sql, "SELECT", 6) || !strncasecmp(sql, "SET ", 4) || !strncasecmp(sql, "SHOW ", 5);
}

static void wrote(struct db_pg *p)
{
	if (p->base.in_tx)
		p->dirty = 1;
	else
		committed();
}

static int p_mark(db *d, struct db_mark *m)
{
	(void)d;
	if (fresh || !atomic_load(&W.listening))
		return -1;
	uint64_t heard = atomic_load(&W.heard), mine = atomic_load(&W.wrote);
	memset(m, 0, sizeof(*m));
	memcpy(m->b, "pgherd-pg", 9);
	memcpy(m->b + 16, &heard, sizeof(heard));
	memcpy(m->b + 24, &mine, sizeof(mine));
	return 0;
}

/* Waits `ms` or until stopped; 1 when stopped. */
static int watch_wait(int fd, int ms)
{
	struct pollfd f[2] = { { W.stop[0], POLLIN, 0 }, { fd, POLLIN, 0 } };
	int n = poll(f, fd >= 0 ? 2 : 1, ms);
	return n > 0 && f[0].revents;
}

/* Sends the watch's own notification; 0 when sent. */
static int watch_ping(PGconn *c, const char *own)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "NOTIFY %s", own);
	return PQsendQuery(c, sql) ? 0 : -1;
}

static void *watch(void *arg)
{
	(void)arg;
	PGconn *c = NULL;
	int quiet = 0; /* said once that it cannot listen, until it can */
	enum { PING_AFTER_US = 2000000, PING_WAIT_US = 3000000 };
	int64_t quiet_since = now_us(), pinged = 0;
	char own[64], listen[160];
	snprintf(own, sizeof(own), "pgherd_watch_%ld_%lld", (long)getpid(), (long long)(now_us() % 1000000007));
	snprintf(listen, sizeof(listen), "LISTEN pgherd_changed; LISTEN %s", own);
	for (;;) {
		if (!c || PQstatus(c) != CONNECTION_OK) {
			atomic_store(&W.listening, 0);
			PQfinish(c);
			c = PQconnectdb(W.url);
			PGresult *res = PQstatus(c) == CONNECTION_OK ? PQexec(c, listen) : NULL;
			int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK && !watch_ping(c, own);
			PQclear(res);
			if (!ok) {
				if (!quiet++)
					log_warn("database watch: cannot listen (%s); kept pages check the database each time",
						 PQerrorMessage(c));
				PQfinish(c);
				c = NULL;
				if (watch_wait(-1, 1000))
					break;
				continue;
			}
			pinged = now_us(); /* listening once this comes back */
		}
		/* A database that stopped answering (a network cut, not a
		 * shutdown, which closes the connection) or a connection that
		 * does not carry notifications is found by the watch's own
		 * notification every few seconds: not back, nothing is trusted. */
		int64_t now = now_us();
		if (!pinged && now - quiet_since > PING_AFTER_US) {
			if (watch_ping(c, own)) {
				atomic_store(&W.listening, 0);
				PQfinish(c);
				c = NULL;
				continue;
			}
			pinged = now;
		} else if (pinged && now - pinged > PING_WAIT_US) {
			if (!quiet++)
				log_warn("database watch: its own notification did not come back in %d s (a pooler in "
					 "transaction mode does not carry them); kept pages check the database each time",
					 (int)(PING_WAIT_US / 1000000));
			atomic_store(&W.listening, 0);
			PQfinish(c);
			c = NULL;
			pinged = 0;
			if (watch_wait(-1, 1000))
				break;
			continue;
		}
		if (watch_wait(PQsocket(c), 1000))
			break;
		if (!PQconsumeInput(c)) {
			atomic_store(&W.listening, 0);
			PQfinish(c);
			c = NULL;
			pinged = 0;
			continue; /* reconnects above */
		}
		while (!PQisBusy(c)) {
			PGresult *r = PQgetResult(c);
			if (!r)
				break;
			PQclear(r);
		}
		int got = 0, back = 0;
		for (PGnotify *n; (n = PQnotifies(c)); PQfreemem(n)) {
			if (!strcmp(n->relname, own))
				back = 1;
			else
				got = 1;
		}
		if (back && pinged) {
			pinged = 0;
			quiet_since = now_us();
			if (!atomic_load(&W.listening)) {
				if (!atomic_load(&W.heard) || quiet)
					log_info("database watch: listening for commits");
				quiet = 0;
				/* What changed while it was not listening is not
				 * known: every mark taken before is worth nothing. */
				atomic_fetch_add(&W.heard, 1);
				atomic_store(&W.listening, 1);
			}
		}
		if (got) {
			atomic_fetch_add(&W.heard, 1);
			quiet_since = now_us();
		}
	}
	atomic_store(&W.listening, 0);
	PQfinish(c);
	return NULL;
}

int db_pg_watch_start(const char *url, err *e)
{
	if (W.running)
		return 0;
	if (pipe(W.stop))
		return err_set(e, ERR_FAIL, "database watch: %s", strerror(errno));
	W.url = strdup(url);
	if (!W.url)
		abort();
	if (pthread_create(&W.thread, NULL, watch, NULL)) {
		free(W.url);
		close(W.stop[0]);
		close(W.stop[1]);
		return err_set(e, ERR_FAIL, "database watch: cannot start its thread");
	}
	W.running = 1;
	return 0;
}

void db_pg_watch_stop(void)
{
	if (!W.running)
		return;
	(void)!write(W.stop[1], "x", 1);
	pthread_join(W.thread, NULL);
	close(W.stop[0]);
	close(W.stop[1]);
	W.stop[0] = W.stop[1] = -1;
	free(W.url);
	W.url = NULL;
	W.running = 0;
}

static void forget_prepared(struct db_pg *p)
{
	for (int i = 0; i < PG_SLOTS; i++) {
		free(p->cache[i].sql);
		p->cache[i].sql = NULL;
	}
	p->nprepared = 0;
}

static int result_err(struct db_pg *p, PGresult *res, const char *sql, err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int code = ERR_FAIL;
	if (PQstatus(p->conn) != CONNECTION_OK)
		code = ERR_UNAVAILABLE;
	else if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
			   !strcmp(state, "55P03")))
		code = ERR_BUSY;
	else if (state && (!strncmp(state, "23", 2)))
		code = ERR_CONSTRAINT;
	else if (state && !strncmp(state, "08", 2))
		code = ERR_UNAVAILABLE;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(p->conn);
	size_t ml = strlen(msg);
	while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
		ml--;
	return err_set(e, code, "postgres: %.*s [%s] (in: %.120s)", (int)ml, msg,
		       state ? state : "-", sql);
}

/* Parses PostgreSQL's timestamptz text in the session's UTC zone,
 * "2026-12-19 01:00:00+00" with optional fractional seconds. */
static int pg_time_parse(const char *s, int64_t *out)
{
	char day[11], rest[16];
	if (strlen(s) < 19)
		return -1;
	snprintf(day, sizeof(day), "%.10s", s);
	snprintf(rest, sizeof(rest), "%.8s", s + 11);
	char iso[32];
	snprintf(iso, sizeof(iso), "%sT%s", day, rest);
	return parse_time(iso, out);
}

/* Rewrites ? placeholders outside quotes as $1, $2, ... */
static char *number_params(const char *sql)
{
	buf b = BUF_INIT;
	int n = 0;
	char quote = 0;
	for (const char *s = sql; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			buf_addc(&b, *s);
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			buf_addc(&b, *s);
		} else if (*s == '?') {
			buf_addf(&b, "$%d", ++n);
		} else {
			buf_addc(&b, *s);
		}
	}
	return buf_detach(&b, NULL);
}

/* A connection that dropped is reset once; prepared statements died with it. */
static int ensure_conn(struct db_pg *p, err *e)
{
	if (PQstatus(p->conn) == CONNECTION_OK)
		return 0;
	if (p->base.in_tx)
		return err_set(e, ERR_UNAVAILABLE, "postgres: connection lost inside a transaction");
	PQreset(p->conn);
	forget_prepared(p);
	if (PQstatus(p->conn) != CONNECTION_OK)
		return err_set(e, ERR_UNAVAILABLE, "postgres: %s", PQerrorMessage(p->conn));
	return 0;
}

static int prepare(struct db_pg *p, const char *sql, int n, const char **name, err *e)
{
	unsigned slot = db_hash_sql(sql) % PG_SLOTS;
	for (unsigned i = 0; i < PG_SLOTS; i++) {
		struct prepared *c = &p->cache[(slot + i) % PG_SLOTS];
		if (c->sql && !strcmp(c->sql, sql)) {
			*name = c->name;
			return 0;
		}
		if (!c->sql) {
			char *numbered = number_params(sql);
			snprintf(c->name, sizeof(c->name), "p%d", p->nprepared++);
			PGresult *res = PQprepare(p->conn, c->name, numbered, n, NULL);
			free(numbered);
			int rc = 0;
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				rc = result_err(p, res, sql, e);
			PQclear(res);
			if (rc)
				return rc;
			c->sql = strdup(sql);
			*name = c->name;
			return 0;
		}
	}
	*name = NULL; /* every slot taken: the statement runs unnamed, planned each time */
	return 0;
}

/* Parameters as the text libpq sends. */
static int param_text(const db_param *prm, int n, const char **vals, char nums[][32], err *e)
{
	if (n > MAX_PARAMS)
		return err_set(e, ERR_FAIL, "postgres: too many parameters");
	for (int i = 0; i < n; i++) {
		switch (prm[i].type) {
		case DBP_INT:
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, prm[i].i);
			vals[i] = nums[i];
			break;
		case DBP_REAL:
			snprintf(nums[i], sizeof(nums[i]), "%.17g", prm[i].d);
			vals[i] = nums[i];
			break;
		case DBP_TEXT:
			vals[i] = prm[i].s;
			break;
		case DBP_TIME:
			time_iso(prm[i].i, nums[i]);
			vals[i] = nums[i];
			break;
		case DBP_BOOL:
			vals[i] = prm[i].i ? "t" : "f";
			break;
		default:
			vals[i] = NULL;
		}
	}
	return 0;
}

static int run(struct db_pg *p, const char *sql, const db_param *prm, int n, PGresult **out, err *e);

/* An unnamed statement, planned with its values (db_query_planned). */
static int run_planned(struct db_pg *p, const char *sql, const db_param *prm, int n, PGresult **out, err *e)
{
	const char *vals[MAX_PARAMS];
	char nums[MAX_PARAMS][32];
	int rc = ensure_conn(p, e);
	if (rc || (rc = param_text(prm, n, vals, nums, e)))
		return rc;
	char *numbered = number_params(sql);
	PGresult *res = PQexecParams(p->conn, numbered, n, NULL, vals, NULL, NULL, 0);
	free(numbered);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = result_err(p, res, sql, e);
		PQclear(res);
		return rc;
	}
	*out = res;
	return 0;
}

static int run(struct db_pg *p, const char *sql, const db_param *prm, int n, PGresult **out, err *e)
{
	int rc = ensure_conn(p, e);
	if (rc)
		return rc;
	const char *name = NULL;
	if ((rc = prepare(p, sql, n, &name, e)))
		return rc;
	if (!name) {
		if (!(rc = run_planned(p, sql, prm, n, out, e)) && !reads_only(sql))
			wrote(p);
		return rc;
	}
	const char *vals[MAX_PARAMS];
	char nums[MAX_PARAMS][32];
	if ((rc = param_text(prm, n, vals, nums, e)))
		return rc;
	for (int attempt = 0;; attempt++) {
		PGresult *res = PQexecPrepared(p->conn, name, n, vals, NULL, NULL, 0);
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			if (!reads_only(sql))
				wrote(p);
			*out = res;
			return 0;
		}
		/* The server restarted since this connection last spoke: outside a
		 * transaction nothing is lost by connecting again and running the
		 * statement once more. */
		if (!attempt && PQstatus(p->conn) == CONNECTION_BAD && !p->base.in_tx) {
			PQclear(res);
			if ((rc = ensure_conn(p, e)) || (rc = prepare(p, sql, n, &name, e)))
				return rc;
			if (!name)
				return run(p, sql, prm, n, out, e);
			continue;
		}
		rc = result_err(p, res, sql, e);
		PQclear(res);
		return rc;
	}
}

static int p_exec(db *d, const char *sql, const db_param *prm, int n, int64_t *changes, err *e)
{
	struct db_pg *p = (struct db_pg *)d;
	PGresult *res;
	int rc;
	/* Transaction control is not worth a prepared statement. */
	if (!n && (!strcmp(sql, "COMMIT") || !strcmp(sql, "ROLLBACK") || !strncmp(sql, "BEGIN", 5))) {
		if (strcmp(sql, "ROLLBACK") && (rc = ensure_conn(p, e)))
			return rc;
		res = PQexec(p->conn, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !strncmp(sql, "BEGIN", 5) &&
		    PQstatus(p->conn) == CONNECTION_BAD) {
			/* A stale connection found at BEGIN: nothing has happened yet. */
			PQclear(res);
			if ((rc = ensure_conn(p, e)))
				return rc;
			res = PQexec(p->conn, sql);
		}
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			p->dirty = 0;
			rc = result_err(p, res, sql, e);
			PQclear(res);
			return rc;
		}
		/* Its writes count once they are committed. */
		if (!strcmp(sql, "COMMIT") && p->dirty)
			committed();
		p->dirty = 0;
	} else if ((rc = run(p, sql, prm, n, &res, e))) {
		return rc;
	}
	if (changes) {
		const char *t = PQcmdTuples(res);
		*changes = *t ? strtoll(t, NULL, 10) : 0;
	}
	PQclear(res);
	return 0;
}

static void convert(PGresult *res, arena *a, db_res *out);

static int p_query(db *d, arena *a, const char *sql, const db_param *prm, int n, db_res *out, err *e)
{
	PGresult *res;
	int rc = run((struct db_pg *)d, sql, prm, n, &res, e);
	if (!rc)
		convert(res, a, out);
	return rc;
}

static int p_query_planned(db *d, arena *a, const char *sql, const db_param *prm, int n, db_res *out, err *e)
{
	PGresult *res;
	int rc = run_planned((struct db_pg *)d, sql, prm, n, &res, e);
	if (!rc)
		convert(res, a, out);
	return rc;
}

/* Copies a result into the arena (and frees it), times as Unix seconds. */
static void convert(PGresult *res, arena *a, db_res *out)
{
	int nr = PQntuples(res), nc = PQnfields(res);
	out->nrows = nr;
	out->ncols = nc;
	out->names = arena_alloc(a, sizeof(char *) * (size_t)(nc ? nc : 1));
	out->types = arena_alloc(a, (size_t)(nc ? nc : 1));
	out->vals = arena_alloc(a, sizeof(char *) * (size_t)(nr ? nr : 1) * (size_t)(nc ? nc : 1));
	for (int c = 0; c < nc; c++) {
		out->names[c] = arena_strdup(a, PQfname(res, c));
		switch (PQftype(res, c)) {
		case OID_INT2: case OID_INT4: case OID_INT8: out->types[c] = DBT_INT; break;
		case OID_FLOAT4: case OID_FLOAT8: case OID_NUMERIC: out->types[c] = DBT_REAL; break;
		case OID_BOOL: out->types[c] = DBT_BOOL; break;
		case OID_TIMESTAMPTZ: case OID_TIMESTAMP: out->types[c] = DBT_TIME; break;
		default: out->types[c] = DBT_TEXT;
		}
	}
	for (int r = 0; r < nr; r++)
		for (int c = 0; c < nc; c++) {
			const char **v = &out->vals[(size_t)r * (size_t)nc + (size_t)c];
			if (PQgetisnull(res, r, c)) {
				*v = NULL;
			} else if (out->types[c] == DBT_TIME) {
				/* Times travel as Unix seconds on both engines. */
				int64_t t;
				*v = pg_time_parse(PQgetvalue(res, r, c), &t)
					     ? arena_strdup(a, PQgetvalue(res, r, c))
					     : arena_printf(a, "%" PRId64, t);
			} else {
				*v = arena_strndup(a, PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c));
			}
		}
	for (int c = 0; c < nc; c++)
		if (out->types[c] == DBT_TIME)
			out->types[c] = DBT_INT;
	PQclear(res);
}

static int p_script(db *d, const char *sql, err *e)
{
	struct db_pg *p = (struct db_pg *)d;
	int rc = ensure_conn(p, e);
	if (rc)
		return rc;
	PGresult *res = PQexec(p->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = result_err(p, res, "(script)", e);
	PQclear(res);
	wrote(p); /* a script (a migration) may change anything */
	return rc;
}

static int p_begin(db *d, err *e)
{
	return p_exec(d, "BEGIN", NULL, 0, NULL, e);
}

static void p_close(db *d)
{
	struct db_pg *p = (struct db_pg *)d;
	forget_prepared(p);
	PQfinish(p->conn);
	free(p->url);
	free(p);
}

static const struct db_ops pg_ops = {
	"postgres", DB_POSTGRES, p_close, p_exec, p_query, p_query_planned, p_script, p_begin, p_mark,
};

static void quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* NOTICEs such as "relation already exists, skipping" */
}

int db_pg_open(const char *url, db **out, err *e)
{
	struct db_pg *p = calloc(1, sizeof(*p));
	if (!p)
		return err_set(e, ERR_FAIL, "out of memory");
	p->base.ops = &pg_ops;
	p->conn = PQconnectdb(url);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		err_set(e, ERR_UNAVAILABLE, "postgres: cannot connect: %s",
			PQerrorMessage(p->conn));
		PQfinish(p->conn);
		free(p);
		return ERR_UNAVAILABLE;
	}
	PQsetNoticeProcessor(p->conn, quiet_notice, NULL);
	PGresult *res = PQexec(p->conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
	PQclear(res);
	*out = &p->base;
	return 0;
}

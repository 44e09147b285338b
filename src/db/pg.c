/* pg.c: the PostgreSQL engine over libpq: ? placeholders numbered as $n,
 * statements prepared once per connection, SQLSTATEs mapped to ERR_*. */
#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "db/db_internal.h"
#include "base/banned.h"

enum { PG_SLOTS = 256, MAX_PARAMS = 160 };

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
};

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
	return err_set(e, ERR_FAIL, "postgres: statement cache full");
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
	const char *vals[MAX_PARAMS];
	char nums[MAX_PARAMS][32];
	if ((rc = param_text(prm, n, vals, nums, e)))
		return rc;
	for (int attempt = 0;; attempt++) {
		PGresult *res = PQexecPrepared(p->conn, name, n, vals, NULL, NULL, 0);
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
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
			rc = result_err(p, res, sql, e);
			PQclear(res);
			return rc;
		}
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
	"postgres", DB_POSTGRES, p_close, p_exec, p_query, p_query_planned, p_script, p_begin,
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

/* db.c: engine dispatch, transactions with retry, typed getters, JSON rows,
 * and the per-thread connections the server uses. */
#include "db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "db/db_internal.h"
#include "base/stats.h"
#include "base/banned.h"

int db_open(const char *url, db **out, err *e)
{
	if (!strncmp(url, "sqlite:", 7))
		return db_sqlite_open(url + 7, out, e);
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		return db_pg_open(url, out, e);
	return err_set(e, ERR_INPUT, "database URL must start with sqlite: or postgres://");
}

void db_close(db *d)
{
	if (d)
		d->ops->close(d);
}

unsigned db_hash_sql(const char *sql)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

db_engine db_engine_of(const db *d) { return d->ops->engine; }
const char *db_engine_name(const db *d) { return d->ops->name; }

const char *db_ids_match(const db *d, arena *a, const char *column)
{
	return db_engine_of(d) == DB_POSTGRES ? arena_printf(a, "%s = ANY (CAST(? AS bigint[]))", column)
					      : arena_printf(a, "%s IN (SELECT value FROM json_each(?))", column);
}

const char *db_ids_param(const db *d, arena *a, const int64_t *ids, int n)
{
	int pg = db_engine_of(d) == DB_POSTGRES;
	buf b = BUF_INIT;
	buf_addc(&b, pg ? '{' : '[');
	for (int i = 0; i < n; i++)
		buf_addf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
	buf_addc(&b, pg ? '}' : ']');
	const char *s = arena_strdup(a, b.s ? b.s : "");
	buf_release(&b);
	return s;
}

/* Each statement's time goes to /metrics (base/stats.h). */
int db_exec(db *d, const char *sql, const db_param *p, int n, int64_t *changes, err *e)
{
	uint64_t t0 = now_us();
	int rc = d->ops->exec(d, sql, p, n, changes, e);
	stats_db(now_us() - t0);
	return rc;
}

int db_query(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e)
{
	memset(out, 0, sizeof(*out));
	uint64_t t0 = now_us();
	int rc = d->ops->query(d, a, sql, p, n, out, e);
	stats_db(now_us() - t0);
	return rc;
}

int db_query_planned(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e)
{
	memset(out, 0, sizeof(*out));
	uint64_t t0 = now_us();
	int rc = (d->ops->query_planned ? d->ops->query_planned : d->ops->query)(d, a, sql, p, n, out, e);
	stats_db(now_us() - t0);
	return rc;
}

int db_exec_script(db *d, const char *sql, err *e)
{
	return d->ops->script(d, sql, e);
}

int db_ping(db *d, err *e)
{
	arena a = ARENA_INIT;
	db_res r;
	int rc = db_query(d, &a, "SELECT 1", DB_NOARGS, &r, e);
	if (!rc && (r.nrows != 1 || strcmp(db_get(&r, 0, 0), "1")))
		rc = err_set(e, ERR_FAIL, "SELECT 1 returned something else");
	arena_release(&a);
	return rc;
}

int db_begin(db *d, err *e)
{
	int rc = d->ops->begin(d, e);
	if (!rc)
		d->in_tx = 1;
	return rc;
}

int db_commit(db *d, err *e)
{
	int rc = db_exec(d, "COMMIT", DB_NOARGS, NULL, e);
	if (rc)
		db_rollback(d);
	d->in_tx = 0;
	return rc;
}

int db_rollback(db *d)
{
	err ignored;
	int rc = db_exec(d, "ROLLBACK", DB_NOARGS, NULL, &ignored);
	d->in_tx = 0;
	return rc;
}

int db_tx(db *d, db_tx_fn fn, void *ctx, err *e)
{
	int rc = ERR_BUSY;
	for (int attempt = 0; attempt < 8 && rc == ERR_BUSY; attempt++) {
		if (attempt) {
			/* Backoff with jitter: 1, 2, 4 ... ms, so retries spread out. */
			struct timespec ts = { 0, (long)((1 << (attempt - 1)) * 1000000L +
							 (long)(now_us() % 1000) * 1000) };
			nanosleep(&ts, NULL);
		}
		rc = db_begin(d, e);
		if (rc)
			continue;
		rc = fn(d, ctx, e);
		if (rc) {
			db_rollback(d);
			continue;
		}
		rc = db_commit(d, e);
	}
	return rc;
}

const char *db_get(const db_res *r, int row, int col)
{
	return r->vals[(size_t)row * (size_t)r->ncols + (size_t)col];
}

int64_t db_get_int(const db_res *r, int row, int col)
{
	const char *v = db_get(r, row, col);
	if (v && r->types[col] == DBT_BOOL)
		return *v == 't' || *v == '1'; /* PostgreSQL's booleans are 't' and 'f' */
	return v ? strtoll(v, NULL, 10) : 0;
}

int db_col(const db_res *r, const char *name)
{
	for (int c = 0; c < r->ncols; c++)
		if (!strcmp(r->names[c], name))
			return c;
	return -1;
}

const char *db_text(const db_res *r, int row, const char *name)
{
	int c = db_col(r, name);
	return c < 0 ? NULL : db_get(r, row, c);
}

const char *db_str(const db_res *r, int row, const char *name)
{
	const char *v = db_text(r, row, name);
	return v ? v : "";
}

int64_t db_int(const db_res *r, int row, const char *name)
{
	int c = db_col(r, name);
	return c < 0 ? 0 : db_get_int(r, row, c);
}

json_t *db_row_json(const db_res *r, int row)
{
	json_t *o = json_object();
	for (int c = 0; c < r->ncols; c++) {
		const char *v = db_get(r, row, c);
		json_t *j;
		if (!v)
			j = json_null();
		else if (r->types[c] == DBT_INT)
			j = json_integer(strtoll(v, NULL, 10));
		else if (r->types[c] == DBT_REAL)
			j = json_real(strtod(v, NULL));
		else if (r->types[c] == DBT_BOOL)
			j = json_boolean(v[0] == 't' || v[0] == '1');
		else
			j = json_string(v);
		/* Invalid UTF-8 in a stored text cannot become JSON: show it as null. */
		json_object_set_new(o, r->names[c], j ? j : json_null());
	}
	return o;
}

json_t *db_rows_json(const db_res *r)
{
	json_t *a = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(a, db_row_json(r, i));
	return a;
}

/* The database URL is set once before the server starts its threads. */
static char *thread_url;
static pthread_key_t thread_key;

static void thread_close(void *p)
{
	db_close(p);
}

int db_thread_setup(const char *url, err *e)
{
	if (pthread_key_create(&thread_key, thread_close))
		return err_set(e, ERR_FAIL, "pthread_key_create failed");
	thread_url = strdup(url);
	return thread_url ? 0 : err_set(e, ERR_FAIL, "out of memory");
}

db *db_thread(err *e)
{
	db *d = pthread_getspecific(thread_key);
	if (d)
		return d;
	if (db_open(thread_url, &d, e))
		return NULL;
	pthread_setspecific(thread_key, d);
	return d;
}

void db_thread_teardown(void)
{
	db *d = pthread_getspecific(thread_key);
	if (d) {
		db_close(d);
		pthread_setspecific(thread_key, NULL);
	}
	free(thread_url);
	thread_url = NULL;
}

int db_mark(db *d, struct db_mark *m)
{
	return d->ops->mark ? d->ops->mark(d, m) : -1;
}

int db_watch_start(const char *url, err *e)
{
	return strncmp(url, "postgres", 8) ? 0 : db_pg_watch_start(url, e);
}

void db_watch_stop(void)
{
	db_pg_watch_stop();
}

void db_fresh(int on)
{
	db_pg_fresh(on);
}

int db_committed(void)
{
	return db_pg_committed();
}

int db_watch_state(uint64_t *heard)
{
	return db_pg_watch_state(heard);
}

/* Data versions added up by name: a version is the sum of its name's rows
 * (one per PostgreSQL connection, migration 019). */
enum { VERSION_NAMES = 64 };
struct version_sum {
	const char *name;
	size_t len;
	int64_t sum;
};
struct version_sums {
	int k;
	struct version_sum v[VERSION_NAMES];
};

static int version_add(struct version_sums *s, const char *name, size_t len, int64_t v)
{
	int j = 0;
	while (j < s->k && (s->v[j].len != len || memcmp(s->v[j].name, name, len)))
		j++;
	if (j == VERSION_NAMES)
		return -1;
	if (j == s->k)
		s->v[s->k++] = (struct version_sum){ name, len, 0 };
	s->v[j].sum += v;
	return 0;
}

/* "events=12,home=5": each name once; NULL when there are none. */
static const char *version_text(arena *a, const struct version_sums *s)
{
	char *text = NULL;
	for (int j = 0; j < s->k; j++)
		text = arena_printf(a, "%s%s%.*s=%lld", text ? text : "", text ? "," : "", (int)s->v[j].len, s->v[j].name,
				    (long long)s->v[j].sum);
	return text;
}

const char *db_versions_summed(arena *a, const char *rows)
{
	struct version_sums s = { 0 };
	for (const char *p = rows; p && *p;) {
		const char *end = strchr(p, ','), *eq = strchr(p, '=');
		if (!end)
			end = p + strlen(p);
		if (!eq || eq > end)
			return rows; /* not the shape DB_VERSIONS_SQL gives: left as it is */
		char num[24];
		size_t l = (size_t)(end - eq - 1);
		int64_t v;
		if (l >= sizeof(num))
			return rows;
		memcpy(num, eq + 1, l);
		num[l] = '\0';
		if (parse_i64(num, INT64_MIN, INT64_MAX, &v) || version_add(&s, p, (size_t)(eq - p), v))
			return rows;
		p = *end ? end + 1 : end;
	}
	return version_text(a, &s);
}

/* The versions last read in this process and the mark taken just before
 * that read: a commit between the two leaves the text newer than its mark,
 * so the next request reads again; never older. */
static struct {
	pthread_mutex_t mu;
	int valid;
	struct db_mark mark;
	char text[2048];
} seen = { PTHREAD_MUTEX_INITIALIZER };

int db_versions(db *d, arena *a, const char **out, err *e)
{
	struct db_mark now;
	int marked = db_mark(d, &now) == 0;
	*out = NULL;
	if (marked) {
		pthread_mutex_lock(&seen.mu);
		if (seen.valid && !memcmp(&seen.mark, &now, sizeof(now)))
			*out = arena_strdup(a, seen.text);
		pthread_mutex_unlock(&seen.mu);
		if (*out)
			return 0;
	}
	/* The rows as they are, added up here: the cheapest statement there
	 * is for the database, which every visitor's page waits on. */
	db_res v;
	int rc = db_query(d, a, "SELECT name, version FROM cache_versions", NULL, 0, &v, e);
	if (rc)
		return rc;
	struct version_sums s = { 0 };
	for (int i = 0; i < v.nrows; i++)
		if (version_add(&s, db_get(&v, i, 0), strlen(db_get(&v, i, 0)), db_get_int(&v, i, 1)))
			return err_set(e, ERR_FAIL, "more than %d data version names", VERSION_NAMES);
	*out = version_text(a, &s);
	size_t n = *out ? strlen(*out) : 0;
	if (marked && *out && n < sizeof(seen.text)) {
		pthread_mutex_lock(&seen.mu);
		memcpy(&seen.mark, &now, sizeof(now));
		memcpy(seen.text, *out, n + 1);
		seen.valid = 1;
		pthread_mutex_unlock(&seen.mu);
	}
	return 0;
}

int db_data_version(db *d, arena *a, const char *name, int64_t *version, err *e)
{
	db_res v;
	int rc = db_query(d, a, "SELECT coalesce(sum(version), 0) FROM cache_versions WHERE name = ?",
			  DB_ARGS(DB_TEXT(name)), &v, e);
	*version = !rc && v.nrows ? db_get_int(&v, 0, 0) : 0;
	return rc;
}

int db_versions_fold(db *d, err *e)
{
	if (db_engine_of(d) != DB_POSTGRES)
		return 0;
	/* One statement: the ended connections' rows leave and shard 0 gains
	 * what they held, so no reader sees a sum go down. */
	return db_exec(d, "WITH gone AS (DELETE FROM cache_versions WHERE shard <> 0 AND shard NOT IN "
			  "(SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL) RETURNING name, version), "
			  "totals AS (SELECT name, sum(version) AS v FROM gone GROUP BY name) "
			  "INSERT INTO cache_versions (name, shard, version) SELECT name, 0, v FROM totals "
			  "ON CONFLICT (name, shard) DO UPDATE SET version = cache_versions.version + excluded.version",
		       DB_NOARGS, NULL, e);
}

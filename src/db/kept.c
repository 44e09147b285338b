/* kept.c: db_query_kept, the answers of small reads kept while nothing is
 * committed; db_query_settled, the answers of reads of rows written once.
 *
 * A page kept per reader still needs the version it was made from, and
 * some versions are nobody's but one row's (a person's cache_version on
 * their public profile). Reading that row is a whole round trip to
 * PostgreSQL for a few bytes that change only when something is
 * committed. So the answer is kept with the database mark taken just
 * before it was read (db_mark): while the mark is the same, nothing has
 * been committed anywhere, by any process, and the kept answer is the
 * database's. A commit between the mark and the read leaves the answer
 * newer than its mark, so the next read asks again; never older.
 *
 * A settled answer is of rows that are never changed once written (a
 * finished day's sums): it stays true for as long as what the caller
 * knows of their writing (the stamp: the last day summed, and when) is
 * the same, whatever else is committed meanwhile.
 *
 * Each is a direct-mapped table of answers, each a copy in one malloc'd
 * block, keyed by the statement's text and its values (and the stamp); a
 * slot is taken over by the last statement to land in it. */
#include "db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/stripes.h"
#include "db/db_internal.h"
#include "base/banned.h"

enum { KEPT_SLOTS = 512, KEPT_MAX = 4096 };
/* Settled answers are few and large (a chart's two years of sums), and
 * all of them together are held to SETTLED_BUDGET bytes. */
enum { SETTLED_SLOTS = 128, SETTLED_MAX = 1 << 20, SETTLED_BUDGET = 16 << 20 };

struct kept {
	struct db_mark mark;
	unsigned hash;
	char *key; /* malloc'd: the statement and its values (key_of) */
	size_t key_len;
	char *answer; /* malloc'd: the result (answer_of) */
	size_t answer_len;
};

/* A direct-mapped table of answers, a slot taken over by the last
 * statement to land in it. */
struct table {
	struct kept *slots;
	int nslots;
	size_t max, budget, held; /* bytes: per answer, all, held now */
	pthread_mutex_t *stripes;
};

static struct kept kept_slots[KEPT_SLOTS], settled_slots[SETTLED_SLOTS];
static pthread_mutex_t kept_stripes[STRIPES16] = STRIPES16_INITIALIZER;
static pthread_mutex_t settled_stripes[STRIPES16] = STRIPES16_INITIALIZER;
static struct table kept_table = { kept_slots, KEPT_SLOTS, KEPT_MAX, (size_t)KEPT_SLOTS * KEPT_MAX, 0, kept_stripes };
static struct table settled_table = { settled_slots, SETTLED_SLOTS, SETTLED_MAX, SETTLED_BUDGET, 0, settled_stripes };

/* A length-prefixed piece of text; NULL (SQL NULL) as length ~0. */
static void add_text(buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	buf_add(b, &n, sizeof(n));
	if (s)
		buf_add(b, s, n);
}

/* The statement and every value, each with its type: two keys are equal
 * only for the same text asked with the same values. */
static void key_of(buf *b, const char *sql, const db_param *p, int n)
{
	add_text(b, sql);
	for (int i = 0; i < n; i++) {
		buf_add(b, &p[i].type, sizeof(p[i].type));
		if (p[i].type == DBP_TEXT)
			add_text(b, p[i].s);
		else if (p[i].type == DBP_REAL)
			buf_add(b, &p[i].d, sizeof(p[i].d));
		else
			buf_add(b, &p[i].i, sizeof(p[i].i));
	}
}

/* The result: rows, columns, types, then the names and the values. */
static void answer_of(buf *b, const db_res *r)
{
	buf_add(b, &r->nrows, sizeof(r->nrows));
	buf_add(b, &r->ncols, sizeof(r->ncols));
	if (r->ncols)
		buf_add(b, r->types, (size_t)r->ncols);
	for (int c = 0; c < r->ncols; c++)
		add_text(b, r->names[c]);
	for (int i = 0; i < r->nrows * r->ncols; i++)
		add_text(b, r->vals[i]);
}

/* A text of an answer, copied into a; *p moves past it. */
static const char *take_text(arena *a, const char **p)
{
	uint32_t n;
	memcpy(&n, *p, sizeof(n));
	*p += sizeof(n);
	if (n == UINT32_MAX)
		return NULL;
	char *s = arena_alloc(a, (size_t)n + 1);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n;
	return s;
}

static void answer_read(arena *a, const char *p, db_res *r)
{
	memcpy(&r->nrows, p, sizeof(r->nrows));
	p += sizeof(r->nrows);
	memcpy(&r->ncols, p, sizeof(r->ncols));
	p += sizeof(r->ncols);
	r->types = arena_alloc(a, (size_t)r->ncols + 1);
	memcpy(r->types, p, (size_t)r->ncols);
	p += r->ncols;
	r->names = arena_alloc(a, sizeof(*r->names) * ((size_t)r->ncols + 1));
	for (int c = 0; c < r->ncols; c++)
		r->names[c] = take_text(a, &p);
	size_t cells = (size_t)r->nrows * (size_t)r->ncols;
	r->vals = arena_alloc(a, sizeof(*r->vals) * (cells + 1));
	for (size_t i = 0; i < cells; i++)
		r->vals[i] = take_text(a, &p);
}

static unsigned hash_of(const buf *key)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < key->len; i++)
		h = (h ^ (unsigned char)key->s[i]) * 16777619u;
	return h;
}

/* The answer kept in t for key under mark (copied into out), if any. */
static int table_find(struct table *t, const buf *key, unsigned h, const struct db_mark *mark, arena *a, db_res *out)
{
	struct kept *k = &t->slots[h % (unsigned)t->nslots];
	pthread_mutex_t *mu = &t->stripes[(h % (unsigned)t->nslots) % STRIPES16];
	int found = 0;
	pthread_mutex_lock(mu);
	if (k->answer && k->hash == h && k->key_len == key->len && !memcmp(k->key, key->s, key->len) &&
	    !memcmp(&k->mark, mark, sizeof(*mark))) {
		memset(out, 0, sizeof(*out));
		answer_read(a, k->answer, out);
		found = 1;
	}
	pthread_mutex_unlock(mu);
	return found;
}

/* Keeps res in t for key under mark, in place of what its slot held,
 * unless it is larger than t lets an answer or all of them be. */
static void table_keep(struct table *t, buf *key, unsigned h, const struct db_mark *mark, const db_res *res)
{
	buf answer = BUF_INIT;
	answer_of(&answer, res);
	struct kept *k = &t->slots[h % (unsigned)t->nslots];
	pthread_mutex_t *mu = &t->stripes[(h % (unsigned)t->nslots) % STRIPES16];
	char *old_key = NULL, *old_answer = NULL;
	pthread_mutex_lock(mu);
	/* held is changed under any stripe, so with atomics; two threads in
	 * two stripes may pass the budget by an answer each. */
	size_t held = __atomic_load_n(&t->held, __ATOMIC_RELAXED) - k->answer_len;
	if (answer.len <= t->max && held + answer.len <= t->budget) {
		size_t key_len = key->len, answer_len = answer.len;
		old_key = k->key;
		old_answer = k->answer;
		__atomic_add_fetch(&t->held, answer_len - k->answer_len, __ATOMIC_RELAXED);
		*k = (struct kept){ *mark, h, buf_detach(key, NULL), key_len, buf_detach(&answer, NULL), answer_len };
	}
	pthread_mutex_unlock(mu);
	free(old_key);
	free(old_answer);
	buf_release(&answer);
}

/* db_query through t: the key is the stamp (if any), the statement and
 * its values. */
static int table_query(struct table *t, db *d, arena *a, const struct db_mark *mark, const char *stamp, const char *sql,
		       const db_param *p, int n, db_res *out, err *e)
{
	buf key = BUF_INIT;
	if (stamp)
		add_text(&key, stamp);
	key_of(&key, sql, p, n);
	unsigned h = hash_of(&key);
	int rc = 0;
	if (!table_find(t, &key, h, mark, a, out)) {
		rc = db_query(d, a, sql, p, n, out, e);
		if (!rc)
			table_keep(t, &key, h, mark, out);
	}
	buf_release(&key);
	return rc;
}

int db_query_kept(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e)
{
	struct db_mark mark;
	/* Inside a transaction the answer may hold what is not committed. */
	if (d->in_tx || db_mark(d, &mark))
		return db_query(d, a, sql, p, n, out, e);
	return table_query(&kept_table, d, a, &mark, NULL, sql, p, n, out, e);
}

int db_query_settled(db *d, arena *a, const char *stamp, const char *sql, const db_param *p, int n, db_res *out, err *e)
{
	static const struct db_mark none;
	if (d->in_tx)
		return db_query(d, a, sql, p, n, out, e);
	return table_query(&settled_table, d, a, &none, stamp, sql, p, n, out, e);
}

static void table_clear(struct table *t)
{
	for (int i = 0; i < t->nslots; i++) {
		pthread_mutex_lock(&t->stripes[i % STRIPES16]);
		free(t->slots[i].key);
		free(t->slots[i].answer);
		t->slots[i] = (struct kept){ 0 };
		pthread_mutex_unlock(&t->stripes[i % STRIPES16]);
	}
	__atomic_store_n(&t->held, 0, __ATOMIC_RELAXED);
}

void db_kept_clear(void)
{
	table_clear(&kept_table);
	table_clear(&settled_table);
}

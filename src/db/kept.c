/* kept.c: db_query_kept, the answers of small reads kept while nothing is
 * committed.
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
 * A direct-mapped table of KEPT_SLOTS answers, each a copy in one malloc'd
 * block (at most KEPT_MAX bytes), keyed by the statement's text and its
 * values; a slot is taken over by the last statement to land in it. */
#include "db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/stripes.h"
#include "db/db_internal.h"
#include "base/banned.h"

enum { KEPT_SLOTS = 512, KEPT_STRIPES = STRIPES16, KEPT_MAX = 4096 };

struct kept {
	struct db_mark mark;
	unsigned hash;
	char *key; /* malloc'd: the statement and its values (key_of) */
	size_t key_len;
	char *answer; /* malloc'd: the result (answer_of) */
	size_t answer_len;
};

static struct kept slots[KEPT_SLOTS];
static pthread_mutex_t stripes[STRIPES16] = STRIPES16_INITIALIZER;

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

int db_query_kept(db *d, arena *a, const char *sql, const db_param *p, int n, db_res *out, err *e)
{
	struct db_mark mark;
	/* Inside a transaction the answer may hold what is not committed. */
	if (d->in_tx || db_mark(d, &mark))
		return db_query(d, a, sql, p, n, out, e);
	buf key = BUF_INIT;
	key_of(&key, sql, p, n);
	unsigned h = hash_of(&key);
	struct kept *k = &slots[h % KEPT_SLOTS];
	pthread_mutex_t *mu = &stripes[(h % KEPT_SLOTS) % KEPT_STRIPES];
	int found = 0;
	pthread_mutex_lock(mu);
	if (k->answer && k->hash == h && k->key_len == key.len && !memcmp(k->key, key.s, key.len) &&
	    !memcmp(&k->mark, &mark, sizeof(mark))) {
		memset(out, 0, sizeof(*out));
		answer_read(a, k->answer, out);
		found = 1;
	}
	pthread_mutex_unlock(mu);
	if (found) {
		buf_release(&key);
		return 0;
	}
	int rc = db_query(d, a, sql, p, n, out, e);
	buf answer = BUF_INIT;
	if (!rc)
		answer_of(&answer, out);
	if (!rc && answer.len <= KEPT_MAX) {
		size_t key_len = key.len, answer_len = answer.len;
		char *key_s = buf_detach(&key, NULL), *answer_s = buf_detach(&answer, NULL);
		pthread_mutex_lock(mu);
		char *old_key = k->key, *old_answer = k->answer;
		*k = (struct kept){ mark, h, key_s, key_len, answer_s, answer_len };
		pthread_mutex_unlock(mu);
		free(old_key);
		free(old_answer);
	}
	buf_release(&key);
	buf_release(&answer);
	return rc;
}

void db_kept_clear(void)
{
	for (int i = 0; i < KEPT_SLOTS; i++) {
		pthread_mutex_lock(&stripes[i % KEPT_STRIPES]);
		free(slots[i].key);
		free(slots[i].answer);
		slots[i] = (struct kept){ 0 };
		pthread_mutex_unlock(&stripes[i % KEPT_STRIPES]);
	}
}

/* memory.c: the search's index in each server's memory.
 *
 * The database's indexes (FTS5 on SQLite, GIN on PostgreSQL) answer a
 * search in one statement, but that statement asks twelve parts (title
 * and text matches of six kinds), and it is most of a search's cost: 45%
 * of the time on SQLite, and on PostgreSQL the planning and the round
 * trips of each search came to 2 ms. The same tokens (base/grams.c) held
 * here as sorted lists of pieces answer each part in microseconds.
 *
 * - The base, one per kind: the kind's pieces of search_docs as they were
 *   at the last build, in id order, and for each token the list of the
 *   pieces that hold it, in the same order. Tokens are sorted, so a word
 *   being typed ("replic") is the range of tokens it begins. A build reads
 *   one kind at a time, so its working memory is one kind's.
 * - The delta: the pieces changed since the build, each with its tokens,
 *   sorted; a changed piece's base entry is marked dead. Every search
 *   reads the delta whole, so it stays small: past DELTA_MAX
 *   changes the base is built again.
 * - Changes come from search_changes (migration 032), in commit order,
 *   whichever server indexed them: each server reads what came after the
 *   last change it read when the "search" version moves.
 * - Newest first is the id order, walked from the end; a part stops at
 *   its limit. Every term must match: the lists are intersected by
 *   leapfrogging (each list seeks, by binary search, to the highest entry
 *   at or below the candidate; a lower one becomes the candidate).
 * - Texts (titles and plain text, for snippets and exact matches) stay in
 *   the database; the pieces searches show most are kept in a small
 *   table beside the index, dropped when the piece changes.
 *
 * Memory: about 8 bytes per token of each piece while building, 4 after,
 * within the search_memory setting; a site whose index needs more keeps
 * searching through the database's index (search.c).
 *
 * Written here, not taken from a library: Debian's full-text engines
 * (Xapian, Lucene++, Sphinx) bring a tokenizer, storage and ranking of
 * their own, where this needs only the lists of the tokens the database
 * already holds, kept in step with it. */
#include "search/memory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/stripes.h"
#include "base/grams.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "base/banned.h"

enum { KINDS_MAX = 16, PAGE_ROWS = 500, CHANGES_MAX = 256, DELTA_MAX = 256 };

struct mdoc {
	int64_t id, ref_id, at, shown_from;
	unsigned char kind, dead;
};

struct base {
	struct mdoc *docs;
	uint32_t ndocs;
	char *strings;      /* the keys, each NUL-ended */
	uint32_t *key;      /* nkeys: offsets into strings, sorted by key */
	uint32_t *start;    /* nkeys: where each key's list begins in posts */
	uint32_t *len;      /* nkeys: and how long it is */
	void *posts;        /* doc indices, ascending within each list: */
	int narrow;         /* 16 bits each when the kind has at most 65,536 pieces, else 32 */
	uint32_t nkeys;
	size_t bytes;
};

/* Entry i of a list of doc indices, 16 or 32 bits wide. */
static uint32_t post_get(const void *p, int narrow, size_t i)
{
	return narrow ? ((const uint16_t *)p)[i] : ((const uint32_t *)p)[i];
}

static void post_put(void *p, int narrow, size_t i, uint32_t v)
{
	if (narrow)
		((uint16_t *)p)[i] = (uint16_t)v;
	else
		((uint32_t *)p)[i] = v;
}

struct ddoc {
	struct mdoc d;
	char *blob;        /* the tokens, NUL-separated */
	const char **toks; /* sorted */
	int ntoks;
};

static struct {
	pthread_rwlock_t lock;
	const char *const *kinds;
	size_t budget;
	int ready, off;
	struct base b[KINDS_MAX]; /* one per kind */
	struct ddoc *delta;
	size_t ndelta, cap;
	int64_t seq; /* the last change read */
} M = { .lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP }; /* a change waits for the searches under way, not for every search after */

void mem_setup(const char *const *kinds, size_t budget)
{
	M.kinds = kinds;
	M.budget = budget;
	M.off = budget == 0;
}

int mem_ready(void)
{
	return __atomic_load_n(&M.ready, __ATOMIC_ACQUIRE);
}

static int kind_of(const char *kind)
{
	for (int k = 0; M.kinds && M.kinds[k] && k < KINDS_MAX; k++)
		if (!strcmp(M.kinds[k], kind))
			return k;
	return -1;
}

static void base_free(struct base *b)
{
	free(b->docs);
	free(b->strings);
	free(b->key);
	free(b->start);
	free(b->len);
	free(b->posts);
	memset(b, 0, sizeof(*b));
}

static void delta_free(void)
{
	for (size_t i = 0; i < M.ndelta; i++) {
		free(M.delta[i].blob);
		free(M.delta[i].toks);
	}
	free(M.delta);
	M.delta = NULL;
	M.ndelta = M.cap = 0;
}

/* ---- the texts searches show ---- */

enum { TEXT_SLOTS = 2048, TEXT_STRIPES = STRIPES16, TEXT_MAX = 16384 };

static struct {
	int64_t id;
	char *blob; /* title_zh, title_en and body, each NUL-ended */
} texts[TEXT_SLOTS];
static pthread_mutex_t text_mu[STRIPES16] = STRIPES16_INITIALIZER;

static void text_drop(int64_t id)
{
	unsigned s = (unsigned)((uint64_t)id % TEXT_SLOTS);
	pthread_mutex_lock(&text_mu[s % TEXT_STRIPES]);
	if (texts[s].id == id) {
		free(texts[s].blob);
		texts[s].blob = NULL;
		texts[s].id = 0;
	}
	pthread_mutex_unlock(&text_mu[s % TEXT_STRIPES]);
}

static void texts_clear(void)
{
	for (int s = 0; s < TEXT_SLOTS; s++) {
		pthread_mutex_lock(&text_mu[s % TEXT_STRIPES]);
		free(texts[s].blob);
		texts[s].blob = NULL;
		texts[s].id = 0;
		pthread_mutex_unlock(&text_mu[s % TEXT_STRIPES]);
	}
}

static int text_get(arena *a, int64_t id, const char **zh, const char **en, const char **body)
{
	unsigned s = (unsigned)((uint64_t)id % TEXT_SLOTS);
	int hit = 0;
	pthread_mutex_lock(&text_mu[s % TEXT_STRIPES]);
	if (texts[s].id == id && texts[s].blob) {
		const char *p = texts[s].blob;
		size_t l1 = strlen(p), l2 = strlen(p + l1 + 1), l3 = strlen(p + l1 + l2 + 2);
		char *copy = arena_alloc(a, l1 + l2 + l3 + 3);
		memcpy(copy, p, l1 + l2 + l3 + 3);
		*zh = copy;
		*en = copy + l1 + 1;
		*body = copy + l1 + l2 + 2;
		hit = 1;
	}
	pthread_mutex_unlock(&text_mu[s % TEXT_STRIPES]);
	return hit;
}

static void text_put(int64_t id, const char *zh, const char *en, const char *body)
{
	size_t l1 = strlen(zh), l2 = strlen(en), l3 = strlen(body);
	if (l1 + l2 + l3 + 3 > TEXT_MAX)
		return;
	char *blob = malloc(l1 + l2 + l3 + 3);
	if (!blob)
		return;
	memcpy(blob, zh, l1 + 1);
	memcpy(blob + l1 + 1, en, l2 + 1);
	memcpy(blob + l1 + l2 + 2, body, l3 + 1);
	unsigned s = (unsigned)((uint64_t)id % TEXT_SLOTS);
	pthread_mutex_lock(&text_mu[s % TEXT_STRIPES]);
	char *old = texts[s].blob;
	texts[s].id = id;
	texts[s].blob = blob;
	pthread_mutex_unlock(&text_mu[s % TEXT_STRIPES]);
	free(old);
}

/* Pieces by id: one parameter holding every id, so that the statement is
 * one text whatever their number (and prepared once). */
int mem_texts(db *d, arena *a, const int64_t *ids, int n, const char **zh, const char **en, const char **body,
	      err *e)
{
	int miss = 0;
	int64_t *missing = arena_alloc(a, sizeof(*missing) * ((size_t)n + 1));
	for (int i = 0; i < n; i++)
		if (!text_get(a, ids[i], &zh[i], &en[i], &body[i])) {
			zh[i] = en[i] = body[i] = NULL;
			missing[miss++] = ids[i];
		}
	if (!miss)
		return 0;
	db_res x;
	int rc = db_query(d, a, arena_printf(a, "SELECT id, title_zh, title_en, body FROM search_docs WHERE %s",
					       db_ids_match(d, a, "id")),
			  DB_ARGS(DB_TEXT(db_ids_param(d, a, missing, miss))), &x, e);
	for (int r = 0; !rc && r < x.nrows; r++) {
		int64_t id = db_get_int(&x, r, 0);
		text_put(id, db_get(&x, r, 1), db_get(&x, r, 2), db_get(&x, r, 3));
		for (int i = 0; i < n; i++)
			if (ids[i] == id && !zh[i]) {
				zh[i] = db_get(&x, r, 1);
				en[i] = db_get(&x, r, 2);
				body[i] = db_get(&x, r, 3);
			}
	}
	for (int i = 0; i < n; i++)
		if (!zh[i])
			zh[i] = en[i] = body[i] = "";
	return rc;
}

/* ---- building ---- */

/* A build reads a kind's pieces twice: the first time it counts each
 * token's pieces, the second it writes each list in place, so that what it
 * holds is never much more than what it leaves (no chains, no copy). */
struct builder {
	buf strings;
	uint32_t *slots; /* open addressing: key index + 1, 0 empty */
	uint32_t nslots;
	struct bkey {
		uint32_t off, start, count, fill, last;
		unsigned hash;
	} *keys;
	uint32_t nkeys, capkeys;
	void *posts;
	int narrow;
	size_t nposts;
	struct mdoc *docs;
	uint32_t ndocs, capdocs;
};

static unsigned hash_key(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	void *q = realloc(p, c * size);
	if (!q)
		abort();
	*cap = c;
	return q;
}

static void rehash(struct builder *b)
{
	uint32_t n = b->nslots ? b->nslots * 2 : 65536;
	uint32_t *s = calloc(n, sizeof(*s));
	if (!s)
		abort();
	for (uint32_t k = 0; k < b->nkeys; k++) {
		uint32_t i = b->keys[k].hash & (n - 1);
		while (s[i])
			i = (i + 1) & (n - 1);
		s[i] = k + 1;
	}
	free(b->slots);
	b->slots = s;
	b->nslots = n;
}

/* The token's key: found, or added when `add`; UINT32_MAX when absent. */
static uint32_t key_of(struct builder *b, const char *tok, size_t n, int add)
{
	unsigned h = hash_key(tok, n);
	if ((b->nkeys + 1) * 2 > b->nslots)
		rehash(b);
	uint32_t i = h & (b->nslots - 1);
	for (; b->slots[i]; i = (i + 1) & (b->nslots - 1)) {
		struct bkey *k = &b->keys[b->slots[i] - 1];
		const char *s = b->strings.s + k->off;
		if (k->hash == h && !strncmp(s, tok, n) && s[n] == '\0')
			return b->slots[i] - 1;
	}
	if (!add)
		return UINT32_MAX;
	size_t cap = b->capkeys;
	b->keys = grow(b->keys, &cap, (size_t)b->nkeys + 1, sizeof(*b->keys));
	b->capkeys = (uint32_t)cap;
	b->keys[b->nkeys] = (struct bkey){ (uint32_t)b->strings.len, 0, 0, 0, UINT32_MAX, h };
	buf_add(&b->strings, tok, n);
	buf_addc(&b->strings, '\0');
	b->slots[i] = b->nkeys + 1;
	return b->nkeys++;
}

static size_t builder_bytes(const struct builder *b)
{
	size_t posts = 0;
	for (uint32_t k = 0; k < b->nkeys; k++)
		posts += b->keys[k].count;
	return b->strings.len + (size_t)b->nkeys * (sizeof(struct bkey) + 8) + posts * (b->ndocs <= 65536 ? 2 : 4) +
	       (size_t)b->ndocs * sizeof(struct mdoc);
}

/* Each token of a piece (doc index di): counted (pass 1) or written into
 * its list (pass 2), once however often the piece holds it. */
static void builder_tokens(struct builder *b, uint32_t di, const char *grams, int pass)
{
	for (const char *p = grams; *p;) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		const char *tok = p;
		p += n;
		while (*p == ' ')
			p++;
		if (!n)
			continue;
		uint32_t k = key_of(b, tok, n, pass == 1);
		if (k == UINT32_MAX || b->keys[k].last == di)
			continue; /* a token new since the count (its piece changed: the changes mend it) */
		struct bkey *key = &b->keys[k];
		key->last = di;
		if (pass == 1)
			key->count++;
		else if (key->fill < key->count)
			post_put(b->posts, b->narrow, key->start + key->fill++, di);
	}
}

static void builder_free(struct builder *b)
{
	buf_release(&b->strings);
	free(b->slots);
	free(b->keys);
	free(b->posts);
	free(b->docs);
	memset(b, 0, sizeof(*b));
}

static const struct builder *sorting;
static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;

static int by_key(const void *x, const void *y)
{
	const char *s = sorting->strings.s;
	return strcmp(s + sorting->keys[*(const uint32_t *)x].off, s + sorting->keys[*(const uint32_t *)y].off);
}

/* The builder laid out as a base: keys sorted, each with its list. */
static void builder_finish(struct builder *b, struct base *out)
{
	memset(out, 0, sizeof(*out));
	uint32_t *order = malloc(sizeof(*order) * ((size_t)b->nkeys + 1));
	out->key = malloc(sizeof(*out->key) * ((size_t)b->nkeys + 1));
	out->start = malloc(sizeof(*out->start) * ((size_t)b->nkeys + 1));
	out->len = malloc(sizeof(*out->len) * ((size_t)b->nkeys + 1));
	if (!order || !out->key || !out->start || !out->len)
		abort();
	for (uint32_t k = 0; k < b->nkeys; k++)
		order[k] = k;
	pthread_mutex_lock(&sort_mu);
	sorting = b;
	qsort(order, b->nkeys, sizeof(*order), by_key);
	pthread_mutex_unlock(&sort_mu);
	for (uint32_t i = 0; i < b->nkeys; i++) {
		const struct bkey *k = &b->keys[order[i]];
		out->key[i] = k->off;
		out->start[i] = k->start;
		out->len[i] = k->fill;
	}
	free(order);
	out->nkeys = b->nkeys;
	out->strings = buf_detach(&b->strings, NULL);
	out->posts = b->posts;
	out->narrow = b->narrow;
	out->docs = b->docs;
	out->ndocs = b->ndocs;
	out->bytes = (size_t)b->nkeys * 12 + b->nposts * (b->narrow ? 2 : 4) + (size_t)out->ndocs * sizeof(struct mdoc);
	b->posts = NULL;
	b->docs = NULL;
	builder_free(b);
}

static int row_doc(const db_res *x, int r, struct mdoc *d)
{
	int kind = kind_of(db_get(x, r, 1));
	if (kind < 0)
		return -1;
	*d = (struct mdoc){ db_get_int(x, r, 0), db_get_int(x, r, 2), db_get_int(x, r, 3),
			    db_get(x, r, 4) ? db_get_int(x, r, 4) : 0, (unsigned char)kind, 0 };
	return 0;
}

#define DOC_COLS "id, kind, ref_id, at, shown_from, grams"

/* The index of the piece with this id in docs (sorted by id), or -1. */
static int32_t doc_index(const struct mdoc *docs, uint32_t n, int64_t id)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (docs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && docs[lo].id == id ? (int32_t)lo : -1;
}

/* One pass over a kind's pieces, a page at a time, up to the last piece
 * the first pass saw. 1 when the index would need more than the budget. */
static int build_pass(db *d, int kind, int pass, size_t budget, struct builder *b, err *e)
{
	arena a = ARENA_INIT;
	db_res x;
	int64_t after = 0, upto = pass == 2 && b->ndocs ? b->docs[b->ndocs - 1].id : INT64_MAX;
	int rc = 0;
	for (;;) {
		arena_release(&a);
		rc = db_query(d, &a, "SELECT " DOC_COLS " FROM search_docs WHERE kind = ? AND id > ? AND id <= ? "
				     "ORDER BY id LIMIT ?",
			      DB_ARGS(DB_TEXT(M.kinds[kind]), DB_INT(after), DB_INT(upto), DB_INT(PAGE_ROWS)), &x, e);
		for (int r = 0; !rc && r < x.nrows; r++) {
			struct mdoc doc;
			after = db_get_int(&x, r, 0);
			if (row_doc(&x, r, &doc))
				continue;
			if (pass == 1) {
				size_t cap = b->capdocs;
				b->docs = grow(b->docs, &cap, (size_t)b->ndocs + 1, sizeof(*b->docs));
				b->capdocs = (uint32_t)cap;
				b->docs[b->ndocs] = doc;
				builder_tokens(b, b->ndocs++, db_get(&x, r, 5), 1);
			} else {
				int32_t di = doc_index(b->docs, b->ndocs, doc.id);
				if (di >= 0)
					builder_tokens(b, (uint32_t)di, db_get(&x, r, 5), 2);
			}
		}
		if (!rc && pass == 1 && builder_bytes(b) > budget)
			rc = 1;
		if (rc || x.nrows < PAGE_ROWS)
			break;
	}
	arena_release(&a);
	return rc;
}

/* Every piece of a kind into a new base; 1 when the index would need more
 * than what is left of the budget (nothing is built then). */
static int build_kind(db *d, int kind, size_t budget, struct base *out, err *e)
{
	struct builder b = { BUF_INIT };
	int rc = build_pass(d, kind, 1, budget, &b, e);
	if (!rc) {
		for (uint32_t k = 0; k < b.nkeys; k++) {
			b.keys[k].start = (uint32_t)b.nposts;
			b.keys[k].last = UINT32_MAX;
			b.nposts += b.keys[k].count;
		}
		b.narrow = b.ndocs <= 65536;
		b.posts = malloc((b.narrow ? 2 : 4) * (b.nposts + 1));
		if (!b.posts)
			abort();
		rc = build_pass(d, kind, 2, budget, &b, e);
	}
	if (rc) {
		builder_free(&b);
		return rc;
	}
	builder_finish(&b, out);
	return 0;
}

static int build(db *d, struct base *out, int64_t *seq, err *e)
{
	arena a = ARENA_INIT;
	db_res x;
	int rc = db_query(d, &a, "SELECT coalesce(max(seq), 0) FROM search_changes", DB_NOARGS, &x, e);
	*seq = rc ? 0 : db_get_int(&x, 0, 0);
	arena_release(&a);
	size_t used = 0;
	for (int k = 0; !rc && M.kinds[k] && k < KINDS_MAX; k++) {
		rc = build_kind(d, k, used < M.budget ? M.budget - used : 0, &out[k], e);
		used += out[k].bytes;
	}
	if (rc)
		for (int k = 0; k < KINDS_MAX; k++)
			base_free(&out[k]);
	return rc;
}

/* ---- changes ---- */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void delta_put(const struct mdoc *d, const char *grams)
{
	struct ddoc dd = { *d, strdup(grams), NULL, 0 };
	if (!dd.blob)
		abort();
	int n = 0;
	for (char *p = dd.blob; *p; p++)
		n += *p == ' ';
	dd.toks = malloc(sizeof(*dd.toks) * ((size_t)n + 2));
	if (!dd.toks)
		abort();
	for (char *p = dd.blob; *p;) {
		char *sp = strchr(p, ' ');
		if (sp)
			*sp = '\0';
		if (*p)
			dd.toks[dd.ntoks++] = p;
		p = sp ? sp + 1 : p + strlen(p);
	}
	qsort(dd.toks, (size_t)dd.ntoks, sizeof(*dd.toks), cmp_str);
	M.delta = grow(M.delta, &M.cap, M.ndelta + 1, sizeof(*M.delta));
	M.delta[M.ndelta++] = dd;
}

static struct mdoc *base_doc(int64_t id)
{
	for (int k = 0; k < KINDS_MAX; k++) {
		int32_t i = doc_index(M.b[k].docs, M.b[k].ndocs, id);
		if (i >= 0)
			return &M.b[k].docs[i];
	}
	return NULL;
}

/* A piece changed: its old entry goes, its new one (x's row r, or none
 * when it was deleted) comes. Under the write lock. */
static void apply(int64_t id, const db_res *x, int r)
{
	struct mdoc *old = base_doc(id);
	if (old)
		old->dead = 1;
	for (size_t i = 0; i < M.ndelta; i++)
		if (M.delta[i].d.id == id) {
			free(M.delta[i].blob);
			free(M.delta[i].toks);
			M.delta[i--] = M.delta[--M.ndelta];
		}
	struct mdoc doc;
	if (r >= 0 && !row_doc(x, r, &doc))
		delta_put(&doc, db_get(x, r, 5));
	text_drop(id);
}

static int cmp_ddoc(const void *x, const void *y)
{
	int64_t a = ((const struct ddoc *)x)->d.id, b = ((const struct ddoc *)y)->d.id;
	return a < b ? 1 : a > b ? -1 : 0; /* newest first */
}

/* What changed after M.seq: 0 when read in, 1 when a build is needed
 * (too much, or what it needs was pruned). */
static int read_changes(db *d, err *e)
{
	arena a = ARENA_INIT;
	db_res c, x;
	int rc = db_query(d, &a, "SELECT seq, doc_id, (SELECT min(seq) FROM search_changes) FROM search_changes "
				 "WHERE seq > ? ORDER BY seq LIMIT ?",
			  DB_ARGS(DB_INT(M.seq), DB_INT(CHANGES_MAX + 1)), &c, e);
	if (!rc && c.nrows && (c.nrows > CHANGES_MAX || db_get_int(&c, 0, 2) > M.seq + 1 ||
			       M.ndelta + (size_t)c.nrows > DELTA_MAX))
		rc = 1;
	if (rc || !c.nrows) {
		arena_release(&a);
		return rc;
	}
	int64_t *ids = arena_alloc(&a, sizeof(*ids) * (size_t)c.nrows);
	for (int i = 0; i < c.nrows; i++)
		ids[i] = db_get_int(&c, i, 1);
	rc = db_query(d, &a, arena_printf(&a, "SELECT " DOC_COLS " FROM search_docs WHERE %s", db_ids_match(d, &a, "id")),
		      DB_ARGS(DB_TEXT(db_ids_param(d, &a, ids, c.nrows))), &x, e);
	if (!rc) {
		pthread_rwlock_wrlock(&M.lock);
		for (int i = 0; i < c.nrows; i++) {
			int64_t id = db_get_int(&c, i, 1);
			int seen = 0;
			for (int j = 0; j < i && !seen; j++)
				seen = db_get_int(&c, j, 1) == id;
			if (seen)
				continue;
			int row = -1;
			for (int r = 0; r < x.nrows && row < 0; r++)
				if (db_get_int(&x, r, 0) == id)
					row = r;
			apply(id, &x, row);
		}
		if (M.ndelta > 1)
			qsort(M.delta, M.ndelta, sizeof(*M.delta), cmp_ddoc);
		M.seq = db_get_int(&c, c.nrows - 1, 0);
		pthread_rwlock_unlock(&M.lock);
	}
	arena_release(&a);
	return rc;
}

/* A new base from the database in place of the index; 1 when it would
 * not fit its budget (the database's index serves from then on). */
static int rebuild(db *d, err *e)
{
	struct base b[KINDS_MAX] = { { 0 } };
	int64_t seq;
	uint64_t t0 = now_us();
	int rc = build(d, b, &seq, e);
	if (rc < 0)
		return rc;
	pthread_rwlock_wrlock(&M.lock);
	for (int k = 0; k < KINDS_MAX; k++)
		base_free(&M.b[k]);
	delta_free();
	texts_clear(); /* what changed before the build was not read one by one */
	if (rc == 1) {
		M.off = 1;
		__atomic_store_n(&M.ready, 0, __ATOMIC_RELEASE);
		pthread_rwlock_unlock(&M.lock);
		log_info("search: the index needs more than search_memory (%zu bytes): searching through the database's index",
			 M.budget);
		return 1;
	}
	memcpy(M.b, b, sizeof(b));
	M.seq = seq;
	uint32_t pieces = 0;
	size_t bytes = 0;
	for (int k = 0; k < KINDS_MAX; k++) {
		pieces += M.b[k].ndocs;
		bytes += M.b[k].bytes;
	}
	__atomic_store_n(&M.ready, 1, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&M.lock);
	log_info("search: %u pieces held in memory (%.1f MB) in %.0f ms", pieces, (double)bytes / 1048576,
		 (double)(now_us() - t0) / 1000);
	return 0;
}

int mem_catch_up(db *d, err *e)
{
	/* The changes since the last one read, or a build when there is no
	 * index yet or they are too many; then what changed while it was
	 * built (a few times at most: then the next search goes on). */
	for (int tries = 0; tries < 3 && !M.off; tries++) {
		int rc = M.ready ? read_changes(d, e) : 1;
		if (rc <= 0)
			return rc;
		if ((rc = rebuild(d, e)) < 0)
			return rc;
	}
	return M.off ? 0 : 1;
}

/* ---- asking ---- */

/* A term's lists in the base: one key, or every key it begins (a word
 * being typed: "7" begins 7, 70, 700 and a hundred more), walked as one. */
struct cursor {
	const void *p;
	int narrow;
	int64_t pos; /* the next entry walked (downwards); -1 when done */
};

static int64_t at(const struct cursor *c, int64_t i)
{
	return post_get(c->p, c->narrow, (size_t)i);
}

struct term {
	struct cursor *c; /* in the request's arena */
	uint32_t n;
};

static uint32_t lower_bound(const struct base *b, const char *key)
{
	uint32_t lo = 0, hi = b->nkeys;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (strcmp(b->strings + b->key[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The lists of a term (key: the title's mark, if asked, and the term) in
 * a kind's base; 0 when it has none. */
static int term_lists(arena *a, const struct base *b, const char *key, int prefix, struct term *t)
{
	size_t n = strlen(key);
	uint32_t from = lower_bound(b, key), to = from;
	while (to < b->nkeys && !strncmp(b->strings + b->key[to], key, n) && (prefix || !b->strings[b->key[to] + n]))
		to++;
	t->n = to - from;
	t->c = arena_alloc(a, sizeof(*t->c) * ((size_t)t->n + 1));
	for (uint32_t k = from; k < to; k++)
		t->c[k - from] = (struct cursor){ (const char *)b->posts + (size_t)b->start[k] * (b->narrow ? 2 : 4), b->narrow,
						  (int64_t)b->len[k] - 1 };
	return t->n > 0;
}

/* Moves each list of t to its highest entry at or below v; the highest of
 * those, or -1 when every list is done. */
static int64_t term_seek(struct term *t, int64_t v)
{
	int64_t best = -1;
	for (uint32_t i = 0; i < t->n; i++) {
		struct cursor *c = &t->c[i];
		if (c->pos >= 0 && at(c, c->pos) > v) {
			int64_t lo = 0, hi = c->pos; /* the last entry <= v, by binary search */
			while (lo <= hi) {
				int64_t mid = (lo + hi) / 2;
				if (at(c, mid) <= v)
					lo = mid + 1;
				else
					hi = mid - 1;
			}
			c->pos = hi;
		}
		if (c->pos >= 0 && at(c, c->pos) > best)
			best = at(c, c->pos);
	}
	return best;
}

/* The base's next match at or below v (a doc index), or -1. */
static int64_t next_match(struct term *terms, int n, int64_t v)
{
	while (v >= 0) {
		int64_t c = v;
		int agreed = 1;
		for (int i = 0; i < n; i++) {
			int64_t h = term_seek(&terms[i], c);
			if (h < 0)
				return -1;
			if (h < c) {
				c = h;
				agreed = 0;
				break;
			}
		}
		if (agreed)
			return c;
		v = c;
	}
	return -1;
}

static int delta_has(const struct ddoc *dd, const char *tok, int prefix)
{
	size_t n = strlen(tok);
	int lo = 0, hi = dd->ntoks;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (strcmp(dd->toks[mid], tok) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < dd->ntoks && !strncmp(dd->toks[lo], tok, n) && (prefix || !dd->toks[lo][n]);
}

static const char *lower_ascii(arena *a, const char *s)
{
	char *l = arena_strdup(a, s);
	for (char *p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

/* Of the candidates, those whose text holds q->exact, kept in place. */
static int exact_only(db *d, arena *a, const struct mem_query *q, struct mem_hit *h, int *n, err *e)
{
	int64_t ids[64];
	const char *zh[64], *en[64], *body[64];
	for (int i = 0; i < *n; i++)
		ids[i] = h[i].id;
	int rc = mem_texts(d, a, ids, *n, zh, en, body, e), kept = 0;
	/* As the database's index is asked (search.c): in the texts joined by
	 * spaces, which only a query with a space can match across. */
	int across = strchr(q->exact, ' ') != NULL;
	for (int i = 0; !rc && i < *n; i++)
		if (across ? strstr(lower_ascii(a, arena_concat(a, zh[i], " ", en[i], " ", body[i], NULL)), q->exact) != NULL
			   : text_find_ci(zh[i], q->exact) || text_find_ci(en[i], q->exact) || text_find_ci(body[i], q->exact))
			h[kept++] = h[i];
	*n = kept;
	return rc;
}

enum { BATCH = 32 };

int mem_find(db *d, arena *a, const struct mem_query *q, int kind, int limit, int offset, struct mem_hit *out,
	     int *nout, err *e)
{
	*nout = 0;
	if (q->n <= 0 || q->n > 16 || kind < 0 || kind >= KINDS_MAX)
		return 0;
	pthread_rwlock_rdlock(&M.lock);
	struct term *terms = arena_alloc(a, sizeof(*terms) * (size_t)q->n);
	const char **toks = arena_alloc(a, sizeof(*toks) * (size_t)q->n);
	int base_ok = 1, rc = 0, skip = offset;
	for (int i = 0; i < q->n; i++) {
		toks[i] = q->title ? arena_concat(a, GRAMS_TITLE, q->terms[i], NULL) : q->terms[i];
		if (!term_lists(a, &M.b[kind], toks[i], q->prefix[i], &terms[i]))
			base_ok = 0;
	}
	/* The delta's matches of this kind, newest first (it is kept so). */
	size_t di = 0;
	const struct base *base = &M.b[kind];
	int64_t v = base_ok ? (int64_t)base->ndocs - 1 : -1;
	int64_t next = base_ok ? next_match(terms, q->n, v) : -1;
	while (*nout < limit && !rc) {
		struct mem_hit batch[BATCH];
		int nb = 0, want = BATCH;
		/* Each candidate of an exact query costs its text: as many as
		 * are still wanted (and a few), then whole batches. */
		if (q->exact && limit + skip - *nout + 2 < BATCH)
			want = limit + skip - *nout + 2;
		while (nb < want) {
			/* The next delta match, skipping what does not match. */
			const struct ddoc *dd = NULL;
			for (; di < M.ndelta && !dd; di++) {
				const struct ddoc *c = &M.delta[di];
				int ok = c->d.kind == kind;
				for (int i = 0; ok && i < q->n; i++)
					ok = delta_has(c, toks[i], q->prefix[i]);
				if (ok)
					dd = c;
			}
			const struct mdoc *bd = next >= 0 ? &base->docs[next] : NULL;
			const struct mdoc *doc;
			if (dd && (!bd || dd->d.id > bd->id)) {
				doc = &dd->d;
			} else if (bd) {
				if (dd)
					di--; /* not taken yet */
				doc = bd;
				next = next_match(terms, q->n, next - 1);
			} else {
				break;
			}
			if (doc->dead || (doc->shown_from && doc->shown_from > q->now))
				continue;
			batch[nb++] = (struct mem_hit){ doc->id, doc->ref_id, doc->at, doc->kind };
		}
		if (!nb)
			break;
		if (q->exact)
			rc = exact_only(d, a, q, batch, &nb, e);
		for (int i = 0; i < nb && *nout < limit; i++) {
			if (skip) {
				skip--;
				continue;
			}
			out[(*nout)++] = batch[i];
		}
		if (nb < want)
			break; /* no candidates left */
	}
	pthread_rwlock_unlock(&M.lock);
	return rc;
}

void mem_release(void)
{
	pthread_rwlock_wrlock(&M.lock);
	for (int k = 0; k < KINDS_MAX; k++)
		base_free(&M.b[k]);
	delta_free();
	M.ready = 0;
	pthread_rwlock_unlock(&M.lock);
	texts_clear();
}

/* grams.c: search tokens (grams.h). Written here: the engines' own
 * tokenizers either need three characters (FTS5 trigram, pg_trgm) or
 * take a run of Chinese without spaces for one word (unicode61, the
 * PostgreSQL parser); these few rules make both index what a Chinese
 * reader types, and the same code reads the query. */
#include "base/grams.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

/* Characters written without spaces between words. */
static int ideograph(uint32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFD);
}

static int latin(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F);
}

/* A token's character, Latin lower-cased. */
static void put_cp(buf *b, uint32_t c)
{
	buf_add_utf8(b, c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c);
}

/* Calls fn for each token of s: a character, a pair of neighbouring
 * characters, or a Latin word. A query (ask) is its pairs alone, and a
 * lone character only where it has no neighbour. */
typedef void (*token_fn)(void *ctx, const char *tok, size_t n, int word);

static void tokens(const char *s, int ask, token_fn fn, void *ctx)
{
	buf t = BUF_INIT;
	uint32_t prev = 0;
	int run = 0;
	for (;;) {
		const char *at = s;
		uint32_t c = s && *s ? utf8_next(&s) : 0;
		if (c && ideograph(c)) {
			if (!ask) {
				buf_reset(&t);
				put_cp(&t, c);
				fn(ctx, t.s, t.len, 0);
			}
			if (prev) {
				buf_reset(&t);
				put_cp(&t, prev);
				put_cp(&t, c);
				fn(ctx, t.s, t.len, 0);
			}
			prev = c;
			run++;
			continue;
		}
		if (ask && run == 1) {
			buf_reset(&t);
			put_cp(&t, prev);
			fn(ctx, t.s, t.len, 0);
		}
		prev = 0;
		run = 0;
		if (!c)
			break;
		if (!latin(c))
			continue;
		buf_reset(&t);
		for (s = at; *s;) {
			const char *here = s;
			uint32_t d = utf8_next(&s);
			if (!latin(d)) {
				s = here;
				break;
			}
			put_cp(&t, d);
		}
		if (t.len <= 40)
			fn(ctx, t.s, t.len, 1);
	}
	buf_release(&t);
}

struct collect {
	buf *out;
	size_t start, max;
	uint64_t *seen; /* open addressing over token hashes; 0 is empty */
	size_t mask;
};

static uint64_t hash_of(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h | 1;
}

/* Each token once (a repeat is found by its 64-bit hash). */
static void add_once(void *p, const char *tok, size_t n, int word)
{
	struct collect *c = p;
	(void)word;
	if (c->out->len - c->start + n + 1 > c->max)
		return;
	uint64_t h = hash_of(tok, n);
	size_t i = (size_t)h & c->mask;
	while (c->seen[i] && c->seen[i] != h)
		i = (i + 1) & c->mask;
	if (c->seen[i])
		return;
	c->seen[i] = h;
	if (c->out->len > c->start)
		buf_addc(c->out, ' ');
	buf_add(c->out, tok, n);
}

void grams_of(const char *s, buf *out, size_t max)
{
	/* At most two tokens a character: a table twice that, a power of two. */
	size_t want = 4 * (strlen(s ? s : "") + 8), size = 64;
	while (size < want && size < ((size_t)1 << 26))
		size <<= 1;
	struct collect c = { out, out->len, max, calloc(size, sizeof(uint64_t)), size - 1 };
	if (!c.seen)
		abort();
	tokens(s, 0, add_once, &c);
	free(c.seen);
}


/* A title's token, marked as the title's. */
static void add_title(void *p, const char *tok, size_t n, int word)
{
	struct collect *c = p;
	char t[128];
	if (n + sizeof(GRAMS_TITLE) > sizeof(t))
		return;
	memcpy(t, GRAMS_TITLE, sizeof(GRAMS_TITLE) - 1);
	memcpy(t + sizeof(GRAMS_TITLE) - 1, tok, n);
	add_once(c, t, n + sizeof(GRAMS_TITLE) - 1, word);
}

void grams_of_doc(const char *title, const char *body, buf *out, size_t max)
{
	size_t want = 8 * (strlen(title ? title : "") + strlen(body ? body : "") + 8), size = 64;
	while (size < want && size < ((size_t)1 << 26))
		size <<= 1;
	struct collect c = { out, out->len, max, calloc(size, sizeof(uint64_t)), size - 1 };
	if (!c.seen)
		abort();
	tokens(title, 0, add_title, &c);
	tokens(title, 0, add_once, &c);
	tokens(body, 0, add_once, &c);
	free(c.seen);
}

struct query {
	arena *a;
	const char **terms;
	int *prefix, n, max;
};

static void add_term(void *p, const char *tok, size_t n, int word)
{
	struct query *q = p;
	for (int i = 0; i < q->n; i++)
		if (strlen(q->terms[i]) == n && !memcmp(q->terms[i], tok, n))
			return;
	if (q->n == q->max)
		return;
	q->terms[q->n] = arena_strndup(q->a, tok, n);
	q->prefix[q->n] = word;
	q->n++;
}

int grams_query(arena *a, const char *q, const char **terms, int *prefix, int max)
{
	struct query c = { a, terms, prefix, 0, max };
	tokens(q, 1, add_term, &c);
	return c.n;
}

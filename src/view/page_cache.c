/* page_cache.c: versioned, expiring page cache with per-visitor slots.
 *
 * A set-associative table: a key's hash picks a set of WAYS entries, a
 * lock stripe guards a group of sets, and a full set gives up the entry
 * that expires first. What the cache holds is capped in bytes, so pages
 * kept for each signed-in member (thousands of them) cannot grow the
 * server without bound: past the cap the oldest sets are given up.
 *
 * A page is kept only when it was asked for before (a doorkeeper of
 * recently missed keys): a search typed once, or a page a crawler walks
 * past, never pushes out what people read again and again. */
#include "view/page_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

enum { SETS = 1024, WAYS = 4, STRIPES = 64, MAX_SLOTS = 8, DOORKEEPER = 8192 };
#define BYTES_MAX ((size_t)16 << 20)

struct entry {
	char *key; /* NULL: free */
	uint64_t hash;
	int64_t version;
	time_t expires;
	char *html;
	size_t len;
	size_t slot[MAX_SLOTS]; /* offsets of PAGE_CACHE_SLOT in html */
	int nslots;
};

struct page_cache {
	pthread_mutex_t mu[STRIPES];
	atomic_size_t bytes;
	atomic_size_t hand; /* the next set given up when the budget is spent */
	_Atomic uint64_t seen[DOORKEEPER]; /* hashes of keys missed once */
	struct entry e[SETS][WAYS];
};

struct page_cache *page_cache_new(void)
{
	struct page_cache *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->mu[i], NULL);
	return c;
}

static void drop(struct page_cache *c, struct entry *e)
{
	if (!e->key)
		return;
	atomic_fetch_sub(&c->bytes, e->len + strlen(e->key));
	free(e->key);
	free(e->html);
	memset(e, 0, sizeof(*e));
}

void page_cache_free(struct page_cache *c)
{
	if (!c)
		return;
	for (int s = 0; s < SETS; s++)
		for (int w = 0; w < WAYS; w++)
			drop(c, &c->e[s][w]);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->mu[i]);
	free(c);
}

/* FNV-1a: keys are short and ours, a simple hash spreads them well. */
static uint64_t hash_of(const char *key)
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static struct entry *find(struct entry *set, uint64_t h, const char *key)
{
	for (int w = 0; w < WAYS; w++)
		if (set[w].key && set[w].hash == h && !strcmp(set[w].key, key))
			return &set[w];
	return NULL;
}

/* Gives up whole sets, going round the table, until need more bytes fit
 * (a clock: what was kept longest ago goes first). The caller holds the
 * lock of stripe `own`; other stripes are only tried, never waited for. */
static void make_room(struct page_cache *c, size_t need, size_t own)
{
	for (int steps = 0; steps < SETS && atomic_load(&c->bytes) + need > BYTES_MAX; steps++) {
		size_t s = atomic_fetch_add(&c->hand, 1) % SETS, st = s % STRIPES;
		if (st != own && pthread_mutex_trylock(&c->mu[st]))
			continue;
		for (int w = 0; w < WAYS; w++)
			drop(c, &c->e[s][w]);
		if (st != own)
			pthread_mutex_unlock(&c->mu[st]);
	}
}

char *page_cache_get(struct page_cache *c, const char *key, int64_t version, const char *token,
		     size_t *len)
{
	const size_t sl = sizeof(PAGE_CACHE_SLOT) - 1, tl = strlen(token);
	uint64_t h = hash_of(key);
	size_t s = (size_t)(h % SETS);
	char *out = NULL;
	pthread_mutex_lock(&c->mu[s % STRIPES]);
	struct entry *e = find(c->e[s], h, key);
	if (e && e->version == version && time(NULL) < e->expires) {
		size_t n = e->len - (size_t)e->nslots * sl + (size_t)e->nslots * tl;
		out = malloc(n + 1);
		if (!out)
			abort();
		size_t from = 0, to = 0;
		for (int i = 0; i < e->nslots; i++) {
			memcpy(out + to, e->html + from, e->slot[i] - from);
			to += e->slot[i] - from;
			memcpy(out + to, token, tl);
			to += tl;
			from = e->slot[i] + sl;
		}
		memcpy(out + to, e->html + from, e->len - from);
		out[n] = '\0';
		*len = n;
	}
	pthread_mutex_unlock(&c->mu[s % STRIPES]);
	return out;
}

int page_cache_admit(struct page_cache *c, const char *key)
{
	uint64_t h = hash_of(key) | 1; /* 0 marks an empty slot */
	_Atomic uint64_t *slot = &c->seen[(h >> 17) % DOORKEEPER];
	if (atomic_load(slot) == h)
		return 1;
	atomic_store(slot, h);
	return 0;
}

void page_cache_put(struct page_cache *c, const char *key, int64_t version, int ttl,
		    const char *html, size_t len)
{
	struct entry n = { .version = version, .expires = time(NULL) + ttl, .len = len, .hash = hash_of(key) };
	const size_t sl = sizeof(PAGE_CACHE_SLOT) - 1;
	for (const char *p = html; (p = memmem(p, len - (size_t)(p - html), PAGE_CACHE_SLOT, sl));
	     p += sl) {
		if (n.nslots == MAX_SLOTS)
			return; /* more slots than we splice: do not cache */
		n.slot[n.nslots++] = (size_t)(p - html);
	}
	size_t s = (size_t)(n.hash % SETS);
	time_t now = time(NULL);
	pthread_mutex_lock(&c->mu[s % STRIPES]);
	struct entry *set = c->e[s], *e = find(set, n.hash, key);
	if (!e) {
		e = &set[0];
		for (int w = 0; w < WAYS; w++) {
			if (set[w].key && set[w].expires <= now)
				drop(c, &set[w]); /* expired: give its bytes back */
			if (!set[w].key) {
				e = &set[w];
				break;
			}
			if (set[w].expires < e->expires)
				e = &set[w];
		}
	}
	drop(c, e);
	make_room(c, len + strlen(key), s % STRIPES);
	if (atomic_load(&c->bytes) + len + strlen(key) <= BYTES_MAX) {
		n.key = strdup(key);
		n.html = malloc(len + 1);
		if (!n.key || !n.html)
			abort();
		memcpy(n.html, html, len);
		n.html[len] = '\0';
		atomic_fetch_add(&c->bytes, len + strlen(key));
		*e = n;
	}
	pthread_mutex_unlock(&c->mu[s % STRIPES]);
}

size_t page_cache_bytes(struct page_cache *c)
{
	return atomic_load(&c->bytes);
}

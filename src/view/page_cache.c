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
 * past, never pushes out what people read again and again.
 *
 * Each page is also kept compressed (gzip, for the phones that ask for it,
 * which is all of them), without compressing again per visitor: the parts
 * between the slots are deflated once, each ending on a full flush (byte
 * aligned, no reference back past it), so a visitor's copy is those parts
 * with their token in between as stored blocks, and a CRC-32 combined from
 * the parts' own (zlib's crc32_combine) in the trailer.
 *
 * A page with no slot is the same for every reader: it is answered from
 * the cache's own memory, not copied (page_cache_find), and the server
 * keeps the response it made of it beside it (page_cache_answers), so a
 * hit builds nothing. Such a page may be given up while it is still being
 * sent: what it holds lives while anything uses it (struct kept). */
#include "view/page_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "base/banned.h"

enum { SETS = 1024, WAYS = 4, STRIPES = 64, MAX_SLOTS = 8, DOORKEEPER = 8192 };
#define BYTES_MAX ((size_t)16 << 20)

/* What a page is kept as. Two counts keep it alive: holds (the cache's
 * entry, and each request answering from it) and uses (1 while anything
 * holds it, and one per response sending its memory). When the last hold
 * goes, the responses kept beside it are let go (unmake); when the last
 * use goes, its memory is freed. */
struct kept {
	atomic_int holds, uses;
	void (*unmake)(void *answer);
	char *html;
	size_t len;
	size_t slot[MAX_SLOTS]; /* offsets of PAGE_CACHE_SLOT in html */
	int nslots;
	unsigned char *z;	    /* the parts between slots, deflated; NULL: none */
	size_t zend[MAX_SLOTS + 1]; /* where each part's deflate ends in z */
	uLong crc[MAX_SLOTS + 1];   /* each part's CRC-32 */
	char *gz;		    /* no slot: the whole page gzipped, made once */
	size_t gzlen;
	_Atomic(void *) made[2];    /* the server's responses of it: plain, gzip */
};

struct entry {
	char *key; /* NULL: free */
	uint64_t hash;
	int64_t version;
	time_t expires;
	size_t bytes; /* what it counts against the budget */
	struct kept *k;
};

struct page_cache {
	void (*unmake)(void *answer);
	pthread_mutex_t mu[STRIPES];
	atomic_size_t bytes;
	atomic_size_t hand; /* the next set given up when the budget is spent */
	_Atomic uint64_t seen[DOORKEEPER]; /* hashes of keys missed once */
	struct entry e[SETS][WAYS];
};

struct page_cache *page_cache_new(void (*unmake)(void *answer))
{
	struct page_cache *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->unmake = unmake;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->mu[i], NULL);
	return c;
}

static void kept_free(struct kept *k)
{
	free(k->html);
	free(k->z);
	free(k->gz);
	free(k);
}

void page_cache_use(struct kept *k)
{
	atomic_fetch_add(&k->uses, 1);
}

void page_cache_unuse(void *k)
{
	if (atomic_fetch_sub(&((struct kept *)k)->uses, 1) == 1)
		kept_free(k);
}

void page_cache_done(struct kept *k)
{
	if (!k || atomic_fetch_sub(&k->holds, 1) != 1)
		return;
	for (int i = 0; i < 2; i++) {
		void *m = atomic_exchange(&k->made[i], NULL);
		if (m && k->unmake)
			k->unmake(m);
	}
	page_cache_unuse(k);
}

_Atomic(void *) *page_cache_answers(struct kept *k)
{
	return k->made;
}

static void drop(struct page_cache *c, struct entry *e)
{
	if (!e->key)
		return;
	atomic_fetch_sub(&c->bytes, e->bytes);
	free(e->key);
	page_cache_done(e->k);
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

/* Where part i of the page begins and ends in html. */
static void part(const struct kept *e, int i, size_t *from, size_t *to)
{
	const size_t sl = sizeof(PAGE_CACHE_SLOT) - 1;
	*from = i ? e->slot[i - 1] + sl : 0;
	*to = i < e->nslots ? e->slot[i] : e->len;
}

/* The gzip copy of entry e with token in every slot. */
static char *gzipped(const struct kept *e, const char *token, size_t *len)
{
	size_t tl = strlen(token), raw = 0;
	size_t n = 10 + e->zend[e->nslots] + (size_t)e->nslots * (5 + tl) + 5 + 8;
	unsigned char *out = malloc(n), *p = out;
	if (!out)
		abort();
	static const unsigned char head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	memcpy(p, head, 10);
	p += 10;
	uLong crc = 0, tcrc = crc32(0, (const Bytef *)token, (uInt)tl);
	for (int i = 0; i <= e->nslots; i++) {
		size_t zfrom = i ? e->zend[i - 1] : 0, from, to;
		memcpy(p, e->z + zfrom, e->zend[i] - zfrom);
		p += e->zend[i] - zfrom;
		part(e, i, &from, &to);
		crc = i ? crc32_combine(crc, e->crc[i], (z_off_t)(to - from)) : e->crc[0];
		raw += to - from;
		if (i == e->nslots)
			break;
		/* The token as a stored block: type 00, its length and its complement. */
		*p++ = 0;
		*p++ = (unsigned char)(tl & 0xff);
		*p++ = (unsigned char)(tl >> 8);
		*p++ = (unsigned char)(~tl & 0xff);
		*p++ = (unsigned char)((~tl >> 8) & 0xff);
		memcpy(p, token, tl);
		p += tl;
		crc = crc32_combine(crc, tcrc, (z_off_t)tl);
		raw += tl;
	}
	static const unsigned char last[5] = { 1, 0, 0, 0xff, 0xff }; /* an empty final block */
	memcpy(p, last, 5);
	p += 5;
	for (int i = 0; i < 4; i++)
		*p++ = (unsigned char)(crc >> (8 * i));
	for (int i = 0; i < 4; i++)
		*p++ = (unsigned char)(raw >> (8 * i));
	*len = (size_t)(p - out);
	return (char *)out;
}

/* Deflates the parts of e between its slots (see the top of the file). */
static int deflate_parts(struct kept *e)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&z, e->len) + (size_t)(e->nslots + 1) * 16;
	e->z = malloc(cap);
	if (!e->z)
		abort();
	z.next_out = e->z;
	z.avail_out = (uInt)cap;
	int ok = 1;
	for (int i = 0; ok && i <= e->nslots; i++) {
		size_t from, to;
		part(e, i, &from, &to);
		z.next_in = (Bytef *)e->html + from;
		z.avail_in = (uInt)(to - from);
		ok = deflate(&z, Z_FULL_FLUSH) == Z_OK && !z.avail_in;
		e->zend[i] = cap - z.avail_out;
		e->crc[i] = crc32(0, (const Bytef *)e->html + from, (uInt)(to - from));
	}
	deflateEnd(&z);
	if (!ok) {
		free(e->z);
		e->z = NULL;
		return -1;
	}
	return 0;
}

int page_cache_find(struct page_cache *c, const char *key, int64_t version, const char *(*token_of)(void *ctx),
		    void *ctx, int want_gzip, struct page_hit *hit)
{
	const size_t sl = sizeof(PAGE_CACHE_SLOT) - 1;
	uint64_t h = hash_of(key);
	size_t s = (size_t)(h % SETS);
	memset(hit, 0, sizeof(*hit));
	/* Only the finding is done under the lock: a page everyone reads
	 * (the home page) is copied by each reader beside the others. */
	pthread_mutex_lock(&c->mu[s % STRIPES]);
	struct entry *e = find(c->e[s], h, key);
	struct kept *k = e && e->version == version && time(NULL) < e->expires ? e->k : NULL;
	if (k)
		atomic_fetch_add(&k->holds, 1);
	pthread_mutex_unlock(&c->mu[s % STRIPES]);
	if (!k)
		return 0;
	if (!k->nslots) {
		/* The same for every reader: its own memory, held. */
		hit->kept = k;
		hit->gzip = want_gzip && k->gz;
		hit->body = hit->gzip ? k->gz : k->html;
		hit->len = hit->gzip ? k->gzlen : k->len;
		return 1;
	}
	const char *token = token_of(ctx);
	const size_t tl = strlen(token);
	char *out;
	if (want_gzip && k->z && tl < 65536) {
		out = gzipped(k, token, &hit->len);
		hit->gzip = 1;
	} else {
		size_t n = k->len - (size_t)k->nslots * sl + (size_t)k->nslots * tl;
		out = malloc(n + 1);
		if (!out)
			abort();
		size_t from = 0, to = 0;
		for (int i = 0; i < k->nslots; i++) {
			memcpy(out + to, k->html + from, k->slot[i] - from);
			to += k->slot[i] - from;
			memcpy(out + to, token, tl);
			to += tl;
			from = k->slot[i] + sl;
		}
		memcpy(out + to, k->html + from, k->len - from);
		out[n] = '\0';
		hit->len = n;
	}
	page_cache_done(k);
	hit->body = out;
	hit->owned = 1;
	return 1;
}

char *page_cache_get_with(struct page_cache *c, const char *key, int64_t version,
			  const char *(*token_of)(void *ctx), void *ctx, int *gzip, size_t *len)
{
	struct page_hit hit;
	if (!page_cache_find(c, key, version, token_of, ctx, gzip && *gzip, &hit))
		return NULL;
	char *out = (char *)(uintptr_t)hit.body;
	if (hit.kept) {
		out = malloc(hit.len + 1);
		if (!out)
			abort();
		memcpy(out, hit.body, hit.len);
		out[hit.len] = '\0';
		page_cache_done(hit.kept);
	}
	if (gzip)
		*gzip = hit.gzip;
	*len = hit.len;
	return out;
}

static const char *given(void *token)
{
	return token;
}

char *page_cache_get(struct page_cache *c, const char *key, int64_t version, const char *token, int *gzip,
		     size_t *len)
{
	return page_cache_get_with(c, key, version, given, (void *)(uintptr_t)token, gzip, len);
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
	struct kept n = { .len = len };
	const size_t sl = sizeof(PAGE_CACHE_SLOT) - 1;
	for (const char *p = html; (p = memmem(p, len - (size_t)(p - html), PAGE_CACHE_SLOT, sl));
	     p += sl) {
		if (n.nslots == MAX_SLOTS)
			return; /* more slots than we splice: do not cache */
		n.slot[n.nslots++] = (size_t)(p - html);
	}
	/* Deflated before the lock is taken: the html is the caller's still. */
	n.html = (char *)(uintptr_t)html;
	size_t zbytes = len >= PAGE_CACHE_GZIP_MIN && !deflate_parts(&n) ? n.zend[n.nslots] : 0;
	if (zbytes && !n.nslots) {
		/* No slot: the gzip copy is the same for everyone, made now. */
		n.gz = gzipped(&n, "", &n.gzlen);
		free(n.z);
		n.z = NULL;
		zbytes = n.gzlen;
	}
	n.html = NULL;
	uint64_t hash = hash_of(key);
	size_t s = (size_t)(hash % SETS), bytes = len + zbytes + strlen(key);
	time_t now = time(NULL);
	pthread_mutex_lock(&c->mu[s % STRIPES]);
	struct entry *set = c->e[s], *e = find(set, hash, key);
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
	make_room(c, bytes, s % STRIPES);
	if (atomic_load(&c->bytes) + bytes <= BYTES_MAX) {
		struct kept *k = malloc(sizeof(*k));
		char *copy = malloc(len + 1), *name = strdup(key);
		if (!k || !copy || !name)
			abort();
		memcpy(copy, html, len);
		copy[len] = '\0';
		*k = n;
		k->html = copy;
		k->unmake = c->unmake;
		atomic_init(&k->holds, 1);
		atomic_init(&k->uses, 1);
		atomic_init(&k->made[0], NULL);
		atomic_init(&k->made[1], NULL);
		atomic_fetch_add(&c->bytes, bytes);
		*e = (struct entry){ .key = name, .hash = hash, .version = version, .expires = now + ttl,
				     .bytes = bytes, .k = k };
		n.z = NULL;
		n.gz = NULL;
	}
	pthread_mutex_unlock(&c->mu[s % STRIPES]);
	free(n.z); /* not kept */
	free(n.gz);
}

size_t page_cache_bytes(struct page_cache *c)
{
	return atomic_load(&c->bytes);
}

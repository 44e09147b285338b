/* page_cache.c: versioned, expiring page cache with per-visitor slots. */
#include "view/page_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

enum { ENTRIES = 256, MAX_SLOTS = 8 };

struct entry {
	char key[480];
	int64_t version;
	time_t expires;
	char *html;
	size_t len;
	size_t slot[MAX_SLOTS]; /* offsets of PAGE_CACHE_SLOT in html */
	int nslots;
};

struct page_cache {
	pthread_mutex_t mu;
	struct entry e[ENTRIES];
};

struct page_cache *page_cache_new(void)
{
	struct page_cache *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void page_cache_free(struct page_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < ENTRIES; i++)
		free(c->e[i].html);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static struct entry *find(struct page_cache *c, const char *key)
{
	for (int i = 0; i < ENTRIES; i++)
		if (c->e[i].html && !strcmp(c->e[i].key, key))
			return &c->e[i];
	return NULL;
}

char *page_cache_get(struct page_cache *c, const char *key, int64_t version, const char *token,
		     size_t *len)
{
	const size_t sl = sizeof(PAGE_CACHE_SLOT) - 1, tl = strlen(token);
	char *out = NULL;
	pthread_mutex_lock(&c->mu);
	struct entry *e = find(c, key);
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
	pthread_mutex_unlock(&c->mu);
	return out;
}

void page_cache_put(struct page_cache *c, const char *key, int64_t version, int ttl,
		    const char *html, size_t len)
{
	if (strlen(key) >= sizeof(c->e[0].key))
		return;
	struct entry n = { .version = version, .expires = time(NULL) + ttl, .len = len };
	const size_t sl = sizeof(PAGE_CACHE_SLOT) - 1;
	for (const char *p = html; (p = memmem(p, len - (size_t)(p - html), PAGE_CACHE_SLOT, sl));
	     p += sl) {
		if (n.nslots == MAX_SLOTS)
			return; /* more slots than we splice: do not cache */
		n.slot[n.nslots++] = (size_t)(p - html);
	}
	n.html = malloc(len + 1);
	if (!n.html)
		abort();
	memcpy(n.html, html, len);
	n.html[len] = '\0';
	memcpy(n.key, key, strlen(key) + 1);
	pthread_mutex_lock(&c->mu);
	struct entry *e = find(c, key);
	if (!e) {
		e = &c->e[0];
		for (int i = 0; i < ENTRIES; i++) {
			if (!c->e[i].html) {
				e = &c->e[i];
				break;
			}
			if (c->e[i].expires < e->expires)
				e = &c->e[i];
		}
	}
	free(e->html);
	*e = n;
	pthread_mutex_unlock(&c->mu);
}

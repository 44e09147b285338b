/* page_cache.h: rendered pages kept in memory, each tagged with the data
 * version it was rendered from and an expiry time.
 *
 * A page is stored with a placeholder where each visitor's own value (the
 * CSRF token) goes; page_cache_get splices the visitor's value in. The
 * version comes from the database (cache_versions, bumped by triggers), so
 * a change made through any process sharing the database invalidates the
 * page on the next request. Thread-safe; owned by the server. */
#ifndef PGHERD_PAGE_CACHE_H
#define PGHERD_PAGE_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* What a page is rendered with in place of the per-visitor token. */
#define PAGE_CACHE_SLOT "\x01pgherd-visitor-slot\x01"

struct page_cache;
struct kept;

/* unmake (may be NULL) lets go of a response the server kept beside a
 * page (page_cache_answers) once the page is given up and unheld. */
struct page_cache *page_cache_new(void (*unmake)(void *answer));
void page_cache_free(struct page_cache *c);
/* Pages shorter than this are not worth compressing. */
enum { PAGE_CACHE_GZIP_MIN = 1024 };

/* A malloc'd copy of the page for key if it was rendered from `version`
 * and has not expired, with every slot replaced by token; else NULL.
 * gzip (may be NULL): set when the client takes gzip; left set when the
 * copy is gzip-compressed (a page kept compressed), cleared when not. */
char *page_cache_get(struct page_cache *c, const char *key, int64_t version, const char *token, int *gzip,
		     size_t *len);
/* The same with the token made by token_of(ctx) only when the page has a
 * slot for it (a page with no form needs none: no token is made, no
 * cookie set). */
char *page_cache_get_with(struct page_cache *c, const char *key, int64_t version,
			  const char *(*token_of)(void *ctx), void *ctx, int *gzip, size_t *len);
/* A kept page found for a reader. */
struct page_hit {
	const char *body;
	size_t len;
	int gzip;	    /* body is gzip-compressed */
	int owned;	    /* body is a malloc'd copy (with the reader's token): theirs to free */
	struct kept *kept;  /* or body is the page's own memory, held: page_cache_done */
};

/* 1 and hit filled when a page for key was rendered from `version` and
 * has not expired; else 0. A page with slots is copied with token_of(ctx)
 * in each; one without is given as it is kept, and held until
 * page_cache_done. want_gzip: the reader takes gzip. */
int page_cache_find(struct page_cache *c, const char *key, int64_t version, const char *(*token_of)(void *ctx),
		    void *ctx, int want_gzip, struct page_hit *hit);
/* Lets go of a page held by page_cache_find (NULL: nothing). */
void page_cache_done(struct kept *k);
/* The two places (plain, gzip) where the server may keep the response it
 * made of a held page, for the next reader; set them with a
 * compare-and-swap. What is kept there is let go with unmake. */
_Atomic(void *) *page_cache_answers(struct kept *k);
/* One more response sends the held page's memory; page_cache_unuse (a
 * response's free callback: k is a struct kept) when it no longer does. */
void page_cache_use(struct kept *k);
void page_cache_unuse(void *k);
/* 1 when a page for key was missed recently (so it is worth keeping: call
 * before rendering it for the cache); the first miss only notes the key. */
int page_cache_admit(struct page_cache *c, const char *key);
/* What the cache holds now, in bytes (capped at 16 MB). */
size_t page_cache_bytes(struct page_cache *c);
/* Stores (a copy of) html for key; ttl in seconds. Past the cap, or with
 * more slots than it splices, the page is not kept. */
void page_cache_put(struct page_cache *c, const char *key, int64_t version, int ttl,
		    const char *html, size_t len);

#endif

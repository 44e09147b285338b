/* arena.c: the per-request bump allocator. */
#include "base/arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	_Alignas(16) unsigned char data[];
};

enum { CHUNK_MIN = 32768 }; /* one chunk holds a typical request */

/* Each thread keeps one released first-size chunk for its next arena: a
 * request's arena then costs no malloc/free of 32 KB (which glibc serves
 * from the heap with consolidation), the largest allocation of a small
 * request. The key's destructor frees it when the thread ends. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *c) { free(c); }
static void spare_init(void) { pthread_key_create(&spare_key, spare_free); }

static struct arena_chunk *spare_take(void)
{
	pthread_once(&spare_once, spare_init);
	struct arena_chunk *c = pthread_getspecific(spare_key);
	if (c)
		pthread_setspecific(spare_key, NULL);
	return c;
}

/* 1 when the thread kept c as its spare. */
static int spare_keep(struct arena_chunk *c)
{
	pthread_once(&spare_once, spare_init);
	if (c->cap != CHUNK_MIN || pthread_getspecific(spare_key))
		return 0;
	return pthread_setspecific(spare_key, c) == 0;
}

void arena_init(arena *a)
{
	a->head = NULL;
	a->total = 0;
}

/* n bytes, not zeroed: for what is written over at once (strings). */
static void *alloc_raw(arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (need < n)
		abort();
	if (!c || c->cap - c->used < need) {
		size_t cap = need > CHUNK_MIN ? need : CHUNK_MIN;
		if (c && cap < c->cap * 2 && c->cap * 2 <= 1 << 20)
			cap = c->cap * 2;
		struct arena_chunk *next = c;
		c = cap == CHUNK_MIN ? spare_take() : NULL;
		if (!c && !(c = malloc(sizeof(*c) + cap)))
			abort();
		c->next = next;
		c->cap = cap;
		c->used = 0;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *arena_alloc(arena *a, size_t n)
{
	void *p = alloc_raw(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = alloc_raw(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	/* Most texts fit in what the chunk has left: format once, in place. */
	struct arena_chunk *c = a->head;
	if (c && c->cap - c->used > 16) {
		size_t room = c->cap - c->used;
		char *at = (char *)c->data + c->used;
		va_copy(cp, ap);
		int n = vsnprintf(at, room, fmt, cp);
		va_end(cp);
		if (n < 0)
			abort();
		if ((size_t)n < room) {
			size_t need = ((size_t)n + 1 + 15) & ~(size_t)15;
			c->used += need < room ? need : room;
			a->total += need;
			return at;
		}
	}
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		abort();
	char *p = alloc_raw(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

char *arena_concat(arena *a, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));)
		n += strlen(s);
	va_end(ap);
	char *out = alloc_raw(a, n + 1), *p = out;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));) {
		size_t l = strlen(s);
		memcpy(p, s, l);
		p += l;
	}
	va_end(ap);
	*p = '\0';
	return out;
}

void arena_release(arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		if (!spare_keep(c))
			free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
}

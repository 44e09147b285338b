/* json_arena.c: jansson's allocator, switched per thread between the
 * current request's arena and malloc. */
#include "base/json_arena.h"

#include <stdlib.h>

#include "base/banned.h"

static __thread arena *current;

static void *j_malloc(size_t n)
{
	if (current)
		return arena_alloc(current, n);
	void *p = malloc(n);
	if (!p)
		abort();
	return p;
}

static void j_free(void *p)
{
	if (!current)
		free(p); /* inside a request the arena frees everything at once */
}

void json_arena_install(void)
{
	json_set_alloc_funcs(j_malloc, j_free);
}

arena *json_arena_begin(arena *a)
{
	arena *was = current;
	current = a;
	return was;
}

void json_arena_end(void)
{
	current = NULL;
}

static int to_buf(const char *s, size_t n, void *p)
{
	buf_add(p, s, n);
	return 0;
}

void json_to_buf(const json_t *v, size_t flags, buf *b)
{
	json_dump_callback(v, to_buf, b, flags);
}

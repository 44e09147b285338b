/* arena.h: a bump allocator; everything a request allocates lives in one
 * arena that is released in one call when the response is done.
 *
 * Rules: an arena is owned by one thread at a time. Allocation aborts on
 * out-of-memory (there is no sensible recovery mid-request). Pointers stay
 * valid until arena_release. */
#ifndef PGHERD_ARENA_H
#define PGHERD_ARENA_H

#include <stddef.h>
#include <stdarg.h>

struct arena_chunk;

typedef struct arena {
	struct arena_chunk *head;
	size_t total; /* bytes handed out, for limits and tests */
} arena;

#define ARENA_INIT { NULL, 0 }

void arena_init(arena *a);
void *arena_alloc(arena *a, size_t n);         /* zeroed, 16-byte aligned */
char *arena_strdup(arena *a, const char *s);   /* NULL stays NULL */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/* The strings up to a NULL, one after another: what "%s%s" would make,
 * without printf's parsing (for the hot paths that join names). */
char *arena_concat(arena *a, ...) __attribute__((sentinel));
void arena_release(arena *a);

#endif

/* json_arena.h: JSON values made while a request is handled live in that
 * request's arena.
 *
 * pgherd builds every page's model from jansson values and throws it away
 * when the response is queued; allocating each value with malloc and
 * freeing it one by one cost a quarter of a directory page's time. Inside
 * json_arena_begin/end (the server brackets its handling of a request with
 * them) jansson allocates from the arena and frees nothing; elsewhere it
 * uses malloc and free as usual.
 *
 * The rule: a JSON value made during a request must not outlive it (never
 * store one in a cache or a global), and jansson's output strings must be
 * written through json_dump_callback (json_to_buf), not json_dumps + free. */
#ifndef PGHERD_JSON_ARENA_H
#define PGHERD_JSON_ARENA_H

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"

/* Installs the allocator; once, at startup, before any thread runs. */
void json_arena_install(void);
/* Returns the arena that was current (NULL: none), to put back. */
arena *json_arena_begin(arena *a);
void json_arena_end(void);
/* Appends the compact JSON text of v to b. */
void json_to_buf(const json_t *v, size_t flags, buf *b);

#endif

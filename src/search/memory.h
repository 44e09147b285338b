/* memory.h: the search's index kept in each server's memory (memory.c),
 * behind search.c. */
#ifndef PGHERD_SEARCH_MEMORY_H
#define PGHERD_SEARCH_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* One match: a piece of search_docs. */
struct mem_hit {
	int64_t id, ref_id, at;
	int kind; /* index into the kinds given to mem_setup */
};

/* The kinds (NULL-ended, at most 16) and the memory the index may take;
 * 0: none (mem_ready is then always 0). */
void mem_setup(const char *const *kinds, size_t budget);
/* Builds the index, or reads what search_docs changed since it last
 * looked (search_changes) into it. Callers serialize it. 1 when it is not
 * caught up yet (more changed while it was built, again and again): the
 * caller asks again next time. */
int mem_catch_up(db *d, err *e);
/* 1 when the index serves the searches. */
int mem_ready(void);

/* A query, asked of one kind: every term (a prefix of words when
 * prefix[i]), in the title only when `title`; `exact`, when not NULL,
 * must be found in the text as it is (lower-cased). */
struct mem_query {
	const char *const *terms;
	const int *prefix;
	int n, title;
	const char *exact;
	int64_t now; /* pieces shown from later than now are left out */
};
/* The kind's matches, newest first: at most limit from offset, into out
 * (room for limit), their number in *nout. */
int mem_find(db *d, arena *a, const struct mem_query *q, int kind, int limit, int offset, struct mem_hit *out,
	     int *nout, err *e);
/* The titles and plain text of pieces by id, into a ("" for one that is
 * gone); kept for the pieces searches show most. */
int mem_texts(db *d, arena *a, const int64_t *ids, int n, const char **zh, const char **en, const char **body,
	      err *e);
/* Frees the index (at exit). */
void mem_release(void);

#endif

/* find.h: the directory's search by any part of a name, held in each
 * server's memory (find.c), behind orgs.c's directory page. */
#ifndef PGHERD_ORGS_FIND_H
#define PGHERD_ORGS_FIND_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* What the directory filters by besides the text: a category and an
 * industry ("" for any) and a city (0 for any). */
struct orgs_filter {
	const char *category, *industry;
	int64_t city;
};

/* A directory row: the organization's names (name_en NULL when it has
 * none), category, industry ("" for none), logo's key ("" for none) and
 * city's names (NULL for none). */
struct orgs_row {
	int64_t id, city;
	const char *name_zh, *name_en, *category, *industry, *logo, *city_zh, *city_en;
};

/* The memory the copy may take (0: none; the database answers every
 * search). */
void orgs_find_setup(size_t budget);
/* The organizations whose search text contains q (lower-cased as the
 * text is) and that pass the filter, in id order: `offset` skipped, then
 * up to `limit` rows into rows (copied into a), their number in *found.
 * `version` is the "orgs" data version the request read; the copy is
 * brought up to it first. 1 when the copy cannot answer (off, too big,
 * being built by another search): the caller asks the database. */
int orgs_find_rows(db *d, arena *a, int64_t version, const char *q, const struct orgs_filter *f, int offset,
		   int limit, struct orgs_row *rows, int *found, err *e);
/* Frees the copy (at exit). */
void orgs_find_release(void);

#endif

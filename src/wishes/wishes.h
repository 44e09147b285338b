/* wishes.h: the wish wall (许愿墙). Members post wishes for PostgreSQL and
 * vote for them; organizers move each wish along a trail that ends in the
 * release that shipped it, and everyone who voted or follows is told. */
#ifndef PGHERD_WISHES_H
#define PGHERD_WISHES_H

#include <stdio.h>

#include "http/feature.h"

extern const struct feature wishes_feature;

/* `pgherd wishes recount`: every wish's vote count, trending weight and
 * breakdowns counted again from its votes (after votes were loaded from
 * elsewhere); prints how many wishes. 0, or 1 on failure, 2 on bad use. */
int wishes_command(db *d, char **args, FILE *out, FILE *errout);

#endif

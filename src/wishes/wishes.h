/* wishes.h: the wish wall (许愿墙). Members post wishes for PostgreSQL and
 * vote for them; organizers move each wish along a trail that ends in the
 * release that shipped it, and everyone who voted or follows is told. */
#ifndef PGHERD_WISHES_H
#define PGHERD_WISHES_H

#include "http/feature.h"

extern const struct feature wishes_feature;

#endif

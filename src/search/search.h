/* search.h: one search over everything public: articles, events and
 * organizations, in both languages, on both engines (search.c). */
#ifndef PGHERD_SEARCH_H
#define PGHERD_SEARCH_H

#include "http/feature.h"

extern const struct feature search_feature;

/* Indexes every change queued so far (the sources' triggers queue them). */
int search_drain(db *d, err *e);

#endif

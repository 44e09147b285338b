/* search.h: one search over everything public: articles, events and
 * organizations, in both languages, on both engines (search.c). */
#ifndef PGHERD_SEARCH_H
#define PGHERD_SEARCH_H

#include "http/feature.h"

extern const struct feature search_feature;

/* Indexes every change queued so far (the sources' triggers queue them). */
int search_drain(db *d, err *e);

/* Up to `limit` public pieces of `kind` whose titles share the most with
 * `text` (any of its tokens, the rarest and most of them first), appended
 * to items as {title, lang, href}: a wish's form shows them while its
 * title is typed, so a duplicate is caught before it is posted. */
int search_similar(req *r, const char *kind, const char *text, int limit, json_t *items, err *e);

#endif

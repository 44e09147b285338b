/* grams.h: the search tokens of a text, written the same way for what is
 * indexed and for what is asked: each Chinese (and Japanese, Korean)
 * character alone and with its right neighbour, and each run of Latin
 * letters and digits lower-cased. A one-character query is a character
 * token, a two-character one a pair, a longer one all its pairs; an
 * English word matches words it begins. Both engines index these tokens
 * as words (SQLite FTS5's unicode61, PostgreSQL's tsvector), so no
 * search reads every body. */
#ifndef PGHERD_GRAMS_H
#define PGHERD_GRAMS_H

#include "base/arena.h"
#include "base/buf.h"

/* The tokens of s, each once, separated by spaces, appended to out (at
 * most max bytes of them). */
void grams_of(const char *s, buf *out, size_t max);

/* A document's tokens for the search index: its title's tokens marked as
 * the title's (GRAMS_TITLE before each), then every token of title and
 * body, so a query can ask within titles from the index alone. The mark
 * is letters a typed word would not begin with. */
#define GRAMS_TITLE "zzt"
void grams_of_doc(const char *title, const char *body, buf *out, size_t max);

enum { GRAMS_QUERY_MAX = 16 };
/* A query's terms: tokens every match must hold; prefix[i] when term i is
 * a Latin word that may go on ("replic" finds "replication"). Returns how
 * many (0: nothing searchable in q). */
int grams_query(arena *a, const char *q, const char **terms, int *prefix, int max);

#endif

/* numbers.h: the community's numbers, counted by pgherd itself: page views
 * without a tracker or a visitor's cookie (a visitor is a keyed hash of
 * address and browser whose key changes every day and is then deleted),
 * the channels visitors come from, members' activity and the cohorts'
 * retention, and the organizers' dashboard that charts them. */
#ifndef PGHERD_NUMBERS_H
#define PGHERD_NUMBERS_H

#include <stdint.h>

#include "http/feature.h"

extern const struct feature numbers_feature;

/* The page-view writer's counters since start, for /metrics and the
 * benchmark. */
struct numbers_stats {
	uint64_t seen;     /* page views recorded */
	uint64_t dropped;  /* page views let go: a thread's table was full */
	uint64_t rows;     /* rows written */
	uint64_t batches;  /* transactions committed */
	uint64_t failed;   /* batches that failed (their views are lost) */
	uint64_t waiting;  /* views waiting for the next batch */
	uint64_t members;  /* (day, member) pairs written */
	uint64_t ads;      /* ads' and sponsored articles' (day, count) rows written */
};
void numbers_stats(struct numbers_stats *out);

#endif

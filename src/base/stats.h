/* stats.h: the server's own counters for /metrics: requests by route and
 * status, their latency, and the time spent in the database. Each thread
 * counts in a block of its own (plain stores, no lock, no shared cache
 * line on the request's path); a reader adds the blocks up, seeing each
 * counter as it was a moment ago. */
#ifndef PGHERD_STATS_H
#define PGHERD_STATS_H

#include <stdatomic.h>
#include <stdint.h>

enum {
	STATS_ROUTES = 512, /* route indices; a request of a route past it counts as none (index 0) */
	STATS_CLASSES = 5,  /* 1xx..5xx */
	STATS_BUCKETS = 12, /* the latency histogram's bounds, then +Inf */
};
/* The histogram's upper bounds, in microseconds. */
extern const uint64_t stats_bounds_us[STATS_BUCKETS];

struct stats_block {
	_Atomic uint64_t requests[STATS_ROUTES][STATS_CLASSES];
	_Atomic uint64_t route_us[STATS_ROUTES];
	_Atomic uint64_t latency[STATS_BUCKETS + 1];
	_Atomic uint64_t db_statements, db_us;
	struct stats_block *next;
};

/* A request of route index `route` answered `status` in `us`. */
void stats_request(int route, unsigned status, uint64_t us);
/* A statement that took `us` (db.c). */
void stats_db(uint64_t us);
/* Calls fn with each thread's block (under the list's lock). */
void stats_each(void (*fn)(const struct stats_block *b, void *ctx), void *ctx);

#endif

/* stats.c: each thread's counters for /metrics (stats.h). A thread's
 * block is made on its first count and kept for the process's life: the
 * server's threads live as long as it does. */
#include "base/stats.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/banned.h"

const uint64_t stats_bounds_us[STATS_BUCKETS] = { 500,	 1000,	 2500,	 5000,	 10000,	  25000,
						  50000, 100000, 250000, 500000, 1000000, 2500000 };

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct stats_block *blocks;
static _Thread_local struct stats_block *mine;

static struct stats_block *block(void)
{
	if (!mine) {
		struct stats_block *b = calloc(1, sizeof(*b));
		if (!b)
			return NULL;
		pthread_mutex_lock(&list_mu);
		b->next = blocks;
		blocks = b;
		pthread_mutex_unlock(&list_mu);
		mine = b;
	}
	return mine;
}

/* Only this thread writes its block: a load and a store, not a locked add. */
static void bump(_Atomic uint64_t *c, uint64_t by)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by, memory_order_relaxed);
}

void stats_request(int route, unsigned status, uint64_t us)
{
	struct stats_block *b = block();
	if (!b)
		return;
	if (route < 0 || route >= STATS_ROUTES)
		route = 0;
	unsigned cls = status / 100;
	cls = cls >= 1 && cls <= 5 ? cls - 1 : 4;
	bump(&b->requests[route][cls], 1);
	bump(&b->route_us[route], us);
	int k = 0;
	while (k < STATS_BUCKETS && us > stats_bounds_us[k])
		k++;
	bump(&b->latency[k], 1);
}

void stats_db(uint64_t us)
{
	struct stats_block *b = block();
	if (!b)
		return;
	bump(&b->db_statements, 1);
	bump(&b->db_us, us);
}

void stats_each(void (*fn)(const struct stats_block *b, void *ctx), void *ctx)
{
	pthread_mutex_lock(&list_mu);
	for (const struct stats_block *b = blocks; b; b = b->next)
		fn(b, ctx);
	pthread_mutex_unlock(&list_mu);
}

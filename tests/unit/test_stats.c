/* test_stats.c: the counters /metrics reads: each thread's block added up
 * (two threads counting at once lose nothing), the latency's buckets, and
 * who may read /metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "auth/roles.h"
#include "base/stats.h"
#include "http/metrics.h"

enum { EACH = 100000 };

struct sum {
	uint64_t requests, route7_4xx, db, db_us, slow, fast;
};

static void add(const struct stats_block *b, void *ctx)
{
	struct sum *s = ctx;
	for (int i = 0; i < STATS_ROUTES; i++)
		for (int c = 0; c < STATS_CLASSES; c++)
			s->requests += atomic_load(&b->requests[i][c]);
	s->route7_4xx += atomic_load(&b->requests[7][3]);
	s->db += atomic_load(&b->db_statements);
	s->db_us += atomic_load(&b->db_us);
	s->fast += atomic_load(&b->latency[0]);
	s->slow += atomic_load(&b->latency[STATS_BUCKETS]);
}

static void *count(void *arg)
{
	(void)arg;
	for (int i = 0; i < EACH; i++) {
		stats_request(7, 404, 100);
		stats_db(3);
	}
	stats_request(9, 200, 9000000); /* past the last bound: +Inf */
	return NULL;
}

static void threads_add_up(void **state)
{
	(void)state;
	struct sum before = { 0 }, after = { 0 };
	stats_each(add, &before);
	pthread_t a, b;
	pthread_create(&a, NULL, count, NULL);
	pthread_create(&b, NULL, count, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	stats_each(add, &after);
	assert_int_equal(after.requests - before.requests, 2 * EACH + 2);
	assert_int_equal(after.route7_4xx - before.route7_4xx, 2 * EACH);
	assert_int_equal(after.db - before.db, 2 * EACH);
	assert_int_equal(after.db_us - before.db_us, 6 * EACH);
	assert_int_equal(after.fast - before.fast, 2 * EACH);
	assert_int_equal(after.slow - before.slow, 2);
	/* A route past the table counts as none, never out of bounds. */
	stats_request(STATS_ROUTES + 5, 200, 1);
	stats_request(-1, 999, 1);
}

static void who_reads_metrics(void **state)
{
	(void)state;
	assert_true(metrics_may_read("127.0.0.1", 0, ROLE_VISITOR));
	assert_true(metrics_may_read("::1", 0, ROLE_VISITOR));
	assert_true(metrics_may_read("::ffff:127.0.0.1", 0, ROLE_VISITOR));
	assert_false(metrics_may_read("203.0.113.9", 0, ROLE_VISITOR));
	assert_false(metrics_may_read("203.0.113.9", 0, ROLE_ADMIN)); /* a session is not a token */
	assert_false(metrics_may_read("203.0.113.9", 1, ROLE_ORGANIZER));
	assert_true(metrics_may_read("203.0.113.9", 1, ROLE_ADMIN));
	assert_false(metrics_may_read("10.127.0.1", 0, ROLE_VISITOR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_add_up),
		cmocka_unit_test(who_reads_metrics),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}

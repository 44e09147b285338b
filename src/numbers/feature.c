/* feature.c: the numbers as the feature table sees them: the page-view
 * writer started and stopped with the server, every request shown to the
 * recorder, and the dashboard's routes. */
#include "numbers/internal.h"

#include "base/log.h"

#include "base/banned.h"

static int counting;

static int numbers_start(const config *cfg, err *e)
{
	counting = cfg->page_views;
	return counting ? writer_start(cfg, e) : 0;
}

static void numbers_stop(void)
{
	writer_stop();
}

static void numbers_release(void)
{
	views_release();
	ads_release();
}

static void seen(const req *r)
{
	if (counting)
		numbers_seen(r);
}

/* /_bench/views?n=N (bench_endpoints on): N page views written the
 * writer's way, and how fast. The page views the benchmark's next rows
 * make land among them, which is what a busy day looks like. */
static int bench_views(req *r, resp *out)
{
	if (!r->cfg->bench_endpoints)
		return http_error(r, out, 404, "not_found", "error.not_found");
	int64_t n = in_num(r, "n", 200000);
	double secs = 0;
	err e = ERR_INIT;
	int rc = numbers_bench_write(r->cfg->val[CFG_DATABASE], (int)n, &secs, &e);
	if (rc) {
		log_error("bench views: %s", e.msg);
		return rc;
	}
	out->page = NULL;
	out->model = json_pack("{s:I,s:f,s:f}", "rows", (json_int_t)n, "seconds", secs, "per_second", secs > 0 ? n / secs : 0);
	return 0;
}

static const struct input bench_inputs[] = {
	{ "n", IN_INT, IN_QUERY, 1, 10000000, NULL, NULL, NULL },
	{ NULL },
};
static const struct route bench[] = {
	{ M_GET, "/_bench/views", bench_views, EVERYONE, 0, "bench-views", NULL, bench_inputs },
};
static const struct route_table bench_routes = { bench, sizeof(bench) / sizeof(bench[0]) };

/* The page-view writer's counters and queue, for /metrics. */
static int metrics(req *r, buf *out, err *e)
{
	(void)r;
	(void)e;
	struct numbers_stats st;
	numbers_stats(&st);
	buf_addf(out, "# HELP pgherd_page_views_total Page views counted by this server.\n"
		      "# TYPE pgherd_page_views_total counter\npgherd_page_views_total %llu\n"
		      "# HELP pgherd_page_views_dropped_total Page views let go: a thread's table was full.\n"
		      "# TYPE pgherd_page_views_dropped_total counter\npgherd_page_views_dropped_total %llu\n"
		      "# HELP pgherd_writer_waiting Page views waiting for the writer's next batch.\n"
		      "# TYPE pgherd_writer_waiting gauge\npgherd_writer_waiting %llu\n"
		      "# HELP pgherd_writer_batches_total The writer's transactions committed, and failed.\n"
		      "# TYPE pgherd_writer_batches_total counter\npgherd_writer_batches_total{result=\"ok\"} %llu\n"
		      "pgherd_writer_batches_total{result=\"failed\"} %llu\n"
		      "# HELP pgherd_writer_rows_total Rows the writer wrote.\n"
		      "# TYPE pgherd_writer_rows_total counter\npgherd_writer_rows_total %llu\n",
		 (unsigned long long)st.seen, (unsigned long long)st.dropped, (unsigned long long)st.waiting,
		 (unsigned long long)st.batches, (unsigned long long)st.failed, (unsigned long long)st.rows);
	return 0;
}

const struct feature numbers_feature = {
	.name = "numbers",
	.start = numbers_start,
	.stop = numbers_stop,
	.release = numbers_release,
	.seen = seen,
	.metrics = metrics,
	.routes = { &dashboard_routes, &channels_routes, &ads_routes, &plan_routes, &public_routes, &bench_routes },
	.sections = { { "home", ads_home }, { "home", numbers_public_section }, { "events", ads_events },
		      { "articles", ads_articles } },
};

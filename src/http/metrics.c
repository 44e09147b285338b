/* metrics.c: /metrics, the operators' numbers in Prometheus' text format
 * (version 0.0.4): requests by route and status class, their latency as a
 * histogram, time spent in the database, the mail outbox's depth, and what
 * each feature adds (the page-view writer's queue). Read from this machine
 * (loopback), or from elsewhere with an administrator's API token
 * (Authorization: Bearer ...): Prometheus' bearer_token does that.
 *
 * The counters are the threads' own (base/stats.h); a route is known by its
 * place in the feature table's route tables, which never change while the
 * server runs. */
#include "http/metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/log.h"
#include "base/stats.h"
#include "base/util.h"
#include "db/db.h"
#include "http/feature.h"
#include "base/banned.h"

static struct route_table tables[FEATURES_MAX_ROUTE_TABLES];
static int first[FEATURES_MAX_ROUTE_TABLES];
static size_t ntables;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load_tables(void)
{
	ntables = features_routes(tables, FEATURES_MAX_ROUTE_TABLES);
	int k = 1; /* 0: no route (a 404 before any) */
	for (size_t t = 0; t < ntables; t++) {
		first[t] = k;
		k += (int)tables[t].n;
	}
}

int metrics_route_index(const struct route *rt)
{
	pthread_once(&once, load_tables);
	if (!rt)
		return 0;
	for (size_t t = 0; t < ntables; t++)
		if (rt >= tables[t].routes && rt < tables[t].routes + tables[t].n)
			return first[t] + (int)(rt - tables[t].routes);
	return 0;
}

void metrics_request(const req *r, uint64_t us)
{
	stats_request(metrics_route_index(r->route), r->status, us);
}

/* ---- /metrics ---- */

struct totals {
	uint64_t requests[STATS_ROUTES][STATS_CLASSES];
	uint64_t route_us[STATS_ROUTES];
	uint64_t latency[STATS_BUCKETS + 1];
	uint64_t db_statements, db_us;
};

static void add_block(const struct stats_block *b, void *ctx)
{
	struct totals *t = ctx;
	for (int i = 0; i < STATS_ROUTES; i++) {
		for (int c = 0; c < STATS_CLASSES; c++)
			t->requests[i][c] += atomic_load_explicit(&b->requests[i][c], memory_order_relaxed);
		t->route_us[i] += atomic_load_explicit(&b->route_us[i], memory_order_relaxed);
	}
	for (int k = 0; k <= STATS_BUCKETS; k++)
		t->latency[k] += atomic_load_explicit(&b->latency[k], memory_order_relaxed);
	t->db_statements += atomic_load_explicit(&b->db_statements, memory_order_relaxed);
	t->db_us += atomic_load_explicit(&b->db_us, memory_order_relaxed);
}

static const char *route_name(int i)
{
	if (i == 0)
		return "none";
	for (size_t t = 0; t < ntables; t++)
		if (i >= first[t] && i < first[t] + (int)tables[t].n)
			return tables[t].routes[i - first[t]].name;
	return "none";
}

int metrics_may_read(const char *peer, int bearer, int role)
{
	int loopback = !strcmp(peer, "::1") || !strncmp(peer, "127.", 4) || !strncmp(peer, "::ffff:127.", 11);
	return loopback || (bearer && role == ROLE_ADMIN);
}

static int metrics(req *r, resp *out)
{
	char peer[64];
	req_peer(r, peer, sizeof(peer));
	if (!metrics_may_read(peer, r->bearer, r->role))
		return http_error(r, out, 403, "forbidden", "metrics.err.who");
	pthread_once(&once, load_tables);
	struct totals *t = calloc(1, sizeof(*t));
	if (!t)
		return ERR_FAIL;
	stats_each(add_block, t);
	buf b = BUF_INIT;
	buf_adds(&b, "# HELP pgherd_requests_total Requests answered, by route and status class.\n"
		     "# TYPE pgherd_requests_total counter\n");
	for (int i = 0; i < STATS_ROUTES; i++)
		for (int c = 0; c < STATS_CLASSES; c++)
			if (t->requests[i][c])
				buf_addf(&b, "pgherd_requests_total{route=\"%s\",code=\"%dxx\"} %llu\n", route_name(i), c + 1,
					 (unsigned long long)t->requests[i][c]);
	buf_adds(&b, "# HELP pgherd_route_seconds_total Time spent answering, by route.\n"
		     "# TYPE pgherd_route_seconds_total counter\n");
	for (int i = 0; i < STATS_ROUTES; i++)
		if (t->route_us[i])
			buf_addf(&b, "pgherd_route_seconds_total{route=\"%s\"} %.6f\n", route_name(i), t->route_us[i] / 1e6);
	buf_adds(&b, "# HELP pgherd_request_duration_seconds Time from a request's arrival to its answer's end.\n"
		     "# TYPE pgherd_request_duration_seconds histogram\n");
	uint64_t cum = 0, sum_us = 0;
	for (int k = 0; k < STATS_BUCKETS; k++) {
		cum += t->latency[k];
		buf_addf(&b, "pgherd_request_duration_seconds_bucket{le=\"%g\"} %llu\n", stats_bounds_us[k] / 1e6,
			 (unsigned long long)cum);
	}
	cum += t->latency[STATS_BUCKETS];
	for (int i = 0; i < STATS_ROUTES; i++)
		sum_us += t->route_us[i];
	buf_addf(&b, "pgherd_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	buf_addf(&b, "pgherd_request_duration_seconds_sum %.6f\npgherd_request_duration_seconds_count %llu\n", sum_us / 1e6,
		 (unsigned long long)cum);
	buf_addf(&b, "# HELP pgherd_db_statements_total Statements run on the database.\n"
		     "# TYPE pgherd_db_statements_total counter\npgherd_db_statements_total %llu\n"
		     "# HELP pgherd_db_seconds_total Time spent in the database's statements.\n"
		     "# TYPE pgherd_db_seconds_total counter\npgherd_db_seconds_total %.6f\n",
		 (unsigned long long)t->db_statements, t->db_us / 1e6);
	free(t);
	err e = ERR_INIT;
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL", DB_NOARGS, &x, &e);
	if (!rc)
		buf_addf(&b, "# HELP pgherd_outbox_waiting Mails waiting in the outbox (every server's).\n"
			     "# TYPE pgherd_outbox_waiting gauge\npgherd_outbox_waiting %lld\n",
			 (long long)db_int(&x, 0, "n"));
	if (!rc)
		rc = features_metrics(r, &b, &e);
	if (rc) {
		buf_release(&b);
		log_error("metrics: %s", e.msg);
		return rc;
	}
	out->body = buf_detach(&b, &out->body_len);
	out->body_owned = 1;
	out->content_type = "text/plain; version=0.0.4; charset=utf-8";
	out->cache_control = "no-store";
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/metrics", metrics, EVERYONE, 0, "metrics", .inputs = no_inputs },
};

const struct route_table prometheus_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

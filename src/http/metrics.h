/* metrics.h: /metrics for operators (Prometheus' text format), and the
 * server's count of each request it answered. */
#ifndef PGHERD_METRICS_H
#define PGHERD_METRICS_H

#include <stdint.h>

#include "http/http.h"

/* A route's index among every feature's routes (0: none). */
int metrics_route_index(const struct route *rt);
/* Counts r, answered in `us` (http/server.c, as a request ends). */
void metrics_request(const req *r, uint64_t us);

/* Who may read /metrics: a peer on this machine, or an administrator's
 * API token (bearer) from anywhere. */
int metrics_may_read(const char *peer, int bearer, int role);

extern const struct route_table prometheus_routes;

#endif

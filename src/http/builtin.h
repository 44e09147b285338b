/* builtin.h: the platform's own routes: /healthz, /static/..., and the
 * fixed 1 KB response `make bench` takes as its ceiling. */
#ifndef PGHERD_BUILTIN_H
#define PGHERD_BUILTIN_H

#include "http/http.h"

#include "http/feature.h"

/* Static files, health, the benchmark endpoint: the site itself. */
extern const struct feature builtin_feature;
extern const struct route_table builtin_routes;

#endif

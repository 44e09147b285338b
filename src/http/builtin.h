/* builtin.h: the platform's own routes: /healthz, /static/..., and the
 * fixed 1 KB response `make bench` takes as its ceiling. */
#ifndef PGHERD_BUILTIN_H
#define PGHERD_BUILTIN_H

#include "http/http.h"

extern const struct route_table builtin_routes;

#endif

/* portal.h: the community's front page (home, announcement subscriptions)
 * and the demo community `pgherd demo` creates. */
#ifndef PGHERD_PORTAL_H
#define PGHERD_PORTAL_H

#include "db/db.h"
#include "http/http.h"

#include "http/feature.h"

extern const struct feature portal_feature;
extern const struct route_table portal_routes;

/* The portal's part of the demo community: cities, organizations, a
 * monthly salon series with past and coming salons, channels. Changes
 * nothing in a database that already holds events (c->skip is set for the
 * features after it) unless c->force (then adds what is missing, keyed
 * by natural names); c->added gets the events created. */
int portal_demo(db *d, struct demo_ctx *c, err *e);

#endif

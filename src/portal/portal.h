/* portal.h: the community's front page (home, announcement subscriptions)
 * and the demo community `pgherd demo` creates. */
#ifndef PGHERD_PORTAL_H
#define PGHERD_PORTAL_H

#include "db/db.h"
#include "http/http.h"

extern const struct route_table portal_routes;

/* Fills an empty database with a believable community; changes nothing in
 * one that already holds data unless force is set (then adds what is
 * missing, keyed by natural names). *added gets the events created. */
int demo_load(db *d, int force, int *added, err *e);

#endif

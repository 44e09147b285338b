/* events.h: salons and summits: planning (series, events, agenda, speakers,
 * topic library, cloning, channel links) and booking (registration with a
 * waitlist that never oversells, tickets, calendars, check-in). */
#ifndef PGHERD_EVENTS_H
#define PGHERD_EVENTS_H

#include "base/config.h"
#include "http/http.h"

extern const struct route_table events_routes;  /* plan.c */
extern const struct route_table booking_routes; /* booking.c */
extern const struct route_table series_routes;  /* series.c */

/* Loads the time zones and starts the registration writer (group commit). */
int events_start(const config *cfg, err *e);
/* Finishes queued registrations and stops the writer (before server_stop;
 * registrations after it are answered 503), then frees it (after). */
void events_stop(void);
void events_free(void);

/* Fills the demo's events that have no agenda yet: a salon day built from
 * their talks, channel links and registrations (demo.c). */
int events_demo(db *d, err *e);

#endif

/* cal.h: calendar files (.ics, through libical) of events; their local
 * times are base/clock.h's. */
#ifndef PGHERD_EVENTS_CAL_H
#define PGHERD_EVENTS_CAL_H

#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"

struct cal_event {
	int64_t id;
	const char *title, *location, *description, *url, *host;
	int64_t starts_at, ends_at, stamp;
	int cancelled;
	int date_only;   /* the hours are unknown: an all-day entry on its day(s) */
	const char *tz;  /* for date_only: the zone its days are in */
};
/* A VCALENDAR with these events (UTC times) into b. */
int cal_ics(const struct cal_event *ev, int n, const char *name, buf *b, err *e);

#endif

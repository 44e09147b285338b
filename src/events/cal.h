/* cal.h: an event's clock and calendar: local times in the event's time
 * zone (IANA names, through libical and the system's tzdata), .ics files
 * (libical). */
#ifndef PGHERD_EVENTS_CAL_H
#define PGHERD_EVENTS_CAL_H

#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

/* The time zones an event can be in; NULL-terminated. */
extern const char *const cal_zones[];
/* Loads every zone once at startup (libical reads tzdata lazily). */
int cal_init(err *e);
int cal_zone_ok(const char *tz);

struct cal_local {
	int year, month, day, hour, minute;
	int weekday; /* 1 = Sunday ... 7 = Saturday */
};
/* Unix seconds of a wall-clock time in tz; -1 when it is not a valid time. */
int64_t cal_to_utc(const char *tz, int year, int month, int day, int hour, int minute);
void cal_local(const char *tz, int64_t t, struct cal_local *out);
/* "2026-12-19" and "09:00" in tz, into the arena. */
const char *cal_date(arena *a, const char *tz, int64_t t);
const char *cal_hm(arena *a, const char *tz, int64_t t);
/* Parses "YYYY-MM-DD" and "HH:MM" as a wall-clock time in tz; -1 when bad. */
int64_t cal_parse(const char *tz, const char *date, const char *hm);

struct cal_event {
	int64_t id;
	const char *title, *location, *description, *url, *host;
	int64_t starts_at, ends_at, stamp;
	int cancelled;
};
/* A VCALENDAR with these events (UTC times) into b. */
int cal_ics(const struct cal_event *ev, int n, const char *name, buf *b, err *e);

#endif

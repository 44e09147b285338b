/* clock.h: the one place dates and times are turned into text for people.
 * An event's times are shown in its own time zone (IANA names, through
 * libical and the system's tzdata), everywhere: its page, the lists, the
 * home page, tickets and mail. Times that belong to no event (a session's
 * last use, an audit line) are shown in the community's zone. */
#ifndef PGHERD_CLOCK_H
#define PGHERD_CLOCK_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/lang.h"

/* Where the community is, for times that belong to no event. */
#define CLOCK_COMMUNITY_TZ "Asia/Shanghai"

/* The time zones an event can be in; NULL-terminated. */
extern const char *const clock_zones[];
/* Loads every zone's rules once, at startup, before threads start. */
int clock_init(err *e);
int clock_zone_ok(const char *tz);

struct clock_local {
	int year, month, day, hour, minute;
	int weekday; /* 1 = Sunday ... 7 = Saturday */
};
/* Unix seconds of a wall-clock time in tz; -1 when it is not a valid time. */
int64_t clock_to_utc(const char *tz, int year, int month, int day, int hour, int minute);
void clock_local(const char *tz, int64_t t, struct clock_local *out);
/* Parses "YYYY-MM-DD" and "HH:MM" as a wall-clock time in tz; -1 when bad. */
int64_t clock_parse(const char *tz, const char *date, const char *hm);

/* Text, into the arena, for t in tz:
 * clock_date     "2026-12-19"
 * clock_hm       "09:00"
 * clock_datetime "2026-12-19 09:00"
 * clock_day      "2026年12月19日 周六" / "Sat, Dec 19, 2026"
 * clock_span     "2026-12-19 周六 09:00–17:30", the zone named when it is
 *                not the community's, the end's date when it is another day
 * clock_weekday  "周六" / "Sat";  clock_month "12月" / "Dec" */
const char *clock_date(arena *a, const char *tz, int64_t t);
const char *clock_hm(arena *a, const char *tz, int64_t t);
const char *clock_datetime(arena *a, const char *tz, int64_t t);
const char *clock_day(arena *a, int lang, const char *tz, int64_t t);
const char *clock_span(arena *a, int lang, const char *tz, int64_t start, int64_t end);
/* The same with the days only: "2018-11-24 周六", or "... – 2018-11-25". */
const char *clock_date_span(arena *a, int lang, const char *tz, int64_t start, int64_t end);
const char *clock_weekday(int lang, const struct clock_local *l);
const char *clock_month(arena *a, int lang, const struct clock_local *l);

#endif

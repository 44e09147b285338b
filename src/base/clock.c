/* clock.c: wall-clock time where an event happens, and the one way pgherd
 * writes dates and times for people: in the event's own time zone (IANA
 * names, through libical and the system's tzdata), in the page's
 * language. */
#include "base/clock.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>

#include "base/validate.h"
#include "base/banned.h"

const char *const clock_zones[] = { "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
				  "Asia/Tokyo", "Asia/Seoul", "Europe/London", "Europe/Berlin", "Europe/Moscow",
				  "America/New_York", "America/Los_Angeles", "UTC", NULL };

enum { ZONES = 12 };
/* The zones' rules, found once at startup: libical's own lookup compares
 * the name against every zone it knows, which cost every page a few
 * percent of its time. Filled by clock_init before threads start, read
 * only afterwards. */
static icaltimezone *loaded[ZONES];

static icaltimezone *find_zone(const char *tz)
{
	return strcmp(tz, "UTC") ? icaltimezone_get_builtin_timezone(tz) : icaltimezone_get_utc_timezone();
}

static icaltimezone *zone(const char *tz)
{
	for (int i = 0; tz && clock_zones[i]; i++)
		if (!strcmp(tz, clock_zones[i]))
			return loaded[i] ? loaded[i] : find_zone(tz);
	return NULL;
}

int clock_init(err *e)
{
	_Static_assert(sizeof(loaded) / sizeof(*loaded) + 1 == sizeof(clock_zones) / sizeof(*clock_zones),
		       "one slot per zone");
	for (int i = 0; clock_zones[i]; i++) {
		icaltimezone *z = loaded[i] = find_zone(clock_zones[i]);
		/* Converting once makes libical load the zone's rules now, on one
		 * thread, instead of on first use from many. */
		if (!z)
			return err_set(e, ERR_FAIL, "time zone %s is missing (install Debian's tzdata)", clock_zones[i]);
		(void)icaltime_from_timet_with_zone(1800000000, 0, z);
	}
	return 0;
}

int clock_zone_ok(const char *tz)
{
	for (int i = 0; tz && clock_zones[i]; i++)
		if (!strcmp(tz, clock_zones[i]))
			return 1;
	return 0;
}

int64_t clock_to_utc(const char *tz, int year, int month, int day, int hour, int minute)
{
	icaltimezone *z = zone(tz);
	if (!z || year < 2000 || year > 2200 || month < 1 || month > 12 || day < 1 ||
	    day > icaltime_days_in_month(month, year) || hour < 0 || hour > 23 || minute < 0 || minute > 59)
		return -1;
	struct icaltimetype t = icaltime_null_time();
	t.year = year;
	t.month = month;
	t.day = day;
	t.hour = hour;
	t.minute = minute;
	t.zone = z;
	return (int64_t)icaltime_as_timet_with_zone(t, z);
}

void clock_local(const char *tz, int64_t t, struct clock_local *out)
{
	icaltimezone *z = zone(tz);
	struct icaltimetype v = icaltime_from_timet_with_zone((time_t)t, 0, z ? z : icaltimezone_get_utc_timezone());
	out->year = v.year;
	out->month = v.month;
	out->day = v.day;
	out->hour = v.hour;
	out->minute = v.minute;
	out->weekday = icaltime_day_of_week(v);
}

const char *clock_date(arena *a, const char *tz, int64_t t)
{
	struct clock_local l;
	clock_local(tz, t, &l);
	if (l.year < 0 || l.year > 9999)
		return arena_printf(a, "%04d-%02d-%02d", l.year, l.month, l.day);
	/* Written by hand: lists show a date per row, and printf's parsing
	 * cost as much as the time zone's arithmetic. */
	char *s = arena_alloc(a, 11);
	const int v[3] = { l.year, l.month, l.day }, w[3] = { 4, 2, 2 };
	char *p = s;
	for (int i = 0; i < 3; i++) {
		for (int k = w[i] - 1, x = v[i]; k >= 0; k--, x /= 10)
			p[k] = (char)('0' + x % 10);
		p += w[i];
		if (i < 2)
			*p++ = '-';
	}
	return s;
}

const char *clock_hm(arena *a, const char *tz, int64_t t)
{
	struct clock_local l;
	clock_local(tz, t, &l);
	return arena_printf(a, "%02d:%02d", l.hour, l.minute);
}

int64_t clock_parse(const char *tz, const char *date, const char *hm)
{
	int y, mo, d, h, mi;
	if (!date || !hm || !valid_date(date, &y, &mo, &d) || !valid_time(hm, &h, &mi))
		return -1;
	return clock_to_utc(tz, y, mo, d, h, mi);
}

static const char *const wd_zh[] = { "周日", "周一", "周二", "周三", "周四", "周五", "周六" };
static const char *const wd_en[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

const char *clock_weekday(int lang, const struct clock_local *l)
{
	return (lang == LANG_EN ? wd_en : wd_zh)[(l->weekday + 6) % 7];
}

const char *clock_month(arena *a, int lang, const struct clock_local *l)
{
	return lang == LANG_EN ? mon_en[l->month - 1] : arena_printf(a, "%d月", l->month);
}

const char *clock_day(arena *a, int lang, const char *tz, int64_t t)
{
	struct clock_local l;
	clock_local(tz, t, &l);
	if (lang == LANG_EN)
		return arena_printf(a, "%s, %s %d, %d", clock_weekday(lang, &l), mon_en[l.month - 1], l.day, l.year);
	return arena_printf(a, "%d年%d月%d日 %s", l.year, l.month, l.day, clock_weekday(lang, &l));
}

const char *clock_datetime(arena *a, const char *tz, int64_t t)
{
	struct clock_local l;
	clock_local(tz, t, &l);
	return arena_printf(a, "%04d-%02d-%02d %02d:%02d", l.year, l.month, l.day, l.hour, l.minute);
}

const char *clock_date_span(arena *a, int lang, const char *tz, int64_t start, int64_t end)
{
	struct clock_local s, f;
	clock_local(tz, start, &s);
	clock_local(tz, end, &f);
	const char *wd = clock_weekday(lang, &s);
	if (s.year == f.year && s.month == f.month && s.day == f.day)
		return arena_printf(a, "%04d-%02d-%02d %s", s.year, s.month, s.day, wd);
	return arena_printf(a, "%04d-%02d-%02d %s – %04d-%02d-%02d", s.year, s.month, s.day, wd, f.year, f.month, f.day);
}

const char *clock_span(arena *a, int lang, const char *tz, int64_t start, int64_t end)
{
	struct clock_local s, f;
	clock_local(tz, start, &s);
	clock_local(tz, end, &f);
	const char *wd = clock_weekday(lang, &s);
	/* The community meets in China: other zones are named. */
	const char *zone_note = strcmp(tz, CLOCK_COMMUNITY_TZ) ? arena_printf(a, " (%s)", tz) : "";
	if (s.year == f.year && s.month == f.month && s.day == f.day)
		return arena_printf(a, "%04d-%02d-%02d %s %02d:%02d–%02d:%02d%s", s.year, s.month, s.day, wd, s.hour,
				    s.minute, f.hour, f.minute, zone_note);
	return arena_printf(a, "%04d-%02d-%02d %s %02d:%02d – %04d-%02d-%02d %02d:%02d%s", s.year, s.month, s.day, wd,
			    s.hour, s.minute, f.year, f.month, f.day, f.hour, f.minute, zone_note);
}

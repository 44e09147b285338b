/* cal.c: time zones, .ics and QR codes for events (see cal.h). */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "events/cal.h"
#include "base/banned.h"

const char *const cal_zones[] = { "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
				  "Asia/Tokyo", "Asia/Seoul", "Europe/London", "Europe/Berlin", "Europe/Moscow",
				  "America/New_York", "America/Los_Angeles", "UTC", NULL };

static icaltimezone *zone(const char *tz)
{
	if (!cal_zone_ok(tz))
		return NULL;
	return strcmp(tz, "UTC") ? icaltimezone_get_builtin_timezone(tz) : icaltimezone_get_utc_timezone();
}

int cal_init(err *e)
{
	for (int i = 0; cal_zones[i]; i++) {
		icaltimezone *z = zone(cal_zones[i]);
		/* Converting once makes libical load the zone's rules now, on one
		 * thread, instead of on first use from many. */
		if (!z)
			return err_set(e, ERR_FAIL, "time zone %s is missing (install Debian's tzdata)", cal_zones[i]);
		(void)icaltime_from_timet_with_zone(1800000000, 0, z);
	}
	return 0;
}

int cal_zone_ok(const char *tz)
{
	for (int i = 0; tz && cal_zones[i]; i++)
		if (!strcmp(tz, cal_zones[i]))
			return 1;
	return 0;
}

int64_t cal_to_utc(const char *tz, int year, int month, int day, int hour, int minute)
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

void cal_local(const char *tz, int64_t t, struct cal_local *out)
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

const char *cal_date(arena *a, const char *tz, int64_t t)
{
	struct cal_local l;
	cal_local(tz, t, &l);
	return arena_printf(a, "%04d-%02d-%02d", l.year, l.month, l.day);
}

const char *cal_hm(arena *a, const char *tz, int64_t t)
{
	struct cal_local l;
	cal_local(tz, t, &l);
	return arena_printf(a, "%02d:%02d", l.hour, l.minute);
}

int64_t cal_parse(const char *tz, const char *date, const char *hm)
{
	int y, mo, d, h, mi, n = 0, m = 0;
	if (!date || !hm || sscanf(date, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || date[n] || strlen(date) != 10 ||
	    sscanf(hm, "%2d:%2d%n", &h, &mi, &m) != 2 || hm[m] || strlen(hm) != 5)
		return -1;
	return cal_to_utc(tz, y, mo, d, h, mi);
}

int cal_ics(const struct cal_event *ev, int n, const char *name, buf *b, err *e)
{
	icalcomponent *cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
						 icalproperty_new_prodid("-//pgherd//events//EN"),
						 icalproperty_new_method(ICAL_METHOD_PUBLISH), (void *)0);
	if (!cal)
		return err_set(e, ERR_FAIL, "libical: %s", icalerror_strerror(icalerrno));
	if (name) {
		icalproperty *p = icalproperty_new_x(name);
		icalproperty_set_x_name(p, "X-WR-CALNAME");
		icalcomponent_add_property(cal, p);
	}
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	for (int i = 0; i < n; i++) {
		char uid[96];
		snprintf(uid, sizeof(uid), "event-%lld@%s", (long long)ev[i].id, ev[i].host ? ev[i].host : "pgherd");
		icalcomponent *v = icalcomponent_vanew(
			ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid),
			icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)ev[i].stamp, 0, utc)),
			icalproperty_new_dtstart(icaltime_from_timet_with_zone((time_t)ev[i].starts_at, 0, utc)),
			icalproperty_new_dtend(icaltime_from_timet_with_zone((time_t)ev[i].ends_at, 0, utc)),
			icalproperty_new_summary(ev[i].title),
			icalproperty_new_status(ev[i].cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED),
			(void *)0);
		if (ev[i].location && *ev[i].location)
			icalcomponent_add_property(v, icalproperty_new_location(ev[i].location));
		if (ev[i].description && *ev[i].description)
			icalcomponent_add_property(v, icalproperty_new_description(ev[i].description));
		if (ev[i].url)
			icalcomponent_add_property(v, icalproperty_new_url(ev[i].url));
		icalcomponent_add_component(cal, v);
	}
	char *text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!text)
		return err_set(e, ERR_FAIL, "libical: %s", icalerror_strerror(icalerrno));
	buf_adds(b, text);
	free(text);
	return 0;
}

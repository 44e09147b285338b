/* cal.c: time zones, .ics and QR codes for events (see cal.h). */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "events/cal.h"
#include "base/banned.h"

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
		struct icaltimetype start = icaltime_from_timet_with_zone((time_t)ev[i].starts_at, 0, utc);
		struct icaltimetype end = icaltime_from_timet_with_zone((time_t)ev[i].ends_at, 0, utc);
		if (ev[i].date_only) {
			/* DTSTART;VALUE=DATE, and DTEND the day after the last (RFC 5545 3.6.1). */
			struct clock_local s, f;
			clock_local(ev[i].tz ? ev[i].tz : CLOCK_COMMUNITY_TZ, ev[i].starts_at, &s);
			clock_local(ev[i].tz ? ev[i].tz : CLOCK_COMMUNITY_TZ, ev[i].ends_at, &f);
			start = icaltime_null_date();
			start.year = s.year, start.month = s.month, start.day = s.day;
			end = icaltime_null_date();
			end.year = f.year, end.month = f.month, end.day = f.day;
			icaltime_adjust(&end, 1, 0, 0, 0);
		}
		snprintf(uid, sizeof(uid), "event-%lld@%s", (long long)ev[i].id, ev[i].host ? ev[i].host : "pgherd");
		icalcomponent *v = icalcomponent_vanew(
			ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid),
			icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)ev[i].stamp, 0, utc)),
			icalproperty_new_dtstart(start), icalproperty_new_dtend(end),
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

/* test_cal.c: an event's clock and calendar: wall-clock times in the
 * event's own time zone (with daylight saving where it applies), .ics files
 * calendar apps accept, and ticket QR codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "events/cal.h"

static void wall_clock_times_in_the_events_zone(void **state)
{
	(void)state;
	err e = ERR_INIT;
	assert_int_equal(clock_init(&e), 0);
	/* 2026-12-19 09:00 in Hangzhou is 01:00 UTC. */
	assert_int_equal(clock_to_utc("Asia/Shanghai", 2026, 12, 19, 9, 0), 1797642000);
	assert_int_equal(clock_parse("Asia/Shanghai", "2026-12-19", "09:00"), 1797642000);
	/* New York: UTC-5 in winter, UTC-4 in summer. */
	assert_int_equal(clock_parse("America/New_York", "2027-01-15", "09:00") - clock_parse("UTC", "2027-01-15", "09:00"),
			 5 * 3600);
	assert_int_equal(clock_parse("America/New_York", "2027-07-15", "09:00") - clock_parse("UTC", "2027-07-15", "09:00"),
			 4 * 3600);
	struct clock_local l;
	clock_local("Asia/Shanghai", 1797642000, &l);
	assert_int_equal(l.hour, 9);
	assert_int_equal(l.weekday, 7); /* a Saturday */
	arena a = ARENA_INIT;
	assert_string_equal(clock_date(&a, "Asia/Tokyo", 1797642000), "2026-12-19");
	assert_string_equal(clock_hm(&a, "Asia/Tokyo", 1797642000), "10:00");
	arena_release(&a);
	/* What a form may send that is not a time. */
	const char *bad[][2] = { { "2026-02-30", "09:00" }, { "2026-12-19", "24:00" }, { "2026-12-19", "9:00" },
				 { "19/12/2026", "09:00" }, { "2026-12-19x", "09:00" }, { "", "" }, { "2026-12-19", "09:60" },
				 { "1999-12-31", "09:00" } };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(clock_parse("Asia/Shanghai", bad[i][0], bad[i][1]), -1);
	assert_int_equal(clock_parse("Mars/Olympus", "2026-12-19", "09:00"), -1);
	assert_false(clock_zone_ok("Europe/Atlantis"));
	assert_true(clock_zone_ok("Asia/Shanghai"));
}

static void ics_escapes_and_zones(void **state)
{
	(void)state;
	err e = ERR_INIT;
	buf b = BUF_INIT;
	struct cal_event ev = { .id = 38, .title = "第 38 期 PG 天天象上, 杭州站; \"沙龙\"", .location = "杭州",
				.url = "https://pg.example/events/38", .host = "pg.example", .starts_at = 1797642000,
				.ends_at = 1797672600, .stamp = 1797000000 };
	assert_int_equal(cal_ics(&ev, 1, "PG 沙龙", &b, &e), 0);
	assert_non_null(strstr(b.s, "BEGIN:VCALENDAR"));
	assert_non_null(strstr(b.s, "DTSTART:20261219T010000Z"));
	assert_non_null(strstr(b.s, "DTEND:20261219T093000Z"));
	assert_non_null(strstr(b.s, "UID:event-38@pg.example"));
	assert_non_null(strstr(b.s, "X-WR-CALNAME:PG 沙龙"));
	assert_non_null(strstr(b.s, "\\, 杭州站\\;")); /* commas and semicolons escaped */
	buf_release(&b);
}

static void one_formatter_for_every_page(void **state)
{
	(void)state;
	err e = ERR_INIT;
	assert_int_equal(clock_init(&e), 0);
	arena a = ARENA_INIT;
	/* 2026-12-19 09:00 in Shanghai is 01:00 UTC. */
	int64_t t = clock_parse("Asia/Shanghai", "2026-12-19", "09:00");
	int64_t end = clock_parse("Asia/Shanghai", "2026-12-19", "17:30");
	assert_int_equal(t, 1797642000);
	assert_string_equal(clock_day(&a, LANG_ZH, "Asia/Shanghai", t), "2026年12月19日 周六");
	assert_string_equal(clock_day(&a, LANG_EN, "Asia/Shanghai", t), "Sat, Dec 19, 2026");
	assert_string_equal(clock_span(&a, LANG_ZH, "Asia/Shanghai", t, end), "2026-12-19 周六 09:00–17:30");
	/* The same instant in Berlin is still Friday night, and the zone is named. */
	assert_string_equal(clock_span(&a, LANG_EN, "Europe/Berlin", t, end),
			    "2026-12-19 Sat 02:00–10:30 (Europe/Berlin)");
	assert_string_equal(clock_datetime(&a, "America/Los_Angeles", t), "2026-12-18 17:00");
	assert_string_equal(clock_day(&a, LANG_ZH, "America/Los_Angeles", t), "2026年12月18日 周五");
	/* Across days, the end's date is written too. */
	int64_t next = clock_parse("Asia/Shanghai", "2026-12-20", "12:00");
	assert_string_equal(clock_span(&a, LANG_EN, "Asia/Shanghai", t, next), "2026-12-19 Sat 09:00 – 2026-12-20 12:00");
	assert_int_equal(clock_parse("Asia/Shanghai", "2026-02-30", "09:00"), -1);
	assert_int_equal(clock_parse("Asia/Shanghai", "2026-12-19", "9:00"), -1);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wall_clock_times_in_the_events_zone),
		cmocka_unit_test(ics_escapes_and_zones),
		cmocka_unit_test(one_formatter_for_every_page),
	};
	return cmocka_run_group_tests_name("events calendar", tests, NULL, NULL);
}

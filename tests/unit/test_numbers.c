/* test_numbers.c: how the page-view recorder sorts a request: the kind of
 * device (and crawlers apart), the source that brought the visitor, the
 * path without its query cut at a whole character, and the calendar
 * arithmetic the days are numbered with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "numbers/internal.h"

static const char *iphone_wechat =
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
	"Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN";
static const char *android_chrome =
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
static const char *android_tablet =
	"Mozilla/5.0 (Linux; Android 13; SM-X906C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
static const char *ipad = "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Version/17.1 Safari/604.1";
static const char *desktop =
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

static void devices_and_crawlers(void **state)
{
	(void)state;
	assert_int_equal(views_device(iphone_wechat), DEV_PHONE);
	assert_int_equal(views_device(android_chrome), DEV_PHONE);
	assert_int_equal(views_device(android_tablet), DEV_TABLET);
	assert_int_equal(views_device(ipad), DEV_TABLET);
	assert_int_equal(views_device(desktop), DEV_PC);
	assert_int_equal(views_device("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"),
			 DEV_BOT);
	assert_int_equal(views_device("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), DEV_BOT);
	assert_int_equal(views_device("curl/7.88.1"), DEV_BOT);
	assert_int_equal(views_device("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0"), DEV_BOT);
	assert_int_equal(views_device(""), DEV_BOT);
	assert_int_equal(views_device(NULL), DEV_BOT);
}

static void sources(void **state)
{
	(void)state;
	char s[VIEW_SOURCE_MAX];
	/* An event's channel link comes first, then ?ch=, then utm_source. */
	views_source("Wx-Group1", "weibo", "bilibili", "https://weibo.com/x", "pg.example.org", desktop, s);
	assert_string_equal(s, "via:wx-group1");
	views_source(NULL, "weibo", "bilibili", NULL, NULL, desktop, s);
	assert_string_equal(s, "ch:weibo");
	views_source(NULL, NULL, "BiliBili", NULL, NULL, desktop, s);
	assert_string_equal(s, "utm:bilibili");
	/* A 10 KB utm_source is its first 40 characters of the kind a key has. */
	char big[10240];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	views_source(NULL, NULL, big, NULL, NULL, desktop, s);
	assert_int_equal(strlen(s), 4 + 40);
	/* What is not a key is no source: the referrer decides. */
	views_source(NULL, "<script>", NULL, "https://www.bilibili.com/video/1", NULL, desktop, s);
	assert_string_equal(s, "ref:bilibili.com");
	/* The site's own pages, with or without www and port. */
	views_source(NULL, NULL, NULL, "https://pg.example.org/events/1", "pg.example.org:8080", desktop, s);
	assert_string_equal(s, "self");
	views_source(NULL, NULL, NULL, "http://www.pg.example.org/", "pg.example.org", desktop, s);
	assert_string_equal(s, "self");
	/* Search engines by name, subdomains included; not a look-alike. */
	views_source(NULL, NULL, NULL, "https://m.baidu.com/s?wd=postgres", "pg.example.org", desktop, s);
	assert_string_equal(s, "search:baidu");
	views_source(NULL, NULL, NULL, "https://notbaidu.com/", "pg.example.org", desktop, s);
	assert_string_equal(s, "ref:notbaidu.com");
	/* A forged referrer that is no address counts as none. */
	views_source(NULL, NULL, NULL, "javascript:alert(1)", "pg.example.org", desktop, s);
	assert_string_equal(s, "");
	views_source(NULL, NULL, NULL, "https://evil\".com/", "pg.example.org", desktop, s);
	assert_string_equal(s, "");
	/* WeChat's browser sends no referrer but names itself. */
	views_source(NULL, NULL, NULL, NULL, "pg.example.org", iphone_wechat, s);
	assert_string_equal(s, "app:wechat");
	views_source(NULL, NULL, NULL, "", NULL, desktop, s);
	assert_string_equal(s, "");
}

static void paths(void **state)
{
	(void)state;
	char p[VIEW_PATH_MAX];
	views_path("/events/12?via=abc", p);
	assert_string_equal(p, "/events/12");
	/* A long path with Chinese is cut before a character that does not fit. */
	char long_path[400] = "/search/";
	for (int i = 0; i < 40; i++)
		memcpy(long_path + strlen(long_path), "数据", sizeof("数据"));
	views_path(long_path, p);
	assert_true(strlen(p) < VIEW_PATH_MAX);
	assert_true(strlen(p) >= VIEW_PATH_MAX - 4);
	size_t n = strlen(p);
	/* It ends on a whole character: the last lead byte has its two followers. */
	size_t lead = n;
	while (lead > 0 && ((unsigned char)p[lead - 1] & 0xC0) == 0x80)
		lead--;
	assert_int_equal(n - (lead - 1), 3);
	assert_int_equal(strncmp(p, long_path, n), 0);
}

static void calendar_days(void **state)
{
	(void)state;
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(days_from_civil(2026, 12, 3), 20790);
	int y, m, d;
	for (int32_t day = -1000; day < 30000; day += 37) {
		civil_from_days(day, &y, &m, &d);
		assert_int_equal(days_from_civil(y, m, d), day);
	}
	civil_from_days(days_from_civil(2024, 2, 29), &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20240229);
	civil_from_days(days_from_civil(2024, 2, 29) + 1, &y, &m, &d);
	assert_int_equal(m * 100 + d, 301);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(devices_and_crawlers),
		cmocka_unit_test(sources),
		cmocka_unit_test(paths),
		cmocka_unit_test(calendar_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

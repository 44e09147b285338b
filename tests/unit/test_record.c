/* test_record.c: what an event's record is made of: figures as organizers
 * publish them (exact, approximate, at least, unknown, or not a figure),
 * pasted organization lists split the way chat groups write them, and PDFs
 * told apart from what only claims to be one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "events/events.h"
#include "events/internal.h"
#include "files/files.h"
#include "orgs/orgs.h"
#include "view/i18n.h"

static void figures_as_published(void **state)
{
	(void)state;
	static const struct { const char *text; int kind; int64_t value; } ok[] = {
		{ "80", FIGURE_EXACT, 80 },        { " 330 ", FIGURE_EXACT, 330 },      { "1,200", FIGURE_EXACT, 1200 },
		{ "1xx", FIGURE_ABOUT, 100 },      { "2XX", FIGURE_ABOUT, 200 },        { "about 100", FIGURE_ABOUT, 100 },
		{ "About 90", FIGURE_ABOUT, 90 },  { "约100", FIGURE_ABOUT, 100 },      { "约 100 人", FIGURE_ABOUT, 100 },
		{ "100左右", FIGURE_ABOUT, 100 },  { "~150", FIGURE_ABOUT, 150 },       { "2200+", FIGURE_AT_LEAST, 2200 },
		{ "700+", FIGURE_AT_LEAST, 700 },  { "100多人", FIGURE_AT_LEAST, 100 }, { "more than 50", FIGURE_AT_LEAST, 50 },
		{ "1xx+", FIGURE_AT_LEAST, 100 },  { "80人", FIGURE_EXACT, 80 },        { "", FIGURE_UNKNOWN, 0 },
		{ "   ", FIGURE_UNKNOWN, 0 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct figure f;
		assert_int_equal(figure_parse(ok[i].text, &f), 0);
		assert_int_equal(f.kind, ok[i].kind);
		assert_int_equal(f.value, ok[i].value);
	}
	static const char *const bad[] = { "lots", "x00", "1x0", "约100多", "12,34", "1234,567", "-5", "100 people",
					   "１００", "1e3", "++", "about", "99999999999", ",100" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct figure f;
		assert_int_equal(figure_parse(bad[i], &f), -1);
	}
}

/* One reading of a figure on every page, in the page's language. */
static void figures_read_in_the_page_language(void **state)
{
	(void)state;
	err e = ERR_INIT;
	assert_int_equal(i18n_load(NULL, &e), 0);
	arena a = ARENA_INIT;
	assert_string_equal(events_figure_text(&a, LANG_ZH, "about 90", -1), "约 90");
	assert_string_equal(events_figure_text(&a, LANG_EN, "约 90 人", -1), "about 90");
	assert_string_equal(events_figure_text(&a, LANG_ZH, "2200+", -1), "2200+");
	assert_string_equal(events_figure_text(&a, LANG_ZH, "2xx", 192), "192"); /* counted wins */
	assert_string_equal(events_figure_text(&a, LANG_EN, "lots", -1), "lots");
	assert_null(events_figure_text(&a, LANG_EN, NULL, -1));
	assert_null(events_figure_text(&a, LANG_EN, "", -1));
	arena_release(&a);
	i18n_release();
}

static void pasted_lists_split_like_chat_groups_write_them(void **state)
{
	(void)state;
	arena a = ARENA_INIT;
	const char *names[10];
	int n = orgs_split_list(&a, "阿里巴巴、、华为，京东,  邮储银行；中兴\n\n  海康威视。。。等", names, 10);
	assert_int_equal(n, 6);
	const char *want[] = { "阿里巴巴", "华为", "京东", "邮储银行", "中兴", "海康威视" };
	for (int i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	/* Stray punctuation around names, a trailing 等, duplicates once. */
	n = orgs_split_list(&a, "“FP”等。、 …华为… 、华为、、。、 等", names, 10);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "FP");
	assert_string_equal(names[1], "华为");
	/* Nothing but punctuation is nothing. */
	assert_int_equal(orgs_split_list(&a, "、、，。。。等", names, 10), 0);
	assert_int_equal(orgs_split_list(&a, "", names, 10), 0);
	/* At most max names. */
	assert_int_equal(orgs_split_list(&a, "a、b、c、d", names, 3), 3);
	/* Names keep their inner spaces and brackets. */
	n = orgs_split_list(&a, "China Life, 中国电信(北京)", names, 10);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "China Life");
	assert_string_equal(names[1], "中国电信(北京)");
	arena_release(&a);
}

static void pdfs_are_known_by_their_bytes(void **state)
{
	(void)state;
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
	assert_int_equal(pdf_sniff((const unsigned char *)pdf, sizeof(pdf) - 1), 1);
	/* Cut off before its end marker: not a whole PDF. */
	assert_int_equal(pdf_sniff((const unsigned char *)pdf, sizeof(pdf) - 8), 0);
	static const char html[] = "<html><body>%PDF-1.4 %%EOF</body></html>";
	assert_int_equal(pdf_sniff((const unsigned char *)html, sizeof(html) - 1), 0);
	static const char tiny[] = "%PDF-1.4%%EOF";
	assert_int_equal(pdf_sniff((const unsigned char *)tiny, sizeof(tiny) - 1), 0);
	/* The end marker must be in the last kilobyte. */
	static unsigned char big[4096];
	memset(big, ' ', sizeof(big));
	memcpy(big, "%PDF-1.7\n%%EOF", 14);
	assert_int_equal(pdf_sniff(big, sizeof(big)), 0);
	memcpy(big + sizeof(big) - 6, "%%EOF\n", 6);
	assert_int_equal(pdf_sniff(big, sizeof(big)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figures_as_published),
		cmocka_unit_test(figures_read_in_the_page_language),
		cmocka_unit_test(pasted_lists_split_like_chat_groups_write_them),
		cmocka_unit_test(pdfs_are_known_by_their_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

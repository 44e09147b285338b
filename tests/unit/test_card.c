/* test_card.c: the link card: how its text breaks into lines (Chinese
 * anywhere but before closing punctuation, English at spaces, a word too
 * long for a line cut, the last line ended with "…"), and the picture it
 * makes. Uses the font the tests install (fonts-noto-cjk). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files/card.h"
#include "files/image.h"

static const char font[] = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";

static int setup(void **state)
{
	(void)state;
	err e = ERR_INIT;
	if (card_open(font, 1, &e) || !card_ready()) {
		fprintf(stderr, "test_card needs %s (Debian's fonts-noto-cjk): %s\n", font, e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	card_close();
	return 0;
}

static void free_lines(char **l, int n)
{
	for (int i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int starts_with_any(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strncmp(s, list[i], strlen(list[i])))
			return 1;
	return 0;
}

static const char *unspaced(const char *s)
{
	static char out[2][1024];
	static int k;
	char *o = out[k++ % 2];
	size_t n = 0;
	for (; *s && n + 1 < sizeof(out[0]); s++)
		if (*s != ' ')
			o[n++] = *s;
	o[n] = '\0';
	return o;
}

static void a_short_title_is_one_line(void **state)
{
	(void)state;
	char **l;
	int n = card_lines("第 31 期 PG 天天象上 · 成都站", 68, 1040, 3, &l);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "第 31 期 PG 天天象上 · 成都站");
	free_lines(l, n);
}

static void chinese_breaks_anywhere_but_before_closing_punctuation(void **state)
{
	(void)state;
	static const char *const closing[] = { "，", "。", "、", "：", "）", "」", "》", "！", "？", NULL };
	const char *title = "PostgreSQL 17 新特性深度解析：逻辑复制、增量备份与 JSON_TABLE，以及在金融核心系统中的迁移实践（上海站）";
	/* At every width from 300 to 1040 pixels, nothing is lost and no
	 * line starts with punctuation that belongs to the line before. */
	for (int w = 300; w <= 1040; w += 37) {
		char **l;
		int n = card_lines(title, 50, w, 12, &l);
		assert_true(n >= 2);
		char joined[1024] = "";
		for (int i = 0; i < n; i++) {
			assert_false(starts_with_any(l[i], closing));
			assert_true(strlen(l[i]) > 0);
			strcat(joined, l[i]);
		}
		/* A break at a space drops the space; nothing else goes. */
		assert_string_equal(unspaced(joined), unspaced(title));
		free_lines(l, n);
	}
}

static void english_breaks_at_spaces_and_cuts_a_word_too_long(void **state)
{
	(void)state;
	const char *title = "What is new in PostgreSQL 17: logical replication, incremental backup and JSON_TABLE";
	char **l;
	int n = card_lines(title, 58, 700, 8, &l);
	assert_true(n >= 2);
	char joined[512] = "";
	for (int i = 0; i < n; i++) {
		assert_true(l[i][0] != ' ' && l[i][strlen(l[i]) - 1] != ' ');
		if (i)
			strcat(joined, " ");
		strcat(joined, l[i]);
	}
	assert_string_equal(joined, title); /* every break was at a space */
	free_lines(l, n);

	const char *url = "https://www.postgresql.org/docs/current/logical-replication-subscription.html";
	n = card_lines(url, 58, 400, 8, &l);
	assert_true(n >= 2);
	joined[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(joined, l[i]);
	assert_string_equal(joined, url);
	free_lines(l, n);
}

static void text_past_the_last_line_ends_it_with_an_ellipsis(void **state)
{
	(void)state;
	char **l;
	int n = card_lines("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", 68, 500, 3, &l);
	assert_int_equal(n, 3);
	assert_string_equal(l[0], "一二三四五六七");
	size_t k = strlen(l[2]);
	assert_true(k > 3 && !strcmp(l[2] + k - 3, "…"));
	assert_true(strlen(l[2]) <= strlen(l[1])); /* the ellipsis takes a character's room */
	free_lines(l, n);
}

static void a_card_is_a_large_open_graph_picture_kept_by_its_text(void **state)
{
	(void)state;
	struct card c = { "PostgreSQL 中文社区", "第 31 期 PG 天天象上 · 成都站", { "2026-05-16 周六", "成都 · 会议中心" },
			  "报名中 · 限 200 人", "pg.example.org" };
	buf a = BUF_INIT, b = BUF_INIT;
	const char *ta, *tb;
	err e = ERR_INIT;
	assert_int_equal(card_draw(&c, &a, &ta, &e), 0);
	assert_int_equal(card_draw(&c, &b, &tb, &e), 0);
	assert_true(a.len == b.len && !memcmp(a.s, b.s, a.len));
	struct image im;
	assert_int_equal(image_decode((const unsigned char *)a.s, a.len, ta, CARD_W, &im), 0);
	assert_int_equal(im.w, CARD_W);
	assert_int_equal(im.h, CARD_H);
	/* White title text on the blue: the title's band has light pixels,
	 * an empty corner of the body none. */
	unsigned light = 0, corner = 0;
	for (unsigned y = 150; y < 330; y++)
		for (unsigned x = 80; x < 1120; x++)
			light += im.px[(y * im.w + x) * 4] > 200;
	for (unsigned y = 400; y < 520; y++)
		for (unsigned x = 1000; x < 1190; x++)
			corner += im.px[(y * im.w + x) * 4] > 200;
	assert_true(light > 5000);
	assert_int_equal(corner, 0);
	image_free(&im);
	uint32_t h = card_hash(&c);
	c.title = "第 32 期 PG 天天象上 · 武汉站";
	assert_true(card_hash(&c) != h);
	buf_release(&a);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_short_title_is_one_line),
		cmocka_unit_test(chinese_breaks_anywhere_but_before_closing_punctuation),
		cmocka_unit_test(english_breaks_at_spaces_and_cuts_a_word_too_long),
		cmocka_unit_test(text_past_the_last_line_ends_it_with_an_ellipsis),
		cmocka_unit_test(a_card_is_a_large_open_graph_picture_kept_by_its_text),
	};
	return cmocka_run_group_tests_name("card", tests, setup, teardown);
}

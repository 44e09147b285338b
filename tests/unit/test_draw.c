/* test_draw.c: the prize draw anyone can re-run (draw.c): the hash of "seed:no"
 * is what `b2sum -l 256` prints, the lowest eligible hashes win whatever
 * order the entries come in, nobody below the like threshold wins; prize
 * lists with counts, and entries pasted the ways organizers keep them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "events/internal.h"

static void the_hash_is_what_b2sum_prints(void **state)
{
	(void)state;
	char hex[DRAW_HASH_HEX];
	/* printf '%s' 'PG中国 2018-11-20:1' | b2sum -l 256 */
	draw_hash("PG中国 2018-11-20", 1, hex);
	assert_string_equal(hex, "64944542a0fc00827c8ccdc49d3baed46f8db6110af58a7b8d7ebe131bcb2638");
	draw_hash("PG中国 2018-11-20", 4, hex);
	assert_string_equal(hex, "d1a1e2d74ecdf464a4e226a3c06161009171a982f029c839c9fc08179f3cdb89");
}

static void the_lowest_eligible_hashes_win(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	/* Hashes by number: 2 < 1 < 5 < 3 < 4; number 2 has too few likes. */
	struct draw_entry v[5] = { { .no = 1, .likes = 30 }, { .no = 2, .likes = 10 }, { .no = 3, .likes = 25 },
				   { .no = 4, .likes = 40 }, { .no = 5, .likes = 24 } };
	int eligible = -1;
	assert_int_equal(draw_pick(&a, "PG中国 2018-11-20", v, 5, 24, 2, &eligible), 2);
	assert_int_equal(eligible, 4);
	int ranks[5] = { 1, 0, 0, 0, 2 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(v[i].rank, ranks[i]);
	assert_false(v[1].eligible);

	/* The same seed over the same entries in another order: the same. */
	struct draw_entry w[5] = { v[4], v[3], v[2], v[1], v[0] };
	assert_int_equal(draw_pick(&a, "PG中国 2018-11-20", w, 5, 24, 2, &eligible), 2);
	for (int i = 0; i < 5; i++)
		assert_int_equal(w[i].rank, ranks[4 - i]);

	/* More prizes than eligible entries: everyone eligible wins, by hash. */
	assert_int_equal(draw_pick(&a, "PG中国 2018-11-20", v, 5, 24, 9, &eligible), 4);
	assert_int_equal(v[2].rank, 3);
	assert_int_equal(v[3].rank, 4);
	assert_int_equal(v[1].rank, 0);

	/* Another seed, other hashes. */
	draw_pick(&a, "another seed", v, 5, 0, 5, &eligible);
	char hex[DRAW_HASH_HEX];
	draw_hash("another seed", 1, hex);
	assert_string_equal(v[0].hash, hex);

	/* Nobody reaches the threshold: nobody wins. */
	assert_int_equal(draw_pick(&a, "x", v, 5, 100, 3, &eligible), 0);
	assert_int_equal(eligible, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(v[i].rank, 0);
	arena_release(&a);
}

static void prizes_one_per_line_with_counts(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	const char *p[120];
	assert_int_equal(draw_prizes(&a, "《PostgreSQL 实战》 ×2\n\n PG 马克杯 x3 \r\nTop 10 T恤\n定制键盘 *1", p, 120), 7);
	assert_string_equal(p[0], "《PostgreSQL 实战》");
	assert_string_equal(p[1], "《PostgreSQL 实战》");
	assert_string_equal(p[2], "PG 马克杯");
	assert_string_equal(p[4], "PG 马克杯");
	assert_string_equal(p[5], "Top 10 T恤");
	assert_string_equal(p[6], "定制键盘");
	assert_int_equal(draw_prizes(&a, "", p, 120), 0);
	assert_int_equal(draw_prizes(&a, "书 ×0", p, 120), -1);
	assert_int_equal(draw_prizes(&a, "书 ×101", p, 100), -1);
	assert_int_equal(draw_prizes(&a, "×3", p, 100), -1);
	char longline[400];
	memset(longline, 'a', 300);
	longline[300] = '\0';
	assert_int_equal(draw_prizes(&a, longline, p, 100), -1);
	arena_release(&a);
}

static void entries_pasted_as_organizers_keep_them(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	static const struct { const char *line, *name, *proof; int64_t likes; } ok[] = {
		{ "张三, 32, https://mp.weixin.qq.com/s/abc", "张三", "https://mp.weixin.qq.com/s/abc", 32 },
		{ "李四\t28赞\t截图已发群里", "李四", "截图已发群里", 28 },
		{ "王五，24，https://x.example/a,b", "王五", "https://x.example/a,b", 24 },
		{ "赵六 | 40 likes", "赵六", "", 40 },
		{ "Alice Smith 25 likes https://z.example", "Alice Smith", "https://z.example", 25 },
		{ "钱七 0", "钱七", "", 0 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct entry_line e;
		assert_int_equal(draw_entry_parse(&a, ok[i].line, &e), 0);
		assert_string_equal(e.name, ok[i].name);
		assert_string_equal(e.proof, ok[i].proof);
		assert_int_equal(e.likes, ok[i].likes);
	}
	static const char *const bad[] = { "张三", "张三, many", ", 30", "30", "张三, -3", "张三, 1e3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct entry_line e;
		assert_int_equal(draw_entry_parse(&a, bad[i], &e), -1);
	}
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_hash_is_what_b2sum_prints),
		cmocka_unit_test(the_lowest_eligible_hashes_win),
		cmocka_unit_test(prizes_one_per_line_with_counts),
		cmocka_unit_test(entries_pasted_as_organizers_keep_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

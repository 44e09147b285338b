/* test_base.c: arena, buffer and escapers, UTF-8, time and size parsing,
 * configuration precedence and masking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/grams.h"
#include "base/validate.h"
#include "base/util.h"
#include "view/i18n.h"

static void arena_allocates_and_aligns(void **state)
{
	(void)state;
	arena a = ARENA_INIT;
	char *p = arena_alloc(&a, 3);
	void *q = arena_alloc(&a, 100000); /* bigger than a chunk */
	assert_non_null(p);
	assert_int_equal((uintptr_t)q % 16, 0);
	assert_string_equal(arena_printf(&a, "%d-%s", 42, "x"), "42-x");
	assert_null(arena_strdup(&a, NULL));
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	assert_true(a.total >= 100003);
	arena_release(&a);
	assert_null(a.head);
}

static void buf_grows_and_detaches(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	assert_string_equal(b.s, "");
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	assert_true(b.len > 2000);
	assert_int_equal(b.s[b.len], '\0');
	size_t n;
	char *s = buf_detach(&b, &n);
	assert_int_equal(strlen(s), n);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.s, "");
	free(s);
	buf_release(&b);
}

static void escapers_escape_for_their_context(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	const char *x = "<script>alert('x')</script>&\"`";
	buf_html(&b, x, strlen(x));
	assert_string_equal(b.s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;&#96;");
	buf_reset(&b);
	buf_adds(&b, "前");
	buf_html(&b, "中文&", 7);
	buf_html(&b, "", 0);
	buf_html(&b, "分区表", 6); /* a part of a text: up to n, not its end */
	assert_string_equal(b.s, "前中文&amp;分区");
	buf_reset(&b);
	buf_url_arg(&b, "a b&c=邮储");
	assert_string_equal(b.s, "a%20b%26c%3D%E9%82%AE%E5%82%A8");
	buf_reset(&b);
	buf_csv(&b, "=HYPERLINK(\"x\")");
	assert_string_equal(b.s, "\"'=HYPERLINK(\"\"x\"\")\"");
	buf_reset(&b);
	buf_csv(&b, "华为");
	assert_string_equal(b.s, "华为");
	buf_release(&b);
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(utf8_valid("邮储银行 PostgreSQL", strlen("邮储银行 PostgreSQL")));
	assert_true(utf8_valid("😀", 4));
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xc0\xaf", 2));          /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
	assert_false(utf8_valid("\xe9\x82", 2));          /* truncated */
	assert_false(utf8_valid("a\0b", 3));              /* NUL */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));  /* > U+10FFFF */
	assert_int_equal(utf8_len("邮储ab", strlen("邮储ab")), 4);
}

static void time_and_number_parsing(void **state)
{
	(void)state;
	int64_t t;
	char iso[32];
	assert_int_equal(parse_time("2018-12-22", &t), 0);
	time_iso(t, iso);
	assert_string_equal(iso, "2018-12-22T00:00:00Z");
	assert_int_equal(parse_time("2026-12-19T01:00:00Z", &t), 0);
	assert_int_equal(t, 1797642000);
	assert_int_equal(parse_time("2024-02-29", &t), 0);
	assert_int_equal(parse_time("2023-02-29", &t), -1); /* no such day */
	assert_int_equal(parse_time("2018-13-01", &t), -1);
	assert_int_equal(parse_time("2018-12-22x", &t), -1);
	assert_int_equal(parse_time("", &t), -1);
	size_t sz;
	assert_int_equal(parse_size("10M", &sz), 0);
	assert_int_equal(sz, 10u << 20);
	assert_int_equal(parse_size("-1", &sz), -1);
	assert_int_equal(parse_size("5Q", &sz), -1);
	int64_t v;
	assert_int_equal(parse_i64("42", 0, 100, &v), 0);
	assert_int_equal(parse_i64("420", 0, 100, &v), -1);
	assert_int_equal(parse_i64("4x", 0, 100, &v), -1);
}

static void config_precedence_file_env_flag(void **state)
{
	(void)state;
	char path[] = "/tmp/pgherd-test-conf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "# test\nlisten = 127.0.0.1:7000\nthreads = 3\nmax_body = 2M\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	setenv("PGHERD_THREADS", "5", 1);
	unsetenv("PGHERD_LISTEN");
	char *argv[] = { "--config", path, "--listen=127.0.0.1:9000", "positional", NULL };
	config c;
	char **rest;
	err e = ERR_INIT;
	assert_int_equal(config_load(&c, 4, argv, NULL, &rest, &e), 0);
	assert_string_equal(c.val[CFG_LISTEN], "127.0.0.1:9000"); /* flag beats file */
	assert_string_equal(c.src[CFG_LISTEN], "flag --listen");
	assert_int_equal(c.threads, 5);                            /* env beats file */
	assert_int_equal(c.max_body, 2u << 20);                     /* file beats default */
	assert_non_null(strstr(c.src[CFG_MAX_BODY], "file"));
	assert_string_equal(rest[0], "positional");
	assert_null(rest[1]);
	free(rest);
	config_release(&c);

	char *bad[] = { "--config", path, "--threads", "many", NULL };
	assert_int_not_equal(config_load(&c, 4, bad, NULL, NULL, &e), 0);
	assert_non_null(strstr(e.msg, "threads"));
	config_release(&c);
	char *unknown[] = { "--config", path, "--colour=red", NULL };
	assert_int_not_equal(config_load(&c, 3, unknown, NULL, NULL, &e), 0);
	assert_non_null(strstr(e.msg, "unknown option '--colour'"));
	config_release(&c);
	unsetenv("PGHERD_THREADS");
	unlink(path);

	/* The default: a thread per core on SQLite, four per core on PostgreSQL. */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	char *lite[] = { "--database=sqlite:/tmp/x.db", NULL };
	assert_int_equal(config_load(&c, 1, lite, NULL, NULL, &e), 0);
	assert_int_equal(c.threads, cores);
	config_release(&c);
	char *pg[] = { "--database=postgres://pgherd@127.0.0.1/x", NULL };
	assert_int_equal(config_load(&c, 1, pg, NULL, NULL, &e), 0);
	assert_int_equal(c.threads, 4 * cores);
	config_release(&c);
}

static void config_masks_passwords(void **state)
{
	(void)state;
	char *m = config_mask_url("postgres://alice:s3cret@db:5432/pgherd");
	assert_string_equal(m, "postgres://alice:****@db:5432/pgherd");
	free(m);
	m = config_mask_url("postgres://db/pgherd?user=a&password=s3cret&sslmode=require");
	assert_null(strstr(m, "s3cret"));
	free(m);
	m = config_mask_url("sqlite:./data/pgherd.db");
	assert_string_equal(m, "sqlite:./data/pgherd.db");
	free(m);
}

static void display_width_counts_wide_characters(void **state)
{
	(void)state;
	assert_int_equal(text_width("PostgreSQL"), 10);
	assert_int_equal(text_width("邮储银行"), 8);
	assert_int_equal(text_width("PG 中文社区"), 11);
	assert_int_equal(text_width("ｐｇ"), 4);  /* full-width letters */
	assert_int_equal(text_width("e\xcc\x81"), 1); /* e and a combining acute */
	assert_int_equal(text_width(""), 0);
	char out[64] = "";
	FILE *f = fmemopen(out, sizeof(out), "w");
	fput_column(f, "主席", 6);
	fput_column(f, "ab", 3);
	fclose(f);
	assert_string_equal(out, "主席   ab  ");
}

/* 1 when the space-separated list has the token. */
static int has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	for (const char *p = list; (p = strstr(p, tok)); p++)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

static void search_tokens_are_characters_pairs_and_words(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	grams_of("分区表的索引 BRIN Index，分区", &b, 4096);
	const char *want[] = { "分", "区", "分区", "区表", "表的", "的索", "索引", "brin", "index", NULL };
	for (int i = 0; want[i]; i++)
		assert_true(has_token(b.s, want[i]));
	assert_false(has_token(b.s, "分区表"));     /* no triples */
	assert_false(has_token(b.s, "引b"));        /* a pair never spans scripts */
	assert_false(has_token(b.s, "BRIN"));       /* Latin lower-cased */
	assert_int_equal((int)(strstr(strstr(b.s, "分区") + 1, " 分区 ") == NULL), 1); /* each once */
	buf_release(&b);
	buf_init(&b, 0);
	grams_of_doc("逻辑复制", "延迟", &b, 4096);
	assert_true(has_token(b.s, GRAMS_TITLE "复制"));
	assert_true(has_token(b.s, "复制"));
	assert_true(has_token(b.s, "延迟"));
	assert_false(has_token(b.s, GRAMS_TITLE "延迟")); /* the body's are not the title's */
	buf_release(&b);

	arena a;
	arena_init(&a);
	const char *t[GRAMS_QUERY_MAX];
	int prefix[GRAMS_QUERY_MAX];
	assert_int_equal(grams_query(&a, "索", t, prefix, GRAMS_QUERY_MAX), 1);
	assert_string_equal(t[0], "索");
	assert_int_equal(grams_query(&a, "索引", t, prefix, GRAMS_QUERY_MAX), 1); /* the pair alone */
	assert_string_equal(t[0], "索引");
	assert_int_equal(grams_query(&a, "索引优化", t, prefix, GRAMS_QUERY_MAX), 3);
	assert_string_equal(t[0], "索引");
	assert_string_equal(t[2], "优化");
	assert_int_equal(grams_query(&a, "Replic 分区", t, prefix, GRAMS_QUERY_MAX), 2);
	assert_string_equal(t[0], "replic");
	assert_true(prefix[0]);
	assert_false(prefix[1]);
	assert_int_equal(grams_query(&a, "！？ ...", t, prefix, GRAMS_QUERY_MAX), 0);
	arena_release(&a);
}

static void tags_and_cut_text(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	const char *tags[4];
	assert_int_equal(tags_split(&a, "索引、分区, PG16 索引", tags, 3, 30), 3);
	assert_string_equal(tags[0], "索引");
	assert_string_equal(tags[2], "pg16");
	assert_null(tags[3]);
	assert_int_equal(tags_split(&a, "a b c d", tags, 3, 30), -1); /* too many */
	assert_int_equal(tags_split(&a, "<script>", tags, 3, 30), -1);
	assert_string_equal(text_cut(&a, "  一二三\n\n四五  ", 4), "一二三四…"); /* no space spent at the limit */
	assert_string_equal(text_cut(&a, "一二\n三四五", 10), "一二 三四五");
	assert_string_equal(text_cut(&a, "一二", 4), "一二");
	/* The same white space, written escaped into a page, nothing cut. */
	buf h = BUF_INIT;
	text_html_collapsed(&h, "  a<b\n\n\tc&d  ", strlen("  a<b\n\n\tc&d  "));
	assert_string_equal(h.s, "a&lt;b c&amp;d");
	buf_reset(&h);
	text_html_collapsed(&h, " \n ", 3);
	assert_int_equal(h.len, 0);
	buf_release(&h);
	assert_string_equal(text_find_ci("VACUUM and Vacuum", "vacuum"), "VACUUM and Vacuum");
	assert_string_equal(text_find_ci("先检查 AutoVacuum", "autovac"), "AutoVacuum");
	assert_string_equal(text_find_ci("分区表与索引", "索引"), "索引");
	assert_null(text_find_ci("vacuu", "vacuum"));
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_allocates_and_aligns),
		cmocka_unit_test(buf_grows_and_detaches),
		cmocka_unit_test(escapers_escape_for_their_context),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(display_width_counts_wide_characters),
		cmocka_unit_test(time_and_number_parsing),
		cmocka_unit_test(config_precedence_file_env_flag),
		cmocka_unit_test(config_masks_passwords),
		cmocka_unit_test(search_tokens_are_characters_pairs_and_words),
		cmocka_unit_test(tags_and_cut_text),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}

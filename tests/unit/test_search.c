/* test_search.c: the search's index in memory (search/memory.c) against
 * the rows it is built from: a kind small enough for 16-bit lists and one
 * too big for them, asked for one term, two terms together, a word's
 * beginning, pages, a change read from search_changes, and a piece shown
 * only from later. Each answer is checked against what SQL says the
 * rows hold. */
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
#include "base/util.h"
#include "db/db.h"
#include "search/memory.h"

static const char *const kinds[] = { "article", "kb", NULL };
enum { SMALL = 1000, BIG = 70000 }; /* BIG: more pieces than 16 bits count */

static db *d;

/* The ids, newest first, whose tokens hold every one of `tokens`
 * (space-separated in the row, each a whole token unless it ends in
 * '*'), as SQL finds them. */
static int expected(const char *kind, const char *const *tokens, int n, int limit, int offset, int64_t *out)
{
	arena a = ARENA_INIT;
	char sql[1024];
	int len = snprintf(sql, sizeof(sql), "SELECT id FROM search_docs WHERE kind = '%s' AND (shown_from IS NULL OR "
					     "shown_from <= %lld)", kind, (long long)unix_now());
	for (int i = 0; i < n; i++) {
		size_t l = strlen(tokens[i]);
		int prefix = tokens[i][l - 1] == '*';
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, " AND instr(' ' || grams || ' ', ' %.*s%s') > 0",
				(int)(prefix ? l - 1 : l), tokens[i], prefix ? "" : " ");
	}
	snprintf(sql + len, sizeof(sql) - (size_t)len, " ORDER BY id DESC LIMIT %d OFFSET %d", limit, offset);
	db_res r;
	err e = ERR_INIT;
	assert_int_equal(db_query(d, &a, sql, NULL, 0, &r, &e), 0);
	for (int i = 0; i < r.nrows; i++)
		out[i] = db_get_int(&r, i, 0);
	arena_release(&a);
	return r.nrows;
}

static void same_as_sql(int kind, const char *const *tokens, int n, int limit, int offset)
{
	char words[8][32];
	const char *terms[8];
	int prefix[8];
	for (int i = 0; i < n; i++) {
		size_t l = strlen(tokens[i]);
		prefix[i] = tokens[i][l - 1] == '*';
		snprintf(words[i], sizeof(words[i]), "%.*s", (int)(prefix[i] ? l - 1 : l), tokens[i]);
		terms[i] = words[i];
	}
	struct mem_query q = { terms, prefix, n, 0, NULL, unix_now() };
	struct mem_hit hits[64];
	int64_t want[64];
	int got = 0;
	arena a = ARENA_INIT;
	err e = ERR_INIT;
	assert_int_equal(mem_find(d, &a, &q, kind, limit, offset, hits, &got, &e), 0);
	int nwant = expected(kinds[kind], tokens, n, limit, offset, want);
	if (got != nwant)
		fprintf(stderr, "%s %s x%d limit %d from %d: %d, SQL %d\n", kinds[kind], tokens[0], n, limit, offset, got, nwant);
	assert_int_equal(got, nwant);
	for (int i = 0; i < got; i++) {
		assert_int_equal(hits[i].id, want[i]);
		assert_int_equal(hits[i].kind, kind);
	}
	arena_release(&a);
}

static void exec(const char *sql)
{
	err e = ERR_INIT;
	if (db_exec_script(d, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

static void answers_match_the_rows(void **state)
{
	(void)state;
	for (int kind = 0; kind < 2; kind++) {
		const char *one[] = { "w3" }, *two[] = { "w3", "v2" }, *begins[] = { "n12*" }, *all[] = { "common" },
			   *none[] = { "absent" }, *mixed[] = { "common", "n7*" };
		same_as_sql(kind, one, 1, 10, 0);
		same_as_sql(kind, one, 1, 10, 30);
		same_as_sql(kind, two, 2, 20, 0);
		same_as_sql(kind, two, 2, 5, 40);
		same_as_sql(kind, begins, 1, 21, 0);
		same_as_sql(kind, all, 1, 6, 0);
		same_as_sql(kind, all, 1, 6, kind ? BIG - 3 : SMALL - 3); /* the oldest, from the lists' far end */
		same_as_sql(kind, none, 1, 6, 0);
		same_as_sql(kind, mixed, 2, 21, 0);
	}
}

static void changes_are_read_in(void **state)
{
	(void)state;
	err e = ERR_INIT;
	/* One piece loses a token, one is new, one is shown only tomorrow. */
	exec("UPDATE search_docs SET grams = 'common w0 v0 n0' WHERE id = (SELECT max(id) FROM search_docs WHERE kind = 'kb')");
	exec("INSERT INTO search_docs (kind, ref_id, title_zh, title_en, body, at, grams) "
	     "VALUES ('article', 999999, 't', 't', 'b', 1, 'common w3 v2 n123456 fresh')");
	exec("UPDATE search_docs SET shown_from = strftime('%s', 'now') + 86400 WHERE id = "
	     "(SELECT max(id) FROM search_docs WHERE kind = 'article' AND id < (SELECT max(id) FROM search_docs))");
	assert_int_equal(mem_catch_up(d, &e), 0);
	for (int kind = 0; kind < 2; kind++) {
		const char *one[] = { "w3" }, *two[] = { "w3", "v2" }, *fresh[] = { "fresh" }, *all[] = { "common" };
		same_as_sql(kind, one, 1, 10, 0);
		same_as_sql(kind, two, 2, 20, 0);
		same_as_sql(kind, fresh, 1, 5, 0);
		same_as_sql(kind, all, 1, 6, 0);
	}
}

int main(void)
{
	char dir[] = "/tmp/pgherd-test-search-XXXXXX", url[300];
	if (!mkdtemp(dir))
		return 1;
	snprintf(url, sizeof(url), "sqlite:%s/test.db", dir);
	err e = ERR_INIT;
	int applied = 0;
	if (db_open(url, &d, &e) || db_migrate(d, &applied, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	/* Tokens: every piece "common", w(i % 7), v(i % 5), n(i). */
	char seed[1024];
	snprintf(seed, sizeof(seed),
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
		 "INSERT INTO search_docs (kind, ref_id, title_zh, title_en, body, at, grams) "
		 "SELECT CASE WHEN i <= %d THEN 'article' ELSE 'kb' END, i, 't', 't', 'b', i, "
		 "'common w' || (i %% 7) || ' v' || (i %% 5) || ' n' || i FROM n",
		 SMALL + BIG, SMALL);
	exec(seed);
	mem_setup(kinds, 64 << 20);
	int rc = mem_catch_up(d, &e);
	if (rc || !mem_ready()) {
		fprintf(stderr, "the index was not built: %d %s\n", rc, e.msg);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_match_the_rows),
		cmocka_unit_test(changes_are_read_in),
	};
	int failed = cmocka_run_group_tests_name("search index in memory", tests, NULL, NULL);
	mem_release();
	db_close(d);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)!system(cmd);
	return failed;
}

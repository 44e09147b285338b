/* test_wishes.c: the wish wall's counting: the segments a vote counts in
 * and the one a filter names, and trending's heat, added and taken away
 * by the SQL each engine runs (a vote taken back leaves the heat as it
 * was; newer weighs more, halved each week of age). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "db/db.h"
#include "wishes/internal.h"

static void a_vote_counts_in_each_known_set(void **state)
{
	(void)state;
	arena a = ARENA_INIT;
	const char *keys[SEGMENT_KEYS];
	struct person_segment all = { "dba", "user", "bank" };
	assert_int_equal(wish_segment_keys(&a, &all, keys), 7);
	const char *want[] = { "r=dba", "c=user", "r=dba&c=user", "i=bank", "r=dba&i=bank", "c=user&i=bank",
			       "r=dba&c=user&i=bank" };
	for (int i = 0; i < 7; i++)
		assert_string_equal(keys[i], want[i]);
	/* No organization: the role alone. */
	struct person_segment role_only = { "student", "", "" };
	assert_int_equal(wish_segment_keys(&a, &role_only, keys), 1);
	assert_string_equal(keys[0], "r=student");
	struct person_segment none = { "", "", "" };
	assert_int_equal(wish_segment_keys(&a, &none, keys), 0);
	/* A filter names the set of all it chose, in the same order. */
	assert_string_equal(wish_filter_segment(&a, "dba", NULL, "bank"), "r=dba&i=bank");
	assert_string_equal(wish_filter_segment(&a, NULL, "cloud", NULL), "c=cloud");
	assert_null(wish_filter_segment(&a, NULL, NULL, NULL));
	assert_null(wish_filter_segment(&a, "", "", ""));
	arena_release(&a);
}

static void weeks_count_from_the_epoch(void **state)
{
	(void)state;
	assert_true(fabs(wish_week(WISH_HEAT_EPOCH)) < 1e-12);
	assert_true(fabs(wish_week(WISH_HEAT_EPOCH + 604800) - 1.0) < 1e-12);
	assert_true(fabs(wish_week(WISH_HEAT_EPOCH - 302400) + 0.5) < 1e-12);
}

static double heat_of(db *d, err *e)
{
	db_res x;
	arena a = ARENA_INIT;
	assert_int_equal(db_query(d, &a, "SELECT heat FROM t_heat WHERE id = 1", DB_NOARGS, &x, e), 0);
	double h = strtod(db_get(&x, 0, 0), NULL);
	arena_release(&a);
	return h;
}

static void change(db *d, int sign, double week)
{
	err e = ERR_INIT;
	char sql[512];
	snprintf(sql, sizeof(sql), "UPDATE t_heat SET heat = %s WHERE id = 1", wish_heat_sql(d, sign));
	assert_int_equal(db_exec(d, sql, DB_ARGS(DB_REAL(week)), NULL, &e), 0);
}

static void heat_adds_and_takes_back(const char *url)
{
	err e = ERR_INIT;
	db *d;
	assert_int_equal(db_open(url, &d, &e), 0);
	int applied;
	/* PostgreSQL's heat is the migration's function. */
	assert_int_equal(db_migrate(d, &applied, &e), 0);
	db_exec_script(d, "DROP TABLE IF EXISTS t_heat", &e);
	assert_int_equal(db_exec_script(d, "CREATE TABLE t_heat (id integer PRIMARY KEY, heat double precision NOT NULL)", &e), 0);
	/* Posted in week 40: heat 40 (2^40, one unit). */
	assert_int_equal(db_exec(d, "INSERT INTO t_heat (id, heat) VALUES (1, 40)", DB_NOARGS, NULL, &e), 0);
	change(d, 1, 40); /* a vote the same week: two units */
	assert_true(fabs(heat_of(d, &e) - 41) < 1e-9);
	change(d, 1, 42); /* one two weeks later: four more */
	assert_true(fabs(heat_of(d, &e) - log2(6) - 40) < 1e-9);
	change(d, -1, 42); /* taken back: as before */
	assert_true(fabs(heat_of(d, &e) - 41) < 1e-9);
	/* A vote a year older than the rest weighs next to nothing, and no
	 * power overflows or underflows (PostgreSQL refuses either). */
	change(d, 1, -12);
	assert_true(fabs(heat_of(d, &e) - 41) < 1e-9);
	change(d, 1, 1041);
	assert_true(fabs(heat_of(d, &e) - 1041) < 1e-9);
	db_exec_script(d, "DROP TABLE t_heat", &e);
	db_close(d);
}

static void heat_on_sqlite(void **state)
{
	heat_adds_and_takes_back(*state);
}

static void heat_on_postgres(void **state)
{
	const char *pg = getenv("PGHERD_TEST_PG_URL");
	if (!pg || !*pg) {
		if (getenv("PGHERD_REQUIRE_PG"))
			fail_msg("PGHERD_REQUIRE_PG is set but PGHERD_TEST_PG_URL is not");
		skip();
	}
	(void)state;
	heat_adds_and_takes_back(pg);
}

int main(void)
{
	char dir[] = "/tmp/pgherd-test-wishes-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char url[300];
	snprintf(url, sizeof(url), "sqlite:%s/test.db", dir);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_vote_counts_in_each_known_set),
		cmocka_unit_test(weeks_count_from_the_epoch),
		cmocka_unit_test_prestate(heat_on_sqlite, url),
		cmocka_unit_test(heat_on_postgres),
	};
	int failed = cmocka_run_group_tests_name("wishes", tests, NULL, NULL);
	char cmd[340];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		failed++;
	return failed;
}

/* sums.c: the SQL that sums the numbers by day, written once: the writer
 * stores its answers for each finished day (view_days, interaction_days)
 * and, every few seconds, for the day going on (view_days_live); the
 * dashboard counts today's members and interactions with counted_sql. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers/internal.h"
#include "base/buf.h"
#include "base/banned.h"

/* A visitor's views all count for the channel that brought them that
 * day: the first view that did not come from the site itself. */
#define CHANNEL_SQL \
	"WITH v AS (SELECT day, visitor, views, at, source, channel_id FROM page_views " \
	"WHERE day BETWEEN ? AND ? AND device <> 'bot'), " \
	"e AS (SELECT day, visitor, ck FROM (SELECT day, visitor, " CHANNEL_KEY_SQL " AS ck, " \
	"row_number() OVER (PARTITION BY day, visitor ORDER BY at, source) AS n " \
	"FROM v WHERE source <> 'self') x WHERE n = 1) " \
	"SELECT v.day AS day, coalesce(e.ck, 'direct') AS key, sum(v.views) AS views, " \
	"count(DISTINCT v.visitor) AS visitors FROM v LEFT JOIN e ON e.day = v.day AND e.visitor = v.visitor " \
	"GROUP BY v.day, coalesce(e.ck, 'direct')"

#define SUM_SQL(key, where, group) \
	"SELECT day, " key " AS key, sum(views) AS views, count(DISTINCT visitor) AS visitors FROM page_views " \
	"WHERE day BETWEEN ? AND ? AND " where " GROUP BY day" group
#define BY(key) SUM_SQL(key, "device <> 'bot'", ", " key)

const struct view_dim view_dims[] = {
	{ "all", SUM_SQL("''", "device <> 'bot'", "") },
	{ "device", BY("device") },
	{ "media", BY("media") },
	{ "path", BY("path") },
	{ "source", SUM_SQL("source", "device <> 'bot' AND source NOT IN ('', 'self')", ", source") },
	{ "bot", SUM_SQL("''", "device = 'bot'", "") },
	{ "channel", CHANNEL_SQL },
	{ NULL, NULL },
};

const struct counted counted[] = {
	{ "members", "users", "created_at", 0 },
	{ "registrations", "registrations", "created_at", 1 },
	{ "checkins", "registrations", "checked_in_at", 1 },
	{ "comments", "comments", "created_at", 1 },
	{ "votes", "wish_votes", "created_at", 1 },
	{ "wishes", "wishes", "created_at", 1 },
	{ "questions", "questions", "created_at", 1 },
	{ "answers", "answers", "created_at", 1 },
	{ NULL, NULL, NULL, 0 },
};

/* The community's day of a time column (Asia/Shanghai has kept UTC+8 all
 * year since 1991), on each engine. */
static void day_expr(int pg, const char *col, char *out, size_t n)
{
	if (pg)
		snprintf(out, n, "CAST(floor((extract(epoch FROM %s) + 28800) / 86400) AS integer)", col);
	else
		snprintf(out, n, "CAST((%s + 28800) / 86400 AS INTEGER)", col);
}

static pthread_mutex_t counted_mu = PTHREAD_MUTEX_INITIALIZER;

/* counted_sql, with counted_mu held. */
static const char *counted_sql_locked(int pg, int i)
{
	static char *made[2][16];
	if (!made[pg][i]) {
		const struct counted *k = &counted[i];
		char day[160], sql[600];
		day_expr(pg, k->column, day, sizeof(day));
		/* Names from the table above, never from a request. */
		snprintf(sql, sizeof(sql), "SELECT %s AS day, count(*) AS n FROM %s WHERE %s >= ? AND %s < ? GROUP BY 1",
			 day, k->table, k->column, k->column);
		made[pg][i] = strdup(sql);
	}
	return made[pg][i];
}

const char *counted_sql(int pg, int i)
{
	pthread_mutex_lock(&counted_mu);
	const char *sql = counted_sql_locked(pg, i);
	pthread_mutex_unlock(&counted_mu);
	return sql;
}

static char case_made[512];

static void make_case(void)
{
	size_t at = 0;
	for (int i = 0; counted[i].kind && at < sizeof(case_made); i++)
		at += (size_t)snprintf(case_made + at, sizeof(case_made) - at, "WHEN %d THEN '%s' ", i, counted[i].kind);
}

const char *counted_case(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_case);
	return case_made;
}

const char *counted_all_sql(int pg)
{
	static char *made[2];
	pthread_mutex_lock(&counted_mu);
	if (!made[pg]) {
		buf b = BUF_INIT;
		for (int i = 0; counted[i].kind; i++)
			buf_addf(&b, "%sSELECT %d AS k, day, n FROM (%s) s%d", i ? " UNION ALL " : "", i, counted_sql_locked(pg, i), i);
		made[pg] = buf_detach(&b, NULL);
	}
	pthread_mutex_unlock(&counted_mu);
	return made[pg];
}

/* sums.c: the SQL that sums the numbers by day, written once: the writer
 * stores its answers for each finished day (view_days, interaction_days)
 * and the dashboard asks the same of the days not summed yet (today). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers/internal.h"
#include "base/banned.h"

/* A visitor's views all count for the channel that brought them that
 * day: the first view that did not come from the site itself. */
#define CHANNEL_SQL \
	"WITH v AS (SELECT day, visitor, views, at, source, channel_id FROM page_views " \
	"WHERE day BETWEEN ? AND ? AND device <> 'bot'), " \
	"e AS (SELECT day, visitor, ck FROM (SELECT day, visitor, CASE WHEN channel_id IS NOT NULL " \
	"THEN CAST(channel_id AS TEXT) WHEN source = '' THEN 'direct' WHEN source LIKE 'search:%' THEN 'search' " \
	"ELSE 'other' END AS ck, row_number() OVER (PARTITION BY day, visitor ORDER BY at, source) AS n " \
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

const struct view_dim *view_dim(const char *name)
{
	for (const struct view_dim *d = view_dims; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

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

const char *counted_sql(int pg, int i)
{
	static char *made[2][16];
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&mu);
	if (!made[pg][i]) {
		const struct counted *k = &counted[i];
		char day[160], sql[600];
		day_expr(pg, k->column, day, sizeof(day));
		/* Names from the table above, never from a request. */
		snprintf(sql, sizeof(sql), "SELECT %s AS day, count(*) AS n FROM %s WHERE %s >= ? AND %s < ? GROUP BY 1",
			 day, k->table, k->column, k->column);
		made[pg][i] = strdup(sql);
	}
	pthread_mutex_unlock(&mu);
	return made[pg][i];
}

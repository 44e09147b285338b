/* dashboard.c: the organizers' numbers (/numbers): traffic, devices,
 * media and channels; members, their activity and the cohorts' retention;
 * interactions and the demands collected, over 7, 30, 90 or 365 days or
 * dates of one's own, against the period before; each chart's numbers as a
 * table and as CSV (/numbers/export.csv?chart=...).
 *
 * Finished days are read from their sums (view_days, interaction_days,
 * activity_days, cohort_months: a row a day); the page views of the days
 * not finished (today) from the sums so far the writer keeps
 * (view_days_live), and their members and interactions from the rows,
 * which an index finds by the day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers/internal.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "view/chart.h"
#include "view/i18n.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { RANGE_MAX_DAYS = 3660, COHORTS = 12, TOP = 20 /* pages and sources listed */ };

struct range {
	int32_t from, to; /* days, both included */
	int n;
	/* A chart's point is a day, or a week or four over a long range (the
	 * points a phone's width can show): step days each, points of them. */
	int step, points;
	const char *choice;
	int32_t today, done; /* the last day summed; days after it are read live */
	const char *stamp;   /* which days are summed, and when the last was */
};

static const char *day_text(arena *a, int32_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	return arena_printf(a, "%04d-%02d-%02d", y, m, d);
}

int32_t numbers_day_of_text(const char *s)
{
	int64_t t = clock_parse(CLOCK_COMMUNITY_TZ, s, "12:00");
	return t < 0 ? -1 : numbers_day_of(t);
}

const char *numbers_day_text(arena *a, int32_t day)
{
	return day_text(a, day);
}

int numbers_chart_step(int days)
{
	return days <= 92 ? 1 : days <= 731 ? 7 : 28;
}

/* ---- reading the sums ---- */

/* The finished days' sums are never changed once written: their reads
 * are kept (db_query_settled) for as long as no day has been summed since
 * (g->stamp), and only the days after are read on each request. */
static int sums(req *r, const struct range *g, int settled, const char *sql, const db_param *p, int n, db_res *x,
		err *e)
{
	return settled ? db_query_settled(r->db, &r->a, g->stamp, sql, p, n, x, e) : db_query(r->db, &r->a, sql, p, n, x, e);
}

/* Each (point, key) of a dimension over from..to: the sums of finished
 * days and the sums so far of the rest (the writer makes them every few
 * seconds), added up by point (g->step days); fn gets the point's index. */
static int each_view(req *r, const struct range *g, int32_t from, int32_t to, const char *dim,
		     void (*fn)(void *ctx, int i, const char *key, double views, double visitors), void *ctx, err *e)
{
	static const char *const sql[] = {
		"SELECT (day - ?) / ? AS i, key, sum(views) AS views, sum(visitors) AS visitors FROM view_days_live "
		"WHERE dim = ? AND day BETWEEN ? AND ? GROUP BY 1, 2",
		"SELECT (day - ?) / ? AS i, key, sum(views) AS views, sum(visitors) AS visitors FROM view_days "
		"WHERE dim = ? AND day BETWEEN ? AND ? GROUP BY 1, 2",
	};
	int32_t summed_to = to < g->done ? to : g->done;
	int32_t live_from = from > g->done ? from : g->done + 1;
	int rc = 0;
	for (int settled = 1; settled >= 0 && !rc; settled--) {
		int32_t a = settled ? from : live_from, b = settled ? summed_to : to;
		if (a > b)
			continue;
		db_res x;
		rc = sums(r, g, settled, sql[settled], DB_ARGS(DB_INT(from), DB_INT(g->step), DB_TEXT(dim), DB_INT(a), DB_INT(b)),
			  &x, e);
		for (int i = 0; !rc && i < x.nrows; i++)
			fn(ctx, (int)db_int(&x, i, "i"), db_str(&x, i, "key"), (double)db_int(&x, i, "views"),
			   (double)db_int(&x, i, "visitors"));
	}
	return rc;
}

struct keyed {
	int n, nkeys;
	const char *keys[64];
	double *views[64], *visitors[64];
	double total[64], total_visitors[64];
	arena *a;
};

static int key_index(struct keyed *k, const char *key)
{
	for (int i = 0; i < k->nkeys; i++)
		if (!strcmp(k->keys[i], key))
			return i;
	if (k->nkeys == (int)COUNT(k->keys))
		return -1;
	int i = k->nkeys++;
	k->keys[i] = arena_strdup(k->a, key);
	k->views[i] = arena_alloc(k->a, (size_t)k->n * sizeof(double) + 1);
	k->visitors[i] = arena_alloc(k->a, (size_t)k->n * sizeof(double) + 1);
	return i;
}

static void add_keyed(void *ctx, int day, const char *key, double views, double visitors)
{
	struct keyed *k = ctx;
	int i = key_index(k, key);
	if (i < 0 || day < 0 || day >= k->n)
		return;
	k->views[i][day] += views;
	k->visitors[i][day] += visitors;
	k->total[i] += views;
	k->total_visitors[i] += visitors;
}

static int keyed(req *r, const struct range *g, int32_t from, int32_t to, const char *dim, struct keyed *k, err *e)
{
	memset(k, 0, sizeof(*k));
	k->n = g->points;
	k->a = &r->a;
	return each_view(r, g, from, to, dim, add_keyed, k, e);
}

/* Top rows of a dimension over the range (paths, sources): a few
 * thousand keys at most, summed here. */
struct top_row {
	const char *key;
	double views, visitors;
};
struct top {
	int n;
	struct top_row *v;
};

static int by_key(const void *x, const void *y)
{
	return strcmp(((const struct top_row *)x)->key, ((const struct top_row *)y)->key);
}

static int by_views(const void *x, const void *y)
{
	const struct top_row *p = x, *q = y;
	return p->views != q->views ? (p->views < q->views ? 1 : -1) : strcmp(p->key, q->key);
}

/* The dimension's keys with the most views over the range: every key's
 * sum over the finished days (kept; a year of a busy site's pages is many
 * thousand rows, summed by the database) and over the days after, added
 * up here. */
static int top_views(req *r, const struct range *g, const char *dim, int limit, struct top *t, err *e)
{
	static const char *const sql[] = {
		"SELECT key, sum(views) AS views, sum(visitors) AS visitors FROM view_days_live "
		"WHERE dim = ? AND day BETWEEN ? AND ? GROUP BY key",
		"SELECT key, sum(views) AS views, sum(visitors) AS visitors FROM view_days "
		"WHERE dim = ? AND day BETWEEN ? AND ? GROUP BY key",
	};
	int32_t summed_to = g->to < g->done ? g->to : g->done;
	int32_t live_from = g->from > g->done ? g->from : g->done + 1;
	db_res x[2] = { { 0 } };
	for (int settled = 0; settled < 2; settled++) {
		int32_t a = settled ? g->from : live_from, b = settled ? summed_to : g->to;
		int rc = a > b ? 0 : sums(r, g, settled, sql[settled], DB_ARGS(DB_TEXT(dim), DB_INT(a), DB_INT(b)), &x[settled], e);
		if (rc)
			return rc;
	}
	int n = x[1].nrows;
	struct top_row *v = arena_alloc(&r->a, sizeof(*v) * (size_t)(x[0].nrows + n + 1));
	for (int i = 0; i < n; i++)
		v[i] = (struct top_row){ db_str(&x[1], i, "key"), (double)db_int(&x[1], i, "views"),
					 (double)db_int(&x[1], i, "visitors") };
	qsort(v, (size_t)n, sizeof(*v), by_key);
	int all = n;
	for (int i = 0; i < x[0].nrows; i++) {
		struct top_row live = { db_str(&x[0], i, "key"), (double)db_int(&x[0], i, "views"),
					(double)db_int(&x[0], i, "visitors") };
		struct top_row *o = bsearch(&live, v, (size_t)n, sizeof(*v), by_key);
		if (o) {
			o->views += live.views;
			o->visitors += live.visitors;
		} else
			v[all++] = live;
	}
	qsort(v, (size_t)all, sizeof(*v), by_views);
	t->n = all < limit ? all : limit;
	t->v = v;
	return 0;
}

static json_t *top_json(req *r, const struct top *t)
{
	json_t *a = json_array();
	for (int i = 0; i < t->n; i++) {
		char v[32], u[32];
		chart_number(t->v[i].views, 0, v, sizeof(v));
		chart_number(t->v[i].visitors, 0, u, sizeof(u));
		const char *key = t->v[i].key;
		json_t *row = json_pack("{s:s,s:s,s:s}", "key", key, "views", v, "visitors", u);
		if (key[0] == '/')
			json_object_set_new(row, "href", json_string(key));
		else if (!strncmp(key, "search:", 7))
			json_object_set_new(row, "label", json_string(arena_printf(&r->a, "%s %s", T("numbers.source.search"), key + 7)));
		else if (!strncmp(key, "app:", 4) && i18n_has(r->lang, arena_printf(&r->a, "numbers.app.%s", key + 4)))
			json_object_set_new(row, "label", json_string(T(arena_printf(&r->a, "numbers.app.%s", key + 4))));
		else if (strchr(key, ':'))
			json_object_set_new(row, "label", json_string(strchr(key, ':') + 1));
		json_array_append_new(a, row);
	}
	return a;
}

/* Counted rows by day (new members, each interaction) over from..to:
 * the sums of finished days, and the tables themselves for the days
 * after, each in one statement for every kind. */
struct counts {
	int32_t from, to;
	double *v[COUNTED_MAX]; /* by kind, a value a day */
};

static int count_days(req *r, const struct range *g, int32_t from, int32_t to, struct counts *c, err *e)
{
	db_res x;
	c->from = from;
	c->to = to;
	int kinds = 0;
	for (; counted[kinds].kind; kinds++)
		c->v[kinds] = arena_alloc(&r->a, sizeof(double) * (size_t)(to - from + 1));
	int rc = 0;
	int32_t summed_to = to < g->done ? to : g->done, live_from = from;
	if (from <= summed_to) {
		rc = sums(r, g, 1, "SELECT day, kind, n FROM interaction_days WHERE day BETWEEN ? AND ?",
			  DB_ARGS(DB_INT(from), DB_INT(summed_to)), &x, e);
		for (int i = 0; !rc && i < x.nrows; i++)
			for (int k = 0; k < kinds; k++)
				if (!strcmp(db_str(&x, i, "kind"), counted[k].kind)) {
					c->v[k][db_int(&x, i, "day") - from] += (double)db_int(&x, i, "n");
					break;
				}
		live_from = summed_to + 1;
	}
	/* The days after: the writer's counts so far (made with the page
	 * views' sums every few seconds, never on a request). */
	if (!rc && live_from <= to) {
		rc = db_query(r->db, &r->a, "SELECT day, key, views AS n FROM view_days_live WHERE dim = 'counted' "
					    "AND day BETWEEN ? AND ?",
			      DB_ARGS(DB_INT(live_from), DB_INT(to)), &x, e);
		for (int i = 0; !rc && i < x.nrows; i++) {
			int64_t d = db_int(&x, i, "day");
			for (int k = 0; k < kinds; k++)
				if (d >= from && d <= to && !strcmp(db_str(&x, i, "key"), counted[k].kind))
					c->v[k][d - from] += (double)db_int(&x, i, "n");
		}
	}
	return rc;
}

/* A kind's days from `from` on (within c). */
static const double *counts_from(const struct counts *c, int kind, int32_t from)
{
	return c->v[kind] + (from - c->from);
}

/* Daily, weekly and monthly active members of each day: summed days from
 * activity_days, the rest from the writer's sums so far. */
static int active_days(req *r, const struct range *g, double *dau, double *wau, double *mau, err *e)
{
	db_res x;
	int32_t summed_to = g->to < g->done ? g->to : g->done;
	int rc = 0;
	if (g->from <= summed_to) {
		rc = sums(r, g, 1, "SELECT day, dau, wau, mau FROM activity_days WHERE day BETWEEN ? AND ?",
			  DB_ARGS(DB_INT(g->from), DB_INT(summed_to)), &x, e);
		for (int i = 0; !rc && i < x.nrows; i++) {
			int k = (int)(db_int(&x, i, "day") - g->from);
			dau[k] = (double)db_int(&x, i, "dau");
			wau[k] = (double)db_int(&x, i, "wau");
			mau[k] = (double)db_int(&x, i, "mau");
		}
	}
	/* The days after: counted by the writer with today's other sums. */
	int32_t live_from = g->from > g->done ? g->from : g->done + 1;
	if (!rc && live_from <= g->to)
		rc = db_query(r->db, &r->a, "SELECT day, key, views FROM view_days_live WHERE dim = 'active' AND day BETWEEN ? AND ?",
			      DB_ARGS(DB_INT(live_from), DB_INT(g->to)), &x, e);
	for (int i = 0; !rc && live_from <= g->to && i < x.nrows; i++) {
		int k = (int)(db_int(&x, i, "day") - g->from);
		const char *key = db_str(&x, i, "key");
		double *v = !strcmp(key, "dau") ? dau : !strcmp(key, "wau") ? wau : !strcmp(key, "mau") ? mau : NULL;
		if (v && k >= 0 && k < g->n)
			v[k] = (double)db_int(&x, i, "views");
	}
	return rc;
}

/* ---- the page ---- */

static double sum_of(const double *v, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

static json_t *figure(req *r, const char *key, double now, double before, int have_before)
{
	char v[32], p[32];
	chart_number(now, 0, v, sizeof(v));
	chart_number(before, 0, p, sizeof(p));
	json_t *f = json_pack("{s:s,s:s,s:s}", "key", key, "label", T(arena_printf(&r->a, "numbers.figure.%s", key)),
			      "value", v);
	if (have_before) {
		json_object_set_new(f, "before", json_string(p));
		if (before > 0) {
			double ch = (now - before) * 100 / before;
			json_object_set_new(f, "change", json_string(arena_printf(&r->a, "%+.0f%%", ch)));
			json_object_set_new(f, ch >= 0 ? "up" : "down", json_true());
		} else if (now > 0) {
			json_object_set_new(f, "change", json_string(T("numbers.new")));
			json_object_set_new(f, "up", json_true());
		}
	}
	return f;
}

/* The points' labels: the first day of each. */
static const char **day_labels(req *r, const struct range *g)
{
	const char **x = arena_alloc(&r->a, sizeof(char *) * (size_t)g->points);
	for (int i = 0; i < g->points; i++)
		x[i] = day_text(&r->a, g->from + i * g->step);
	return x;
}

/* A daily series over the range by point: the sum of each point's days,
 * or their average (for active members). */
static const double *by_point(req *r, const struct range *g, const double *daily, int average)
{
	if (g->step == 1)
		return daily;
	double *v = arena_alloc(&r->a, sizeof(double) * (size_t)g->points);
	for (int i = 0; i < g->points; i++) {
		int first = i * g->step, last = first + g->step > g->n ? g->n : first + g->step;
		for (int d = first; d < last; d++)
			v[i] += daily[d];
		if (average)
			v[i] /= last - first;
	}
	return v;
}

/* A line chart of the range, with the heading of its points' column. */
static json_t *range_lines(req *r, const struct range *g, const struct chart_line *s, int ns)
{
	json_t *c = chart_lines(day_labels(r, g), g->points, s, ns);
	json_object_set_new(c, "x_head", json_string(T(g->step == 1 ? "numbers.day" : g->step == 7 ? "numbers.week"
												: "numbers.weeks4")));
	return c;
}

static int channel_names(req *r, db_res *ch, err *e)
{
	return db_query(r->db, &r->a, "SELECT CAST(id AS TEXT) AS id, " DB_IN_LANG("name_zh", "name_en") " AS name "
				      "FROM channels ORDER BY pos, id", DB_ARGS(DB_TEXT(lang_code(r->lang))), ch, e);
}

/* The channel keys' names: a channel's own in the page's language, or
 * direct, search, other. */
static const char *channel_label(req *r, db_res *ch, const char *key)
{
	for (int i = 0; i < ch->nrows; i++)
		if (!strcmp(db_str(ch, i, "id"), key))
			return db_str(ch, i, "name");
	if (strspn(key, "0123456789") == strlen(key))
		return T("numbers.channel.removed"); /* a channel deleted since */
	return T(arena_printf(&r->a, "numbers.channel.%s", key));
}

/* Bars of channel keys with their counts, the largest first. */
static json_t *channel_bars(req *r, db_res *ch, int n, const char **keys, double *v)
{
	const char *labels[64];
	for (int i = 0; i < n; i++)
		labels[i] = channel_label(r, ch, keys[i]);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j] > v[j - 1]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
			const char *s = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = s;
			s = labels[j];
			labels[j] = labels[j - 1];
			labels[j - 1] = s;
		}
	return chart_bars(keys, labels, v, n);
}

/* The top pages that are an event's or an article's: their titles, so a
 * piece of content is known by its name (one statement for all: TOP ids
 * of each, 0 where there are fewer). */
#define IDS "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
static int page_titles(req *r, json_t *pages, err *e)
{
	_Static_assert(TOP == 20, "IDS holds TOP placeholders");
	db_param p[2 + 2 * TOP];
	int ne = 0, na = 0;
	p[0] = DB_TEXT(lang_code(r->lang));
	for (int k = 0; k < TOP; k++)
		p[1 + k] = p[2 + TOP + k] = DB_INT(0);
	p[1 + TOP] = p[0];
	size_t i;
	json_t *o;
	json_array_foreach(pages, i, o) {
		const char *key = json_string_value(json_object_get(o, "key"));
		int64_t id;
		if (!strncmp(key, "/events/", 8) && !parse_i64(key + 8, 1, INT64_MAX, &id) && ne < TOP)
			p[1 + ne++] = DB_INT(id);
		else if (!strncmp(key, "/articles/", 10) && !parse_i64(key + 10, 1, INT64_MAX, &id) && na < TOP)
			p[2 + TOP + na++] = DB_INT(id);
	}
	if (!ne && !na)
		return 0;
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT '/events/' || CAST(id AS TEXT) AS path, " DB_IN_LANG("title_zh", "title_en")
					" AS title FROM events WHERE id IN (" IDS ") UNION ALL "
					"SELECT '/articles/' || CAST(id AS TEXT), " DB_IN_LANG("title_zh", "title_en")
					" FROM articles WHERE id IN (" IDS ") AND status = 'published'",
			  p, 2 + 2 * TOP, &x, e);
	for (int k = 0; !rc && k < x.nrows; k++)
		json_array_foreach(pages, i, o)
			if (!strcmp(json_string_value(json_object_get(o, "key")), db_str(&x, k, "path")))
				json_object_set_new(o, "title", json_string(db_str(&x, k, "title")));
	return rc;
}

static int traffic(req *r, const struct range *g, json_t *m, err *e)
{
	struct keyed all, prev, dev, med, chan;
	int32_t pfrom = g->from - g->n, pto = g->from - 1;
	int rc = keyed(r, g, g->from, g->to, "all", &all, e);
	if (!rc)
		rc = keyed(r, g, pfrom, pto, "all", &prev, e);
	if (!rc)
		rc = keyed(r, g, g->from, g->to, "device", &dev, e);
	if (!rc)
		rc = keyed(r, g, g->from, g->to, "media", &med, e);
	if (!rc)
		rc = keyed(r, g, g->from, g->to, "channel", &chan, e);
	struct top paths = { 0 }, sources = { 0 }, bots = { 0 };
	if (!rc)
		rc = top_views(r, g, "path", TOP, &paths, e);
	if (!rc)
		rc = top_views(r, g, "source", TOP, &sources, e);
	if (!rc)
		rc = top_views(r, g, "bot", 1, &bots, e);
	db_res ch;
	if (!rc)
		rc = channel_names(r, &ch, e);
	if (rc)
		return rc;
	double *zero = arena_alloc(&r->a, sizeof(double) * (size_t)g->points + 1);
	double *views = all.nkeys ? all.views[0] : zero, *visitors = all.nkeys ? all.visitors[0] : zero;
	double pviews = prev.nkeys ? prev.total[0] : 0, pvisitors = prev.nkeys ? prev.total_visitors[0] : 0;
	struct chart_line tl[] = { { "views", T("numbers.views"), views }, { "visitors", T("numbers.visitors"), visitors } };
	json_object_set_new(m, "traffic", range_lines(r, g, tl, 2));
	json_t *figs = json_object_get(m, "figures");
	json_array_append_new(figs, figure(r, "views", sum_of(views, g->points), pviews, 1));
	json_array_append_new(figs, figure(r, "visitors", sum_of(visitors, g->points), pvisitors, 1));

	/* Devices: a line each, and their shares. */
	static const char *const devs[] = { "phone", "pc", "tablet" };
	struct chart_line dl[3];
	const char *dkeys[3], *dlabels[3];
	double dtot[3];
	for (int i = 0; i < 3; i++) {
		int k = key_index(&dev, devs[i]);
		dl[i] = (struct chart_line){ devs[i], T(arena_printf(&r->a, "numbers.device.%s", devs[i])),
					     k >= 0 ? dev.views[k] : zero };
		dkeys[i] = devs[i];
		dlabels[i] = dl[i].label;
		dtot[i] = k >= 0 ? dev.total[k] : 0;
	}
	json_object_set_new(m, "devices", range_lines(r, g, dl, 3));
	json_object_set_new(m, "device_shares", chart_bars(dkeys, dlabels, dtot, 3));

	static const char *const media[] = { "text", "audio", "video" };
	const char *mlabels[3];
	double mtot[3];
	for (int i = 0; i < 3; i++) {
		int k = key_index(&med, media[i]);
		mlabels[i] = T(arena_printf(&r->a, "numbers.media.%s", media[i]));
		mtot[i] = k >= 0 ? med.total[k] : 0;
	}
	json_object_set_new(m, "media", chart_bars(media, mlabels, mtot, 3));

	const char *ckeys[64];
	double ctot[64];
	for (int i = 0; i < chan.nkeys; i++) {
		ckeys[i] = chan.keys[i];
		ctot[i] = chan.total[i];
	}
	json_object_set_new(m, "channels", channel_bars(r, &ch, chan.nkeys, ckeys, ctot));
	json_t *pages = top_json(r, &paths);
	if ((rc = page_titles(r, pages, e))) {
		json_decref(pages);
		return rc;
	}
	json_object_set_new(m, "pages", pages);
	json_object_set_new(m, "sources", top_json(r, &sources));
	char b[32];
	chart_number(bots.n ? bots.v[0].views : 0, 0, b, sizeof(b));
	json_object_set_new(m, "bots", json_string(b));
	return 0;
}

static int members(req *r, const struct range *g, const struct counts *c, json_t *m, err *e)
{
	const double *joined = counts_from(c, 0, g->from), *pjoined = counts_from(c, 0, g->from - g->n);
	double *dau = arena_alloc(&r->a, sizeof(double) * (size_t)g->n + 1);
	double *wau = arena_alloc(&r->a, sizeof(double) * (size_t)g->n + 1);
	double *mau = arena_alloc(&r->a, sizeof(double) * (size_t)g->n + 1);
	int rc = active_days(r, g, dau, wau, mau, e);
	db_res x, by, ch;
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT count(*) AS n FROM users", DB_NOARGS, &x, e);
	/* New members by the channel they came by (known once their day is
	 * summed). */
	if (!rc)
		rc = sums(r, g, 1, "SELECT key, count(*) AS n FROM member_channels WHERE day BETWEEN ? AND ? "
				   "GROUP BY key ORDER BY 2 DESC, key LIMIT 64",
			  DB_ARGS(DB_INT(g->from), DB_INT(g->to)), &by, e);
	if (!rc)
		rc = channel_names(r, &ch, e);
	if (rc)
		return rc;
	const char *bkeys[64];
	double bn[64];
	for (int i = 0; i < by.nrows; i++) {
		bkeys[i] = db_str(&by, i, "key");
		bn[i] = (double)db_int(&by, i, "n");
	}
	json_object_set_new(m, "joined_channels", channel_bars(r, &ch, by.nrows, bkeys, bn));
	struct chart_line jl[] = { { "joined", T("numbers.joined"), by_point(r, g, joined, 0) } };
	json_object_set_new(m, "joined", range_lines(r, g, jl, 1));
	struct chart_line al[] = { { "dau", T("numbers.dau"), by_point(r, g, dau, 1) },
				   { "wau", T("numbers.wau"), by_point(r, g, wau, 1) },
				   { "mau", T("numbers.mau"), by_point(r, g, mau, 1) } };
	json_object_set_new(m, "active", range_lines(r, g, al, 3));
	json_t *figs = json_object_get(m, "figures");
	json_array_append_new(figs, figure(r, "members", (double)db_int(&x, 0, "n"), 0, 0));
	json_array_append_new(figs, figure(r, "joined", sum_of(joined, g->n), sum_of(pjoined, g->n), 1));
	double last_dau = dau[g->n - 1], last_mau = mau[g->n - 1];
	json_array_append_new(figs, figure(r, "dau", sum_of(dau, g->n) / g->n, 0, 0));
	json_t *ratio = figure(r, "stickiness", 0, 0, 0);
	json_object_set_new(ratio, "value", json_string(last_mau > 0 ? arena_printf(&r->a, "%.0f%%", last_dau * 100 / last_mau)
							      : "–"));
	json_array_append_new(figs, ratio);
	return 0;
}

static int interactions(req *r, const struct range *g, const struct counts *c, json_t *m)
{
	struct chart_line lines[16];
	const char *keys[16], *labels[16];
	double totals[16], all = 0, before = 0;
	int n = 0;
	for (int i = 0; counted[i].kind; i++) {
		if (!counted[i].interaction)
			continue;
		const double *v = counts_from(c, i, g->from), *pv = counts_from(c, i, g->from - g->n);
		keys[n] = counted[i].kind;
		labels[n] = T(arena_printf(&r->a, "numbers.kind.%s", counted[i].kind));
		lines[n] = (struct chart_line){ keys[n], labels[n], by_point(r, g, v, 0) };
		totals[n] = sum_of(v, g->n);
		all += totals[n];
		before += sum_of(pv, g->n);
		n++;
	}
	json_object_set_new(m, "interactions", range_lines(r, g, lines, n));
	json_object_set_new(m, "interaction_shares", chart_bars(keys, labels, totals, n));
	json_array_append_new(json_object_get(m, "figures"), figure(r, "interactions", all, before, 1));
	/* Per day, week and month: the range's average of each. */
	char d[32], w[32], mo[32];
	chart_number(all / g->n, 0, d, sizeof(d));
	chart_number(all * 7 / g->n, 0, w, sizeof(w));
	chart_number(all * 30 / g->n, 0, mo, sizeof(mo));
	json_object_set_new(m, "per", json_pack("{s:s,s:s,s:s}", "day", d, "week", w, "month", mo));
	return 0;
}

/* The first day of the first month the cohorts' table shows. */
static int32_t cohorts_first_day(const struct range *g)
{
	int y, mo, dd;
	civil_from_days(g->today, &y, &mo, &dd);
	int first = y * 12 + mo - 1 - COHORTS + 1;
	return days_from_civil(first / 12, first % 12 + 1, 1);
}

/* The last COHORTS months' cohorts: their size and the share of them
 * active in each month after they joined (0: the month they joined). */
static int cohorts(req *r, const struct range *g, const struct counts *cn, json_t *m, err *e)
{
	int y, mo, dd;
	civil_from_days(g->today, &y, &mo, &dd);
	int now = y * 12 + mo - 1, first = now - COHORTS + 1;
	db_res act, live;
	/* The cohorts' sizes: members joined by the day, added up by month. */
	int32_t first_day = cohorts_first_day(g);
	const double *joined = counts_from(cn, 0, first_day);
	int rc = 0;
	if (!rc)
		rc = sums(r, g, 1, "SELECT cohort, month, members FROM cohort_months WHERE cohort >= ? AND month < ?",
			  DB_ARGS(DB_INT(first), DB_INT(now)), &act, e);
	/* This month, so far. */
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT cohort, count(*) AS members FROM member_months WHERE month = ? AND cohort >= ? "
					    "GROUP BY cohort", DB_ARGS(DB_INT(now), DB_INT(first)), &live, e);
	if (rc)
		return rc;
	double size[COHORTS] = { 0 }, active[COHORTS][COHORTS] = { { 0 } };
	for (int32_t day = first_day; day <= cn->to; day++) {
		int cy, cm, cd;
		civil_from_days(day, &cy, &cm, &cd);
		int c = cy * 12 + cm - 1 - first;
		if (c >= 0 && c < COHORTS)
			size[c] += joined[day - first_day];
	}
	for (int i = 0; i < act.nrows; i++) {
		int c = (int)db_int(&act, i, "cohort") - first, k = (int)db_int(&act, i, "month") - (int)db_int(&act, i, "cohort");
		if (c >= 0 && c < COHORTS && k >= 0 && k < COHORTS)
			active[c][k] = (double)db_int(&act, i, "members");
	}
	for (int i = 0; i < live.nrows; i++) {
		int c = (int)db_int(&live, i, "cohort") - first, k = now - (int)db_int(&live, i, "cohort");
		if (c >= 0 && c < COHORTS && k >= 0 && k < COHORTS)
			active[c][k] = (double)db_int(&live, i, "members");
	}
	json_t *rows = json_array(), *heads = json_array();
	for (int k = 0; k < COHORTS; k++)
		json_array_append_new(heads, json_string(arena_printf(&r->a, "%d", k)));
	for (int c = COHORTS - 1; c >= 0; c--) {
		int month = first + c;
		if (size[c] <= 0)
			continue; /* nobody joined that month: no row to read */
		json_t *cells = json_array();
		for (int k = 0; k <= now - month && k < COHORTS; k++) {
			double share = size[c] > 0 ? active[c][k] * 100 / size[c] : 0;
			int heat = share <= 0 ? 0 : share < 10 ? 1 : share < 25 ? 2 : share < 50 ? 3 : share < 75 ? 4 : 5;
			json_array_append_new(cells, json_pack("{s:s,s:i,s:I}", "share",
							       size[c] > 0 ? arena_printf(&r->a, "%.0f%%", share) : "–", "heat",
							       heat, "members", (json_int_t)active[c][k]));
		}
		json_array_append_new(rows, json_pack("{s:s,s:I,s:o}", "cohort",
						      arena_printf(&r->a, "%04d-%02d", month / 12, month % 12 + 1), "size",
						      (json_int_t)size[c], "cells", cells));
	}
	json_object_set_new(m, "cohorts", json_pack("{s:o,s:o}", "heads", heads, "rows", rows));
	return 0;
}

/* The ads' click-through over the range, against the period before. */
static int reach(req *r, const struct range *g, json_t *m, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT coalesce(sum(CASE WHEN day >= ? THEN impressions END), 0) AS shown, "
					"coalesce(sum(CASE WHEN day >= ? THEN clicks END), 0) AS clicks, "
					"coalesce(sum(CASE WHEN day < ? THEN impressions END), 0) AS pshown, "
					"coalesce(sum(CASE WHEN day < ? THEN clicks END), 0) AS pclicks "
					"FROM ad_days WHERE day BETWEEN ? AND ?",
			  DB_ARGS(DB_INT(g->from), DB_INT(g->from), DB_INT(g->from), DB_INT(g->from), DB_INT(g->from - g->n),
				  DB_INT(g->to)),
			  &x, e);
	if (rc)
		return rc;
	double s = (double)db_int(&x, 0, "shown"), c = (double)db_int(&x, 0, "clicks");
	double ps = (double)db_int(&x, 0, "pshown"), pc = (double)db_int(&x, 0, "pclicks");
	json_t *f = figure(r, "ctr", 0, 0, 0);
	json_object_set_new(f, "value", json_string(s > 0 ? arena_printf(&r->a, "%.1f%%", c * 100 / s) : "–"));
	if (s > 0 && ps > 0 && pc > 0) {
		double ch = (c / s - pc / ps) * 100 / (pc / ps);
		json_object_set_new(f, "change", json_string(arena_printf(&r->a, "%+.0f%%", ch)));
		json_object_set_new(f, ch >= 0 ? "up" : "down", json_true());
	}
	json_array_append_new(json_object_get(m, "figures"), f);
	return 0;
}

/* What the community holds now: content and the demands collected. */
static int holdings(req *r, json_t *m, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT (SELECT count(*) FROM articles WHERE status = 'published') AS articles, "
					"(SELECT count(*) FROM kb_entries WHERE NOT hidden) AS kb, "
					"(SELECT count(*) FROM events) AS events, "
					"(SELECT count(*) FROM wishes) AS wishes, (SELECT count(*) FROM questions) AS questions",
			  DB_NOARGS, &x, e);
	if (rc)
		return rc;
	json_t *figs = json_object_get(m, "figures");
	json_array_append_new(figs, figure(r, "content", (double)(db_int(&x, 0, "articles") + db_int(&x, 0, "kb")), 0, 0));
	json_array_append_new(figs, figure(r, "demands", (double)(db_int(&x, 0, "wishes") + db_int(&x, 0, "questions")), 0, 0));
	return 0;
}

/* A chart's points over g's days. */
static void points_of(struct range *g)
{
	g->step = numbers_chart_step(g->n);
	g->points = (g->n + g->step - 1) / g->step;
}

/* The last 30 days: what a page with wrong dates shows meanwhile. */
static void last_30_days(struct range *g)
{
	g->choice = "30";
	g->to = g->today;
	g->from = g->today - 29;
	g->n = 30;
	points_of(g);
}

/* The last day summed (view_days_done); the days after it are read live. */
static int summed_until(req *r, struct range *g, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT max(day) AS done, count(*) AS n, max(at) AS at FROM view_days_done", DB_NOARGS,
			  &x, e);
	if (rc)
		return rc;
	g->done = db_text(&x, 0, "done") ? (int32_t)db_int(&x, 0, "done") : INT32_MIN / 2;
	/* A day is summed once, in the transaction that marks it done (a
	 * day summed again is one marked anew, later). */
	g->stamp = arena_printf(&r->a, "%s:%s:%s", db_str(&x, 0, "done"), db_str(&x, 0, "n"), db_str(&x, 0, "at"));
	return rc;
}

/* The range a request asks for, or an error message key. */
static const char *read_range(req *r, struct range *g, err *e, int *rc)
{
	memset(g, 0, sizeof(*g));
	*rc = 0;
	g->today = numbers_day_of(unix_now());
	const char *choice = in_text(r, "range");
	g->choice = choice ? choice : "30";
	if ((*rc = summed_until(r, g, e)))
		return NULL;
	if (strcmp(g->choice, "custom")) {
		int64_t days;
		parse_i64(g->choice, 1, 365, &days);
		g->to = g->today;
		g->from = g->today - (int32_t)days + 1;
		g->n = (int)days;
		points_of(g);
		return NULL;
	}
	const char *from = in_text(r, "from"), *to = in_text(r, "to");
	if (!from || !to)
		return "numbers.err.dates";
	g->from = numbers_day_of_text(from);
	g->to = numbers_day_of_text(to);
	if (g->from < 0 || g->to < 0)
		return "numbers.err.dates";
	if (g->from > g->to)
		return "numbers.err.order";
	if (g->to > g->today)
		return "numbers.err.future";
	if (g->to - g->from + 1 > RANGE_MAX_DAYS)
		return "numbers.err.long";
	g->n = g->to - g->from + 1;
	points_of(g);
	return NULL;
}

static const char *const range_choices[] = { "7", "30", "90", "365", "custom", NULL };

static int build(req *r, const struct range *g, json_t *m, err *e)
{
	json_object_set_new(m, "figures", json_array());
	/* New members and interactions, read once for the range, the period
	 * before it and the cohorts' months. */
	struct counts c;
	int32_t from = g->from - g->n, first = cohorts_first_day(g);
	int rc = count_days(r, g, from < first ? from : first, g->today, &c, e);
	if (!rc)
		rc = traffic(r, g, m, e);
	if (!rc)
		rc = members(r, g, &c, m, e);
	if (!rc)
		rc = interactions(r, g, &c, m);
	if (!rc)
		rc = cohorts(r, g, &c, m, e);
	if (!rc)
		rc = reach(r, g, m, e);
	if (!rc)
		rc = plan_summary(r, m, e);
	if (!rc)
		rc = holdings(r, m, e);
	return rc;
}

static json_t *range_json(req *r, const struct range *g)
{
	json_t *choices = json_array();
	for (int i = 0; range_choices[i]; i++)
		json_array_append_new(choices, json_pack("{s:s,s:s,s:b}", "value", range_choices[i], "label",
							 T(arena_printf(&r->a, "numbers.range.%s", range_choices[i])),
							 "selected", !strcmp(range_choices[i], g->choice)));
	buf q = BUF_INIT;
	buf_adds(&q, "range=");
	buf_url_arg(&q, g->choice);
	if (!strcmp(g->choice, "custom")) {
		buf_adds(&q, "&from=");
		buf_adds(&q, day_text(&r->a, g->from));
		buf_adds(&q, "&to=");
		buf_adds(&q, day_text(&r->a, g->to));
	}
	json_t *j = json_pack("{s:s,s:s,s:i,s:s,s:s,s:o,s:b,s:s}", "from", day_text(&r->a, g->from), "to",
			      day_text(&r->a, g->to), "days", g->n, "before_from", day_text(&r->a, g->from - g->n), "before_to",
			      day_text(&r->a, g->from - 1), "choices", choices, "custom", !strcmp(g->choice, "custom"),
			      "query", q.s);
	buf_release(&q);
	if (g->step > 1)
		json_object_set_new(j, "points_note", json_string(T(g->step == 7 ? "numbers.by_week" : "numbers.by_weeks4")));
	return j;
}

/* What went wrong, in the log, before the 500 answers it. */
static int failed(const char *what, int rc, const err *e)
{
	if (rc)
		log_error("numbers: %s: %s", what, e->msg);
	return rc;
}

static int dashboard(req *r, resp *out)
{
	err e = ERR_INIT;
	struct range g;
	int rc;
	const char *bad = read_range(r, &g, &e, &rc);
	if (rc)
		return failed("range", rc, &e);
	json_t *m = json_object();
	unsigned status = 200;
	if (bad) {
		/* The dates as sent, their message, and the last 30 days meanwhile. */
		status = 422;
		json_object_set_new(m, "error", json_pack("{s:s}", "message", T(bad)));
		json_object_set(m, "form", r->form);
		last_30_days(&g);
	}
	json_object_set_new(m, "range", range_json(r, &g));
	if (bad)
		json_object_set_new(json_object_get(m, "range"), "custom", json_true());
	if ((rc = build(r, &g, m, &e))) {
		json_decref(m);
		return failed("dashboard", rc, &e);
	}
	return http_page(r, out, status, "numbers/dashboard", "numbers.title", m);
}

/* A number as a spreadsheet reads it: without its thousands' commas. */
static void csv_number(buf *b, size_t col, const char *shown)
{
	char plain[32];
	size_t o = 0;
	for (const char *s = shown; s && *s && o + 1 < sizeof(plain); s++)
		if (*s != ',')
			plain[o++] = *s;
	plain[o] = 0;
	buf_csv_field(b, col, plain);
}

/* One chart's numbers as CSV: a row a day (or a bar, or a cohort). */
static void csv_lines(buf *b, json_t *chart)
{
	json_t *heads = json_object_get(chart, "heads"), *rows = json_object_get(chart, "rows"), *v;
	size_t i, j;
	buf_csv_field(b, 0, json_string_value(json_object_get(chart, "x_head")));
	json_array_foreach(heads, i, v)
		buf_csv_field(b, i + 1, json_string_value(v));
	buf_adds(b, "\r\n");
	json_t *row;
	json_array_foreach(rows, i, row) {
		buf_csv_field(b, 0, json_string_value(json_object_get(row, "x")));
		json_array_foreach(json_object_get(row, "values"), j, v)
			csv_number(b, j + 1, json_string_value(v));
		buf_adds(b, "\r\n");
	}
}

static void csv_bars(req *r, buf *b, json_t *bars)
{
	size_t i;
	json_t *row;
	buf_csv_field(b, 0, T("numbers.name"));
	buf_csv_field(b, 1, T("numbers.views"));
	buf_csv_field(b, 2, T("numbers.share"));
	buf_adds(b, "\r\n");
	json_array_foreach(bars, i, row) {
		buf_csv_field(b, 0, json_string_value(json_object_get(row, "label")));
		csv_number(b, 1, json_string_value(json_object_get(row, "value")));
		buf_csv_field(b, 2, json_string_value(json_object_get(row, "share")));
		buf_adds(b, "\r\n");
	}
}

static const char *const charts[] = { "traffic", "devices", "device_shares", "media", "channels", "joined",
				      "joined_channels",
				      "active", "interactions", "interaction_shares", "cohorts", NULL };

static int export_csv(req *r, resp *out)
{
	err e = ERR_INIT;
	struct range g;
	int rc;
	const char *bad = read_range(r, &g, &e, &rc);
	if (rc)
		return rc;
	if (bad)
		return http_error(r, out, 422, "bad_range", bad);
	const char *chart = in_text(r, "chart");
	json_t *m = json_object();
	if ((rc = build(r, &g, m, &e))) {
		json_decref(m);
		return failed("export", rc, &e);
	}
	json_t *c = json_object_get(m, chart);
	buf b = BUF_INIT;
	buf_csv_start(&b);
	if (!strcmp(chart, "cohorts")) {
		size_t i, j;
		json_t *row, *v;
		buf_csv_field(&b, 0, T("numbers.cohort"));
		buf_csv_field(&b, 1, T("numbers.cohort_size"));
		json_array_foreach(json_object_get(c, "heads"), i, v)
			buf_csv_field(&b, i + 2, json_string_value(v));
		buf_adds(&b, "\r\n");
		json_array_foreach(json_object_get(c, "rows"), i, row) {
			buf_csv_field(&b, 0, json_string_value(json_object_get(row, "cohort")));
			buf_csv_field(&b, 1, arena_printf(&r->a, "%lld", (long long)json_integer_value(json_object_get(row, "size"))));
			json_array_foreach(json_object_get(row, "cells"), j, v)
				buf_csv_field(&b, j + 2, json_string_value(json_object_get(v, "share")));
			buf_adds(&b, "\r\n");
		}
	} else if (json_is_array(c)) {
		csv_bars(r, &b, c);
	} else {
		csv_lines(&b, c);
	}
	json_decref(m);
	http_download(r, out, &b, "text/csv; charset=utf-8",
		      arena_printf(&r->a, "%s-%s-%s.csv", chart, day_text(&r->a, g.from), day_text(&r->a, g.to)));
	return 0;
}

static const struct input dashboard_inputs[] = {
	{ "range", IN_CHOICE, IN_QUERY, 0, 0, "numbers.err.range", NULL, range_choices },
	{ "from", IN_DATE, IN_QUERY, 0, 0, "numbers.err.dates", NULL, NULL },
	{ "to", IN_DATE, IN_QUERY, 0, 0, "numbers.err.dates", NULL, NULL },
	{ NULL },
};
static const struct input export_inputs[] = {
	{ "range", IN_CHOICE, IN_QUERY, 0, 0, "numbers.err.range", NULL, range_choices },
	{ "from", IN_DATE, IN_QUERY, 0, 0, "numbers.err.dates", NULL, NULL },
	{ "to", IN_DATE, IN_QUERY, 0, 0, "numbers.err.dates", NULL, NULL },
	{ "chart", IN_CHOICE, IN_QUERY | IN_REQUIRED, 0, 0, "numbers.err.chart", NULL, charts },
	{ NULL },
};

/* Wrong dates or range: the page with the last 30 days, the dates as sent
 * and what is wrong with them. */
static int dashboard_invalid(req *r, resp *out)
{
	if (r->api)
		return http_invalid(r, out, "numbers.err.dates");
	err e = ERR_INIT;
	struct range g = { 0 };
	g.today = numbers_day_of(unix_now());
	last_30_days(&g);
	int rc = summed_until(r, &g, &e);
	if (rc)
		return failed("range", rc, &e);
	json_t *m = json_object();
	json_object_set_new(m, "range", range_json(r, &g));
	json_object_set_new(json_object_get(m, "range"), "custom", json_true());
	http_form_errors(r, m);
	if ((rc = build(r, &g, m, &e))) {
		json_decref(m);
		return rc;
	}
	return http_page(r, out, 422, "numbers/dashboard", "numbers.title", m);
}

static int export_invalid(req *r, resp *out)
{
	return http_invalid(r, out, inputs_first_error(r) ? "numbers.err.export" : "numbers.err.dates");
}

#define ORGANIZERS ALLOW(ROLE_ORGANIZER)

static const struct route routes[] = {
	{ M_GET, "/numbers", dashboard, ORGANIZERS, 0, "numbers", NULL, dashboard_inputs, dashboard_invalid },
	{ M_GET, "/numbers/export.csv", export_csv, ORGANIZERS, 0, "numbers-export", NULL, export_inputs, export_invalid },
};
const struct route_table dashboard_routes = { routes, COUNT(routes) };

/* metrics.c: how an event, and a series over its events, is doing, for
 * organizers: /events/:id/metrics and /series/:slug/metrics (and the API).
 *
 * Counted from the registrations pgherd took:
 *   registered   confirmed registrations (waitlisted and cancelled apart);
 *   checked in   of those, the ones scanned at the door;
 *   conversion   checked in / registered, over events that have begun
 *                (an event still to come has no attendance yet, not 0%);
 *   no-shows     registered, not checked in, once the event is over;
 *   repeat       people checked in who had checked in at an earlier event
 *                of the same series (any earlier event outside a series);
 *   new members  people whose account was made at most a week before this
 *                registration, their first anywhere: the ones it brought in.
 * A person is their account, or the phone number for guests an organizer
 * added. Each is given by channel (the registration link's channel or
 * label) and, for a series, by city. Events pgherd took no registrations
 * for (imported past salons) show the figures their organizers published. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "events/cal.h"
#include "events/internal.h"
#include "view/i18n.h"
#include "people/people.h"
#include "base/banned.h"

enum { NEW_MEMBER_WINDOW = 7 * 86400 };

/* One registration, with what the queries below establish about it. */
enum { R_EVENT, R_STATUS, R_CAME, R_CHANNEL, R_REPEAT, R_FIRST, R_JOINED, R_AT, R_PERSON };

static int registration_rows(req *r, db *d, int64_t event_id, int64_t series_id, db_res *x, err *e)
{
	return db_query(d, &r->a,
			"SELECT g.event_id, g.status, CASE WHEN g.checked_in_at IS NULL THEN 0 ELSE 1 END, "
			"coalesce(CASE WHEN ? = 'en' THEN ch.name_en ELSE ch.name_zh END, l.label, ''), "
			"CASE WHEN g.checked_in_at IS NOT NULL AND EXISTS (SELECT 1 FROM registrations g2 "
			"  JOIN events e2 ON e2.id = g2.event_id WHERE g2.checked_in_at IS NOT NULL AND e2.starts_at < e.starts_at "
			"  AND (e.series_id IS NULL OR e2.series_id = e.series_id) "
			"  AND ((g.user_id IS NOT NULL AND g2.user_id = g.user_id) OR (g.phone <> '' AND g2.phone = g.phone))) "
			"THEN 1 ELSE 0 END, "
			"CASE WHEN g.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM registrations g3 "
			"  WHERE g3.user_id = g.user_id AND g3.id < g.id) THEN 1 ELSE 0 END, "
			"coalesce(u.created_at, g.created_at), g.created_at, "
			"CASE WHEN g.user_id IS NOT NULL THEN 'u' || g.user_id WHEN g.phone <> '' THEN 'p' || g.phone "
			"ELSE 'r' || g.id END "
			"FROM registrations g JOIN events e ON e.id = g.event_id LEFT JOIN event_links l ON l.id = g.link_id "
			"LEFT JOIN channels ch ON ch.id = l.channel_id " PEOPLE_JOIN("u", "g.user_id")
			"WHERE (e.id = ? OR e.series_id = ?) AND e.status <> 'draft' ORDER BY e.starts_at, g.id",
			DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_INT(event_id), DB_INT(series_id)), x, e);
}

struct tally {
	const char *name;
	int64_t events, registered, waitlisted, cancelled, came, no_shows, repeat, new_members;
	int64_t begun; /* registered for events that have begun: attendance's whole */
	int over; /* every event counted is over: no-shows mean something */
};

static void count(struct tally *t, const db_res *x, int i, int over, int begun)
{
	const char *status = db_get(x, i, R_STATUS);
	int came = (int)db_get_int(x, i, R_CAME);
	if (!strcmp(status, "confirmed")) {
		t->registered++;
		t->begun += begun;
		t->came += came;
		t->no_shows += over && !came;
		t->repeat += (int)db_get_int(x, i, R_REPEAT);
	} else {
		t->waitlisted += !strcmp(status, "waitlisted");
		t->cancelled += !strcmp(status, "cancelled");
	}
	if (strcmp(status, "cancelled") && db_get_int(x, i, R_FIRST) &&
	    db_get_int(x, i, R_JOINED) >= db_get_int(x, i, R_AT) - NEW_MEMBER_WINDOW)
		t->new_members++;
}

/* key_pct, a whole percent (null when there is nothing to divide by), and
 * key_text as pages print it: "72%" or "—". */
static void percent(json_t *o, const char *key, int64_t part, int64_t whole)
{
	char k[32], text[24];
	snprintf(k, sizeof(k), "%s_pct", key);
	json_object_set_new(o, k, whole ? json_integer((part * 100 + whole / 2) / whole) : json_null());
	snprintf(k, sizeof(k), "%s_text", key);
	if (whole)
		snprintf(text, sizeof(text), "%lld%%", (long long)((part * 100 + whole / 2) / whole));
	else
		snprintf(text, sizeof(text), "—");
	json_object_set_new(o, k, json_string(text));
}

static json_t *tally_json(const struct tally *t)
{
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "name", t->name ? t->name : "", "registered",
			      (json_int_t)t->registered, "waitlisted", (json_int_t)t->waitlisted, "cancelled",
			      (json_int_t)t->cancelled, "checked_in", (json_int_t)t->came, "repeat", (json_int_t)t->repeat,
			      "new_members", (json_int_t)t->new_members, "events", (json_int_t)t->events, "counted",
			      t->registered + t->waitlisted + t->cancelled > 0);
	percent(o, "conversion", t->came, t->begun);
	percent(o, "repeat", t->repeat, t->came);
	/* Before an event is over nobody is a no-show yet. */
	percent(o, "no_show", t->no_shows, t->over ? t->registered : 0);
	json_object_set_new(o, "no_shows", t->over ? json_integer(t->no_shows) : json_null());
	return o;
}

/* The tally called name in v (n of them), added when missing. */
static struct tally *group(arena *a, struct tally **v, int *n, int *cap, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return &(*v)[i];
	if (*n == *cap) {
		int grown = *cap ? *cap * 2 : 16;
		struct tally *w = arena_alloc(a, sizeof(*w) * (size_t)grown);
		if (*n)
			memcpy(w, *v, sizeof(*w) * (size_t)*n);
		*v = w;
		*cap = grown;
	}
	struct tally *t = &(*v)[(*n)++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->over = 1;
	return t;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *groups_json(const struct tally *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, tally_json(&v[i]));
	return a;
}

/* The metrics of the events in ev_rows (id, title, date, city, over,
 * published registered, published checked in), from the registrations x. */
static json_t *metrics_json(req *r, const db_res *evs, const db_res *x)
{
	struct tally total = { .over = 1 }, *chan = NULL, *city = NULL;
	int nchan = 0, capchan = 0, ncity = 0, capcity = 0;
	json_t *events = json_array();
	const char *direct = T("metrics.direct");
	for (int k = 0; k < evs->nrows; k++) {
		int64_t id = db_get_int(evs, k, 0);
		int over = (int)db_get_int(evs, k, 4), begun = (int)db_get_int(evs, k, 8);
		const char *cname = *db_get(evs, k, 3) ? db_get(evs, k, 3) : T("metrics.no_city");
		struct tally t = { .name = db_get(evs, k, 1), .events = 1, .over = over };
		struct tally *c = group(&r->a, &city, &ncity, &capcity, cname);
		c->events++;
		c->over &= over;
		total.events++;
		total.over &= over;
		for (int i = 0; i < x->nrows; i++) {
			if (db_get_int(x, i, R_EVENT) != id)
				continue;
			count(&t, x, i, over, begun);
			count(c, x, i, over, begun);
			count(&total, x, i, over, begun);
			const char *ch = *db_get(x, i, R_CHANNEL) ? db_get(x, i, R_CHANNEL) : direct;
			struct tally *g = group(&r->a, &chan, &nchan, &capchan, ch);
			g->over &= over;
			count(g, x, i, over, begun);
		}
		json_t *o = tally_json(&t);
		json_object_set_new(o, "id", json_integer(id));
		json_object_set_new(o, "date", json_string(db_get(evs, k, 2)));
		json_object_set_new(o, "city", json_string(cname));
		json_object_set_new(o, "published_registered", json_string(db_get(evs, k, 5)));
		json_object_set_new(o, "published_checked_in", json_string(db_get(evs, k, 6)));
		json_object_set_new(o, "published_any", json_boolean(*db_get(evs, k, 5) || *db_get(evs, k, 6)));
		json_array_append_new(events, o);
	}
	/* People: distinct over the series, and how many came more than once. */
	const char **who = arena_alloc(&r->a, sizeof(char *) * (size_t)(x->nrows ? x->nrows : 1));
	int nw = 0, people = 0, returning = 0;
	for (int i = 0; i < x->nrows; i++)
		if (db_get_int(x, i, R_CAME))
			who[nw++] = db_get(x, i, R_PERSON);
	qsort(who, (size_t)nw, sizeof(*who), by_text);
	for (int i = 0; i < nw; i++) {
		int run = 1;
		while (i + 1 < nw && !strcmp(who[i], who[i + 1]))
			i++, run++;
		people++;
		returning += run > 1;
	}
	total.name = T("metrics.total");
	json_t *tj = tally_json(&total);
	json_object_set_new(tj, "people", json_integer(people));
	json_object_set_new(tj, "returning_people", json_integer(returning));
	percent(tj, "returning", returning, people);
	return json_pack("{s:o,s:o,s:o,s:o}", "events", events, "total", tj, "channels", groups_json(chan, nchan),
			 "cities", groups_json(city, ncity));
}

#define METRIC_EVENTS "SELECT e.id, " DB_IN_LANG("e.title_zh", "e.title_en") ", e.starts_at, " \
	"coalesce(CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END, ''), " \
	"CASE WHEN e.ends_at < ? OR e.status = 'finished' THEN 1 ELSE 0 END, coalesce(e.registered_text, ''), " \
	"coalesce(e.checked_in_text, ''), e.tz, CASE WHEN e.starts_at <= ? OR e.status = 'finished' THEN 1 ELSE 0 END " \
	"FROM events e LEFT JOIN cities c ON c.id = e.city_id "

/* Turns the start times of the events' rows into their dates. */
static void event_dates(req *r, db_res *evs)
{
	for (int k = 0; k < evs->nrows; k++)
		evs->vals[k * evs->ncols + 2] = clock_date(&r->a, db_get(evs, k, 7), db_get_int(evs, k, 2));
}

static int metrics_page(req *r, resp *out, db *d, int64_t event_id, int64_t series_id, const char *evsql,
			json_t *head)
{
	err e = ERR_INIT;
	const char *l = lang_code(r->lang);
	db_res evs, x;
	int64_t now = unix_now();
	int rc = db_query(d, &r->a, evsql, DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TIME(now), DB_TIME(now),
						   DB_INT(event_id ? event_id : series_id)),
			  &evs, &e);
	if (!rc)
		rc = registration_rows(r, d, event_id, series_id, &x, &e);
	if (rc) {
		json_decref(head);
		return rc;
	}
	event_dates(r, &evs);
	json_t *m = metrics_json(r, &evs, &x);
	json_object_update(m, head);
	json_decref(head);
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "events/metrics.html", "metrics.title", m);
}

static int event_metrics(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	json_t *head = json_pack("{s:s,s:{s:I,s:s,s:s,s:s}}", "scope", "event", "event", "id", (json_int_t)ev->id, "title",
				 ev->title, "when", event_when(&r->a, r->lang, ev), "series_slug", ev->series_slug);
	return metrics_page(r, out, d, ev->id, 0, METRIC_EVENTS "WHERE e.id = ?", head);
}

static int series_metrics(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res s;
	int rc = db_query(d, &r->a, "SELECT id, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END, slug FROM event_series "
				    "WHERE slug = ?",
			  DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_TEXT(req_param(r, "slug"))), &s, &e);
	if (rc)
		return rc;
	if (!s.nrows)
		return http_error(r, out, 404, "not_found", "error.not_found");
	json_t *head = json_pack("{s:s,s:{s:I,s:s,s:s}}", "scope", "series", "series", "id",
				 (json_int_t)db_get_int(&s, 0, 0), "name", db_get(&s, 0, 1), "slug", db_get(&s, 0, 2));
	return metrics_page(r, out, d, 0, db_get_int(&s, 0, 0),
			    METRIC_EVENTS "WHERE e.series_id = ? AND e.status <> 'draft' ORDER BY e.starts_at", head);
}

static const struct route routes[] = {
	{ M_GET, "/events/:id/metrics", event_metrics, ORGANIZER, 0, "event-metrics", .load = &event_loader },
	{ M_GET, "/series/:slug/metrics", series_metrics, ORGANIZER, 0, "series-metrics" },
};

const struct route_table metrics_routes = { routes, COUNT(routes) };

/* archive.c: the past-events archive a newcomer browses (/archive, by
 * series with ?series=SLUG and by city with ?city=ID): each past event with
 * its date and city, hosts, talks with their speakers, how many came
 * (as published or counted), how many organizations attended and whether
 * there are replays, year by year. */
#include <string.h>

#include "base/util.h"
#include "base/validate.h"
#include "events/cal.h"
#include "events/internal.h"
#include "orgs/orgs.h"
#include "view/i18n.h"
#include "base/banned.h"

enum { ARCHIVE_TTL = 300 };

/* The archive's events: past, neither draft nor cancelled, in the series
 * and city asked for ('' and 0: all). Three parameters: slug, slug, city. */
#define ARCHIVE_WHERE "WHERE e.status NOT IN ('draft', 'cancelled') AND e.ends_at < ? AND (? = '' OR s.slug = ?) " \
	"AND (? = 0 OR e.city_id = ?) "
#define ARCHIVE_IDS "SELECT e.id FROM events e LEFT JOIN event_series s ON s.id = e.series_id " ARCHIVE_WHERE
#define ARCHIVE_ARGS DB_TIME(now), DB_TEXT(series), DB_TEXT(series), DB_INT(city), DB_INT(city)

/* The first row of x whose column 0 is id, into *at (rows sorted by it);
 * 0 when there is none. */
static int rows_of(const db_res *x, int *at, int64_t id)
{
	int lo = 0, hi = x->nrows;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (db_get_int(x, mid, 0) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return lo < x->nrows && db_get_int(x, lo, 0) == id;
}

static int archive(req *r, resp *out)
{
	static const char *const args[] = { "series", "city", NULL };
	err e = ERR_INIT;
	db *d = r->db;
	const char *series = trimmed(&r->a, req_query(r, "series")), *city_text = trimmed(&r->a, req_query(r, "city"));
	int64_t city = 0;
	if (text_len(series) > 40 || has_control(series) || (*city_text && parse_i64(city_text, 1, INT64_MAX, &city)))
		return http_error(r, out, 400, "bad_filter", "orgs.err.filter");
	int64_t version = 0;
	int rc = http_cache_lookup(r, out, d, "events", args, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	const char *l = lang_code(r->lang);
	int64_t now = unix_now();
	db_res ev, items, hosts, came, media, sl, cl;
	rc = db_query(d, &r->a, "SELECT e.id, " DB_IN_LANG("e.title_zh", "e.title_en") ", e.starts_at, e.tz, "
				"coalesce(e.city_id, 0), coalesce(CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END, ''), "
				"coalesce(s.slug, ''), coalesce(CASE WHEN ? = 'en' THEN s.name_en ELSE s.name_zh END, ''), "
				"e.confirmed, e.checked_in, e.registered_text, e.checked_in_text, e.online_text, e.reach_text, "
				DB_ZH_ONLY("e.title_en") " FROM events e LEFT JOIN cities c ON c.id = e.city_id LEFT JOIN event_series s ON s.id = e.series_id "
				ARCHIVE_WHERE "ORDER BY e.starts_at DESC, e.id DESC LIMIT 500",
		      DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TEXT(l), DB_TEXT(l), ARCHIVE_ARGS), &ev, &e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT i.event_id, i.id, " DB_IN_LANG("i.title", "i.title_en") ", coalesce(sp.name, ''), "
					"coalesce(CASE WHEN o.id IS NULL "
					"THEN sp.org_name WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) ELSE o.name_zh END, '') "
					"FROM event_items i LEFT JOIN item_speakers sp ON sp.item_id = i.id LEFT JOIN orgs o ON o.id = sp.org_id "
					"WHERE i.kind IN ('talk', 'case', 'panel', 'debate', 'closed') AND i.event_id IN (" ARCHIVE_IDS ") "
					"ORDER BY i.event_id, i.starts_at, i.id, sp.pos",
			      DB_ARGS(DB_TEXT(l), DB_TEXT(l), ARCHIVE_ARGS), &items, &e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT eo.event_id, CASE WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) ELSE o.name_zh END, "
					"o.id FROM event_orgs eo JOIN orgs o ON o.id = eo.org_id WHERE eo.role = 'host' "
					"AND eo.event_id IN (" ARCHIVE_IDS ") ORDER BY eo.event_id, o.id",
			      DB_ARGS(DB_TEXT(l), ARCHIVE_ARGS), &hosts, &e);
	/* Organizations that came: named as attending, or a checked-in
	 * person's organization as the directory knows it. */
	if (!rc)
		rc = db_query(d, &r->a, "WITH ev AS (" ARCHIVE_IDS "), "
					"came AS (SELECT DISTINCT g.event_id AS k, lower(g.org) AS name FROM registrations g "
					"WHERE g.event_id IN (SELECT id FROM ev) AND g.checked_in_at IS NOT NULL AND g.org <> '') "
					"SELECT event_id, count(DISTINCT org_id) FROM (SELECT event_id, org_id FROM event_orgs "
					"WHERE role = 'attendee' AND event_id IN (SELECT id FROM ev) UNION "
					ORGS_MATCH_SQL("came") ") x GROUP BY event_id ORDER BY event_id",
			      DB_ARGS(ARCHIVE_ARGS), &came, &e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT event_id, count(*) FROM event_media WHERE kind IN ('live', 'replay') "
					"AND event_id IN (" ARCHIVE_IDS ") GROUP BY event_id ORDER BY event_id",
			      DB_ARGS(ARCHIVE_ARGS), &media, &e);
	/* What the filters offer: the series and the cities that have a past. */
	if (!rc)
		rc = db_query(d, &r->a, "SELECT s.slug, CASE WHEN ? = 'en' THEN s.name_en ELSE s.name_zh END, count(e.id) "
					"FROM event_series s LEFT JOIN events e ON e.series_id = s.id AND e.ends_at < ? "
					"AND e.status NOT IN ('draft', 'cancelled') GROUP BY s.id, s.slug, s.name_en, s.name_zh "
					"HAVING count(e.id) > 0 ORDER BY s.id",
			      DB_ARGS(DB_TEXT(l), DB_TIME(now)), &sl, &e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT c.id, CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END, count(*) FROM events e "
					"JOIN cities c ON c.id = e.city_id WHERE e.ends_at < ? AND e.status NOT IN ('draft', 'cancelled') "
					"GROUP BY c.id, c.name_en, c.name_zh ORDER BY count(*) DESC, c.id",
			      DB_ARGS(DB_TEXT(l), DB_TIME(now)), &cl, &e);
	if (rc)
		return rc;
	/* The per-event rows above are in event id order, the events newest
	 * first: each event's rows are found by binary search. */
	json_t *years = json_array(), *year = NULL;
	int last_year = 0;
	for (int i = 0; i < ev.nrows; i++) {
		struct event_row row;
		memset(&row, 0, sizeof(row));
		int64_t id = db_get_int(&ev, i, 0);
		row.id = id;
		row.confirmed = db_get_int(&ev, i, 8);
		row.checked_in = db_get_int(&ev, i, 9);
		for (int k = 0; k < FIGURES; k++)
			row.figure[k] = db_get(&ev, i, 10 + k);
		struct clock_local t;
		clock_local(db_get(&ev, i, 3), db_get_int(&ev, i, 2), &t);
		if (!year || t.year != last_year) {
			year = json_pack("{s:i,s:[]}", "year", t.year, "events");
			json_array_append_new(years, year);
			last_year = t.year;
		}
		json_t *topics = json_array(), *hl = json_array();
		int at;
		int64_t last_item = 0;
		for (rows_of(&items, &at, id); at < items.nrows && db_get_int(&items, at, 0) == id; at++) {
			if (db_get_int(&items, at, 1) == last_item)
				continue; /* a second speaker: the first one is shown */
			last_item = db_get_int(&items, at, 1);
			/* On an English page, what has no English side is marked
			 * Chinese: a title not translated, a name in characters. */
			int en = r->lang == LANG_EN;
			json_array_append_new(topics, json_pack("{s:s,s:b,s:s,s:b,s:s,s:b}", "title", db_get(&items, at, 2),
								"title_zh", en && text_han(db_get(&items, at, 2)), "speaker",
								db_get(&items, at, 3), "speaker_zh", en && text_han(db_get(&items, at, 3)),
								"org", db_get(&items, at, 4), "org_zh", en && text_han(db_get(&items, at, 4))));
		}
		for (rows_of(&hosts, &at, id); at < hosts.nrows && db_get_int(&hosts, at, 0) == id; at++)
			json_array_append_new(hl, json_pack("{s:s,s:I,s:b}", "name", db_get(&hosts, at, 1), "id",
							    (json_int_t)db_get_int(&hosts, at, 2), "zh",
							    r->lang == LANG_EN && text_han(db_get(&hosts, at, 1))));
		int64_t orgs = 0, replays = 0;
		if (rows_of(&came, &at, id))
			orgs = db_get_int(&came, at, 1);
		if (rows_of(&media, &at, id))
			replays = db_get_int(&media, at, 1);
		json_array_append_new(json_object_get(year, "events"),
				      json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I}", "id", (json_int_t)id,
						"title", db_get(&ev, i, 1), "date", clock_date(&r->a, db_get(&ev, i, 3),
											      db_get_int(&ev, i, 2)),
						"city_id", (json_int_t)db_get_int(&ev, i, 4), "city", db_get(&ev, i, 5),
						"series_slug", db_get(&ev, i, 6), "series", db_get(&ev, i, 7), "hosts", hl,
						"topics", topics, "figures", record_figures(r, &row), "attending",
						(json_int_t)orgs, "replays", (json_int_t)replays));
		json_object_set_new(json_array_get(json_object_get(year, "events"),
						   json_array_size(json_object_get(year, "events")) - 1),
				    "title_zh_only", json_boolean(db_get_int(&ev, i, 14)));
	}
	json_t *so = json_array(), *co = json_array();
	const char *heading = NULL;
	for (int i = 0; i < sl.nrows; i++) {
		int sel = !strcmp(series, db_get(&sl, i, 0));
		if (sel)
			heading = db_get(&sl, i, 1);
		json_array_append_new(so, json_pack("{s:s,s:s,s:I,s:b}", "value", db_get(&sl, i, 0), "label", db_get(&sl, i, 1),
						    "count", (json_int_t)db_get_int(&sl, i, 2), "selected", sel));
	}
	const char *city_name = NULL;
	for (int i = 0; i < cl.nrows; i++) {
		int sel = db_get_int(&cl, i, 0) == city;
		if (sel)
			city_name = db_get(&cl, i, 1);
		json_array_append_new(co, json_pack("{s:I,s:s,s:I,s:b}", "value", (json_int_t)db_get_int(&cl, i, 0), "label",
						    db_get(&cl, i, 1), "count", (json_int_t)db_get_int(&cl, i, 2), "selected", sel));
	}
	if ((*series && !heading) || (city && !city_name)) {
		json_decref(years);
		json_decref(so);
		json_decref(co);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	const char *title = heading && city_name ? arena_printf(&r->a, "%s · %s", heading, city_name)
			    : heading ? heading : city_name ? city_name : T("archive.title");
	json_t *m = json_pack("{s:s,s:o,s:i,s:o,s:o,s:s,s:I}", "heading", title, "years", years, "count", ev.nrows,
			      "series", so, "cities", co, "series_slug", series, "city", (json_int_t)city);
	http_page(r, out, 200, "events/archive.html", NULL, m);
	out->title_text = heading || city_name ? arena_printf(&r->a, "%s · %s", title, T("archive.title")) : title;
	http_cache_store(r, out, "events", version, ARCHIVE_TTL);
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/archive", archive, EVERYONE, 0, "archive" },
};

const struct route_table archive_routes = { routes, COUNT(routes) };

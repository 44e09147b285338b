/* list.c: the events list (GET /events) and a series' own page over its
 * events (GET /series/:slug). */
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/cal.h"
#include "events/internal.h"
#include "files/files.h"
#include "mail/outbox.h"
#include "orgs/orgs.h"
#include "view/i18n.h"
#include "view/markdown.h"
#include "http/feature.h"
#include "base/banned.h"

/* ---- the list ---- */

int events_list(req *r, resp *out)
{
	static const char *const args[] = { "series", NULL };
	err e = ERR_INIT;
	db *d = r->db;
	const char *page_slug = req_param(r, "slug");
	const char *series = page_slug ? page_slug : trimmed(&r->a, req_query(r, "series"));
	if (text_len(series) > 40)
		return http_error(r, out, 400, "bad_filter", "orgs.err.filter");
	int64_t version = 0;
	int rc = http_cache_lookup(r, out, d, "events", args, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	int organizer = !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role);
	const char *l = lang_code(r->lang);
	db_res x, s;
	rc = db_query(d, &r->a, EVENT_COLS "WHERE (e.status <> 'draft' OR ?) AND (? = '' OR s.slug = ?) "
					   "ORDER BY e.starts_at DESC, e.id DESC LIMIT 300",
		      DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TEXT(l), DB_BOOL(organizer), DB_TEXT(series), DB_TEXT(series)), &x, &e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT slug, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END AS name, kind, "
					"CASE WHEN ? = 'en' THEN summary_en ELSE summary_zh END FROM event_series ORDER BY id",
			      DB_ARGS(DB_TEXT(l), DB_TEXT(l)), &s, &e);
	if (rc)
		return rc;
	int current = -1;
	for (int i = 0; i < s.nrows; i++)
		if (!strcmp(series, db_get(&s, i, 0)))
			current = i;
	if (page_slug && current < 0)
		return http_error(r, out, 404, "not_found", "error.not_found");
	json_t *upcoming = json_array(), *past = json_array();
	int64_t now = unix_now();
	for (int i = 0; i < x.nrows; i++) {
		struct event_row ev;
		event_from_row(&x, i, &ev);
		int64_t left = ev.capacity - ev.confirmed;
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "id", (json_int_t)ev.id, "title", ev.title,
				      "when", event_when(&r->a, r->lang, &ev), "city", ev.city ? ev.city : "", "venue",
				      event_venue(r->lang, &ev), "status", ev.status, "status_text",
				      T(arena_printf(&r->a, "event.status.%s", ev.status)), "seats_left",
				      (json_int_t)(left > 0 ? left : 0), "open", !event_closed_reason(&ev, now));
		/* What has no English side, marked Chinese on an English page. */
		json_object_set_new(o, "title_zh_only", json_boolean(r->lang == LANG_EN && !*ev.title_en));
		json_object_set_new(o, "venue_zh_only", json_boolean(r->lang == LANG_EN && *ev.venue && !*ev.venue_en));
		json_array_insert_new(ev.ends_at >= now ? upcoming : past, ev.ends_at >= now ? 0 : json_array_size(past), o);
	}
	json_t *sl = json_array();
	for (int i = 0; i < s.nrows; i++)
		json_array_append_new(sl, json_pack("{s:s,s:s,s:b}", "value", db_get(&s, i, 0), "label", db_get(&s, i, 1),
						    "selected", !strcmp(series, db_get(&s, i, 0))));
	json_t *m = json_pack("{s:o,s:o,s:o,s:s,s:b}", "upcoming", upcoming, "past", past, "series", sl, "series_slug",
			      series, "organizer", organizer);
	if (page_slug) {
		json_object_set_new(m, "page", json_pack("{s:s,s:s,s:s,s:s}", "slug", page_slug, "name", db_get(&s, current, 1),
							"kind", T(arena_printf(&r->a, "series.kind.%s", db_get(&s, current, 2))),
							"summary", db_get(&s, current, 3)));
	}
	/* What other features add: the ad of the day in the list's place. */
	if ((rc = features_sections("events", r, d, NULL, m, &e))) {
		json_decref(m);
		return rc;
	}
	http_page(r, out, 200, "events/list.html", "events.title", m);
	if (page_slug)
		out->title_text = db_get(&s, current, 1);
	http_cache_store(r, out, "events", version, EVENTS_TTL);
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/events", events_list, EVERYONE, 0, "events" },
};

const struct route_table events_list_routes = { routes, COUNT(routes) };

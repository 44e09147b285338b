/* mine.c: a member's own events (GET /account/events): every registration
 * not cancelled, coming ones first, with its status, the waitlist position
 * and the ticket, reachable from the header of every page. */
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "events/internal.h"
#include "view/i18n.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)

enum { MINE_TTL = 30, MINE_MAX = 200 };

static int my_events(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	int64_t version;
	/* Kept for the member: their own version moves with each of their
	 * registrations, the events' with any event they are registered for. */
	int rc = http_cache_lookup(r, out, d, "events", NULL, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	const char *l = lang_code(r->lang);
	db_res x, g;
	if (!(rc = db_query(d, &r->a,
			    EVENT_COLS "WHERE e.id IN (SELECT event_id FROM registrations WHERE user_id = ? AND "
			    "status <> 'cancelled') ORDER BY e.starts_at DESC LIMIT ?",
			    DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TEXT(l), DB_INT(r->user_id), DB_INT(MINE_MAX)), &x, &e)))
		rc = db_query(d, &r->a,
			      "SELECT g.event_id, g.status, g.ticket, CASE WHEN g.checked_in_at IS NULL THEN 0 ELSE 1 END AS checked_in, "
			      "(SELECT count(*) FROM registrations w WHERE w.event_id = g.event_id AND w.status = 'waitlisted' "
			      "AND w.id <= g.id) AS position FROM registrations g WHERE g.user_id = ? AND g.status <> 'cancelled'",
			      DB_ARGS(DB_INT(r->user_id)), &g, &e);
	if (rc) {
		log_error("my events: %s", e.msg);
		return rc;
	}
	json_t *coming = json_array(), *past = json_array();
	int64_t now = unix_now();
	for (int i = 0; i < x.nrows; i++) {
		struct event_row ev;
		event_from_row(&x, i, &ev);
		int k = 0; /* this event's registration (one per member and event) */
		while (k < g.nrows - 1 && db_int(&g, k, "event_id") != ev.id)
			k++;
		if (!g.nrows || db_int(&g, k, "event_id") != ev.id)
			continue;
		const char *status = db_text(&g, k, "status");
		int waitlisted = !strcmp(status, "waitlisted");
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "id", (json_int_t)ev.id, "title", ev.title, "when",
				      event_when(&r->a, r->lang, &ev), "city", ev.city ? ev.city : "", "status_text",
				      T(arena_printf(&r->a, "reg.status.%s", status)), "ticket", db_text(&g, k, "ticket"),
				      "waitlisted", waitlisted, "checked_in", db_int(&g, k, "checked_in") > 0);
		if (waitlisted)
			json_object_set_new(o, "position", json_integer(db_int(&g, k, "position")));
		/* Coming ones soonest first; past ones latest first. */
		if (ev.ends_at >= now)
			json_array_insert_new(coming, 0, o);
		else
			json_array_append_new(past, o);
	}
	json_t *m = json_pack("{s:o,s:o}", "coming", coming, "past", past);
	http_page(r, out, 200, "events/mine.html", "mine.title", m);
	http_cache_store(r, out, "events", version, MINE_TTL);
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/account/events", my_events, SIGNED_IN, 0, "my-events" },
};

const struct route_table mine_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

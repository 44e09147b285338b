/* door.c: the organizer's check-in page at the door (/events/:id/checkin:
 * tickets scanned with the phone's camera inside the page, search by name
 * or phone, live counts). The scanner itself is web/static/door.js. */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "db/batch.h"
#include "events/cal.h"
#include "events/internal.h"
#include "mail/outbox.h"
#include "view/i18n.h"
#include "view/qr.h"
#include "base/banned.h"

json_t *event_counts(const struct event_row *ev)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "capacity", (json_int_t)ev->capacity, "confirmed",
			 (json_int_t)ev->confirmed, "waitlisted", (json_int_t)ev->waitlisted, "checked_in",
			 (json_int_t)ev->checked_in);
}

static int door(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	int rc;
	int64_t id = ev->id;
	const char *q = trimmed(&r->a, req_query(r, "q"));
	if (text_len(q) > 100)
		return http_error(r, out, 400, "bad_filter", "orgs.err.filter");
	db_res x;
	if (*q)
		rc = db_query(d, &r->a, "SELECT id, name, org, phone, status, ticket, checked_in_at FROM registrations "
					"WHERE event_id = ? AND status <> 'cancelled' AND (lower(name) LIKE '%' || lower(?) || '%' ESCAPE '\\' OR "
					"phone LIKE '%' || ? || '%' ESCAPE '\\' OR ticket = ?) ORDER BY name LIMIT ?",
			      DB_ARGS(DB_INT(id), DB_TEXT(like_literal(&r->a, q)), DB_TEXT(like_literal(&r->a, q)), DB_TEXT(q),
				      DB_INT(DOOR_LIST)), &x, &e);
	else
		rc = db_query(d, &r->a, "SELECT id, name, org, phone, status, ticket, checked_in_at FROM registrations "
					"WHERE event_id = ? AND checked_in_at IS NOT NULL ORDER BY checked_in_at DESC, id DESC LIMIT 20",
			      DB_ARGS(DB_INT(id)), &x, &e);
	if (rc)
		return rc;
	json_t *people = json_array();
	for (int i = 0; i < x.nrows; i++) {
		json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "name", db_get(&x, i, 1), "org", db_get(&x, i, 2),
				      "phone", db_get(&x, i, 3), "ticket", db_get(&x, i, 5), "status_text",
				      T(arena_printf(&r->a, "reg.status.%s", db_get(&x, i, 4))), "can_checkin",
				      !strcmp(db_get(&x, i, 4), "confirmed") && !db_get(&x, i, 6));
		if (db_get(&x, i, 6))
			json_object_set_new(p, "checked_in_at", json_string(clock_hm(&r->a, ev->tz, db_get_int(&x, i, 6))));
		json_array_append_new(people, p);
	}
	buf qu = BUF_INIT;
	buf_url_arg(&qu, q);
	json_t *m = json_pack("{s:{s:I,s:s,s:s},s:o,s:s,s:s,s:o,s:b}", "event", "id", (json_int_t)id, "title", ev->title,
			      "when", event_when(&r->a, r->lang, ev), "counts", event_counts(ev), "q", q, "q_url", qu.s,
			      "people", people, "searched", *q != 0);
	buf_release(&qu);
	/* The scanner's QR decoder, for browsers without BarcodeDetector. */
	const struct embed_file *jsqr = embed_find("web/static/jsQR.js");
	json_object_set_new(m, "jsqr_href", json_string(arena_printf(&r->a, "/static/jsQR.js?v=%s", jsqr ? jsqr->hash : "0")));
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "events/door.html", "door.title", m);
}

static int live_counts(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	(void)r;
	(void)d;
	out->model = event_counts(ev);
	out->cache_control = "no-store";
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/events/:id/checkin", door, ORGANIZER, 0, "event-door", .load = &event_loader },
	{ M_GET, "/events/:id/counts", live_counts, ORGANIZER, 0, "event-counts", .load = &event_loader },
};

const struct route_table door_routes = { routes, COUNT(routes) };

/* tickets.c: a registration's ticket (/t/:code) with its QR code and
 * calendar file, an event's and a series' calendars, and checking a
 * ticket in at the door (the seat's check-in counter is written in one
 * short transaction on the event's locked row). */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "db/batch.h"
#include "events/cal.h"
#include "events/internal.h"
#include "mail/outbox.h"
#include "view/i18n.h"
#include "view/qr.h"
#include "people/people.h"
#include "base/banned.h"

/* ---- tickets ---- */

static int valid_ticket(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	return n == 22 && strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

struct ticket {
	int64_t id, event_id, user_id, checked_in_at;
	const char *code, *name, *org, *title, *status, *checked_in_by;
	struct event_row ev;
};

static int ticket_get(req *r, db *d, const char *code, struct ticket *t, int *found, err *e)
{
	db_res x;
	*found = 0;
	if (!valid_ticket(code))
		return 0;
	int rc = db_query(d, &r->a, "SELECT r.id, r.event_id, coalesce(r.user_id, 0), r.name, r.org, r.title, r.status, "
				    "r.checked_in_at, coalesce(u.display_name, '') FROM registrations r "
				    PEOPLE_JOIN("u", "r.checked_in_by") "WHERE r.ticket = ?",
			  DB_ARGS(DB_TEXT(code)), &x, e);
	if (rc || !x.nrows)
		return rc;
	t->id = db_get_int(&x, 0, 0);
	t->event_id = db_get_int(&x, 0, 1);
	t->user_id = db_get_int(&x, 0, 2);
	t->name = db_get(&x, 0, 3);
	t->org = db_get(&x, 0, 4);
	t->title = db_get(&x, 0, 5);
	t->status = db_get(&x, 0, 6);
	t->checked_in_at = db_get(&x, 0, 7) ? db_get_int(&x, 0, 7) : 0;
	t->checked_in_by = db_get(&x, 0, 8);
	t->code = code;
	return event_get(d, &r->a, t->event_id, r->lang, &t->ev, found, e);
}

/* The ticket the route's :code names, with its event: the loader of the
 * /t/:code routes; an unknown or forged code is 404. */
static int load_ticket(req *r, err *e)
{
	struct ticket *t = arena_alloc(&r->a, sizeof(*t));
	int found;
	int rc = ticket_get(r, r->db, req_param(r, "code"), t, &found, e);
	if (!rc && !found)
		return ERR_NOTFOUND;
	r->row = t;
	return rc;
}

static const struct loader ticket_loader = { "ticket", load_ticket, "no_ticket", "ticket.err.unknown" };

static json_t *ticket_model(req *r, db *d, const struct ticket *t, err *e, int *rc)
{
	json_t *m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:I,s:s,s:s,s:s,s:s,s:s}}", "code", t->code, "name",
			      t->name, "org", t->org, "title", t->title, "status", t->status, "status_text",
			      T(arena_printf(&r->a, "reg.status.%s", t->status)), "event", "id",
			      (json_int_t)t->event_id, "title", t->ev.title, "when", event_when(&r->a, r->lang, &t->ev),
			      "venue", event_venue(r->lang, &t->ev), "address", event_address(r->lang, &t->ev), "city", t->ev.city ? t->ev.city : "");
	*rc = 0;
	if (!strcmp(t->status, "waitlisted")) {
		db_res pos;
		*rc = db_query(d, &r->a, "SELECT count(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted' AND id <= ?",
			       DB_ARGS(DB_INT(t->event_id), DB_INT(t->id)), &pos, e);
		if (!*rc)
			json_object_set_new(m, "position", json_integer(db_get_int(&pos, 0, 0)));
	}
	if (t->checked_in_at)
		json_object_set_new(m, "checked_in", json_pack("{s:s,s:s,s:s}", "at",
							      clock_hm(&r->a, t->ev.tz, t->checked_in_at), "date",
							      clock_date(&r->a, t->ev.tz, t->checked_in_at), "by",
							      t->checked_in_by));
	json_object_set_new(m, "confirmed", json_boolean(!strcmp(t->status, "confirmed")));
	return m;
}

/* How long before its start and after its end a check-in is on the event's
 * day(s): doors open early, and the last guests arrive late. */
enum { CHECKIN_EARLY = 12 * 3600, CHECKIN_LATE = 12 * 3600 };

/* A check-in on a day the event is not on, said with the event's dates. */
static const char *off_day(req *r, const struct ticket *t, int64_t now)
{
	if (now >= t->ev.starts_at - CHECKIN_EARLY && now <= t->ev.ends_at + CHECKIN_LATE)
		return NULL;
	return arena_printf(&r->a, T("ticket.not_event_day"), event_when(&r->a, r->lang, &t->ev));
}

static int ticket_page(req *r, resp *out, unsigned status, const struct ticket *t, const char *notice_key)
{
	err e = ERR_INIT;
	db *d = r->db;
	int rc;
	json_t *tk = ticket_model(r, d, t, &e, &rc);
	if (rc) {
		json_decref(tk);
		return rc;
	}
	int organizer = !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role);
	int64_t now = unix_now();
	json_t *m = json_pack("{s:o,s:b,s:b,s:b}", "ticket", tk, "organizer", organizer, "can_checkin",
			      organizer && !strcmp(t->status, "confirmed") && !t->checked_in_at,
			      "mine", r->user_id && r->user_id == t->user_id && strcmp(t->status, "cancelled") &&
					      !t->checked_in_at && now < t->ev.starts_at);
	/* At the door what matters is said loudly: a ticket scanned twice
	 * says when and by whom, and a check-in on a day the event is not on
	 * says which day it is on. */
	if (notice_key && !strcmp(notice_key, "ticket.err.already") && t->checked_in_at) {
		json_object_set_new(m, "warning", json_string(arena_printf(&r->a, T("ticket.already_at"),
									   clock_date(&r->a, t->ev.tz, t->checked_in_at),
									   clock_hm(&r->a, t->ev.tz, t->checked_in_at),
									   t->checked_in_by && *t->checked_in_by ? t->checked_in_by : "-")));
		notice_key = NULL;
	} else if (notice_key && !strcmp(notice_key, "ticket.other_event")) {
		json_object_set_new(m, "warning", json_string(arena_printf(&r->a, T(notice_key), t->ev.title)));
		notice_key = NULL;
	} else if (notice_key && !strcmp(notice_key, "ticket.checked_in") && off_day(r, t, now)) {
		json_object_set_new(m, "warning", json_string(off_day(r, t, now)));
	}
	if (notice_key)
		json_object_set_new(m, "notice", json_string(T(notice_key)));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/ticket.html", "ticket.title", m);
}

static int ticket(req *r, resp *out)
{
	return ticket_page(r, out, 200, r->row, req_query(r, "checked") ? "ticket.checked_in" : NULL);
}

static int ticket_qr(req *r, resp *out)
{
	const char *code = req_param(r, "code");
	if (!valid_ticket(code))
		return http_error(r, out, 404, "no_ticket", "ticket.err.unknown");
	/* The QR carries the ticket's address: a phone camera opens it, and an
	 * organizer signed in on that phone checks the ticket in from there. */
	return qr_answer(out, arena_printf(&r->a, "%s/t/%s", r->cfg->val[CFG_BASE_URL], code), "private, max-age=86400");
}

/* Fills a cal_event for ev. */
static void cal_of(req *r, const struct event_row *ev, struct cal_event *c)
{
	const char *host = r->cfg->val[CFG_BASE_URL];
	const char *slash = strstr(host, "//");
	*c = (struct cal_event){
		.id = ev->id, .title = ev->title,
		.location = *ev->address ? arena_printf(&r->a, "%s, %s", event_venue(r->lang, ev), event_address(r->lang, ev))
					 : event_venue(r->lang, ev),
		.url = arena_printf(&r->a, "%s/events/%lld", host, (long long)ev->id),
		.host = slash ? slash + 2 : host, .starts_at = ev->starts_at, .ends_at = ev->ends_at,
		.stamp = unix_now(), .cancelled = !strcmp(ev->status, "cancelled"),
		.date_only = !ev->time_known, .tz = ev->tz,
	};
}

static int ics_answer(req *r, resp *out, const struct cal_event *c, int n, const char *name, const char *filename)
{
	err e = ERR_INIT;
	buf b = BUF_INIT;
	int rc = cal_ics(c, n, name, &b, &e);
	if (rc) {
		buf_release(&b);
		log_error("ics: %s", e.msg);
		return rc;
	}
	http_download(r, out, &b, "text/calendar; charset=utf-8", filename);
	out->cache_control = "public, max-age=300";
	return 0;
}

static int ticket_ics(req *r, resp *out)
{
	const struct ticket *t = r->row;
	struct cal_event c;
	cal_of(r, &t->ev, &c);
	c.description = arena_printf(&r->a, "%s: %s/t/%s", T("ticket.title"), r->cfg->val[CFG_BASE_URL], t->code);
	return ics_answer(r, out, &c, 1, NULL, "event.ics");
}

static int event_ics(req *r, resp *out)
{
	struct event_row *ev = r->row;
	if (!strcmp(ev->status, "draft"))
		return http_error(r, out, 404, "not_found", "error.not_found");
	struct cal_event c;
	cal_of(r, ev, &c);
	return ics_answer(r, out, &c, 1, NULL, "event.ics");
}

/* A series' calendar feed: every published event, for calendar apps to
 * subscribe to. */
static int series_ics(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res s, ids;
	int rc = db_query(d, &r->a, "SELECT id, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END FROM event_series WHERE slug = ?",
			  DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_TEXT(req_param(r, "slug"))), &s, &e);
	if (rc || !s.nrows)
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	if ((rc = db_query(d, &r->a, "SELECT id FROM events WHERE series_id = ? AND status <> 'draft' ORDER BY starts_at DESC LIMIT 200",
			   DB_ARGS(DB_INT(db_get_int(&s, 0, 0))), &ids, &e)))
		return rc;
	struct cal_event *c = arena_alloc(&r->a, sizeof(*c) * (size_t)(ids.nrows + 1));
	for (int i = 0; i < ids.nrows; i++) {
		struct event_row ev;
		int found;
		if ((rc = event_get(d, &r->a, db_get_int(&ids, i, 0), r->lang, &ev, &found, &e)))
			return rc;
		cal_of(r, &ev, &c[i]);
	}
	return ics_answer(r, out, c, ids.nrows, db_get(&s, 0, 1), "calendar.ics");
}

/* ---- at the door ---- */

struct checkin_ctx {
	const char *code;
	int64_t by, event_id, at;
	int done;          /* 1: checked in now */
};

static int checkin_tx(db *d, void *p, err *e)
{
	struct checkin_ctx *c = p;
	arena a = ARENA_INIT;
	db_res x;
	int64_t changed = 0;
	c->done = 0;
	/* The event's row first, as every seat transaction takes it. */
	int rc = db_query(d, &a, db_engine_of(d) == DB_POSTGRES ? "SELECT id FROM events WHERE id = ? FOR UPDATE"
								 : "SELECT id FROM events WHERE id = ?",
			  DB_ARGS(DB_INT(c->event_id)), &x, e);
	if (!rc)
		rc = db_exec(d, "UPDATE registrations SET checked_in_at = ?, checked_in_by = ? WHERE ticket = ? AND "
				"status = 'confirmed' AND checked_in_at IS NULL",
			     DB_ARGS(DB_TIME(c->at), DB_INT(c->by), DB_TEXT(c->code)), &changed, e);
	if (!rc && changed)
		rc = db_exec(d, "UPDATE events SET checked_in = checked_in + 1 WHERE id = ?", DB_ARGS(DB_INT(c->event_id)),
			     NULL, e);
	if (!rc && changed)
		rc = auth_audit(d, c->by, "event.checkin", arena_printf(&a, "event:%lld", (long long)c->event_id), c->code,
				NULL, e);
	c->done = !rc && changed;
	arena_release(&a);
	return rc;
}

/* What the door scanner shows after a scan, as JSON: the result, the
 * person, and the message in the page's language, said loudly. */
static int checkin_json(req *r, resp *out, unsigned status, const char *result, const struct ticket *t,
			const char *message)
{
	out->status = status;
	out->model = json_pack("{s:s,s:s,s:b,s:I,s:s,s:s,s:I,s:s,s:s}", "result", result, "status", t->status,
			       "checked_in", !strcmp(result, "checked_in"), "checked_in_at",
			       (json_int_t)t->checked_in_at, "name", t->name, "org", t->org, "event_id",
			       (json_int_t)t->event_id, "event_title", t->ev.title, "message", message);
	/* The time of the scan as the door's log shows it: the event's clock. */
	json_object_set_new(out->model, "scanned_time", json_string(clock_hm(&r->a, t->ev.tz, unix_now())));
	if (t->checked_in_at) {
		json_object_set_new(out->model, "checked_in_time", json_string(clock_hm(&r->a, t->ev.tz, t->checked_in_at)));
		json_object_set_new(out->model, "checked_in_by", json_string(t->checked_in_by));
	}
	return 0;
}

static int checkin(req *r, resp *out)
{
	err e = ERR_INIT;
	struct ticket t = *(const struct ticket *)r->row;
	int found;
	db *d = r->db;
	const char *code = req_param(r, "code");
	int64_t at_door = in_num(r, "event", 0);
	int rc;
	/* The door scanner says which event's door it stands at: a ticket of
	 * another event is named, not checked in. */
	if (at_door && at_door != t.event_id) {
		const char *msg = arena_printf(&r->a, T("ticket.other_event"), t.ev.title);
		if (r->api)
			return checkin_json(r, out, 409, "other_event", &t, msg);
		return ticket_page(r, out, 409, &t, "ticket.other_event");
	}
	struct checkin_ctx c = { code, r->user_id, t.event_id, unix_now(), 0 };
	if ((rc = db_tx(d, checkin_tx, &c, &e))) {
		log_error("check-in: %s", e.msg);
		return rc;
	}
	if ((rc = ticket_get(r, d, code, &t, &found, &e)))
		return rc;
	const char *back = http_local_path(in_text(r, "next"), NULL);
	if (!c.done) {
		/* Scanned twice, or not a seat: say so, with when and by whom. */
		int seat = !strcmp(t.status, "confirmed");
		unsigned status = seat ? 200 : 409;
		if (r->api)
			return checkin_json(r, out, status, seat ? "already" : "not_seat", &t,
					    seat && t.checked_in_at
						    ? arena_printf(&r->a, T("ticket.already_at"),
								   clock_date(&r->a, t.ev.tz, t.checked_in_at),
								   clock_hm(&r->a, t.ev.tz, t.checked_in_at),
								   *t.checked_in_by ? t.checked_in_by : "-")
						    : T("ticket.err.not_seat"));
		return ticket_page(r, out, status, &t, seat ? "ticket.err.already" : "ticket.err.not_seat");
	}
	if (r->api) {
		const char *warn = off_day(r, &t, c.at);
		checkin_json(r, out, 200, "checked_in", &t, warn ? warn : T("ticket.checked_in"));
		json_object_set_new(out->model, "off_day", json_boolean(warn != NULL));
		return 0;
	}
	if (back)
		return http_redirect(r, out, back);
	return http_redirect(r, out, arena_printf(&r->a, "/t/%s?checked=1", code));
}

static const struct input checkin_inputs[] = {
	{ "next", IN_LINE, 0, 0, 500, NULL, NULL }, /* back to the door's list */
	{ "event", IN_INT, 0, 1, INT64_MAX, NULL, NULL }, /* the door it is scanned at */
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/events/:id/event.ics", event_ics, EVERYONE, 0, "event-ics", .load = &event_loader },
	{ M_GET, "/t/:code", ticket, EVERYONE, 0, "ticket", .load = &ticket_loader },
	{ M_GET, "/t/:code/qr.svg", ticket_qr, EVERYONE, 0, "ticket-qr" },
	{ M_GET, "/t/:code/event.ics", ticket_ics, EVERYONE, 0, "ticket-ics", .load = &ticket_loader },
	{ M_POST, "/t/:code/checkin", checkin, ORGANIZER, 1, "ticket-checkin", .load = &ticket_loader, .inputs = checkin_inputs },
	{ M_GET, "/series/:slug/calendar.ics", series_ics, EVERYONE, 0, "series-ics" },
};

const struct route_table tickets_routes = { routes, COUNT(routes) };

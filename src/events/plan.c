/* plan.c: what organizers plan and everyone reads: the events list, the
 * event page (agenda, speakers, organizations, seats), the event form, the
 * timed agenda, cloning from a template event, channel links, the cover
 * image, and the topic library members propose talks into. */
#include <string.h>

#include "auth/auth.h"
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
#include "base/banned.h"

enum { DESC_MAX = 20000, EVENTS_TTL = 60, MAX_ORGS = 30, MAX_SPEAKERS = 8 };

static const char *const statuses[] = { "draft", "published", "open", "closed", "finished", "cancelled" };
static const char *const kinds[] = { "signin", "opening", "talk", "panel", "case", "debate",
				     "closed", "break", "photo", "prize" };
static const char *const roles[] = { "host", "sponsor", "venue", "media" };

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static json_t *options(req *r, const char *prefix, const char *const *list, size_t n, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", list[i], "label",
						   prefix ? T(arena_printf(&r->a, "%s.%s", prefix, list[i])) : list[i],
						   "selected", selected && !strcmp(selected, list[i])));
	return a;
}

/* ---- reading an event ---- */

#define EVENT_COLS "SELECT e.id, coalesce(e.series_id, 0), coalesce(e.city_id, 0), coalesce(e.cover_file_id, 0), " \
	"CASE WHEN ? = 'en' THEN e.title_en ELSE e.title_zh END, e.title_zh, e.title_en, e.tz, e.status, e.venue, " \
	"e.address, CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END, " \
	"CASE WHEN ? = 'en' THEN s.name_en ELSE s.name_zh END, e.description, e.starts_at, e.ends_at, " \
	"e.reg_opens_at, e.reg_closes_at, e.capacity, e.confirmed, e.waitlisted, e.checked_in, e.checklist, " \
	"coalesce(e.seq, 0), coalesce(s.slug, ''), e.registered_text, e.checked_in_text, e.online_text, e.reach_text " \
	"FROM events e LEFT JOIN cities c ON c.id = e.city_id LEFT JOIN event_series s ON s.id = e.series_id "

static void row_event(const db_res *x, int i, struct event_row *ev)
{
	ev->id = db_get_int(x, i, 0);
	ev->series_id = db_get_int(x, i, 1);
	ev->city_id = db_get_int(x, i, 2);
	ev->cover_file_id = db_get_int(x, i, 3);
	ev->title = db_get(x, i, 4);
	ev->title_zh = db_get(x, i, 5);
	ev->title_en = db_get(x, i, 6);
	ev->tz = db_get(x, i, 7);
	ev->status = db_get(x, i, 8);
	ev->venue = db_get(x, i, 9);
	ev->address = db_get(x, i, 10);
	ev->city = db_get(x, i, 11);
	ev->series = db_get(x, i, 12);
	ev->description = db_get(x, i, 13);
	ev->starts_at = db_get_int(x, i, 14);
	ev->ends_at = db_get_int(x, i, 15);
	ev->reg_opens_at = db_get(x, i, 16) ? db_get_int(x, i, 16) : 0;
	ev->reg_closes_at = db_get(x, i, 17) ? db_get_int(x, i, 17) : 0;
	ev->capacity = db_get_int(x, i, 18);
	ev->confirmed = db_get_int(x, i, 19);
	ev->waitlisted = db_get_int(x, i, 20);
	ev->checked_in = db_get_int(x, i, 21);
	ev->series_slug = db_get(x, i, 24);
	for (int k = 0; k < FIGURES; k++)
		ev->figure[k] = db_get(x, i, 25 + k);
}

static int event_read(db *d, arena *a, int64_t id, int lang, int lock, struct event_row *ev, int *found, err *e)
{
	db_res x;
	const char *l = lang_code(lang);
	/* SQLite has no row locks: its writer holds the whole database. */
	int rc = db_query(d, a, lock && db_engine_of(d) == DB_POSTGRES ? EVENT_COLS "WHERE e.id = ? FOR UPDATE OF e"
								      : EVENT_COLS "WHERE e.id = ?",
			  DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TEXT(l), DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		row_event(&x, 0, ev);
	return rc;
}

int event_get(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e)
{
	return event_read(d, a, id, lang, 0, ev, found, e);
}

int events_lock(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e)
{
	return event_read(d, a, id, lang, 1, ev, found, e);
}

/* The route's :id as an event: the loader of every route about one event. */
static int load_event(req *r, err *e)
{
	int64_t id;
	int found;
	if (req_id(r, &id))
		return ERR_NOTFOUND;
	struct event_row *ev = arena_alloc(&r->a, sizeof(*ev));
	int rc = event_get(r->db, &r->a, id, r->lang, ev, &found, e);
	if (!rc && !found)
		return ERR_NOTFOUND;
	r->row = ev;
	return rc;
}

const struct loader event_loader = { "event", load_event, NULL, NULL };

const char *event_when(arena *a, int lang, const struct event_row *ev)
{
	return clock_span(a, lang, ev->tz, ev->starts_at, ev->ends_at);
}

const char *event_closed_reason(const struct event_row *ev, int64_t now)
{
	if (!strcmp(ev->status, "cancelled"))
		return "events.closed.cancelled";
	if (!strcmp(ev->status, "finished") || now >= ev->ends_at)
		return "events.closed.over";
	if (!strcmp(ev->status, "closed") || (ev->reg_closes_at && now >= ev->reg_closes_at))
		return "events.closed.closed";
	if (strcmp(ev->status, "open") || (ev->reg_opens_at && now < ev->reg_opens_at))
		return "events.closed.not_yet";
	return NULL;
}

/* The agenda, with each item's speakers, as the page and the API show it. */
static int agenda(req *r, db *d, const struct event_row *ev, json_t **out, err *e)
{
	db_res it, sp;
	int rc = db_query(d, &r->a, "SELECT id, starts_at, ends_at, kind, title, coalesce(slides_url, '') AS slides_url, "
				    "coalesce(topic_id, 0), time_known FROM event_items WHERE event_id = ? ORDER BY starts_at, id",
			  DB_ARGS(DB_INT(ev->id)), &it, e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT s.item_id, s.pos, coalesce(s.user_id, 0), s.name, coalesce(s.org_id, 0), "
					"CASE WHEN o.id IS NULL THEN s.org_name WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) "
					"ELSE o.name_zh END FROM item_speakers s JOIN event_items i ON i.id = s.item_id "
					"LEFT JOIN orgs o ON o.id = s.org_id WHERE i.event_id = ? ORDER BY s.item_id, s.pos",
			      DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_INT(ev->id)), &sp, e);
	*out = NULL;
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < it.nrows; i++) {
		int64_t item = db_get_int(&it, i, 0);
		json_t *speakers = json_array();
		buf names = BUF_INIT;
		/* Items come in time order, speakers in item order: a day's
		 * agenda is short enough to match them by scanning. */
		for (int k = 0; k < sp.nrows; k++) {
			if (db_get_int(&sp, k, 0) != item)
				continue;
			json_t *s = json_pack("{s:s,s:s}", "name", db_get(&sp, k, 3), "org", db_get(&sp, k, 5));
			if (db_get_int(&sp, k, 2))
				json_object_set_new(s, "user_id", json_integer(db_get_int(&sp, k, 2)));
			if (db_get_int(&sp, k, 4))
				json_object_set_new(s, "org_id", json_integer(db_get_int(&sp, k, 4)));
			json_array_append_new(speakers, s);
			buf_addf(&names, "%s%s%s%s", names.len ? "\n" : "", db_get(&sp, k, 3), *db_get(&sp, k, 5) ? " / " : "",
				 db_get(&sp, k, 5));
		}
		/* Imported past items may have no recorded time. */
		int timed = (int)db_get_int(&it, i, 7);
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s}", "id", (json_int_t)item,
						       "start", timed ? clock_hm(&r->a, ev->tz, db_get_int(&it, i, 1)) : "", "end",
						       timed ? clock_hm(&r->a, ev->tz, db_get_int(&it, i, 2)) : "", "kind", db_get(&it, i, 3),
						       "kind_text", T(arena_printf(&r->a, "kind.%s", db_get(&it, i, 3))),
						       "title", db_get(&it, i, 4), "slides_url", db_get(&it, i, 5),
						       "speakers", speakers, "speakers_text", names.len ? names.s : ""));
		json_object_set_new(json_array_get(items, json_array_size(items) - 1), "date",
				    json_string(clock_date(&r->a, ev->tz, db_get_int(&it, i, 1))));
		buf_release(&names);
	}
	*out = items;
	return 0;
}

/* The event as the page and the API show it. */
static int event_model(req *r, db *d, const struct event_row *ev, json_t **out, err *e)
{
	db_res orgs;
	json_t *items;
	int rc = agenda(r, d, ev, &items, e);
	if (!rc)
		/* Hosts and partners, then who came: the organizations named as
		 * attending and those of checked-in people, matched to the
		 * directory by any name or alias. Names are read by key, one
		 * row per organization found: a join here lets PostgreSQL hash
		 * the whole directory. */
		rc = db_query(d, &r->a, "WITH came AS (SELECT DISTINCT 'attendee' AS k, lower(org) AS name FROM registrations "
					"WHERE event_id = ? AND checked_in_at IS NOT NULL AND org <> '') "
					"SELECT x.role, x.org_id, (SELECT CASE WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) "
					"ELSE o.name_zh END FROM orgs o WHERE o.id = x.org_id) "
					"FROM (SELECT role, org_id FROM event_orgs WHERE event_id = ? UNION "
					ORGS_MATCH_SQL("came") ") x "
					"ORDER BY CASE x.role WHEN 'host' THEN 1 WHEN 'sponsor' THEN 2 "
					"WHEN 'venue' THEN 3 WHEN 'media' THEN 4 ELSE 5 END, x.org_id",
			      DB_ARGS(DB_INT(ev->id), DB_TEXT(lang_code(r->lang)), DB_INT(ev->id)), &orgs, e);
	*out = NULL;
	if (rc) {
		json_decref(items);
		return rc;
	}
	json_t *groups = json_array(), *g = NULL, *came = json_array();
	for (int i = 0; i < orgs.nrows; i++) {
		if (!strcmp(db_get(&orgs, i, 0), "attendee")) {
			json_array_append_new(came, json_pack("{s:I,s:s}", "id", (json_int_t)db_get_int(&orgs, i, 1), "name",
							      db_get(&orgs, i, 2)));
			continue;
		}
		if (!g || strcmp(json_string_value(json_object_get(g, "role")), db_get(&orgs, i, 0))) {
			g = json_pack("{s:s,s:s,s:[]}", "role", db_get(&orgs, i, 0), "role_text",
				      T(arena_printf(&r->a, "orgs.role.%s", db_get(&orgs, i, 0))), "list");
			json_array_append_new(groups, g);
		}
		json_array_append_new(json_object_get(g, "list"), json_pack("{s:I,s:s}", "id",
						(json_int_t)db_get_int(&orgs, i, 1), "name", db_get(&orgs, i, 2)));
	}
	buf html = BUF_INIT;
	markdown_html(ev->description, &html);
	int64_t now = unix_now();
	const char *why = event_closed_reason(ev, now);
	int64_t left = ev->capacity - ev->confirmed;
	json_t *m = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:b,s:b,s:o,s:o}",
			      "id", (json_int_t)ev->id, "title", ev->title, "title_zh", ev->title_zh, "title_en",
			      ev->title_en, "series", ev->series ? ev->series : "", "city", ev->city ? ev->city : "",
			      "venue", ev->venue, "address", ev->address, "tz", ev->tz, "when",
			      event_when(&r->a, r->lang, ev), "date", clock_date(&r->a, ev->tz, ev->starts_at), "status",
			      ev->status, "status_text", T(arena_printf(&r->a, "event.status.%s", ev->status)),
			      "description_html", html.s, "capacity", (json_int_t)ev->capacity, "confirmed",
			      (json_int_t)ev->confirmed, "waitlisted", (json_int_t)ev->waitlisted, "checked_in",
			      (json_int_t)ev->checked_in, "seats_left", (json_int_t)(left > 0 ? left : 0), "open", !why,
			      "full", !why && left <= 0, "agenda", items, "orgs", groups);
	json_object_set_new(m, "attending", came);
	json_object_set_new(m, "attending_count", json_integer((json_int_t)json_array_size(came)));
	buf_release(&html);
	if (why)
		json_object_set_new(m, "closed_text", json_string(T(why)));
	if (ev->cover_file_id)
		json_object_set_new(m, "cover_file_id", json_integer(ev->cover_file_id));
	if (ev->reg_opens_at && now < ev->reg_opens_at)
		json_object_set_new(m, "opens", json_string(arena_printf(&r->a, "%s %s", clock_date(&r->a, ev->tz, ev->reg_opens_at),
									 clock_hm(&r->a, ev->tz, ev->reg_opens_at))));
	json_object_set_new(m, "series_slug", json_string(ev->series_slug));
	json_object_set_new(m, "starts_at", json_integer(ev->starts_at));
	json_object_set_new(m, "ends_at", json_integer(ev->ends_at));
	json_object_set_new(m, "past", json_boolean(ev->ends_at < now || !strcmp(ev->status, "finished")));
	/* The record, the debate and the draws: what other features show here. */
	if ((rc = features_sections("event", r, d, ev, m, e))) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

int event_page(req *r, resp *out, db *d, int64_t id, unsigned status, json_t *form, json_t *errors)
{
	err e = ERR_INIT;
	struct event_row ev;
	int found, rc;
	int organizer = !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role);
	static const char *const args[] = { "via", "cancelled", NULL };
	int64_t version = 0;
	int sent_back = form != NULL; /* a refused form is answered, never kept */
	if (!sent_back && (rc = http_cache_lookup(r, out, d, "events", args, &version, &e)))
		return rc > 0 ? 0 : rc;
	if ((rc = event_get(d, &r->a, id, r->lang, &ev, &found, &e)) || !found || (!strcmp(ev.status, "draft") && !organizer)) {
		json_decref(form);
		json_decref(errors);
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	}
	json_t *em;
	if ((rc = event_model(r, d, &ev, &em, &e))) {
		json_decref(form);
		json_decref(errors);
		return rc;
	}
	json_t *m = json_pack("{s:o,s:b,s:s}", "event", em, "organizer", organizer, "via",
			      form ? json_string_value(json_object_get(form, "via")) : "");
	const char *via = req_query(r, "via");
	if (!form && via && text_len(via) <= 40 && !has_control(via))
		json_object_set_new(m, "via", json_string(via));
	/* A member sees where they stand, and the form prefilled from their profile. */
	if (r->user_id) {
		db_res mine, u;
		rc = db_query(d, &r->a, "SELECT status, ticket, (SELECT count(*) FROM registrations w WHERE w.event_id = r.event_id "
					"AND w.status = 'waitlisted' AND w.id <= r.id) FROM registrations r WHERE r.event_id = ? "
					"AND r.user_id = ? AND r.status <> 'cancelled'",
			      DB_ARGS(DB_INT(id), DB_INT(r->user_id)), &mine, &e);
		if (!rc && !form)
			rc = db_query(d, &r->a, "SELECT u.display_name AS name, coalesce(o.name_zh, '') AS org, "
						"coalesce(u.title, '') AS title, coalesce(u.phone, '') AS phone FROM users u "
						"LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = ?",
				      DB_ARGS(DB_INT(r->user_id)), &u, &e);
		if (rc) {
			json_decref(m);
			json_decref(form);
			json_decref(errors);
			return rc;
		}
		if (mine.nrows)
			json_object_set_new(m, "mine", json_pack("{s:s,s:s,s:s,s:b,s:I}", "status", db_get(&mine, 0, 0),
								 "status_text", T(arena_printf(&r->a, "reg.status.%s", db_get(&mine, 0, 0))),
								 "ticket", db_get(&mine, 0, 1), "waitlisted",
								 !strcmp(db_get(&mine, 0, 0), "waitlisted"), "position",
								 (json_int_t)db_get_int(&mine, 0, 2)));
		if (!form && u.nrows)
			form = db_row_json(&u, 0);
		/* Their entries in the prize draws; a refused entry comes back
		 * to its draw, not to the registration form. */
		json_t *refused = errors ? json_object_get(errors, "draw") : NULL;
		struct event_member v = { &ev, em, refused };
		if ((rc = features_sections("event.member", r, d, &v, m, &e))) {
			json_decref(m);
			json_decref(form);
			json_decref(errors);
			return rc;
		}
		if (refused) {
			json_decref(errors);
			errors = NULL;
		}
	}
	if (form)
		json_object_set_new(m, "form", form);
	if (errors) {
		json_object_set_new(m, "errors", errors);
		if (json_object_size(errors))
			json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", status == 409 ? "closed" : "invalid",
								 "message", json_object_get(errors, "registration") ?
								 json_string_value(json_object_get(errors, "registration")) :
								 T("form.fix_errors"), "fields", errors));
	}
	if (req_query(r, "cancelled"))
		json_object_set_new(m, "notice", json_string(T("events.cancelled")));
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("events.saved")));
	int64_t no;
	if (!parse_i64(req_query(r, "entered"), 1, INT64_MAX, &no))
		json_object_set_new(m, "notice", json_string(arena_printf(&r->a, T("draw.entered"), (long long)no)));
	if (req_query(r, "withdrawn"))
		json_object_set_new(m, "notice", json_string(T("draw.withdrawn")));
	http_page(r, out, status, "events/show.html", NULL, m);
	out->title_text = ev.title;
	if (!sent_back)
		http_cache_store(r, out, "events", version, EVENTS_TTL);
	return 0;
}

typedef int (*event_page_fn)(req *r, resp *out, db *d, int64_t id, unsigned status, json_t *form, json_t *errors);

/* A page about the route's event, as it first shows (no form sent yet). */
static int page_of_route(req *r, resp *out, event_page_fn page)
{
	int64_t id;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	return page(r, out, d, id, 200, NULL, NULL);
}

static int show(req *r, resp *out)
{
	return page_of_route(r, out, event_page);
}

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
		row_event(&x, i, &ev);
		int64_t left = ev.capacity - ev.confirmed;
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "id", (json_int_t)ev.id, "title", ev.title,
				      "when", event_when(&r->a, r->lang, &ev), "city", ev.city ? ev.city : "", "venue",
				      ev.venue, "status", ev.status, "status_text",
				      T(arena_printf(&r->a, "event.status.%s", ev.status)), "seats_left",
				      (json_int_t)(left > 0 ? left : 0), "open", !event_closed_reason(&ev, now));
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
	http_page(r, out, 200, "events/list.html", "events.title", m);
	if (page_slug)
		out->title_text = db_get(&s, current, 1);
	http_cache_store(r, out, "events", version, EVENTS_TTL);
	return 0;
}

/* ---- the event form ---- */

struct event_form {
	const char *title_zh, *title_en, *venue, *address, *tz, *date, *start, *end, *end_date, *status, *description,
		*checklist, *opens_date, *opens_time, *closes_date, *closes_time, *capacity_text;
	const char *orgs_text[4]; /* host, sponsor, venue, media: names, one per line or comma */
	int64_t series_id, city_id, capacity, seq;
	int64_t starts_at, ends_at, opens_at, closes_at;
	int64_t org_ids[4][MAX_ORGS];
	int norgs[4];
};

static const char *form_text(req *r, const char *name)
{
	return trimmed(&r->a, req_form(r, name));
}

static int64_t optional_time(const char *tz, const char *date, const char *hm, json_t *errors, const char *field,
			     req *r)
{
	if (!*date && !*hm)
		return 0;
	int64_t t = clock_parse(tz, date, *hm ? hm : "00:00");
	if (t < 0)
		json_object_set_new(errors, field, json_string(T("events.err.time")));
	return t < 0 ? 0 : t;
}

static int split_orgs(req *r, db *d, struct event_form *f, int k, json_t *errors, err *e)
{
	const char *names[MAX_ORGS + 1];
	int n = orgs_split_list(&r->a, f->orgs_text[k], names, MAX_ORGS + 1);
	f->norgs[k] = 0;
	for (int i = 0; i < n; i++) {
		int64_t id;
		int rc = orgs_find(d, &r->a, names[i], &id, e);
		if (rc)
			return rc;
		if (!id || f->norgs[k] == MAX_ORGS) {
			json_object_set_new(errors, arena_printf(&r->a, "orgs_%s", roles[k]),
					    json_string(arena_printf(&r->a, "%s: %s", names[i], T("events.err.org_unknown"))));
			continue;
		}
		f->org_ids[k][f->norgs[k]++] = id;
	}
	return 0;
}

static int read_event_form(req *r, db *d, struct event_form *f, json_t *errors, err *e)
{
	f->title_zh = form_text(r, "title_zh");
	f->title_en = form_text(r, "title_en");
	f->venue = form_text(r, "venue");
	f->address = form_text(r, "address");
	f->tz = form_text(r, "tz");
	f->date = form_text(r, "date");
	f->end_date = form_text(r, "end_date");
	f->start = form_text(r, "start");
	f->end = form_text(r, "end");
	f->status = form_text(r, "status");
	f->description = form_text(r, "description");
	f->checklist = form_text(r, "checklist");
	f->opens_date = form_text(r, "opens_date");
	f->opens_time = form_text(r, "opens_time");
	f->closes_date = form_text(r, "closes_date");
	f->closes_time = form_text(r, "closes_time");
	f->capacity_text = form_text(r, "capacity");
	for (int k = 0; k < 4; k++)
		f->orgs_text[k] = form_text(r, arena_printf(&r->a, "orgs_%s", roles[k]));
	const char *series = form_text(r, "series"), *city = form_text(r, "city");
	f->series_id = f->city_id = 0;
	if (*series && parse_i64(series, 1, INT64_MAX, &f->series_id))
		json_object_set_new(errors, "series", json_string(T("events.err.series")));
	if (*city && parse_i64(city, 1, INT64_MAX, &f->city_id))
		json_object_set_new(errors, "city", json_string(T("subscribe.err.city")));
	if (!*f->title_zh || text_len(f->title_zh) > 200 || has_control(f->title_zh))
		json_object_set_new(errors, "title_zh", json_string(T("events.err.title_text")));
	if (text_len(f->title_en) > 200 || has_control(f->title_en))
		json_object_set_new(errors, "title_en", json_string(T("events.err.title_text")));
	if (text_len(f->venue) > 200 || has_control(f->venue))
		json_object_set_new(errors, "venue", json_string(T("events.err.venue")));
	if (text_len(f->address) > 300 || has_control(f->address))
		json_object_set_new(errors, "address", json_string(T("events.err.venue")));
	if (!clock_zone_ok(f->tz)) {
		json_object_set_new(errors, "tz", json_string(T("events.err.tz")));
		f->tz = "Asia/Shanghai";
	}
	if (!in_list(f->status, statuses, COUNT(statuses)))
		json_object_set_new(errors, "status", json_string(T("events.err.status")));
	f->starts_at = clock_parse(f->tz, f->date, f->start);
	f->ends_at = clock_parse(f->tz, *f->end_date ? f->end_date : f->date, f->end);
	if (f->starts_at < 0 || f->ends_at < 0)
		json_object_set_new(errors, "date", json_string(T("events.err.time")));
	else if (f->ends_at <= f->starts_at)
		json_object_set_new(errors, "date", json_string(T("events.err.ends_before")));
	else if (f->ends_at - f->starts_at > 14 * 86400)
		json_object_set_new(errors, "date", json_string(T("events.err.too_long")));
	if (parse_i64(f->capacity_text, 0, 1000000, &f->capacity))
		json_object_set_new(errors, "capacity", json_string(T("events.err.capacity")));
	f->opens_at = optional_time(f->tz, f->opens_date, f->opens_time, errors, "opens", r);
	f->closes_at = optional_time(f->tz, f->closes_date, f->closes_time, errors, "closes", r);
	if (f->opens_at && f->closes_at && f->closes_at <= f->opens_at)
		json_object_set_new(errors, "closes", json_string(T("events.err.closes")));
	if (text_len(f->description) > DESC_MAX)
		json_object_set_new(errors, "description", json_string(T("orgs.err.description")));
	if (text_len(f->checklist) > 4000)
		json_object_set_new(errors, "checklist", json_string(T("orgs.err.description")));
	for (int k = 0; k < 4; k++) {
		int rc = split_orgs(r, d, f, k, errors, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int form_page(req *r, resp *out, db *d, unsigned status, int64_t id, const struct event_form *f, json_t *errors)
{
	err e = ERR_INIT;
	db_res s, c;
	const char *l = lang_code(r->lang);
	int rc = db_query(d, &r->a, "SELECT id, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END FROM event_series ORDER BY id",
			  DB_ARGS(DB_TEXT(l)), &s, &e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT id, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END FROM cities ORDER BY id",
			      DB_ARGS(DB_TEXT(l)), &c, &e);
	if (rc) {
		json_decref(errors);
		return rc;
	}
	json_t *series = json_array(), *cities = json_array();
	for (int i = 0; i < s.nrows; i++)
		json_array_append_new(series, json_pack("{s:I,s:s,s:b}", "value", (json_int_t)db_get_int(&s, i, 0), "label",
							db_get(&s, i, 1), "selected", db_get_int(&s, i, 0) == f->series_id));
	for (int i = 0; i < c.nrows; i++)
		json_array_append_new(cities, json_pack("{s:I,s:s,s:b}", "value", (json_int_t)db_get_int(&c, i, 0), "label",
							db_get(&c, i, 1), "selected", db_get_int(&c, i, 0) == f->city_id));
	json_t *form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o}",
				 "title_zh", f->title_zh, "title_en", f->title_en, "venue", f->venue, "address",
				 f->address, "date", f->date, "end_date", f->end_date, "start", f->start, "end", f->end,
				 "description", f->description, "checklist", f->checklist, "opens_date", f->opens_date,
				 "opens_time", f->opens_time, "closes_date", f->closes_date, "closes_time", f->closes_time,
				 "capacity", f->capacity_text, "orgs_host", f->orgs_text[0], "orgs_sponsor", f->orgs_text[1],
				 "orgs_venue", f->orgs_text[2], "orgs_media", f->orgs_text[3], "series", series, "cities",
				 cities, "statuses", options(r, "event.status", statuses, COUNT(statuses), f->status), "zones",
				 json_array());
	for (int i = 0; clock_zones[i]; i++)
		json_array_append_new(json_object_get(form, "zones"), json_pack("{s:s,s:s,s:b}", "value", clock_zones[i], "label",
						 clock_zones[i], "selected", !strcmp(clock_zones[i], f->tz)));
	json_t *m = json_pack("{s:o,s:o,s:s}", "form", form, "errors", errors, "action",
			      id ? arena_printf(&r->a, "/events/%lld/edit", (long long)id) : "/events/new");
	if (id)
		json_object_set_new(m, "id", json_integer(id));
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
							 T("form.fix_errors"), "fields", errors));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/edit.html", id ? "events.edit" : "events.new", m);
}

static int new_form(req *r, resp *out)
{
	db *d = r->db;
	struct event_form f = { .title_zh = "", .title_en = "", .venue = "", .address = "", .tz = "Asia/Shanghai",
				.date = "", .end_date = "", .start = "09:00", .end = "17:30", .status = "draft",
				.description = "", .checklist = "", .opens_date = "", .opens_time = "", .closes_date = "",
				.closes_time = "", .capacity_text = "100", .orgs_text = { "", "", "", "" } };
	return form_page(r, out, d, 200, 0, &f, json_object());
}

static const char *orgs_lines(req *r, db *d, int64_t id, const char *role, err *e, int *rc)
{
	db_res x;
	*rc = db_query(d, &r->a, "SELECT o.name_zh FROM event_orgs eo JOIN orgs o ON o.id = eo.org_id WHERE eo.event_id = ? "
				 "AND eo.role = ? ORDER BY o.id", DB_ARGS(DB_INT(id), DB_TEXT(role)), &x, e);
	buf b = BUF_INIT;
	for (int i = 0; !*rc && i < x.nrows; i++)
		buf_addf(&b, "%s%s", i ? "\n" : "", db_get(&x, i, 0));
	const char *s = arena_strdup(&r->a, b.len ? b.s : "");
	buf_release(&b);
	return s;
}

static int edit_form(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	int rc;
	int64_t id = ev->id;
	db_res x;
	if ((rc = db_query(d, &r->a, "SELECT checklist FROM events WHERE id = ?", DB_ARGS(DB_INT(id)), &x, &e)))
		return rc;
	const char *ed = clock_date(&r->a, ev->tz, ev->ends_at), *sd = clock_date(&r->a, ev->tz, ev->starts_at);
	struct event_form f = {
		.title_zh = ev->title_zh, .title_en = ev->title_en, .venue = ev->venue, .address = ev->address, .tz = ev->tz,
		.date = sd, .end_date = strcmp(sd, ed) ? ed : "", .start = clock_hm(&r->a, ev->tz, ev->starts_at),
		.end = clock_hm(&r->a, ev->tz, ev->ends_at), .status = ev->status, .description = ev->description,
		.checklist = db_get(&x, 0, 0),
		.opens_date = ev->reg_opens_at ? clock_date(&r->a, ev->tz, ev->reg_opens_at) : "",
		.opens_time = ev->reg_opens_at ? clock_hm(&r->a, ev->tz, ev->reg_opens_at) : "",
		.closes_date = ev->reg_closes_at ? clock_date(&r->a, ev->tz, ev->reg_closes_at) : "",
		.closes_time = ev->reg_closes_at ? clock_hm(&r->a, ev->tz, ev->reg_closes_at) : "",
		.capacity_text = arena_printf(&r->a, "%lld", (long long)ev->capacity),
		.series_id = ev->series_id, .city_id = ev->city_id,
	};
	for (int k = 0; k < 4 && !rc; k++)
		f.orgs_text[k] = orgs_lines(r, d, id, roles[k], &e, &rc);
	if (rc)
		return rc;
	return form_page(r, out, d, 200, id, &f, json_object());
}

struct save_ctx {
	req *r;
	struct event_form *f;
	int64_t id;
	int64_t confirmed; /* when the capacity would fall below it */
	int promoted;
};

static int save_tx(db *d, void *p, err *e)
{
	struct save_ctx *c = p;
	struct event_form *f = c->f;
	arena *a = &c->r->a;
	int64_t now = unix_now();
	int rc;
	c->confirmed = -1;
	c->promoted = 0;
	const db_param fields[] = {
		f->series_id ? DB_INT(f->series_id) : DB_NULL, DB_TEXT(f->title_zh),
		DB_TEXT(*f->title_en ? f->title_en : f->title_zh), f->city_id ? DB_INT(f->city_id) : DB_NULL,
		DB_TEXT(f->venue), DB_TEXT(f->address), DB_TEXT(f->tz), DB_TIME(f->starts_at), DB_TIME(f->ends_at),
		DB_TEXT(f->status), DB_INT(f->capacity), DB_TEXT(f->description), DB_TEXT(f->checklist),
		f->opens_at ? DB_TIME(f->opens_at) : DB_NULL, f->closes_at ? DB_TIME(f->closes_at) : DB_NULL, DB_TIME(now),
	};
	enum { NF = sizeof(fields) / sizeof(fields[0]) };
	db_param p2[NF + 1];
	memcpy(p2, fields, sizeof(fields));
	if (c->id) {
		struct event_row ev;
		int found;
		if ((rc = events_lock(d, a, c->id, c->r->lang, &ev, &found, e)))
			return rc;
		if (!found)
			return ERR_NOTFOUND;
		/* Seats already given are kept: the capacity cannot go below them. */
		if (f->capacity < ev.confirmed) {
			c->confirmed = ev.confirmed;
			return ERR_INPUT;
		}
		p2[NF] = DB_INT(c->id);
		if ((rc = db_exec(d, "UPDATE events SET series_id = ?, title_zh = ?, title_en = ?, city_id = ?, venue = ?, "
				     "address = ?, tz = ?, starts_at = ?, ends_at = ?, status = ?, capacity = ?, description = ?, "
				     "checklist = ?, reg_opens_at = ?, reg_closes_at = ?, updated_at = ? WHERE id = ?",
				  p2, NF + 1, NULL, e)))
			return rc;
		/* More seats (or an event reopened): the waitlist moves up. */
		ev.capacity = f->capacity;
		ev.status = f->status;
		if ((rc = events_promote(d, a, c->r->cfg->val[CFG_BASE_URL], &ev, &c->promoted, e)))
			return rc;
	} else {
		db_res x;
		p2[NF] = DB_TIME(now);
		if ((rc = db_query(d, a, "INSERT INTO events (series_id, title_zh, title_en, city_id, venue, address, tz, "
					 "starts_at, ends_at, status, capacity, description, checklist, reg_opens_at, reg_closes_at, "
					 "updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				   p2, NF + 1, &x, e)))
			return rc;
		c->id = db_get_int(&x, 0, 0);
	}
	if ((rc = db_exec(d, "DELETE FROM event_orgs WHERE event_id = ? AND role <> 'attendee'", DB_ARGS(DB_INT(c->id)),
			  NULL, e)))
		return rc;
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < f->norgs[k]; i++)
			if ((rc = db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
					  DB_ARGS(DB_INT(c->id), DB_INT(f->org_ids[k][i]), DB_TEXT(roles[k])), NULL, e)))
				return rc;
	return auth_audit(d, c->r->user_id, "event.save", arena_printf(a, "event:%lld", (long long)c->id), f->title_zh,
			  c->r->client, e);
}

static int save(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id = 0;
	if (req_param(r, "id") && req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	struct event_form f;
	memset(&f, 0, sizeof(f));
	json_t *errors = json_object();
	int rc = read_event_form(r, d, &f, errors, &e);
	if (rc) {
		json_decref(errors);
		return rc;
	}
	if (json_object_size(errors))
		return form_page(r, out, d, 422, id, &f, errors);
	struct save_ctx c = { r, &f, id, -1, 0 };
	rc = db_tx(d, save_tx, &c, &e);
	if (rc == ERR_NOTFOUND) {
		json_decref(errors);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (rc == ERR_INPUT) {
		json_object_set_new(errors, "capacity", json_string(arena_printf(&r->a, T("events.err.capacity_below"),
										 (long long)c.confirmed)));
		return form_page(r, out, d, 409, id, &f, errors);
	}
	json_decref(errors);
	if (rc) {
		log_error("event save: %s", e.msg);
		return rc;
	}
	if (c.promoted)
		outbox_kick();
	if (r->api) {
		out->status = id ? 200 : 201;
		out->model = json_pack("{s:I,s:i}", "id", (json_int_t)c.id, "promoted", c.promoted);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld?saved=1", (long long)c.id));
}

/* ---- the agenda ---- */

struct item_form {
	const char *date, *start, *end, *kind, *title, *slides, *speakers_text;
	int64_t starts_at, ends_at, item_id, topic_id;
	const char *names[MAX_SPEAKERS], *org_names[MAX_SPEAKERS];
	int64_t users[MAX_SPEAKERS], org_ids[MAX_SPEAKERS];
	int nspeakers;
};

/* "张三 / 阿里云" per line: a guest with an organization; a member's email
 * address names the member, with their profile's organization. */
static int read_speakers(req *r, db *d, struct item_form *f, json_t *errors, err *e)
{
	char *s = arena_strdup(&r->a, f->speakers_text), *save = NULL;
	f->nspeakers = 0;
	for (char *line = strtok_r(s, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		char *t = trimmed(&r->a, line);
		if (!*t)
			continue;
		if (f->nspeakers == MAX_SPEAKERS || text_len(t) > 200 || has_control(t)) {
			json_object_set_new(errors, "speakers", json_string(T("events.err.speakers")));
			return 0;
		}
		int k = f->nspeakers++;
		f->users[k] = f->org_ids[k] = 0;
		char *slash = strchr(t, '/');
		const char *org = "";
		if (slash) {
			*slash = '\0';
			org = trimmed(&r->a, slash + 1);
			t = trimmed(&r->a, t);
		}
		if (valid_email(ascii_lower(t))) {
			db_res u;
			int rc = db_query(d, &r->a, "SELECT id, display_name, coalesce(org_id, 0) FROM users WHERE email = ? "
						    "AND deleted_at IS NULL", DB_ARGS(DB_TEXT(t)), &u, e);
			if (rc)
				return rc;
			if (!u.nrows) {
				json_object_set_new(errors, "speakers", json_string(arena_printf(&r->a, "%s: %s", t,
									T("events.err.no_member"))));
				return 0;
			}
			f->users[k] = db_get_int(&u, 0, 0);
			t = arena_strdup(&r->a, db_get(&u, 0, 1));
			f->org_ids[k] = db_get_int(&u, 0, 2);
		}
		f->names[k] = t;
		f->org_names[k] = org;
		if (*org && !f->org_ids[k]) {
			int rc = orgs_find(d, &r->a, org, &f->org_ids[k], e);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int read_item(req *r, db *d, const struct event_row *ev, struct item_form *f, json_t *errors, err *e)
{
	f->date = form_text(r, "date");
	if (!*f->date)
		f->date = clock_date(&r->a, ev->tz, ev->starts_at);
	f->start = form_text(r, "start");
	f->end = form_text(r, "end");
	f->kind = form_text(r, "kind");
	f->title = form_text(r, "title");
	f->slides = form_text(r, "slides_url");
	f->speakers_text = form_text(r, "speakers");
	f->starts_at = clock_parse(ev->tz, f->date, f->start);
	f->ends_at = clock_parse(ev->tz, f->date, f->end);
	if (!in_list(f->kind, kinds, COUNT(kinds)))
		json_object_set_new(errors, "kind", json_string(T("events.err.kind")));
	if (!*f->title || text_len(f->title) > 200 || has_control(f->title))
		json_object_set_new(errors, "title", json_string(T("events.err.title_text")));
	/* Slides are a link, or a path on this site (uploaded slides). */
	if (*f->slides && !valid_url(f->slides, 300) &&
	    (f->slides[0] != '/' || f->slides[1] == '/' || text_len(f->slides) > 300 || has_control(f->slides) ||
	     strpbrk(f->slides, " \"<>")))
		json_object_set_new(errors, "slides_url", json_string(T("orgs.err.website")));
	if (f->starts_at < 0 || f->ends_at < 0)
		json_object_set_new(errors, "start", json_string(T("events.err.time")));
	else if (f->ends_at < f->starts_at)
		json_object_set_new(errors, "start", json_string(T("events.err.ends_before")));
	else {
		/* Items fall on the event's own day(s), in its time zone. */
		int64_t first = clock_parse(ev->tz, clock_date(&r->a, ev->tz, ev->starts_at), "00:00");
		int64_t last = clock_parse(ev->tz, clock_date(&r->a, ev->tz, ev->ends_at), "23:59") + 60;
		if (f->starts_at < first || f->ends_at > last)
			json_object_set_new(errors, "start", json_string(T("events.err.outside_day")));
	}
	return read_speakers(r, d, f, errors, e);
}

struct item_ctx {
	req *r;
	int64_t event_id;
	struct item_form *f;
};

static int write_speakers(db *d, int64_t item, const struct item_form *f, err *e)
{
	int rc = db_exec(d, "DELETE FROM item_speakers WHERE item_id = ?", DB_ARGS(DB_INT(item)), NULL, e);
	for (int i = 0; !rc && i < f->nspeakers; i++)
		rc = db_exec(d, "INSERT INTO item_speakers (item_id, pos, user_id, name, org_id, org_name) VALUES (?, ?, ?, ?, ?, ?)",
			     DB_ARGS(DB_INT(item), DB_INT(i), f->users[i] ? DB_INT(f->users[i]) : DB_NULL, DB_TEXT(f->names[i]),
				     f->org_ids[i] ? DB_INT(f->org_ids[i]) : DB_NULL, DB_TEXT(f->org_names[i])),
			     NULL, e);
	return rc;
}

static int item_tx(db *d, void *p, err *e)
{
	struct item_ctx *c = p;
	struct item_form *f = c->f;
	int rc;
	int64_t changed = 0;
	if (f->item_id) {
		rc = db_exec(d, "UPDATE event_items SET starts_at = ?, ends_at = ?, kind = ?, title = ?, slides_url = ? "
				"WHERE id = ? AND event_id = ?",
			     DB_ARGS(DB_TIME(f->starts_at), DB_TIME(f->ends_at), DB_TEXT(f->kind), DB_TEXT(f->title),
				     DB_TEXT(*f->slides ? f->slides : NULL), DB_INT(f->item_id), DB_INT(c->event_id)),
			     &changed, e);
		if (!rc && !changed)
			return ERR_NOTFOUND;
	} else {
		db_res x;
		rc = db_query(d, &c->r->a, "INSERT INTO event_items (event_id, starts_at, ends_at, kind, title, slides_url, topic_id) "
					   "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_INT(c->event_id), DB_TIME(f->starts_at), DB_TIME(f->ends_at), DB_TEXT(f->kind),
				      DB_TEXT(f->title), DB_TEXT(*f->slides ? f->slides : NULL),
				      f->topic_id ? DB_INT(f->topic_id) : DB_NULL),
			      &x, e);
		if (!rc)
			f->item_id = db_get_int(&x, 0, 0);
		if (!rc && f->topic_id)
			rc = db_exec(d, "UPDATE topics SET status = 'picked', event_id = ? WHERE id = ?",
				     DB_ARGS(DB_INT(c->event_id), DB_INT(f->topic_id)), NULL, e);
	}
	if (!rc)
		rc = write_speakers(d, f->item_id, f, e);
	return rc;
}

static int agenda_page(req *r, resp *out, db *d, int64_t id, unsigned status, json_t *form, json_t *errors)
{
	err e = ERR_INIT;
	struct event_row ev;
	int found;
	json_t *items;
	int rc = event_get(d, &r->a, id, r->lang, &ev, &found, &e);
	if (!rc && found)
		rc = agenda(r, d, &ev, &items, &e);
	db_res topics;
	if (!rc && found)
		rc = db_query(d, &r->a, "SELECT id, title, speaker_name, speaker_org FROM topics WHERE status = 'proposed' ORDER BY id LIMIT 100",
			      DB_NOARGS, &topics, &e);
	if (rc || !found) {
		json_decref(form);
		json_decref(errors);
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (!form)
		form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "date", clock_date(&r->a, ev.tz, ev.starts_at), "start", "",
				 "end", "", "title", "", "slides_url", "", "speakers", "");
	json_object_set_new(form, "kinds", options(r, "kind", kinds, COUNT(kinds),
						   json_string_value(json_object_get(form, "kind"))));
	json_t *m = json_pack("{s:{s:I,s:s,s:s,s:s},s:o,s:o,s:o,s:o}", "event", "id", (json_int_t)id, "title", ev.title,
			      "when", event_when(&r->a, r->lang, &ev), "tz", ev.tz, "agenda", items, "form", form, "errors",
			      errors ? errors : json_object(), "topics", db_rows_json(&topics));
	if (errors && json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
							 T("form.fix_errors"), "fields", errors));
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("events.saved")));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/agenda.html", "events.agenda", m);
}

static int agenda_get(req *r, resp *out)
{
	return page_of_route(r, out, agenda_page);
}

static int agenda_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	int rc;
	int64_t id = ev->id;
	struct item_form f;
	memset(&f, 0, sizeof(f));
	json_t *errors = json_object();
	const char *item = req_param(r, "item"), *topic = form_text(r, "topic");
	if (item && parse_i64(item, 1, INT64_MAX, &f.item_id)) {
		json_decref(errors);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (*topic && parse_i64(topic, 1, INT64_MAX, &f.topic_id))
		json_object_set_new(errors, "topic", json_string(T("events.err.topic")));
	if ((rc = read_item(r, d, ev, &f, errors, &e))) {
		json_decref(errors);
		return rc;
	}
	if (json_object_size(errors))
		return agenda_page(r, out, d, id, 422,
				   json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "date", f.date, "start", f.start, "end", f.end,
					     "kind", f.kind, "title", f.title, "slides_url", f.slides, "speakers", f.speakers_text),
				   errors);
	json_decref(errors);
	struct item_ctx c = { r, id, &f };
	rc = db_tx(d, item_tx, &c, &e);
	if (rc == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (rc) {
		log_error("agenda: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->status = item ? 200 : 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)f.item_id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/agenda?saved=1", (long long)id));
}

static int agenda_delete(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id, item, changed = 0;
	if (req_id(r, &id) || parse_i64(req_param(r, "item"), 1, INT64_MAX, &item))
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	int rc = db_exec(d, "DELETE FROM event_items WHERE id = ? AND event_id = ?", DB_ARGS(DB_INT(item), DB_INT(id)),
			 &changed, &e);
	if (rc)
		return rc;
	if (!changed)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (r->api) {
		out->model = json_pack("{s:b}", "deleted", 1);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/agenda?saved=1", (long long)id));
}

/* ---- cloning a template event ---- */

struct clone_ctx {
	req *r;
	int64_t from, to, shift;
	const char *title_zh, *title_en; /* "": the template's */
};

static int clone_tx(db *d, void *p, err *e)
{
	struct clone_ctx *c = p;
	db_res x;
	int64_t now = unix_now();
	/* Texts, place, capacity, checklist and organizations come along; the
	 * new event starts as a draft with no registrations, its dates and its
	 * agenda moved by whole days, its titles as the organizer gave them,
	 * and, in a numbered series, the next number. */
	int rc = db_query(d, &c->r->a, "INSERT INTO events (series_id, seq, title_zh, title_en, city_id, venue, address, tz, "
				       "starts_at, ends_at, status, capacity, description, checklist, reg_opens_at, reg_closes_at, "
				       "created_at, updated_at) SELECT series_id, CASE WHEN seq IS NULL OR series_id IS NULL THEN NULL "
				       "ELSE (SELECT max(n.seq) + 1 FROM events n WHERE n.series_id = t.series_id) END, "
				       "CASE WHEN ? = '' THEN title_zh ELSE ? END, CASE WHEN ? = '' THEN title_en ELSE ? END, "
				       "city_id, venue, address, tz, "
				       "starts_at + ?, ends_at + ?, 'draft', capacity, description, checklist, NULL, NULL, ?, ? "
				       "FROM events t WHERE id = ? RETURNING id",
			  DB_ARGS(DB_TEXT(c->title_zh), DB_TEXT(c->title_zh), DB_TEXT(c->title_en), DB_TEXT(c->title_en),
				  DB_INT(c->shift), DB_INT(c->shift), DB_TIME(now), DB_TIME(now), DB_INT(c->from)), &x, e);
	if (rc)
		return rc;
	if (!x.nrows)
		return ERR_NOTFOUND;
	c->to = db_get_int(&x, 0, 0);
	db_res items;
	if ((rc = db_query(d, &c->r->a, "SELECT id FROM event_items WHERE event_id = ? ORDER BY starts_at, id",
			   DB_ARGS(DB_INT(c->from)), &items, e)))
		return rc;
	for (int i = 0; i < items.nrows; i++) {
		db_res n;
		if ((rc = db_query(d, &c->r->a, "INSERT INTO event_items (event_id, starts_at, ends_at, kind, title) SELECT ?, "
						"starts_at + ?, ends_at + ?, kind, title FROM event_items WHERE id = ? RETURNING id",
				   DB_ARGS(DB_INT(c->to), DB_INT(c->shift), DB_INT(c->shift), DB_INT(db_get_int(&items, i, 0))),
				   &n, e)))
			return rc;
		/* Recurring parts keep their people (the host's opening); talks
		 * and cases get new speakers. */
		if ((rc = db_exec(d, "INSERT INTO item_speakers (item_id, pos, user_id, name, org_id, org_name) SELECT ?, s.pos, "
				     "s.user_id, s.name, s.org_id, s.org_name FROM item_speakers s JOIN event_items i ON i.id = s.item_id "
				     "WHERE s.item_id = ? AND i.kind IN ('opening', 'debate', 'prize', 'signin', 'photo')",
				  DB_ARGS(DB_INT(db_get_int(&n, 0, 0)), DB_INT(db_get_int(&items, i, 0))), NULL, e)))
			return rc;
	}
	if ((rc = db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) SELECT ?, org_id, role FROM event_orgs "
			     "WHERE event_id = ? AND role IN ('host', 'sponsor', 'venue', 'media')",
			  DB_ARGS(DB_INT(c->to), DB_INT(c->from)), NULL, e)))
		return rc;
	return auth_audit(d, c->r->user_id, "event.clone", arena_printf(&c->r->a, "event:%lld", (long long)c->to),
			  arena_printf(&c->r->a, "from event:%lld", (long long)c->from), c->r->client, e);
}

static int clone(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	int rc;
	int64_t id = ev->id;
	/* The shift is measured between local midnights, so a template's 09:00
	 * stays 09:00 on the new day. */
	int64_t day = clock_parse(ev->tz, form_text(r, "date"), "00:00");
	int64_t old = clock_parse(ev->tz, clock_date(&r->a, ev->tz, ev->starts_at), "00:00");
	if (day < 0)
		return http_error(r, out, 422, "invalid", "events.err.clone_date");
	const char *zh = form_text(r, "title_zh"), *en = form_text(r, "title_en");
	if (text_len(zh) > 200 || has_control(zh) || text_len(en) > 200 || has_control(en))
		return http_error(r, out, 422, "invalid", "events.err.title_text");
	struct clone_ctx c = { r, id, 0, day - old, zh, en };
	if ((rc = db_tx(d, clone_tx, &c, &e))) {
		log_error("clone: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)c.to);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/edit", (long long)c.to));
}

/* ---- channel links ---- */

static int add_link(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id, channel = 0;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	const char *label = form_text(r, "label"), *ch = form_text(r, "channel");
	if ((*ch && parse_i64(ch, 1, INT64_MAX, &channel)) || !*label || text_len(label) > 60 || has_control(label))
		return http_error(r, out, 422, "invalid", "events.err.link");
	db *d = r->db;
	db_res x;
	int rc = db_query(d, &r->a, "SELECT 1 FROM events WHERE id = ?", DB_ARGS(DB_INT(id)), &x, &e);
	if (rc || !x.nrows)
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	auth_new_token(token, hash);
	token[10] = '\0'; /* a short code is enough: it is a label, not a secret */
	rc = db_exec(d, "INSERT INTO event_links (event_id, code, channel_id, label, created_at) VALUES (?, ?, ?, ?, ?)",
		     DB_ARGS(DB_INT(id), DB_TEXT(token), channel ? DB_INT(channel) : DB_NULL, DB_TEXT(label),
			     DB_TIME(unix_now())),
		     NULL, &e);
	if (rc == ERR_CONSTRAINT)
		return http_error(r, out, 422, "invalid", "events.err.link");
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:s,s:s}", "code", token, "url",
				       arena_printf(&r->a, "%s/e/%s", r->cfg->val[CFG_BASE_URL], token));
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/registrations?saved=1", (long long)id));
}

static int cover(req *r, resp *out)
{
	return files_attach_route(r, out, "cover", "UPDATE events SET cover_file_id = ? WHERE id = ?", "event.cover",
				  "event", "/events");
}

/* ---- the topic library ---- */

static int topics(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res x;
	int rc = db_query(d, &r->a, "SELECT t.id, t.title, t.abstract, t.speaker_name, t.speaker_org, t.status, "
				    "coalesce(t.event_id, 0) AS event_id, CASE WHEN ? = 'en' THEN e.title_en ELSE e.title_zh END AS event "
				    "FROM topics t LEFT JOIN events e ON e.id = t.event_id ORDER BY t.status = 'proposed' DESC, t.id DESC LIMIT 300",
			  DB_ARGS(DB_TEXT(lang_code(r->lang))), &x, &e);
	if (rc)
		return rc;
	json_t *list = db_rows_json(&x);
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		json_object_set_new(v, "status_text", json_string(T(arena_printf(&r->a, "topic.status.%s",
						json_string_value(json_object_get(v, "status"))))));
	json_t *m = json_pack("{s:o,s:b,s:{s:s,s:s,s:s,s:s},s:o}", "topics", list, "organizer",
			      !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role), "form", "title", "", "abstract", "",
			      "speaker_name", r->user_name ? r->user_name : "", "speaker_org", "", "errors", json_object());
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("topics.saved")));
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "events/topics.html", "topics.title", m);
}

static int propose(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *title = form_text(r, "title"), *abstract = form_text(r, "abstract"),
		   *name = form_text(r, "speaker_name"), *org = form_text(r, "speaker_org");
	json_t *errors = json_object();
	if (!*title || text_len(title) > 200 || has_control(title))
		json_object_set_new(errors, "title", json_string(T("events.err.title_text")));
	if (text_len(abstract) > 4000)
		json_object_set_new(errors, "abstract", json_string(T("orgs.err.description")));
	if (!*name || text_len(name) > 100 || has_control(name))
		json_object_set_new(errors, "speaker_name", json_string(T("events.err.name")));
	if (text_len(org) > 100 || has_control(org))
		json_object_set_new(errors, "speaker_org", json_string(T("events.err.org")));
	if (json_object_size(errors)) {
		json_t *m = json_pack("{s:[],s:{s:s,s:s,s:s,s:s},s:o,s:{s:s,s:s,s:O}}", "topics", "form", "title", title,
				      "abstract", abstract, "speaker_name", name, "speaker_org", org, "errors", errors,
				      "error", "code", "invalid", "message", T("form.fix_errors"), "fields", errors);
		return http_page(r, out, 422, "events/topics.html", "topics.title", m);
	}
	json_decref(errors);
	db *d = r->db;
	db_res x;
	int rc = db_query(d, &r->a, "INSERT INTO topics (title, abstract, speaker_name, speaker_org, proposer_id, created_at) "
				    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_TEXT(title), DB_TEXT(abstract), DB_TEXT(name), DB_TEXT(org), DB_INT(r->user_id),
				  DB_TIME(unix_now())), &x, &e);
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)db_get_int(&x, 0, 0));
		return 0;
	}
	return http_redirect(r, out, "/topics?saved=1");
}

static int topic_decline(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id, changed = 0;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	int rc = db_exec(d, "UPDATE topics SET status = 'declined' WHERE id = ? AND status = 'proposed'", DB_ARGS(DB_INT(id)),
			 &changed, &e);
	if (rc)
		return rc;
	if (!changed)
		return http_error(r, out, 404, "not_found", "error.not_found");
	return r->api ? (out->model = json_pack("{s:s}", "status", "declined"), 0) : http_redirect(r, out, "/topics?saved=1");
}


static const struct route routes[] = {
	{ M_GET, "/events", events_list, EVERYONE, 0, "events" },
	{ M_GET, "/events/new", new_form, ORGANIZER, 0, "event-new" },
	{ M_POST, "/events/new", save, ORGANIZER, 1, "event-new" },
	{ M_GET, "/events/:id", show, EVERYONE, 0, "event" },
	{ M_GET, "/events/:id/edit", edit_form, ORGANIZER, 0, "event-edit", .load = &event_loader },
	{ M_POST, "/events/:id/edit", save, ORGANIZER, 1, "event-edit" },
	{ M_POST, "/events/:id/cover", cover, ORGANIZER, 1, "event-cover" },
	{ M_POST, "/events/:id/clone", clone, ORGANIZER, 1, "event-clone", .load = &event_loader },
	{ M_GET, "/events/:id/agenda", agenda_get, ORGANIZER, 0, "event-agenda" },
	{ M_POST, "/events/:id/agenda", agenda_post, ORGANIZER, 1, "event-agenda-add", .load = &event_loader },
	{ M_POST, "/events/:id/agenda/:item", agenda_post, ORGANIZER, 1, "event-agenda-edit", .load = &event_loader },
	{ M_POST, "/events/:id/agenda/:item/delete", agenda_delete, ORGANIZER, 1, "event-agenda-delete" },
	{ M_POST, "/events/:id/links", add_link, ORGANIZER, 1, "event-link-add" },
	{ M_GET, "/topics", topics, SIGNED_IN, 0, "topics" },
	{ M_POST, "/topics", propose, SIGNED_IN, 1, "topic-propose" },
	{ M_POST, "/topics/:id/decline", topic_decline, ORGANIZER, 1, "topic-decline" },
};

const struct route_table events_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

/* form.c: the event form organizers create and edit an event with
 * (/events/new, /events/:id/edit): titles, series, city, venue, time zone,
 * dates, registration window, capacity, organizations by role, Markdown
 * description. A capacity raised moves people up from the waitlist
 * (booking's events_promote). */
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
#include "base/banned.h"

/* ---- the event form ---- */

struct event_form {
	const char *title_zh, *title_en, *venue, *venue_en, *address, *address_en, *tz, *date, *start, *end, *end_date, *status, *description, *description_en,
		*checklist, *opens_date, *opens_time, *closes_date, *closes_time, *capacity_text;
	const char *orgs_text[4]; /* host, sponsor, venue, media: names, one per line or comma */
	int64_t series_id, city_id, capacity, seq;
	int64_t starts_at, ends_at, opens_at, closes_at;
	int64_t org_ids[4][MAX_ORGS];
	const char *org_new[4][MAX_ORGS]; /* a name to add to the directory (its id 0 until saved) */
	int norgs[4];
	json_t *resolve; /* names the directory lacks, with what they may mean: {"host": [...]} */
};

const char *form_text(req *r, const char *name)
{
	return trimmed(&r->a, req_form(r, name));
}

static int64_t optional_time(const char *tz, const char *date, const char *hm, json_t *errors, const char *field,
			     req *r)
{
	if (!*date && !*hm)
		return 0;
	int64_t t = clock_parse(tz, date, *hm ? hm : "00:00");
	if (t < 0 && !json_object_get(errors, field))
		json_object_set_new(errors, field, json_string(T("events.err.time")));
	return t < 0 ? 0 : t;
}

enum { SUGGESTIONS = 5 };

/* What the organizer picked for `name` on the form shown again: the
 * pick_ROLE fields, one per name, "ID:NAME" or "new:NAME"; NULL when none. */
static const char *picked(req *r, int k, const char *name)
{
	const char *field = arena_printf(&r->a, "pick_%s", org_roles[k]);
	for (const struct field *x = r->fields; x; x = x->next) {
		const char *colon = x->hidden || x->filename || strcmp(x->name, field) ? NULL : strchr(x->value.s, ':');
		if (colon && !strcmp(colon + 1, name))
			return arena_strndup(&r->a, x->value.s, (size_t)(colon - x->value.s));
	}
	return NULL;
}

/* A name the directory lacks: what the organizer picked for it (an
 * organization's id, or "new"), else the choice to make, existing
 * organizations first and the first of them chosen (so "邮储" becomes
 * 邮储银行 unless "add" is chosen). */
static int resolve_name(req *r, db *d, struct event_form *f, int k, const char *name, json_t *errors, err *e)
{
	const char *pick = picked(r, k, name);
	int64_t id = 0;
	db_res s;
	int rc = 0;
	if (pick && !strcmp(pick, "new")) {
		f->org_new[k][f->norgs[k]] = name;
		f->org_ids[k][f->norgs[k]++] = 0;
		return 0;
	}
	if (pick && !parse_i64(pick, 1, INT64_MAX, &id)) {
		if ((rc = db_query(d, &r->a, "SELECT id FROM orgs WHERE id = ?", DB_ARGS(DB_INT(id)), &s, e)))
			return rc;
		if (s.nrows) {
			f->org_ids[k][f->norgs[k]++] = id;
			return 0;
		}
	}
	json_t *options;
	if ((rc = orgs_suggest_choices(d, &r->a, name, r->lang, SUGGESTIONS, &options, e)))
		return rc;
	size_t any = json_array_size(options);
	const char *key = arena_printf(&r->a, "orgs_%s", org_roles[k]);
	json_object_set_new(errors, key, json_string(arena_printf(&r->a, T(any ? "events.err.org_pick" : "events.err.org_new"),
								    name)));
	json_t *list = json_object_get(f->resolve, org_roles[k]);
	if (!list)
		json_object_set_new(f->resolve, org_roles[k], list = json_array());
	json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:b,s:s,s:s}", "field", arena_printf(&r->a, "pick_%s", org_roles[k]),
					      "name", name, "options", options, "new_checked", !any, "new_value",
					      arena_printf(&r->a, "new:%s", name), "new_label",
					      arena_printf(&r->a, T("events.org_add"), name)));
	return 0;
}

static int split_orgs(req *r, db *d, struct event_form *f, int k, json_t *errors, err *e)
{
	const char *names[MAX_ORGS + 1];
	int n = orgs_split_list(&r->a, f->orgs_text[k], names, MAX_ORGS + 1);
	f->norgs[k] = 0;
	if (n > MAX_ORGS) {
		json_object_set_new(errors, arena_printf(&r->a, "orgs_%s", org_roles[k]),
				    json_string(arena_printf(&r->a, T("events.err.orgs_many"), MAX_ORGS)));
		n = MAX_ORGS;
	}
	for (int i = 0; i < n; i++) {
		int64_t id;
		int rc = orgs_find(d, &r->a, names[i], &id, e);
		if (!rc && !id)
			rc = resolve_name(r, d, f, k, names[i], errors, e);
		else if (!rc)
			f->org_ids[k][f->norgs[k]++] = id;
		if (rc)
			return rc;
	}
	/* Several names to settle: one message for them all. */
	size_t open = json_array_size(json_object_get(f->resolve, org_roles[k]));
	if (open > 1)
		json_object_set_new(errors, arena_printf(&r->a, "orgs_%s", org_roles[k]),
				    json_string(arena_printf(&r->a, T("events.err.orgs_pick"), (int)open)));
	return 0;
}

/* Where the form shows a declared input's message: the times beside the
 * date, the registration window's two halves on one line each. */
static const char *const shown_at[][2] = {
	{ "start", "date" },	     { "end", "date" },		  { "end_date", "date" },   { "opens_date", "opens" },
	{ "opens_time", "opens" }, { "closes_date", "closes" }, { "closes_time", "closes" },
};

static void take_input_errors(const req *r, json_t *errors)
{
	const char *k;
	json_t *v;
	json_object_foreach(r->errors, k, v) {
		const char *at = k;
		for (size_t i = 0; i < COUNT(shown_at); i++)
			if (!strcmp(k, shown_at[i][0]))
				at = shown_at[i][1];
		if (!json_object_get(errors, at))
			json_object_set(errors, at, v);
	}
}

/* The form as sent: each value checked by its declaration (event_inputs)
 * before this runs; here what no single field can say: the times in the
 * event's zone, in order, the registration window, the organizations. */
static int read_event_form(req *r, db *d, struct event_form *f, json_t *errors, err *e)
{
	f->title_zh = form_text(r, "title_zh");
	f->title_en = form_text(r, "title_en");
	f->venue = form_text(r, "venue");
	f->venue_en = form_text(r, "venue_en");
	f->address = form_text(r, "address");
	f->address_en = form_text(r, "address_en");
	f->tz = form_text(r, "tz");
	f->date = form_text(r, "date");
	f->end_date = form_text(r, "end_date");
	f->start = form_text(r, "start");
	f->end = form_text(r, "end");
	f->status = form_text(r, "status");
	f->description = form_text(r, "description");
	f->description_en = form_text(r, "description_en");
	f->checklist = form_text(r, "checklist");
	f->opens_date = form_text(r, "opens_date");
	f->opens_time = form_text(r, "opens_time");
	f->closes_date = form_text(r, "closes_date");
	f->closes_time = form_text(r, "closes_time");
	f->capacity_text = form_text(r, "capacity");
	for (int k = 0; k < 4; k++)
		f->orgs_text[k] = form_text(r, arena_printf(&r->a, "orgs_%s", org_roles[k]));
	f->series_id = in_num(r, "series", 0);
	f->city_id = in_num(r, "city", 0);
	f->capacity = in_num(r, "capacity", 0);
	if (r->errors)
		take_input_errors(r, errors);
	if (!clock_zone_ok(f->tz))
		f->tz = "Asia/Shanghai"; /* said by its declaration; the form shows the default */
	int times_sent = !json_object_get(errors, "date");
	f->starts_at = clock_parse(f->tz, f->date, f->start);
	f->ends_at = clock_parse(f->tz, *f->end_date ? f->end_date : f->date, f->end);
	if (times_sent && (f->starts_at < 0 || f->ends_at < 0)) /* a time a zone skips (summer time) */
		json_object_set_new(errors, "date", json_string(T("events.err.time")));
	else if (times_sent && f->ends_at <= f->starts_at)
		json_object_set_new(errors, "date", json_string(T("events.err.ends_before")));
	else if (times_sent && f->ends_at - f->starts_at > 14 * 86400)
		json_object_set_new(errors, "date", json_string(T("events.err.too_long")));
	f->opens_at = optional_time(f->tz, f->opens_date, f->opens_time, errors, "opens", r);
	f->closes_at = optional_time(f->tz, f->closes_date, f->closes_time, errors, "closes", r);
	if (f->opens_at && f->closes_at && f->closes_at <= f->opens_at)
		json_object_set_new(errors, "closes", json_string(T("events.err.closes")));
	f->resolve = json_object();
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
				 cities, "statuses", options(r, "event.status", event_statuses, n_event_statuses, f->status), "zones",
				 json_array());
	json_object_set_new(form, "venue_en", json_string(f->venue_en ? f->venue_en : ""));
	json_object_set_new(form, "address_en", json_string(f->address_en ? f->address_en : ""));
	json_object_set_new(form, "description_en", json_string(f->description_en ? f->description_en : ""));
	for (int i = 0; clock_zones[i]; i++)
		json_array_append_new(json_object_get(form, "zones"), json_pack("{s:s,s:s,s:b}", "value", clock_zones[i], "label",
						 clock_zones[i], "selected", !strcmp(clock_zones[i], f->tz)));
	json_t *m = json_pack("{s:o,s:o,s:s}", "form", form, "errors", errors, "action",
			      id ? arena_printf(&r->a, "/events/%lld/edit", (long long)id) : "/events/new");
	if (id)
		json_object_set_new(m, "id", json_integer(id));
	if (f->resolve && json_object_size(f->resolve))
		json_object_set(m, "resolve", f->resolve);
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
							 T("form.fix_errors"), "fields", errors));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/edit.html", id ? "events.edit" : "events.new", m);
}

static int new_form(req *r, resp *out)
{
	db *d = r->db;
	struct event_form f = { .title_zh = "", .title_en = "", .venue = "", .venue_en = "", .address = "", .address_en = "", .tz = "Asia/Shanghai",
				.date = "", .end_date = "", .start = "09:00", .end = "17:30", .status = "draft",
				.description = "", .description_en = "", .checklist = "", .opens_date = "", .opens_time = "", .closes_date = "",
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
		.title_zh = ev->title_zh, .title_en = ev->title_en, .venue = ev->venue, .venue_en = ev->venue_en,
		.address = ev->address, .address_en = ev->address_en, .tz = ev->tz,
		.date = sd, .end_date = strcmp(sd, ed) ? ed : "", .start = clock_hm(&r->a, ev->tz, ev->starts_at),
		.end = clock_hm(&r->a, ev->tz, ev->ends_at), .status = ev->status, .description = ev->description,
		.description_en = ev->description_en,
		.checklist = db_get(&x, 0, 0),
		.opens_date = ev->reg_opens_at ? clock_date(&r->a, ev->tz, ev->reg_opens_at) : "",
		.opens_time = ev->reg_opens_at ? clock_hm(&r->a, ev->tz, ev->reg_opens_at) : "",
		.closes_date = ev->reg_closes_at ? clock_date(&r->a, ev->tz, ev->reg_closes_at) : "",
		.closes_time = ev->reg_closes_at ? clock_hm(&r->a, ev->tz, ev->reg_closes_at) : "",
		.capacity_text = arena_printf(&r->a, "%lld", (long long)ev->capacity),
		.series_id = ev->series_id, .city_id = ev->city_id,
	};
	for (int k = 0; k < 4 && !rc; k++)
		f.orgs_text[k] = orgs_lines(r, d, id, org_roles[k], &e, &rc);
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
		/* An English title not written stays empty: English pages show
		 * the Chinese one, marked, and the form asks for it again. */
		DB_TEXT(f->title_en), f->city_id ? DB_INT(f->city_id) : DB_NULL,
		DB_TEXT(f->venue), DB_TEXT(f->venue_en), DB_TEXT(f->address), DB_TEXT(f->address_en), DB_TEXT(f->tz), DB_TIME(f->starts_at), DB_TIME(f->ends_at),
		DB_TEXT(f->status), DB_INT(f->capacity), DB_TEXT(f->description), DB_TEXT(f->description_en),
		DB_TEXT(f->checklist),
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
				     "venue_en = ?, address = ?, address_en = ?, tz = ?, starts_at = ?, ends_at = ?, status = ?, capacity = ?, description = ?, "
				     "description_en = ?, checklist = ?, reg_opens_at = ?, reg_closes_at = ?, updated_at = ? WHERE id = ?",
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
		if ((rc = db_query(d, a, "INSERT INTO events (series_id, title_zh, title_en, city_id, venue, venue_en, address, address_en, tz, "
					 "starts_at, ends_at, status, capacity, description, description_en, checklist, reg_opens_at, "
					 "reg_closes_at, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
					 "RETURNING id",
				   p2, NF + 1, &x, e)))
			return rc;
		c->id = db_get_int(&x, 0, 0);
	}
	if ((rc = db_exec(d, "DELETE FROM event_orgs WHERE event_id = ? AND role <> 'attendee'", DB_ARGS(DB_INT(c->id)),
			  NULL, e)))
		return rc;
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < f->norgs[k]; i++) {
			int64_t org = f->org_ids[k][i];
			/* Added to the directory as the organizer asked, with the event. */
			if (!org && (rc = orgs_ensure(d, a, f->org_new[k][i], &org, NULL, e)))
				return rc;
			if ((rc = db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
					  DB_ARGS(DB_INT(c->id), DB_INT(org), DB_TEXT(org_roles[k])), NULL, e)))
				return rc;
		}
	return auth_audit(d, c->r->user_id, "event.save", arena_printf(a, "event:%lld", (long long)c->id), f->title_zh,
			  c->r->client, e);
}

static int save_form(req *r, resp *out, struct event_form *fp)
{
	err e = ERR_INIT;
	int64_t id = req_num(r, "id");
	db *d = r->db;
	struct event_form f = *fp;
	json_t *errors = json_object();
	int rc = read_event_form(r, d, &f, errors, &e);
	fp->resolve = f.resolve;
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

static int save(req *r, resp *out)
{
	struct event_form f;
	memset(&f, 0, sizeof(f));
	int rc = save_form(r, out, &f);
	json_decref(f.resolve);
	return rc;
}

/* An organization role's two fields (org_roles): the names, one per line
 * or comma, each looked up in the directory; and what the organizer chose
 * for a name the directory lacks, one field per name, "ID:NAME" or
 * "new:NAME" (read by picked()). */
#define ROLE_INPUTS(role) \
	{ "orgs_" role, IN_TEXT, 0, 0, 4000, "events.err.orgs_text", NULL }, \
	{ "pick_" role, IN_LINE, 0, 0, 400, NULL, NULL }

static const struct input event_inputs[] = {
	{ "title_zh", IN_LINE, IN_REQUIRED, 0, 200, "events.err.title_text", "events.err.title_text" },
	{ "title_en", IN_LINE, 0, 0, 200, "events.err.title_text", NULL },
	{ "series", IN_INT, 0, 1, INT64_MAX, "events.err.series", NULL },
	{ "city", IN_INT, 0, 1, INT64_MAX, "subscribe.err.city", NULL },
	{ "venue", IN_LINE, 0, 0, 200, "events.err.venue", NULL },
	{ "venue_en", IN_LINE, 0, 0, 200, "events.err.venue", NULL },
	{ "address", IN_LINE, 0, 0, 300, "events.err.venue", NULL },
	{ "address_en", IN_LINE, 0, 0, 300, "events.err.venue", NULL },
	{ "tz", IN_CHOICE, IN_REQUIRED, 0, 0, "events.err.tz", "events.err.tz", clock_zones },
	{ "date", IN_DATE, IN_REQUIRED, 0, 0, "events.err.time", "events.err.time" },
	{ "end_date", IN_DATE, 0, 0, 0, "events.err.time", NULL },
	{ "start", IN_TIME, IN_REQUIRED, 0, 0, "events.err.time", "events.err.time" },
	{ "end", IN_TIME, IN_REQUIRED, 0, 0, "events.err.time", "events.err.time" },
	{ "opens_date", IN_DATE, 0, 0, 0, "events.err.time", NULL },
	{ "opens_time", IN_TIME, 0, 0, 0, "events.err.time", NULL },
	{ "closes_date", IN_DATE, 0, 0, 0, "events.err.time", NULL },
	{ "closes_time", IN_TIME, 0, 0, 0, "events.err.time", NULL },
	{ "status", IN_CHOICE, IN_REQUIRED, 0, 0, "events.err.status", "events.err.status", event_statuses },
	{ "capacity", IN_INT, IN_REQUIRED, 0, 1000000, "events.err.capacity", "events.err.capacity" },
	{ "description", IN_MARKDOWN, 0, 0, DESC_MAX, "events.err.description", NULL },
	{ "description_en", IN_MARKDOWN, 0, 0, DESC_MAX, "events.err.description", NULL },
	{ "checklist", IN_TEXT, 0, 0, 4000, "events.err.checklist", NULL },
	ROLE_INPUTS("host"),
	ROLE_INPUTS("sponsor"),
	ROLE_INPUTS("venue"),
	ROLE_INPUTS("media"),
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/events/new", new_form, ORGANIZER, 0, "event-new" },
	{ M_POST, "/events/new", save, ORGANIZER, 1, "event-new", .inputs = event_inputs, .invalid = save },
	{ M_GET, "/events/:id/edit", edit_form, ORGANIZER, 0, "event-edit", .load = &event_loader },
	{ M_POST, "/events/:id/edit", save, ORGANIZER, 1, "event-edit", .inputs = event_inputs, .invalid = save },
};

const struct route_table event_form_routes = { routes, COUNT(routes) };

/* agenda.c: an event's timed agenda (/events/:id/agenda): talks, panels,
 * breaks, with member and guest speakers and their organizations. */
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
#include "people/people.h"
#include "base/banned.h"

/* ---- the agenda ---- */

struct item_form {
	const char *date, *start, *end, *kind, *title, *title_en, *slides, *speakers_text;
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
			const char *name;
			int rc = people_by_email(d, &r->a, t, &f->users[k], &name, &f->org_ids[k], e);
			if (rc == ERR_NOTFOUND) {
				json_object_set_new(errors, "speakers", json_string(arena_printf(&r->a, "%s: %s", t,
									T("events.err.no_member"))));
				return 0;
			}
			if (rc)
				return rc;
			t = arena_strdup(&r->a, name);
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

/* The item as sent, each field checked by its declaration (item_inputs);
 * here the times: in order, on the event's own day(s), in its zone. */
static int read_item(req *r, db *d, const struct event_row *ev, struct item_form *f, json_t *errors, err *e)
{
	f->date = form_text(r, "date");
	if (!*f->date)
		f->date = clock_date(&r->a, ev->tz, ev->starts_at);
	f->start = form_text(r, "start");
	f->end = form_text(r, "end");
	f->kind = form_text(r, "kind");
	f->title = form_text(r, "title");
	f->title_en = form_text(r, "title_en");
	f->slides = form_text(r, "slides_url");
	f->speakers_text = form_text(r, "speakers");
	f->topic_id = in_num(r, "topic", 0);
	const char *k;
	json_t *v;
	json_object_foreach(r->errors, k, v) /* the form shows the times' message by the start */
		json_object_set(errors, !strcmp(k, "end") || !strcmp(k, "date") ? "start" : k, v);
	if (json_object_get(errors, "start"))
		return read_speakers(r, d, f, errors, e);
	f->starts_at = clock_parse(ev->tz, f->date, f->start);
	f->ends_at = clock_parse(ev->tz, f->date, f->end);
	if (f->starts_at < 0 || f->ends_at < 0) /* a time a zone skips (summer time) */
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
		rc = db_exec(d, "UPDATE event_items SET starts_at = ?, ends_at = ?, kind = ?, title = ?, title_en = ?, slides_url = ? "
				"WHERE id = ? AND event_id = ?",
			     DB_ARGS(DB_TIME(f->starts_at), DB_TIME(f->ends_at), DB_TEXT(f->kind), DB_TEXT(f->title),
				     DB_TEXT(f->title_en), DB_TEXT(*f->slides ? f->slides : NULL), DB_INT(f->item_id), DB_INT(c->event_id)),
			     &changed, e);
		if (!rc && !changed)
			return ERR_NOTFOUND;
	} else {
		db_res x;
		rc = db_query(d, &c->r->a, "INSERT INTO event_items (event_id, starts_at, ends_at, kind, title, title_en, slides_url, "
					   "topic_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_INT(c->event_id), DB_TIME(f->starts_at), DB_TIME(f->ends_at), DB_TEXT(f->kind),
				      DB_TEXT(f->title), DB_TEXT(f->title_en), DB_TEXT(*f->slides ? f->slides : NULL),
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
		rc = event_agenda(r, d, &ev, &items, &e);
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
		form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "date", clock_date(&r->a, ev.tz, ev.starts_at), "start", "",
				 "end", "", "title", "", "title_en", "", "slides_url", "", "speakers", "");
	json_object_set_new(form, "kinds", options(r, "kind", item_kinds, n_item_kinds,
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
	int64_t id = req_num(r, "id");
	return agenda_page(r, out, r->db, id, 200, NULL, NULL);
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
	f.item_id = req_num(r, "item"); /* 0: a new item */
	if ((rc = read_item(r, d, ev, &f, errors, &e))) {
		json_decref(errors);
		return rc;
	}
	if (json_object_size(errors))
		return agenda_page(r, out, d, id, 422,
				   json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "date", f.date, "start", f.start, "end", f.end,
					     "kind", f.kind, "title", f.title, "title_en", f.title_en, "slides_url", f.slides,
					     "speakers", f.speakers_text),
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
		out->status = req_num(r, "item") ? 200 : 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)f.item_id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/agenda?saved=1", (long long)id));
}

static int agenda_delete(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id = req_num(r, "id"), item = req_num(r, "item"), changed = 0;
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

/* Slides are a link, or a path on this site (uploaded slides). */
static int slides_ok(const char *s)
{
	return valid_url(s, 300) || (s[0] == '/' && s[1] != '/' && !strpbrk(s, " \"<>"));
}

static const struct input item_inputs[] = {
	{ "date", IN_DATE, 0, 0, 0, "events.err.time", NULL }, /* empty: the event's first day */
	{ "start", IN_TIME, IN_REQUIRED, 0, 0, "events.err.time", "events.err.time" },
	{ "end", IN_TIME, IN_REQUIRED, 0, 0, "events.err.time", "events.err.time" },
	{ "kind", IN_CHOICE, IN_REQUIRED, 0, 0, "events.err.kind", "events.err.kind", item_kinds },
	{ "title", IN_LINE, IN_REQUIRED, 0, 200, "events.err.title_text", "events.err.title_text" },
	{ "title_en", IN_LINE, 0, 0, 200, "events.err.title_text", NULL },
	{ "slides_url", IN_LINE, 0, 0, 300, "orgs.err.website", NULL, NULL, slides_ok },
	/* "张三 / 阿里云" or a member's address, one per line (read_speakers). */
	{ "speakers", IN_TEXT, 0, 0, MAX_SPEAKERS * 210, "events.err.speakers", NULL },
	{ "topic", IN_INT, 0, 1, INT64_MAX, "events.err.topic", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/events/:id/agenda", agenda_get, ORGANIZER, 0, "event-agenda" },
	{ M_POST, "/events/:id/agenda", agenda_post, ORGANIZER, 1, "event-agenda-add", .load = &event_loader,
	  .inputs = item_inputs, .invalid = agenda_post },
	{ M_POST, "/events/:id/agenda/:item", agenda_post, ORGANIZER, 1, "event-agenda-edit", .load = &event_loader,
	  .inputs = item_inputs, .invalid = agenda_post },
	{ M_POST, "/events/:id/agenda/:item/delete", agenda_delete, ORGANIZER, 1, "event-agenda-delete", .inputs = no_inputs },
};

const struct route_table agenda_routes = { routes, COUNT(routes) };

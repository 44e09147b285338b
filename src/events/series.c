/* series.c: the brands events belong to (the monthly city salon, the
 * national summit, the university tour, enterprise visits, training days):
 * the index of series, and the organizer's form to create, edit and remove
 * one. A series' own page is the events list filtered to it (plan.c), and
 * its calendar feed is in booking.c.
 *
 * The short name (slug) is fixed once the series exists: it is in every
 * calendar subscription and shared link, and changing it would break them. */
#include <string.h>

#include "auth/auth.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/internal.h"
#include "view/i18n.h"
#include "base/banned.h"

static const char *const series_kinds[] = { "salon", "summit", "tour", "university", "enterprise", "training", NULL };

enum { NAME_MAX = 100, SUMMARY_MAX = 1000, SLUG_MAX = 40 };

struct series_form {
	const char *slug, *name_zh, *name_en, *kind, *summary_zh, *summary_en;
};

/* ---- the index ---- */

static int index_page(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	int64_t version = 0;
	int rc = http_cache_lookup(r, out, d, "events", NULL, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	const char *l = lang_code(r->lang);
	int64_t now = unix_now();
	db_res x;
	/* Per series: how many events it has had, and the next one. */
	rc = db_query(d, &r->a,
		      "SELECT s.slug, CASE WHEN ? = 'en' THEN s.name_en ELSE s.name_zh END, "
		      "CASE WHEN ? = 'en' THEN s.summary_en ELSE s.summary_zh END, s.kind, "
		      "(SELECT count(*) FROM events e WHERE e.series_id = s.id AND e.status <> 'draft'), "
		      "(SELECT e.id FROM events e WHERE e.series_id = s.id AND e.status NOT IN ('draft', 'cancelled') "
		      " AND e.ends_at >= ? ORDER BY e.starts_at, e.id LIMIT 1) "
		      "FROM event_series s ORDER BY s.id",
		      DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TIME(now)), &x, &e);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < x.nrows; i++) {
		const char *kind = db_get(&x, i, 3);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I}", "slug", db_get(&x, i, 0), "name", db_get(&x, i, 1), "summary",
				      db_get(&x, i, 2), "kind", T(arena_printf(&r->a, "series.kind.%s", kind)), "events",
				      (json_int_t)db_get_int(&x, i, 4));
		if (db_get(&x, i, 5)) {
			struct event_row ev;
			int found;
			if ((rc = event_get(d, &r->a, db_get_int(&x, i, 5), r->lang, &ev, &found, &e))) {
				json_decref(list);
				json_decref(o);
				return rc;
			}
			if (found)
				json_object_set_new(o, "next", json_pack("{s:I,s:s,s:s}", "id", (json_int_t)ev.id, "title", ev.title,
									 "when", event_when(&r->a, r->lang, &ev)));
		}
		json_array_append_new(list, o);
	}
	json_t *m = json_pack("{s:o,s:b}", "series", list, "organizer", !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role));
	http_page(r, out, 200, "events/series.html", "series.title", m);
	http_cache_store(r, out, "events", version, 60);
	return 0;
}

/* ---- the form ---- */


static int form_page(req *r, resp *out, unsigned status, int editing, const struct series_form *f, json_t *errors)
{
	json_t *kinds = json_array();
	for (size_t i = 0; series_kinds[i]; i++)
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "value", series_kinds[i], "label",
						       T(arena_printf(&r->a, "series.kind.%s", series_kinds[i])), "selected",
						       !strcmp(f->kind, series_kinds[i])));
	json_t *m = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:o},s:o,s:s,s:b}", "form", "slug", f->slug, "name_zh", f->name_zh,
			      "name_en", f->name_en, "summary_zh", f->summary_zh, "summary_en", f->summary_en, "kinds", kinds,
			      "errors", errors, "action",
			      editing ? arena_printf(&r->a, "/series/%s/edit", f->slug) : "/series/new", "editing", editing);
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message", T("form.fix_errors"),
							 "fields", errors));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/series_edit.html", editing ? "series.edit" : "series.new", m);
}

static int new_form(req *r, resp *out)
{
	struct series_form f = { "", "", "", "salon", "", "" };
	return form_page(r, out, 200, 0, &f, json_object());
}

/* A series as its form shows it, with its id. */
struct series_row {
	int64_t id;
	struct series_form f;
};

/* The series the route's :slug names: the loader of its edit routes. */
static int load_series(req *r, err *e)
{
	const char *slug = req_param(r, "slug");
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT id, slug, name_zh, name_en, kind, summary_zh, summary_en FROM event_series "
					"WHERE slug = ?", DB_ARGS(DB_TEXT(slug ? slug : "")), &x, e);
	if (rc || !x.nrows)
		return rc ? rc : ERR_NOTFOUND;
	struct series_row *s = arena_alloc(&r->a, sizeof(*s));
	s->id = db_get_int(&x, 0, 0);
	s->f = (struct series_form){ db_get(&x, 0, 1), db_get(&x, 0, 2), db_get(&x, 0, 3),
				     db_get(&x, 0, 4), db_get(&x, 0, 5), db_get(&x, 0, 6) };
	r->row = s;
	return 0;
}

static const struct loader series_loader = { "series", load_series, NULL, NULL };

static int edit_form(req *r, resp *out)
{
	struct series_row *s = r->row;
	return form_page(r, out, 200, 1, &s->f, json_object());
}

/* The form's fields as declared and checked (series_inputs); what was
 * left empty reads as "". */
static void read_form(req *r, struct series_form *f)
{
	const char *v;
	f->name_zh = (v = in_text(r, "name_zh")) ? v : "";
	f->name_en = (v = in_text(r, "name_en")) ? v : "";
	f->kind = (v = in_text(r, "kind")) ? v : "salon";
	f->summary_zh = (v = in_text(r, "summary_zh")) ? v : "";
	f->summary_en = (v = in_text(r, "summary_en")) ? v : "";
}

struct save_ctx {
	req *r;
	const struct series_form *f;
	int64_t id; /* 0: a new series */
	int taken;
};

static int save_tx(db *d, void *p, err *e)
{
	struct save_ctx *c = p;
	const struct series_form *f = c->f;
	const char *en = *f->name_en ? f->name_en : f->name_zh;
	int rc;
	if (c->id) {
		rc = db_exec(d, "UPDATE event_series SET name_zh = ?, name_en = ?, kind = ?, summary_zh = ?, summary_en = ? "
				"WHERE id = ?",
			     DB_ARGS(DB_TEXT(f->name_zh), DB_TEXT(en), DB_TEXT(f->kind), DB_TEXT(f->summary_zh),
				     DB_TEXT(f->summary_en), DB_INT(c->id)), NULL, e);
	} else {
		db_res x;
		rc = db_query(d, &c->r->a, "INSERT INTO event_series (slug, name_zh, name_en, kind, summary_zh, summary_en) "
					   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id",
			      DB_ARGS(DB_TEXT(f->slug), DB_TEXT(f->name_zh), DB_TEXT(en), DB_TEXT(f->kind),
				      DB_TEXT(f->summary_zh), DB_TEXT(f->summary_en)), &x, e);
		if (!rc && !x.nrows)
			return c->taken = 1, ERR_CONSTRAINT;
		if (!rc)
			c->id = db_get_int(&x, 0, 0);
	}
	if (rc)
		return rc;
	return auth_audit(d, c->r->user_id, "series.save", arena_printf(&c->r->a, "series:%lld", (long long)c->id),
			  f->slug, c->r->client, e);
}

static int answer_saved(req *r, resp *out, const struct series_form *f, unsigned status)
{
	if (r->api) {
		out->status = status;
		out->model = json_pack("{s:s}", "slug", f->slug);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/series/%s", f->slug));
}

/* The form again, as it was sent (r->form), with what is wrong (r->errors). */
static int save_again(req *r, resp *out)
{
	const struct series_row *s = r->row;
	struct series_form f = s ? s->f : (struct series_form){ "", "", "", "salon", "", "" };
	json_t *form = r->form;
	const char *v;
#define SENT(field) f.field = (v = json_string_value(json_object_get(form, #field))) ? v : f.field
	if (!s)
		SENT(slug);
	SENT(name_zh);
	SENT(name_en);
	SENT(kind);
	SENT(summary_zh);
	SENT(summary_en);
#undef SENT
	return form_page(r, out, 422, s != NULL, &f, json_incref(r->errors ? r->errors : json_object()));
}

/* POST /series/new and /series/:slug/edit. */
static int save(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	const struct series_row *s = r->row;
	struct series_form f = { "", "", "", "salon", "", "" };
	int64_t id = s ? s->id : 0;
	int editing = s != NULL, rc;
	if (s)
		f = s->f;
	else if (!strcmp((f.slug = in_text(r, "slug")), "new")) { /* /series/new is the form's own address */
		r->errors = json_pack("{s:s}", "slug", T("series.err.slug"));
		return save_again(r, out);
	}
	read_form(r, &f);
	struct save_ctx c = { r, &f, id, 0 };
	rc = db_tx(d, save_tx, &c, &e);
	if (rc && c.taken)
		return form_page(r, out, 409, 0, &f, json_pack("{s:s}", "slug", T("series.err.slug_taken")));
	return rc ? rc : answer_saved(r, out, &f, editing ? 200 : 201);
}

struct remove_ctx {
	req *r;
	int64_t id, events;
	const char *slug;
};

static int remove_tx(db *d, void *p, err *e)
{
	struct remove_ctx *c = p;
	db_res x;
	/* Only an empty series goes: events keep the brand they were held under. */
	int rc = db_query(d, &c->r->a, "SELECT count(*) FROM events WHERE series_id = ?", DB_ARGS(DB_INT(c->id)), &x, e);
	if (rc)
		return rc;
	if ((c->events = db_get_int(&x, 0, 0)))
		return ERR_INPUT;
	if ((rc = db_exec(d, "DELETE FROM event_series WHERE id = ?", DB_ARGS(DB_INT(c->id)), NULL, e)))
		return rc;
	return auth_audit(d, c->r->user_id, "series.delete", arena_printf(&c->r->a, "series:%lld", (long long)c->id),
			  c->slug, c->r->client, e);
}

static int remove_series(req *r, resp *out)
{
	err e = ERR_INIT;
	struct series_row *s = r->row;
	struct series_form f = s->f;
	struct remove_ctx c = { r, s->id, 0, f.slug };
	int rc = db_tx(r->db, remove_tx, &c, &e);
	if (rc == ERR_INPUT) {
		json_t *errors = json_pack("{s:s}", "delete", arena_printf(&r->a, T("series.err.not_empty"), (long long)c.events));
		return form_page(r, out, 409, 1, &f, errors);
	}
	if (rc)
		return rc;
	return r->api ? (out->model = json_pack("{s:s}", "deleted", f.slug), 0) : http_redirect(r, out, "/series");
}


#define SERIES_FIELDS \
	{ "name_zh", IN_LINE, IN_REQUIRED, 0, NAME_MAX, "series.err.name", "series.err.name" }, \
	{ "name_en", IN_LINE, 0, 0, NAME_MAX, "series.err.name", NULL }, \
	{ "kind", IN_CHOICE, IN_REQUIRED, 0, 0, "series.err.kind", "series.err.kind", series_kinds }, \
	{ "summary_zh", IN_TEXT, 0, 0, SUMMARY_MAX, "series.err.summary", NULL }, \
	{ "summary_en", IN_TEXT, 0, 0, SUMMARY_MAX, "series.err.summary", NULL }
static const struct input new_series_inputs[] = {
	{ "slug", IN_SLUG, IN_REQUIRED, 2, SLUG_MAX, "series.err.slug", "series.err.slug" },
	SERIES_FIELDS,
	{ NULL },
};
static const struct input series_inputs[] = { SERIES_FIELDS, { NULL } };

static const struct route routes[] = {
	{ M_GET, "/series", index_page, EVERYONE, 0, "series" },
	{ M_GET, "/series/new", new_form, ORGANIZER, 0, "series-new" },
	{ M_POST, "/series/new", save, ORGANIZER, 1, "series-new", .inputs = new_series_inputs, .invalid = save_again },
	{ M_GET, "/series/:slug", events_list, EVERYONE, 0, "series-page" },
	{ M_GET, "/series/:slug/edit", edit_form, ORGANIZER, 0, "series-edit", .load = &series_loader },
	{ M_POST, "/series/:slug/edit", save, ORGANIZER, 1, "series-edit", .load = &series_loader, .inputs = series_inputs,
	  .invalid = save_again },
	{ M_POST, "/series/:slug/delete", remove_series, ORGANIZER, 1, "series-delete", .load = &series_loader, .inputs = no_inputs },
};

const struct route_table series_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

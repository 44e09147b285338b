/* record.c: what an event leaves behind, shown on its page to everyone and
 * kept up by organizers on /events/:id/record: the figures (registered,
 * checked in, online viewers, total reach) as the organizers published
 * them, exact, approximate ("1xx", "2200+") or unknown, next to what the
 * registrations count; the organizations that came, named in a pasted
 * list (matched against the directory, unknown ones offered for creation)
 * or derived from check-ins; live-stream and replay links, slides (PDF)
 * and photos. */
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/internal.h"
#include "files/files.h"
#include "orgs/orgs.h"
#include "view/i18n.h"
#include "people/people.h"
#include "base/banned.h"

enum { FIGURE_MAX = 40, PASTE_MAX = 300, TITLE_MAX = 200, URL_MAX = 500 };

static const char *const figure_keys[FIGURES] = { "registered", "checked_in", "online", "reach" };
/* NULL-ended: the media form declares them as its kind's choices. */
static const char *const media_kinds[] = { "live", "replay", "slides", "photo", NULL };

/* ---- figures ---- */

struct qualifier {
	const char *s;
	int kind;
};

static const struct qualifier fig_prefixes[] = {
	{ "about", FIGURE_ABOUT }, { "approx.", FIGURE_ABOUT }, { "approx", FIGURE_ABOUT }, { "around", FIGURE_ABOUT },
	{ "~", FIGURE_ABOUT }, { "≈", FIGURE_ABOUT }, { "大约", FIGURE_ABOUT }, { "约", FIGURE_ABOUT },
	{ "more than", FIGURE_AT_LEAST }, { "over", FIGURE_AT_LEAST }, { ">", FIGURE_AT_LEAST }, { "≥", FIGURE_AT_LEAST },
	{ "超过", FIGURE_AT_LEAST },
};
static const struct qualifier fig_suffixes[] = {
	{ "+", FIGURE_AT_LEAST }, { "＋", FIGURE_AT_LEAST }, { "多", FIGURE_AT_LEAST }, { "余", FIGURE_AT_LEAST },
	{ "以上", FIGURE_AT_LEAST }, { "左右", FIGURE_ABOUT },
};

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int figure_parse(const char *text, struct figure *f)
{
	f->kind = FIGURE_UNKNOWN;
	f->value = 0;
	if (!text)
		return 0;
	char tmp[FIGURE_MAX * 4 + 1];
	size_t n = strlen(text);
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, text, n + 1);
	const char *s = skip_spaces(tmp);
	while (n && (tmp[n - 1] == ' ' || tmp[n - 1] == '\t'))
		tmp[--n] = '\0';
	if (!*s)
		return 0;
	/* "80人": people are what is counted anyway. */
	if (n >= 3 && !strcmp(tmp + n - 3, "人")) {
		tmp[n -= 3] = '\0';
		while (n && tmp[n - 1] == ' ')
			tmp[--n] = '\0';
	}
	int kind = FIGURE_EXACT;
	for (size_t i = 0; i < COUNT(fig_prefixes); i++) {
		size_t k = strlen(fig_prefixes[i].s);
		if (!strncasecmp(s, fig_prefixes[i].s, k)) {
			kind = fig_prefixes[i].kind;
			s = skip_spaces(s + k);
			break;
		}
	}
	for (size_t i = 0; i < COUNT(fig_suffixes); i++) {
		size_t k = strlen(fig_suffixes[i].s);
		if (n >= k && !strcmp(tmp + n - k, fig_suffixes[i].s) && tmp + n - k >= s) {
			if (kind != FIGURE_EXACT)
				return -1; /* one qualifier: "约100多" says nothing clear */
			kind = fig_suffixes[i].kind;
			tmp[n -= k] = '\0';
			while (n && tmp[n - 1] == ' ')
				tmp[--n] = '\0';
			break;
		}
	}
	/* Digits, thousands separated by commas or not, then x's for the
	 * digits nobody counted ("1xx"). */
	int64_t v = 0;
	int digits = 0, xs = 0, group = -1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9' && !xs) {
			if (v > 100000000)
				return -1;
			v = v * 10 + (*s - '0');
			digits++;
			if (group >= 0)
				group++;
		} else if (*s == ',' && digits && !xs && (group < 0 || group == 3)) {
			if (group < 0 && digits > 3)
				return -1;
			group = 0;
		} else if ((*s == 'x' || *s == 'X') && digits) {
			v *= 10;
			xs++;
		} else {
			return -1;
		}
	}
	if (!digits || (group >= 0 && group != 3) || xs > 6)
		return -1;
	f->kind = xs && kind == FIGURE_EXACT ? FIGURE_ABOUT : kind;
	f->value = v;
	return 0;
}

static const char *figure_kind_name(int kind)
{
	static const char *const names[] = { "unknown", "exact", "about", "at_least" };
	return names[kind];
}

const char *events_figure_text(arena *a, int lang, const char *published, int64_t counted)
{
	struct figure f;
	if (counted >= 0)
		return arena_printf(a, "%lld", (long long)counted);
	if (!published || !*published)
		return NULL;
	if (figure_parse(published, &f))
		return published;
	switch (f.kind) {
	case FIGURE_EXACT:
		return arena_printf(a, "%lld", (long long)f.value);
	case FIGURE_ABOUT:
		return arena_printf(a, i18n_get(lang, "figure.about_n"), (long long)f.value);
	case FIGURE_AT_LEAST:
		return arena_printf(a, i18n_get(lang, "figure.at_least_n"), (long long)f.value);
	default:
		return published;
	}
}

/* The figures as the event page shows them: what the registrations count
 * where pgherd took them, else what the organizers published, else
 * "not recorded". */
json_t *record_figures(req *r, const struct event_row *ev)
{
	json_t *a = json_array();
	int counted = ev->confirmed > 0 || ev->checked_in > 0;
	for (int k = 0; k < FIGURES; k++) {
		const char *entered = ev->figure[k];
		json_t *o = json_pack("{s:s,s:s}", "key", figure_keys[k], "label",
				      T(arena_printf(&r->a, "figure.%s", figure_keys[k])));
		int64_t count = !counted ? -1 : k == FIG_REGISTERED ? ev->confirmed : k == FIG_CHECKED_IN ? ev->checked_in : -1;
		struct figure f;
		const char *kind;
		if (count >= 0) {
			const char *text = arena_printf(&r->a, "%lld", (long long)count);
			kind = "counted";
			json_object_set_new(o, "text", json_string(text));
			json_object_set_new(o, "value", json_integer(count));
			if (entered && strcmp(entered, text))
				json_object_set_new(o, "published", json_string(entered));
		} else if (entered && !figure_parse(entered, &f) && f.kind != FIGURE_UNKNOWN) {
			kind = figure_kind_name(f.kind);
			json_object_set_new(o, "text", json_string(events_figure_text(&r->a, r->lang, entered, -1)));
			if (strcmp(entered, json_string_value(json_object_get(o, "text"))))
				json_object_set_new(o, "published", json_string(entered));
			json_object_set_new(o, "value", json_integer(f.value));
		} else {
			kind = "unknown";
			json_object_set_new(o, "text", json_string(""));
		}
		json_object_set_new(o, "kind", json_string(kind));
		json_object_set_new(o, "kind_text", json_string(T(arena_printf(&r->a, "figure.kind.%s", kind))));
		json_object_set_new(o, "approximate", json_boolean(!strcmp(kind, "about") || !strcmp(kind, "at_least")));
		json_object_set_new(o, "known", json_boolean(strcmp(kind, "unknown")));
		json_array_append_new(a, o);
	}
	return a;
}

/* ---- media ---- */

static int media_rows(req *r, db *d, int64_t event_id, db_res *x, err *e)
{
	return db_query(d, &r->a, "SELECT m.id, m.kind, m.title, coalesce(m.url, ''), coalesce(m.file_id, 0), "
				  "coalesce(f.name, ''), coalesce(f.size, 0), coalesce(f.key, '') FROM event_media m LEFT JOIN files f ON f.id = m.file_id "
				  "WHERE m.event_id = ? ORDER BY m.kind, m.id",
			DB_ARGS(DB_INT(event_id)), x, e);
}

/* {"live": [...], "replay": [...], "slides": [...], "photo": [...]}: each
 * with the address to open and a title (numbered when none was given). */
static json_t *media_model(req *r, const db_res *x)
{
	json_t *m = json_object();
	for (size_t k = 0; media_kinds[k]; k++)
		json_object_set_new(m, media_kinds[k], json_array());
	for (int i = 0; i < x->nrows; i++) {
		const char *kind = db_get(x, i, 1), *title = db_get(x, i, 2), *url = db_get(x, i, 3);
		int64_t file = db_get_int(x, i, 4);
		json_t *list = json_object_get(m, kind);
		if (!list)
			continue;
		if (!*title)
			title = *db_get(x, i, 5) ? db_get(x, i, 5)
						 : arena_printf(&r->a, "%s %zu", T(arena_printf(&r->a, "media.kind.%s", kind)),
								json_array_size(list) + 1);
		json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_get_int(x, i, 0), "kind", kind, "title",
				      title, "url", file ? arena_printf(&r->a, "/files/%s", db_get(x, i, 7)) : url);
		if (file) {
			/* A photo's thumbnail on the event page is the phone-sized copy. */
			json_object_set_new(o, "thumb", json_string(arena_printf(&r->a, "/files/%s/m", db_get(x, i, 7))));
			json_object_set_new(o, "file_id", json_integer(file));
			json_object_set_new(o, "size_kb", json_integer((db_get_int(x, i, 6) + 1023) / 1024));
		}
		json_array_append_new(list, o);
	}
	json_object_set_new(m, "any", json_boolean(x->nrows > 0));
	return m;
}

int record_model(req *r, db *d, const struct event_row *ev, json_t *m, err *e)
{
	db_res x;
	int rc = media_rows(r, d, ev->id, &x, e);
	if (rc)
		return rc;
	json_object_set_new(m, "figures", record_figures(r, ev));
	json_object_set_new(m, "media", media_model(r, &x));
	return 0;
}

/* ---- the organizer's record page ---- */

/* Checked-in people's organizations that the directory does not know:
 * candidates for creation. */
static int unmatched_checkins(req *r, db *d, int64_t id, db_res *x, err *e)
{
	return db_query(d, &r->a, "WITH came AS (SELECT org, lower(org) AS k, lower(org) AS name FROM registrations "
				  "WHERE event_id = ? AND checked_in_at IS NOT NULL AND org <> '') "
				  "SELECT org, count(*) FROM came WHERE k NOT IN (SELECT k FROM (" ORGS_MATCH_SQL("came") ") m) "
				  "GROUP BY org ORDER BY count(*) DESC, org LIMIT 100",
			DB_ARGS(DB_INT(id)), x, e);
}

/* The record page; form and errors refill the figures form after a
 * refused save, unknown lists pasted names the directory lacks. */
static int record_page(req *r, resp *out, db *d, const struct event_row *ev, unsigned status, json_t *form,
		       json_t *errors, json_t *unknown)
{
	err e = ERR_INIT;
	db_res media, att, miss;
	int rc = media_rows(r, d, ev->id, &media, &e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT o.id, CASE WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) ELSE o.name_zh END AS name "
					"FROM event_orgs eo JOIN orgs o ON o.id = eo.org_id WHERE eo.event_id = ? AND eo.role = 'attendee' "
					"ORDER BY o.id",
			      DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_INT(ev->id)), &att, &e);
	if (!rc)
		rc = unmatched_checkins(r, d, ev->id, &miss, &e);
	if (rc) {
		json_decref(form);
		json_decref(errors);
		json_decref(unknown);
		return rc;
	}
	if (!form) {
		form = json_object();
		for (int k = 0; k < FIGURES; k++)
			json_object_set_new(form, figure_keys[k], json_string(ev->figure[k] ? ev->figure[k] : ""));
	}
	json_t *fields = json_array();
	for (int k = 0; k < FIGURES; k++)
		json_array_append_new(fields, json_pack("{s:s,s:s,s:s,s:O}", "key", figure_keys[k], "label",
							T(arena_printf(&r->a, "figure.%s", figure_keys[k])), "value",
							json_string_value(json_object_get(form, figure_keys[k])), "error",
							errors && json_object_get(errors, figure_keys[k]) ?
							json_object_get(errors, figure_keys[k]) : json_false()));
	json_decref(form);
	json_t *missing = json_array();
	for (int i = 0; i < miss.nrows; i++)
		json_array_append_new(missing, json_pack("{s:s,s:I}", "name", db_get(&miss, i, 0), "people",
							 (json_int_t)db_get_int(&miss, i, 1)));
	json_t *kinds = json_array();
	for (size_t k = 0; media_kinds[k]; k++)
		json_array_append_new(kinds, json_pack("{s:s,s:s}", "value", media_kinds[k], "label",
						       T(arena_printf(&r->a, "media.kind.%s", media_kinds[k]))));
	json_t *m = json_pack("{s:{s:I,s:s,s:s},s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "event", "id", (json_int_t)ev->id, "title",
			      ev->title, "when", event_when(&r->a, r->lang, ev), "figures", fields, "media",
			      media_model(r, &media), "attending", db_rows_json(&att), "missing", missing, "unknown",
			      unknown ? unknown : json_array(), "media_kinds", kinds, "errors",
			      errors ? errors : json_object());
	if (errors && json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
							 json_object_get(errors, "message") ?
							 json_string_value(json_object_get(errors, "message")) : T("form.fix_errors"),
							 "fields", errors));
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("events.saved")));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/record.html", "record.title", m);
}

static int record_get(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	return record_page(r, out, d, ev, 200, NULL, NULL, NULL);
}

static int saved(req *r, resp *out, int64_t id, json_t *model)
{
	if (r->api) {
		out->model = model;
		return 0;
	}
	json_decref(model);
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/record?saved=1", (long long)id));
}

/* ---- figures ---- */

struct figures_ctx {
	req *r;
	int64_t id;
	const char *text[FIGURES];
};

static int figures_tx(db *d, void *p, err *e)
{
	struct figures_ctx *c = p;
	int rc = db_exec(d, "UPDATE events SET registered_text = ?, checked_in_text = ?, online_text = ?, reach_text = ? "
			    "WHERE id = ?",
			 DB_ARGS(DB_TEXT(*c->text[0] ? c->text[0] : NULL), DB_TEXT(*c->text[1] ? c->text[1] : NULL),
				 DB_TEXT(*c->text[2] ? c->text[2] : NULL), DB_TEXT(*c->text[3] ? c->text[3] : NULL),
				 DB_INT(c->id)),
			 NULL, e);
	if (!rc)
		rc = auth_audit(d, c->r->user_id, "event.figures", arena_printf(&c->r->a, "event:%lld", (long long)c->id),
				arena_printf(&c->r->a, "%s|%s|%s|%s", c->text[0], c->text[1], c->text[2], c->text[3]),
				c->r->client, e);
	return rc;
}

/* A figure as published: "200", "about 90", "200+" (figure_parse). */
static int figure_ok(const char *s)
{
	struct figure f;
	return !figure_parse(s, &f);
}

static int figures_invalid(req *r, resp *out)
{
	return record_page(r, out, r->db, r->row, 422, json_incref(r->form), json_incref(r->errors), NULL);
}

static int figures_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	struct figures_ctx c = { r, ev->id, { 0 } };
	for (int k = 0; k < FIGURES; k++) {
		const char *v = in_text(r, figure_keys[k]);
		c.text[k] = v ? v : "";
	}
	int rc = db_tx(d, figures_tx, &c, &e);
	if (rc) {
		log_error("figures: %s", e.msg);
		return rc;
	}
	return saved(r, out, ev->id, json_pack("{s:b}", "saved", 1));
}

/* ---- media ---- */

struct media_ctx {
	req *r;
	int64_t event_id, id, file_id;
	const char *kind, *title, *url, *why;
	const struct upload *file;
};

static int media_tx(db *d, void *p, err *e)
{
	struct media_ctx *c = p;
	int rc = 0;
	if (c->file && (rc = files_store(d, c->r, c->file, &c->file_id, NULL, e)))
		return rc;
	db_res x;
	rc = db_query(d, &c->r->a, "INSERT INTO event_media (event_id, kind, title, url, file_id, created_at) "
				   "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		      DB_ARGS(DB_INT(c->event_id), DB_TEXT(c->kind), DB_TEXT(c->title), DB_TEXT(c->file ? NULL : c->url),
			      c->file ? DB_INT(c->file_id) : DB_NULL, DB_TIME(unix_now())),
		      &x, e);
	if (rc == ERR_CONSTRAINT)
		c->why = "media.err.duplicate";
	if (rc)
		return rc;
	c->id = db_get_int(&x, 0, 0);
	return auth_audit(d, c->r->user_id, "event.media", arena_printf(&c->r->a, "event:%lld", (long long)c->event_id),
			  arena_printf(&c->r->a, "%s %s", c->kind, c->file ? arena_printf(&c->r->a, "file:%lld",
											  (long long)c->file_id) : c->url),
			  c->r->client, e);
}

static int media_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	const struct field *file = in_file(r, "file");
	const char *title = in_text(r, "title"), *url = in_text(r, "url");
	struct media_ctx c = { r, ev->id, 0, 0, in_text(r, "kind"), title ? title : "", url ? url : "", NULL, NULL };
	/* What no one field says: a link or a file, and a file only where
	 * the kind is one (slides, photos). */
	json_t *errors = json_object();
	if (!file && !url)
		json_object_set_new(errors, "url", json_string(T("media.err.none")));
	else if (file && strcmp(c.kind, "slides") && strcmp(c.kind, "photo"))
		json_object_set_new(errors, "url", json_string(T("media.err.link_only")));
	if (json_object_size(errors)) {
		json_object_set_new(errors, "message", json_string(json_string_value(json_object_iter_value(
									 json_object_iter(errors)))));
		return record_page(r, out, d, ev, 422, NULL, errors, NULL);
	}
	json_decref(errors);
	struct upload u;
	int rc = 0;
	if (file) {
		/* The file is checked and written again before the transaction. */
		rc = files_prepare(r, file, !strcmp(c.kind, "slides") ? FILE_PDF : FILE_IMAGE, &u, &c.why);
		c.file = &u;
	}
	if (!rc)
		rc = db_tx(d, media_tx, &c, &e);
	if (rc == ERR_INPUT || (rc == ERR_CONSTRAINT && c.why)) {
		unsigned status = rc == ERR_INPUT ? 422 : 409;
		if (r->api)
			return http_error(r, out, status, rc == ERR_INPUT ? "invalid_file" : "duplicate", c.why);
		return record_page(r, out, d, ev, status, NULL, json_pack("{s:s,s:s}", "url", T(c.why), "message", T(c.why)),
				   NULL);
	}
	if (rc) {
		log_error("media: %s", e.msg);
		return rc;
	}
	out->status = 201;
	return saved(r, out, ev->id, json_pack("{s:I}", "id", (json_int_t)c.id));
}

struct remove_ctx {
	req *r;
	const char *param, *sql, *action;
	int64_t id, what, changed;
};

static int remove_tx(db *d, void *p, err *e)
{
	struct remove_ctx *c = p;
	db_res f;
	int64_t file = 0;
	int media = !strcmp(c->param, "item");
	int rc = media ? db_query(d, &c->r->a, "SELECT coalesce(file_id, 0) FROM event_media WHERE id = ? AND event_id = ?",
				  DB_ARGS(DB_INT(c->what), DB_INT(c->id)), &f, e) : 0;
	if (!rc && media && f.nrows)
		file = db_get_int(&f, 0, 0);
	if (!rc)
		rc = db_exec(d, c->sql, DB_ARGS(DB_INT(c->what), DB_INT(c->id)), &c->changed, e);
	/* Slides and photos belong to their media row: the file goes with it
	 * unless something else shows it. */
	if (!rc && file)
		rc = db_exec(d, "DELETE FROM files WHERE id = ? AND NOT EXISTS (SELECT 1 FROM event_media WHERE file_id = ?) "
				"AND NOT EXISTS (SELECT 1 FROM events WHERE cover_file_id = ?) AND NOT " PEOPLE_SHOW_FILE " "
				"AND NOT EXISTS (SELECT 1 FROM orgs WHERE logo_file_id = ?)",
			     DB_ARGS(DB_INT(file), DB_INT(file), DB_INT(file), DB_INT(file), DB_INT(file)), NULL, e);
	if (!rc && c->changed)
		rc = auth_audit(d, c->r->user_id, c->action, arena_printf(&c->r->a, "event:%lld", (long long)c->id),
				arena_printf(&c->r->a, "%s:%lld", c->param, (long long)c->what), c->r->client, e);
	return rc;
}

/* Removes one row the route names (":item" or ":org") from the event, with
 * an audit line, in one transaction; 404 when it is not the event's. */
static int remove_of(req *r, resp *out, const char *param, const char *sql, const char *action)
{
	err e = ERR_INIT;
	struct remove_ctx c = { r, param, sql, action, 0, 0, 0 };
	if (req_id(r, &c.id) || parse_i64(req_param(r, param), 1, INT64_MAX, &c.what))
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	int rc = db_tx(d, remove_tx, &c, &e);
	if (rc)
		return rc;
	if (!c.changed)
		return http_error(r, out, 404, "not_found", "error.not_found");
	return saved(r, out, c.id, json_pack("{s:b}", "deleted", 1));
}

static int media_delete(req *r, resp *out)
{
	return remove_of(r, out, "item", "DELETE FROM event_media WHERE id = ? AND event_id = ?", "event.media_delete");
}

static int attendee_delete(req *r, resp *out)
{
	return remove_of(r, out, "org", "DELETE FROM event_orgs WHERE org_id = ? AND event_id = ? AND role = 'attendee'",
			 "event.attendee_delete");
}

/* ---- attending organizations ---- */

struct attend_ctx {
	req *r;
	int64_t event_id;
	const char **names;  /* pasted: matched or left unknown */
	int nnames;
	const char **create; /* to add to the directory */
	int ncreate;
	int64_t *chosen;     /* directory entries picked for names it lacked */
	int nchosen;
	int added, created;
	json_t *unknown;
};

static int attend(db *d, struct attend_ctx *c, int64_t org, err *e)
{
	int64_t changed = 0;
	int rc = db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) VALUES (?, ?, 'attendee') ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_INT(c->event_id), DB_INT(org)), &changed, e);
	c->added += (int)changed;
	return rc;
}

static int attend_tx(db *d, void *p, err *e)
{
	struct attend_ctx *c = p;
	int rc = 0;
	c->added = c->created = 0;
	json_array_clear(c->unknown);
	for (int i = 0; !rc && i < c->nnames; i++) {
		int64_t org;
		if (!(rc = orgs_find(d, &c->r->a, c->names[i], &org, e))) {
			if (org)
				rc = attend(d, c, org, e);
			else
				json_array_append_new(c->unknown, json_string(c->names[i]));
		}
	}
	for (int i = 0; !rc && i < c->ncreate; i++) {
		int64_t org;
		int made;
		if (!(rc = orgs_ensure(d, &c->r->a, c->create[i], &org, &made, e)))
			rc = attend(d, c, org, e);
		c->created += made;
	}
	for (int i = 0; !rc && i < c->nchosen; i++) {
		db_res x;
		if (!(rc = db_query(d, &c->r->a, "SELECT id FROM orgs WHERE id = ?", DB_ARGS(DB_INT(c->chosen[i])), &x, e)) &&
		    x.nrows)
			rc = attend(d, c, c->chosen[i], e);
	}
	if (!rc && (c->added || c->created))
		rc = auth_audit(d, c->r->user_id, "event.attendees", arena_printf(&c->r->a, "event:%lld", (long long)c->event_id),
				arena_printf(&c->r->a, "added %d, created %d", c->added, c->created), c->r->client, e);
	return rc;
}

/* Every value of the repeated field `name` (ticked boxes), each split as a
 * pasted list too, so the API may send one text with line breaks. */
static int form_list(req *r, const char *name, const char **out, int max, int *over)
{
	int n = 0;
	*over = 0;
	for (const struct field *f = r->fields; f; f = f->next) {
		if (f->filename || f->hidden || strcmp(f->name, name))
			continue;
		const char *part[PASTE_MAX + 1];
		int k = orgs_split_list(&r->a, f->value.s, part, PASTE_MAX + 1);
		for (int i = 0; i < k; i++) {
			int dup = 0;
			for (int j = 0; j < n && !dup; j++)
				dup = !strcmp(out[j], part[i]);
			if (dup)
				continue;
			if (n == max) {
				*over = 1;
				return n;
			}
			out[n++] = part[i];
		}
	}
	return n;
}

/* The picks made for names the directory lacked (repeated "pick" fields,
 * "ID:NAME", "new:NAME" or "skip:NAME"): ids into chosen, names to add
 * into create after those ticked. */
static void read_picks(req *r, struct attend_ctx *c)
{
	c->chosen = arena_alloc(&r->a, sizeof(int64_t) * PASTE_MAX);
	for (const struct field *f = r->fields; f; f = f->next) {
		const char *colon = f->filename || f->hidden || strcmp(f->name, "pick") ? NULL : strchr(f->value.s, ':');
		int64_t id;
		if (!colon || !colon[1])
			continue;
		const char *kind = arena_strndup(&r->a, f->value.s, (size_t)(colon - f->value.s));
		if (!strcmp(kind, "new") && c->ncreate < PASTE_MAX)
			c->create[c->ncreate++] = colon + 1;
		else if (!parse_i64(kind, 1, INT64_MAX, &id) && c->nchosen < PASTE_MAX)
			c->chosen[c->nchosen++] = id;
	}
}

/* The names still unknown, each with what the directory holds that it
 * may mean, the closest chosen, and adding it as the last choice; a name
 * nothing resembles is offered for adding, ticked. */
static int unknown_model(req *r, db *d, json_t *names, json_t **out, err *e)
{
	json_t *list = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v) {
		const char *name = json_string_value(v);
		json_t *options;
		int rc = orgs_suggest_choices(d, &r->a, name, r->lang, 5, &options, e);
		if (rc) {
			json_decref(list);
			return rc;
		}
		int any = json_array_size(options) > 0;
		json_array_append_new(list, json_pack("{s:s,s:o,s:b,s:s,s:s,s:s}", "name", name, "options", options, "any",
						      any, "new_value", arena_printf(&r->a, "new:%s", name), "new_label",
						      arena_printf(&r->a, T("events.org_add"), name), "skip_value",
						      arena_printf(&r->a, "skip:%s", name)));
	}
	*out = list;
	return 0;
}

static int attendees_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	const char **names = arena_alloc(&r->a, sizeof(char *) * PASTE_MAX);
	const char **create = arena_alloc(&r->a, sizeof(char *) * PASTE_MAX);
	int over1, over2;
	struct attend_ctx c = { r, ev->id, names, form_list(r, "list", names, PASTE_MAX, &over1), create,
				form_list(r, "create", create, PASTE_MAX, &over2), NULL, 0, 0, 0, json_array() };
	read_picks(r, &c);
	const char *why = over1 || over2 ? "attend.err.too_many"
			  : !c.nnames && !c.ncreate && !c.nchosen ? "attend.err.none" : NULL;
	for (int i = 0; !why && i < c.nnames + c.ncreate; i++) {
		const char *n = i < c.nnames ? names[i] : create[i - c.nnames];
		if (text_len(n) > 100 || has_control(n))
			why = "attend.err.name";
	}
	if (why) {
		json_decref(c.unknown);
		if (r->api)
			return http_error(r, out, 422, "invalid", why);
		return record_page(r, out, d, ev, 422, NULL, json_pack("{s:s,s:s}", "list", T(why), "message", T(why)), NULL);
	}
	int rc = db_tx(d, attend_tx, &c, &e);
	if (rc) {
		json_decref(c.unknown);
		log_error("attendees: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:i,s:i,s:o}", "added", c.added, "created", c.created, "unknown", c.unknown);
		return 0;
	}
	if (!json_array_size(c.unknown)) {
		json_decref(c.unknown);
		return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/record?saved=1#attending", (long long)ev->id));
	}
	/* The names the directory lacks come back with what they may mean. */
	struct event_row now;
	int found;
	json_t *unknown = NULL;
	rc = event_get(d, &r->a, ev->id, r->lang, &now, &found, &e);
	if (!rc)
		rc = unknown_model(r, d, c.unknown, &unknown, &e);
	json_decref(c.unknown);
	if (rc)
		return rc;
	return record_page(r, out, d, &now, 200, NULL, NULL, unknown);
}

#define FIGURE_INPUT(key) { key, IN_LINE, 0, 0, FIGURE_MAX, "figure.err", NULL, NULL, figure_ok }
static const struct input figures_inputs[] = {
	FIGURE_INPUT("registered"), FIGURE_INPUT("checked_in"), FIGURE_INPUT("online"), FIGURE_INPUT("reach"), { NULL },
};
static int media_invalid(req *r, resp *out)
{
	json_t *errors = json_copy(r->errors);
	json_object_set_new(errors, "message", json_string(inputs_first_error(r)));
	return record_page(r, out, r->db, r->row, 422, NULL, errors, NULL);
}

static const struct input media_inputs[] = {
	{ "kind", IN_CHOICE, IN_REQUIRED, 0, 0, "media.err.kind", "media.err.kind", media_kinds },
	{ "title", IN_LINE, 0, 0, TITLE_MAX, "events.err.title_text", NULL },
	{ "url", IN_URL, 0, 0, URL_MAX, "orgs.err.website", NULL },
	IN_UPLOAD("file"),
	{ NULL },
};
static const struct input attendees_inputs[] = { IN_FIELD("list"), IN_FIELD("create"), IN_FIELD("pick"), { NULL } };

static const struct route routes[] = {
	{ M_GET, "/events/:id/record", record_get, ORGANIZER, 0, "event-record", .load = &event_loader },
	{ M_POST, "/events/:id/figures", figures_post, ORGANIZER, 1, "event-figures", .load = &event_loader, .inputs = figures_inputs,
	  .invalid = figures_invalid },
	{ M_POST, "/events/:id/media", media_post, ORGANIZER, 1, "event-media-add", .load = &event_loader, .inputs = media_inputs,
	  .invalid = media_invalid },
	{ M_POST, "/events/:id/media/:item/delete", media_delete, ORGANIZER, 1, "event-media-delete", .inputs = no_inputs },
	{ M_POST, "/events/:id/attendees", attendees_post, ORGANIZER, 1, "event-attendees", .load = &event_loader, .inputs = attendees_inputs },
	{ M_POST, "/events/:id/attendees/:org/delete", attendee_delete, ORGANIZER, 1, "event-attendee-delete", .inputs = no_inputs },
};

const struct route_table record_routes = { routes, COUNT(routes) };

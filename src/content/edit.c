/* edit.c: writing an article: a member's new draft (/articles/new), and
 * changing one (/articles/:id/edit: its authors while it is a draft,
 * sent back or waiting for review; editors always). Every save that
 * changes the text keeps it as a new version; the cover and a white
 * paper's PDF are uploads of their own. */
#include "content/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/util.h"
#include "people/people.h"
#include "base/banned.h"

/* The form's fields, as sent or as stored. */
struct article_form {
	const char *kind, *title_zh, *title_en, *summary_zh, *summary_en, *body_zh, *body_en;
	const char *media, *media_url, *original_url, *sponsor, *event, *tags, *industries, *authors, *orgs;
};

static json_t *choices(req *r, const char *prefix, const char *const *list, const char *picked, int many)
{
	json_t *a = json_array();
	for (size_t i = 0; list[i]; i++) {
		int on = 0;
		if (many) { /* picked is "a,b,c" */
			size_t n = strlen(list[i]);
			for (const char *p = picked; p && (p = strstr(p, list[i])); p += n)
				on |= (p == picked || p[-1] == ',') && (p[n] == ',' || !p[n]);
		} else {
			on = picked && !strcmp(picked, list[i]);
		}
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", list[i], "label",
						   T(arena_printf(&r->a, "%s.%s", prefix, list[i])), "selected", on));
	}
	return a;
}

static int form_page(req *r, resp *out, unsigned status, const struct article_row *a, const struct article_form *f,
		     json_t *errors)
{
	json_t *form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "orgs", f->orgs, "kind", f->kind,
				 "title_zh",
				 f->title_zh, "title_en", f->title_en, "summary_zh", f->summary_zh, "summary_en", f->summary_en,
				 "body_zh", f->body_zh, "body_en", f->body_en, "media_url", f->media_url, "original_url",
				 f->original_url, "sponsor", f->sponsor, "event", f->event, "tags", f->tags, "authors",
				 f->authors);
	json_t *m = json_pack("{s:o,s:o,s:o,s:o,s:o,s:s,s:b,s:b}", "form", form, "kinds",
			      choices(r, "content.kind", article_kinds, f->kind, 0), "media",
			      choices(r, "content.media", article_media, f->media, 0), "industries",
			      choices(r, "ind", orgs_industries, f->industries, 1), "errors", errors, "action",
			      a ? arena_printf(&r->a, "/articles/%lld/edit", (long long)a->id) : "/articles/new", "editing",
			      a != NULL, "editor", content_editor(r));
	const char *img = req_query(r, "image");
	if (a && img && strlen(img) <= FILE_KEY_LEN && strspn(img, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(img))
		json_object_set_new(m, "image_markdown", json_string(arena_printf(&r->a, "![](/files/%s/m)", img)));
	if (a) {
		json_object_set_new(m, "article", json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)a->id, "status", a->status,
							    "status_text",
							    T(arena_printf(&r->a, "content.status.%s", a->status)),
							    "version", (json_int_t)a->version));
		if (*a->cover_key)
			json_object_set_new(m, "cover", json_string(a->cover_key));
		if (*a->pdf_key)
			json_object_set_new(m, "pdf", json_string(a->pdf_key));
	}
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message", T("form.fix_errors"),
							 "fields", errors));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "content/edit.html", a ? "content.edit" : "content.new", m);
}

static const struct article_form blank = { "article", "", "", "", "", "", "", "text", "", "", "", "", "", "", "", "" };

static int new_form(req *r, resp *out)
{
	struct article_form f = blank;
	const char *k = req_query(r, "kind");
	if (k && one_of(k, article_kinds))
		f.kind = k;
	return form_page(r, out, 200, NULL, &f, json_object());
}

/* The stored article as its form shows it: tags, industries and co-authors
 * read back as they are typed. */
static int stored_form(req *r, const struct article_row *a, struct article_form *f, err *e)
{
	*f = (struct article_form){ a->kind, a->title_zh, a->title_en, a->summary_zh, a->summary_en, a->body_zh, a->body_en,
				    a->media, a->media_url, a->original_url, a->sponsor, "", "", "", "", "" };
	if (a->event_id)
		f->event = arena_printf(&r->a, "%lld", (long long)a->event_id);
	db_res x;
	int rc = db_query(r->db, &r->a,
			  "SELECT 'tag' AS k, tag AS v, 0 AS pos FROM article_tags WHERE article_id = ? UNION ALL "
			  "SELECT 'ind', industry, 0 FROM article_industries WHERE article_id = ? UNION ALL "
			  "SELECT 'who', u.email, aa.pos FROM article_authors aa " PEOPLE_JOIN("u", "aa.user_id")
			  "WHERE aa.article_id = ? AND aa.user_id <> ? UNION ALL "
			  "SELECT 'org', o.name_zh, 0 FROM article_orgs ao " ORGS_JOIN("o", "ao.org_id") "WHERE ao.article_id = ? "
			  "ORDER BY 1, 3, 2",
			  DB_ARGS(DB_INT(a->id), DB_INT(a->id), DB_INT(a->id), DB_INT(a->created_by), DB_INT(a->id)), &x, e);
	if (rc)
		return rc;
	for (int i = 0; i < x.nrows; i++) {
		const char *k = db_text(&x, i, "k"), *v = db_text(&x, i, "v");
		const char **to = !strcmp(k, "tag") ? &f->tags : !strcmp(k, "ind") ? &f->industries
				: !strcmp(k, "org") ? &f->orgs : &f->authors;
		*to = arena_printf(&r->a, "%s%s%s", *to, **to ? (to == &f->authors || to == &f->orgs ? "\n" : ",") : "",
				   v ? v : "");
	}
	if (*f->tags)
		for (char *p = (char *)(uintptr_t)f->tags; *p; p++)
			if (*p == ',')
				*p = ' ';
	return 0;
}

static int refuse_unless_editable(req *r, resp *out, const struct article_row *a, err *e, int *rc)
{
	if (article_may_edit(r, a, e, rc) || *rc)
		return 0;
	http_error(r, out, 403, "not_yours", "content.err.not_yours");
	return 1;
}

static int edit_form(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct article_row *a = r->row;
	struct article_form f;
	int rc;
	if (refuse_unless_editable(r, out, a, &e, &rc) || rc)
		return rc;
	if ((rc = stored_form(r, a, &f, &e)))
		return rc;
	return form_page(r, out, 200, a, &f, json_object());
}

/* ---- saving ---- */

static void read_form(req *r, struct article_form *f)
{
	const char *v;
#define IN(field, dflt) f->field = (v = in_text(r, #field)) ? v : dflt
	IN(kind, "article");
	IN(title_zh, "");
	IN(title_en, "");
	IN(summary_zh, "");
	IN(summary_en, "");
	IN(body_zh, "");
	IN(body_en, "");
	IN(media, "text");
	IN(media_url, "");
	IN(original_url, "");
	IN(sponsor, "");
	IN(event, "");
	IN(tags, "");
	IN(industries, "");
	IN(authors, "");
	IN(orgs, "");
#undef IN
}

/* What the form was sent with, for the page that shows it again. */
static void sent_form(req *r, struct article_form *f)
{
	*f = blank;
	json_t *form = r->form;
	const char *v;
#define SENT(field) f->field = (v = json_string_value(json_object_get(form, #field))) ? v : f->field
	SENT(kind);
	SENT(title_zh);
	SENT(title_en);
	SENT(summary_zh);
	SENT(summary_en);
	SENT(body_zh);
	SENT(body_en);
	SENT(media);
	SENT(media_url);
	SENT(original_url);
	SENT(sponsor);
	SENT(event);
	SENT(tags);
	SENT(authors);
	SENT(orgs);
#undef SENT
	json_t *picked = json_object_get(form, "industries");
	for (size_t i = 0; i < json_array_size(picked); i++)
		f->industries = arena_printf(&r->a, "%s%s%s", f->industries, *f->industries ? "," : "",
					     json_string_value(json_array_get(picked, i)));
}

static int save_again(req *r, resp *out)
{
	struct article_form f;
	sent_form(r, &f);
	return form_page(r, out, 422, r->row, &f, json_incref(r->errors ? r->errors : json_object()));
}

/* What an article's form holds once its names are looked up. */
struct resolved {
	int64_t sponsor, event, authors[AUTHORS_MAX], orgs[ORGS_MAX];
	int nauthors, norgs;
	const char *tags[TAGS_MAX + 1];
};

static void wrong(req *r, const char *field, const char *key)
{
	if (!r->errors)
		r->errors = json_object();
	if (!json_object_get(r->errors, field))
		json_object_set_new(r->errors, field, json_string(T(key)));
}

/* The checks across fields and against the directory, the events and the
 * members; each wrong field gets its message in r->errors. */
static int resolve(req *r, const struct article_form *f, struct resolved *out, err *e)
{
	int rc;
	memset(out, 0, sizeof(*out));
	if (!*f->title_zh && !*f->title_en)
		wrong(r, "title_zh", "content.err.title");
	if (*f->body_zh && !*f->title_zh)
		wrong(r, "title_zh", "content.err.title_for_body");
	if (*f->body_en && !*f->title_en)
		wrong(r, "title_en", "content.err.title_for_body");
	if (!strcmp(f->kind, "translation") && !*f->original_url)
		wrong(r, "original_url", "content.err.original");
	if (strcmp(f->media, "text") && !*f->media_url)
		wrong(r, "media_url", "content.err.media_url");
	if (content_split_tags(&r->a, f->tags, out->tags) < 0)
		wrong(r, "tags", "content.err.tags");
	if (*f->sponsor) {
		if ((rc = orgs_find(r->db, &r->a, f->sponsor, &out->sponsor, e)))
			return rc;
		if (!out->sponsor)
			wrong(r, "sponsor", "content.err.sponsor_unknown");
	} else if (!strcmp(f->kind, "sponsored")) {
		wrong(r, "sponsor", "content.err.sponsor");
	}
	if (*f->event) {
		const char *title;
		out->event = in_num(r, "event", 0);
		rc = events_public_title(r->db, &r->a, out->event, r->lang, &title, e);
		if (rc == ERR_NOTFOUND)
			wrong(r, "event", "content.err.event");
		else if (rc)
			return rc;
	}
	/* The organizations it is about, named as the directory knows them. */
	const char *names[ORGS_MAX + 1];
	int n = orgs_split_list(&r->a, f->orgs, names, ORGS_MAX + 1);
	if (n > ORGS_MAX)
		wrong(r, "orgs", "content.err.orgs_many");
	for (int i = 0; i < n && i < ORGS_MAX; i++) {
		int64_t id;
		if ((rc = orgs_find(r->db, &r->a, names[i], &id, e)))
			return rc;
		if (!id) {
			json_object_set_new(r->errors ? r->errors : (r->errors = json_object()), "orgs",
					    json_string(arena_printf(&r->a, T("content.err.org_unknown"), names[i])));
			continue;
		}
		out->orgs[out->norgs++] = id;
	}
	/* Co-authors by their addresses, one a line (or comma). */
	char *list = arena_strdup(&r->a, f->authors), *save = NULL;
	for (char *t = strtok_r(list, ",;\r\n \t", &save); t; t = strtok_r(NULL, ",;\r\n \t", &save)) {
		int64_t id, org;
		const char *name;
		if (out->nauthors == AUTHORS_MAX - 1) {
			wrong(r, "authors", "content.err.authors_many");
			break;
		}
		rc = people_by_email(r->db, &r->a, t, &id, &name, &org, e);
		if (rc == ERR_NOTFOUND) {
			json_object_set_new(r->errors ? r->errors : (r->errors = json_object()), "authors",
					    json_string(arena_printf(&r->a, T("content.err.author_unknown"), t)));
			continue;
		}
		if (rc)
			return rc;
		out->authors[out->nauthors++] = id;
	}
	return 0;
}

struct save_ctx {
	req *r;
	const struct article_form *f;
	const struct resolved *x;
	const struct article_row *old; /* NULL: a new draft */
	int64_t id;
	int version;
	int stale; /* another save came first */
};

static int replace_lists(db *d, struct save_ctx *c, int64_t owner, err *e)
{
	int64_t id = c->id;
	int rc = db_exec(d, "DELETE FROM article_tags WHERE article_id = ?", DB_ARGS(DB_INT(id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM article_industries WHERE article_id = ?", DB_ARGS(DB_INT(id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM article_authors WHERE article_id = ?", DB_ARGS(DB_INT(id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM article_orgs WHERE article_id = ?", DB_ARGS(DB_INT(id)), NULL, e);
	for (int i = 0; !rc && i < c->x->norgs; i++)
		rc = db_exec(d, "INSERT INTO article_orgs (article_id, org_id) VALUES (?, ?) ON CONFLICT (article_id, org_id) "
				"DO NOTHING", DB_ARGS(DB_INT(id), DB_INT(c->x->orgs[i])), NULL, e);
	for (int i = 0; !rc && c->x->tags[i]; i++)
		rc = db_exec(d, "INSERT INTO article_tags (article_id, tag) VALUES (?, ?)",
			     DB_ARGS(DB_INT(id), DB_TEXT(c->x->tags[i])), NULL, e);
	char *inds = arena_strdup(&c->r->a, c->f->industries), *save = NULL;
	for (char *t = strtok_r(inds, ",", &save); !rc && t; t = strtok_r(NULL, ",", &save))
		rc = db_exec(d, "INSERT INTO article_industries (article_id, industry) VALUES (?, ?)",
			     DB_ARGS(DB_INT(id), DB_TEXT(t)), NULL, e);
	/* The one who started it first, then the co-authors as listed. */
	if (!rc)
		rc = db_exec(d, "INSERT INTO article_authors (article_id, user_id, pos) VALUES (?, ?, 0)",
			     DB_ARGS(DB_INT(id), DB_INT(owner)), NULL, e);
	for (int i = 0; !rc && i < c->x->nauthors; i++)
		if (c->x->authors[i] != owner)
			rc = db_exec(d, "INSERT INTO article_authors (article_id, user_id, pos) VALUES (?, ?, ?) "
					"ON CONFLICT (article_id, user_id) DO NOTHING",
				     DB_ARGS(DB_INT(id), DB_INT(c->x->authors[i]), DB_INT(i + 1)), NULL, e);
	return rc;
}

static int text_changed(const struct article_row *a, const struct article_form *f)
{
	return !a || strcmp(a->title_zh, f->title_zh) || strcmp(a->title_en, f->title_en) ||
	       strcmp(a->summary_zh, f->summary_zh) || strcmp(a->summary_en, f->summary_en) ||
	       strcmp(a->body_zh, f->body_zh) || strcmp(a->body_en, f->body_en);
}

static int save_tx(db *d, void *p, err *e)
{
	struct save_ctx *c = p;
	const struct article_form *f = c->f;
	req *r = c->r;
	int64_t now = unix_now();
	int changed = text_changed(c->old, f), rc;
	db_param sponsor = c->x->sponsor ? DB_INT(c->x->sponsor) : DB_NULL, event = c->x->event ? DB_INT(c->x->event) : DB_NULL;
	if (!c->old) {
		db_res x;
		rc = db_query(d, &r->a,
			      "INSERT INTO articles (kind, title_zh, title_en, summary_zh, summary_en, body_zh, body_en, media, "
			      "media_url, original_url, sponsor_org_id, event_id, created_by, created_at, updated_at, version) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
			      DB_ARGS(DB_TEXT(f->kind), DB_TEXT(f->title_zh), DB_TEXT(f->title_en), DB_TEXT(f->summary_zh),
				      DB_TEXT(f->summary_en), DB_TEXT(f->body_zh), DB_TEXT(f->body_en), DB_TEXT(f->media),
				      DB_TEXT(f->media_url), DB_TEXT(f->original_url), sponsor, event, DB_INT(r->user_id),
				      DB_TIME(now), DB_TIME(now)), &x, e);
		if (rc)
			return rc;
		c->id = db_get_int(&x, 0, 0);
		c->version = 1;
	} else {
		c->id = c->old->id;
		c->version = c->old->version + (changed ? 1 : 0);
		int64_t n = 0;
		rc = db_exec(d, "UPDATE articles SET kind = ?, title_zh = ?, title_en = ?, summary_zh = ?, summary_en = ?, "
				"body_zh = ?, body_en = ?, media = ?, media_url = ?, original_url = ?, sponsor_org_id = ?, "
				"event_id = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?",
			     DB_ARGS(DB_TEXT(f->kind), DB_TEXT(f->title_zh), DB_TEXT(f->title_en), DB_TEXT(f->summary_zh),
				     DB_TEXT(f->summary_en), DB_TEXT(f->body_zh), DB_TEXT(f->body_en), DB_TEXT(f->media),
				     DB_TEXT(f->media_url), DB_TEXT(f->original_url), sponsor, event, DB_TIME(now),
				     DB_INT(c->version), DB_INT(c->id), DB_INT(c->old->version)), &n, e);
		/* Someone saved it since this form was read: theirs stays. */
		if (!rc && !n)
			return c->stale = 1, ERR_CONSTRAINT;
	}
	if (!rc)
		rc = replace_lists(d, c, c->old ? c->old->created_by : r->user_id, e);
	if (!rc && changed)
		rc = db_exec(d, "INSERT INTO article_versions (article_id, version, user_id, at, title_zh, title_en, summary_zh, "
				"summary_en, body_zh, body_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     DB_ARGS(DB_INT(c->id), DB_INT(c->version), DB_INT(r->user_id), DB_TIME(now), DB_TEXT(f->title_zh),
				     DB_TEXT(f->title_en), DB_TEXT(f->summary_zh), DB_TEXT(f->summary_en), DB_TEXT(f->body_zh),
				     DB_TEXT(f->body_en)), NULL, e);
	if (rc)
		return rc;
	return auth_audit(d, r->user_id, c->old ? "article.edit" : "article.new",
			  arena_printf(&r->a, "article:%lld", (long long)c->id), *f->title_zh ? f->title_zh : f->title_en,
			  r->client, e);
}

/* POST /articles/new and /articles/:id/edit. */
static int save(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct article_row *a = r->row;
	int rc;
	if (a && (refuse_unless_editable(r, out, a, &e, &rc) || rc))
		return rc;
	struct article_form f;
	struct resolved x;
	read_form(r, &f);
	if ((rc = resolve(r, &f, &x, &e)))
		return rc;
	if (r->errors)
		return save_again(r, out);
	struct save_ctx c = { r, &f, &x, a, 0, 0, 0 };
	/* The version the form was read at: an older one is a save that
	 * would undo another's. */
	int64_t read_at = in_num(r, "version", 0);
	rc = a && read_at && read_at != a->version ? (c.stale = 1, ERR_CONSTRAINT) : db_tx(r->db, save_tx, &c, &e);
	if (rc && c.stale) {
		wrong(r, "body_zh", "content.err.stale");
		save_again(r, out);
		out->status = 409;
		return 0;
	}
	if (rc)
		return rc;
	if (r->api) {
		out->status = a ? 200 : 201;
		out->model = json_pack("{s:I,s:I}", "id", (json_int_t)c.id, "version", (json_int_t)c.version);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/articles/%lld?saved=1", (long long)c.id));
}

/* ---- the cover and the PDF ---- */

static int upload(req *r, resp *out, const char *field, int kinds, const char *sql, const char *audit)
{
	err e = ERR_INIT;
	int rc;
	if (refuse_unless_editable(r, out, r->row, &e, &rc) || rc)
		return rc;
	return files_attach_route(r, out, field, kinds, sql, audit, "article", "/articles");
}

static int cover(req *r, resp *out)
{
	return upload(r, out, "cover", FILE_IMAGE, "UPDATE articles SET cover_file_id = ? WHERE id = ?", "article.cover");
}

static int pdf(req *r, resp *out)
{
	return upload(r, out, "pdf", FILE_PDF, "UPDATE articles SET pdf_file_id = ? WHERE id = ?", "article.pdf");
}

/* A picture for the text: stored (decoded and written again like every
 * upload) and handed back as the Markdown that shows it, to paste. */
struct image_ctx {
	req *r;
	const struct upload *u;
	int64_t article, file;
	const char *key;
};

static int image_tx(db *d, void *p, err *e)
{
	struct image_ctx *c = p;
	int rc = files_store(d, c->r, c->u, &c->file, &c->key, e);
	if (!rc)
		rc = auth_audit(d, c->r->user_id, "article.image", arena_printf(&c->r->a, "article:%lld", (long long)c->article),
				c->key, c->r->client, e);
	return rc;
}

static int image(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct article_row *a = r->row;
	struct upload u;
	const char *why;
	int rc;
	if (refuse_unless_editable(r, out, a, &e, &rc) || rc)
		return rc;
	if (files_prepare(r, in_file(r, "image"), FILE_IMAGE, &u, &why))
		return http_error(r, out, 422, "invalid_image", why);
	struct image_ctx c = { r, &u, a->id, 0, NULL };
	if ((rc = db_tx(r->db, image_tx, &c, &e)))
		return rc;
	const char *md = arena_printf(&r->a, "![](/files/%s/m)", c.key);
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:s,s:s}", "url", arena_printf(&r->a, "/files/%s/m", c.key), "markdown", md);
		return 0;
	}
	buf arg = BUF_INIT;
	buf_url_arg(&arg, c.key);
	const char *next = arena_printf(&r->a, "/articles/%lld/edit?image=%s", (long long)a->id, arg.s);
	buf_release(&arg);
	return http_redirect(r, out, next);
}

#define ARTICLE_INPUTS                                                                                                  \
	{ "kind", IN_CHOICE, IN_REQUIRED, 0, 0, "content.err.kind", "content.err.kind", article_kinds },               \
	{ "title_zh", IN_LINE, 0, 0, TITLE_MAX, "content.err.title_long", NULL },                                      \
	{ "title_en", IN_LINE, 0, 0, TITLE_MAX, "content.err.title_long", NULL },                                      \
	{ "summary_zh", IN_TEXT, 0, 0, SUMMARY_MAX, "content.err.summary", NULL },                                     \
	{ "summary_en", IN_TEXT, 0, 0, SUMMARY_MAX, "content.err.summary", NULL },                                     \
	{ "body_zh", IN_MARKDOWN, 0, 0, BODY_MAX, "content.err.body", NULL },                                          \
	{ "body_en", IN_MARKDOWN, 0, 0, BODY_MAX, "content.err.body", NULL },                                          \
	{ "media", IN_CHOICE, 0, 0, 0, "content.err.media", NULL, article_media },                                     \
	{ "media_url", IN_URL, 0, 0, 500, NULL, NULL },                                                                \
	{ "original_url", IN_URL, 0, 0, 500, NULL, NULL },                                                             \
	{ "sponsor", IN_LINE, 0, 0, 100, NULL, NULL },                                                                 \
	{ "event", IN_INT, 0, 1, INT64_MAX, "content.err.event", NULL },                                               \
	{ "tags", IN_LINE, 0, 0, 400, "content.err.tags", NULL },                                                      \
	{ "industries", IN_CHOICES, 0, 0, 0, NULL, NULL, orgs_industries },                                            \
	{ "authors", IN_TEXT, 0, 0, 2000, NULL, NULL },                                                               \
	{ "orgs", IN_TEXT, 0, 0, 2000, NULL, NULL },                                                                  \
	{ "version", IN_INT, 0, 1, INT32_MAX, NULL, NULL }
static const struct input article_inputs[] = { ARTICLE_INPUTS, { NULL } };
static const struct input cover_inputs[] = { IN_UPLOAD("cover"), { NULL } };
static const struct input pdf_inputs[] = { IN_UPLOAD("pdf"), { NULL } };
static const struct input image_inputs[] = { IN_UPLOAD("image"), { NULL } };

static const struct route routes[] = {
	{ M_GET, "/articles/new", new_form, SIGNED_IN, 0, "article-new" },
	{ M_POST, "/articles/new", save, SIGNED_IN, 1, "article-new", .inputs = article_inputs, .invalid = save_again },
	{ M_GET, "/articles/:id/edit", edit_form, SIGNED_IN, 0, "article-edit", &article_loader },
	{ M_POST, "/articles/:id/edit", save, SIGNED_IN, 1, "article-edit", &article_loader, article_inputs, save_again },
	{ M_POST, "/articles/:id/cover", cover, SIGNED_IN, 1, "article-cover", &article_loader, cover_inputs },
	{ M_POST, "/articles/:id/pdf", pdf, SIGNED_IN, 1, "article-pdf", &article_loader, pdf_inputs },
	{ M_POST, "/articles/:id/image", image, SIGNED_IN, 1, "article-image", &article_loader, image_inputs },
};

const struct route_table edit_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

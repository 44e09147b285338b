/* article.c: an article's row, read by column name; its loader; who may
 * see and change it; the side of it a reader gets; the model lists show. */
#include "content/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/util.h"
#include "base/validate.h"
#include "people/people.h"
#include "view/i18n.h"
#include "base/banned.h"

const char *const article_kinds[] = { "article", "news", "sponsored", "case", "whitepaper", "translation", "faq", NULL };
const char *const article_media[] = { "text", "audio", "video", NULL };

void article_from_row(const db_res *x, int i, int lang, struct article_row *a)
{
	*a = (struct article_row){
		.id = db_int(x, i, "id"),
		.sponsor_org_id = db_int(x, i, "sponsor_org_id"),
		.event_id = db_int(x, i, "event_id"),
		.created_by = db_int(x, i, "created_by"),
		.kind = db_str(x, i, "kind"),
		.status = db_str(x, i, "status"),
		.media = db_str(x, i, "media"),
		.media_url = db_str(x, i, "media_url"),
		.original_url = db_str(x, i, "original_url"),
		.cover_key = db_str(x, i, "cover_key"),
		.pdf_key = db_str(x, i, "pdf_key"),
		.title_zh = db_str(x, i, "title_zh"),
		.title_en = db_str(x, i, "title_en"),
		.summary_zh = db_str(x, i, "summary_zh"),
		.summary_en = db_str(x, i, "summary_en"),
		.body_zh = db_str(x, i, "body_zh"),
		.body_en = db_str(x, i, "body_en"),
		.sponsor = db_str(x, i, "sponsor"),
		.event_title = db_str(x, i, "event_title"),
		.created_at = db_int(x, i, "created_at"),
		.updated_at = db_int(x, i, "updated_at"),
		.publish_at = db_int(x, i, "publish_at"),
		.version = (int)db_int(x, i, "version"),
	};
	/* The reader's language when that side is written, else the other:
	 * a piece written only in English is read in English on a Chinese
	 * page too, marked as such. */
	int en = (lang == LANG_EN && *a->title_en) || !*a->title_zh;
	a->side = en ? LANG_EN : LANG_ZH;
	a->fallback = a->side != lang;
	a->title = en ? a->title_en : a->title_zh;
	a->summary = en ? a->summary_en : a->summary_zh;
	a->body = en ? a->body_en : a->body_zh;
}

int article_get(db *d, arena *a, int64_t id, int lang, struct article_row *out, int *found, err *e)
{
	db_res x;
	const char *l = lang_code(lang);
	int rc = db_query(d, a, ARTICLE_COLS "WHERE a.id = ?", DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		article_from_row(&x, 0, lang, out);
	return rc;
}

int article_public(const struct article_row *a, int64_t now)
{
	return !strcmp(a->status, "published") && a->publish_at && a->publish_at <= now;
}

int content_editor(const req *r)
{
	return !auth_allowed(ALLOW(ROLE_EDITOR), r->role);
}

int article_is_author(req *r, const struct article_row *a, err *e, int *rc)
{
	*rc = 0;
	if (!r->user_id)
		return 0;
	if (a->created_by == r->user_id)
		return 1;
	db_res x;
	*rc = db_query(r->db, &r->a, "SELECT 1 FROM article_authors WHERE article_id = ? AND user_id = ?",
		       DB_ARGS(DB_INT(a->id), DB_INT(r->user_id)), &x, e);
	return !*rc && x.nrows;
}

int article_may_edit(req *r, const struct article_row *a, err *e, int *rc)
{
	*rc = 0;
	if (content_editor(r))
		return 1;
	if (strcmp(a->status, "draft") && strcmp(a->status, "changes") && strcmp(a->status, "submitted"))
		return 0;
	return article_is_author(r, a, e, rc);
}

/* The :id as an article: the public sees it once it is out; its authors
 * and the editors see it at every step. */
int article_load(req *r, err *e)
{
	int64_t id;
	int found, rc;
	if (req_id(r, &id))
		return ERR_NOTFOUND;
	struct article_row *a = arena_alloc(&r->a, sizeof(*a));
	if ((rc = article_get(r->db, &r->a, id, r->lang, a, &found, e)) || !found)
		return rc ? rc : ERR_NOTFOUND;
	if (!article_public(a, unix_now()) && !content_editor(r) && !article_is_author(r, a, e, &rc))
		return rc ? rc : ERR_NOTFOUND;
	r->row = a;
	return rc;
}

const struct loader article_loader = { "article", article_load, "not_found", "content.err.not_found" };

int article_people_and_tags(req *r, db *d, int64_t id, json_t *m, err *e)
{
	db_res au, tg, in;
	int rc = db_query(d, &r->a, "SELECT u.id AS id, u.display_name AS name FROM article_authors aa "
				    PEOPLE_JOIN("u", "aa.user_id") "WHERE aa.article_id = ? ORDER BY aa.pos",
			  DB_ARGS(DB_INT(id)), &au, e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT tag FROM article_tags WHERE article_id = ? ORDER BY tag", DB_ARGS(DB_INT(id)),
			      &tg, e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT industry FROM article_industries WHERE article_id = ? ORDER BY industry",
			      DB_ARGS(DB_INT(id)), &in, e);
	db_res og;
	const char *l = lang_code(r->lang);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT o.id AS id, " DB_IN_LANG("o.name_zh", "o.name_en") " AS name FROM article_orgs ao "
					ORGS_JOIN("o", "ao.org_id") "WHERE ao.article_id = ? ORDER BY o.name_zh",
			      DB_ARGS(DB_TEXT(l), DB_INT(id)), &og, e);
	if (rc)
		return rc;
	json_t *authors = db_rows_json(&au);
	for (size_t i = 0; i < json_array_size(authors); i++) {
		json_t *o = json_array_get(authors, i);
		json_object_set_new(o, "name_zh", json_boolean(text_han(json_string_value(json_object_get(o, "name")))));
	}
	json_object_set_new(m, "authors", authors);
	json_t *tags = json_array(), *inds = json_array();
	for (int i = 0; i < tg.nrows; i++) {
		buf arg = BUF_INIT;
		buf_url_arg(&arg, db_get(&tg, i, 0));
		json_array_append_new(tags, json_pack("{s:s,s:s,s:b}", "name", db_get(&tg, i, 0), "arg", arg.s, "zh",
						      text_han(db_get(&tg, i, 0))));
		buf_release(&arg);
	}
	for (int i = 0; i < in.nrows; i++)
		json_array_append_new(inds, json_pack("{s:s,s:s}", "value", db_get(&in, i, 0), "label",
						      T(arena_printf(&r->a, "ind.%s", db_get(&in, i, 0)))));
	json_object_set_new(m, "tags", tags);
	json_object_set_new(m, "industries", inds);
	json_t *orgs = db_rows_json(&og);
	for (size_t i = 0; i < json_array_size(orgs); i++) {
		json_t *o = json_array_get(orgs, i);
		json_object_set_new(o, "zh", json_boolean(r->lang == LANG_EN && text_han(json_string_value(json_object_get(o, "name")))));
	}
	json_object_set_new(m, "orgs", orgs);
	return 0;
}

json_t *article_items(req *r, const db_res *x, int max)
{
	json_t *list = json_array();
	for (int i = 0; i < x->nrows && i < max; i++) {
		struct article_row a;
		article_from_row(x, i, r->lang, &a);
		json_array_append_new(list, article_item(r, &a));
	}
	return list;
}

const char *content_date(arena *a, int64_t t)
{
	return t ? clock_date(a, CLOCK_COMMUNITY_TZ, t) : "";
}

const char *kind_label(req *r, const char *kind)
{
	return T(arena_printf(&r->a, "content.kind.%s", kind));
}

json_t *article_item(req *r, const struct article_row *a)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:b}", "id", (json_int_t)a->id, "kind", a->kind, "kind_text",
			      kind_label(r, a->kind), "title", a->title, "summary", a->summary, "date",
			      content_date(&r->a, a->publish_at ? a->publish_at : a->updated_at), "fallback", a->fallback,
			      "lang", a->side == LANG_EN ? "en" : "zh-CN", "sponsored", !strcmp(a->kind, "sponsored"));
	if (*a->sponsor)
		json_object_set_new(o, "sponsor", json_string(a->sponsor));
	if (*a->cover_key)
		json_object_set_new(o, "cover", json_string(a->cover_key));
	if (strcmp(a->media, "text"))
		json_object_set_new(o, "media", json_string(T(arena_printf(&r->a, "content.media.%s", a->media))));
	return o;
}


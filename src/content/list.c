/* list.c: what has been published, newest first: every kind together
 * (/articles), one kind (?kind=news) or one tag (?tag=索引), 20 a page.
 * Kept like every visitor's page, until the next scheduled article comes
 * out at the latest. */
#include "content/internal.h"

#include <string.h>

#include "base/util.h"
#include "http/feature.h"
#include "base/banned.h"

/* The published articles of a kind and a tag ("" for any), newest first;
 * one more than `limit` tells there is another page. */
int content_published(req *r, const char *kind, const char *tag, int64_t offset, int limit, db_res *x, err *e)
{
	const char *l = lang_code(r->lang);
	return db_query(r->db, &r->a,
			ARTICLE_COLS "WHERE a.status = 'published' AND a.publish_at <= ? AND (? = '' OR a.kind = ?) "
				     "AND (? = '' OR a.id IN (SELECT article_id FROM article_tags WHERE tag = ?)) "
				     "ORDER BY a.publish_at DESC, a.id DESC LIMIT ? OFFSET ?",
			DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TIME(unix_now()), DB_TEXT(kind), DB_TEXT(kind), DB_TEXT(tag),
				DB_TEXT(tag), DB_INT(limit), DB_INT(offset)),
			x, e);
}

int content_tag_exists(req *r, const char *tag, int *exists, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT 1 FROM article_tags t JOIN articles a ON a.id = t.article_id "
					"WHERE t.tag = ? AND a.status = 'published' AND a.publish_at <= ? LIMIT 1",
			  DB_ARGS(DB_TEXT(tag), DB_TIME(unix_now())), &x, e);
	*exists = !rc && x.nrows;
	return rc;
}

int content_ttl(req *r, err *e, int *ttl)
{
	db_res x;
	int64_t now = unix_now();
	int rc = db_query(r->db, &r->a, "SELECT min(publish_at) AS next FROM articles WHERE status = 'published' "
					"AND publish_at > ?", DB_ARGS(DB_TIME(now)), &x, e);
	int64_t next = !rc && x.nrows ? db_int(&x, 0, "next") : 0;
	*ttl = next && next - now < CONTENT_TTL ? (int)(next - now) : CONTENT_TTL;
	return rc;
}

static int list(req *r, resp *out)
{
	err e = ERR_INIT;
	static const char *const args[] = { "kind", "tag", "page", NULL };
	const char *kind = in_text(r, "kind"), *tag = in_text(r, "tag");
	int64_t page = in_num(r, "page", 1), version = 0;
	int rc, ttl, exists = 1;
	if ((rc = http_cache_lookup(r, out, r->db, "content", args, &version, &e)))
		return rc > 0 ? 0 : rc;
	if (tag) {
		const char *tags[TAGS_MAX + 1];
		if (content_split_tags(&r->a, tag, tags) != 1)
			return http_error(r, out, 404, "no_tag", "content.err.no_tag");
		tag = tags[0];
		if ((rc = content_tag_exists(r, tag, &exists, &e)))
			return rc;
		if (!exists)
			return http_error(r, out, 404, "no_tag", "content.err.no_tag");
	}
	db_res x;
	if ((rc = content_published(r, kind ? kind : "", tag ? tag : "", (page - 1) * LIST_PAGE, LIST_PAGE + 1, &x, &e)) ||
	    (rc = content_ttl(r, &e, &ttl)))
		return rc;
	json_t *items = article_items(r, &x, LIST_PAGE), *kinds = json_array();
	for (size_t i = 0; article_kinds[i]; i++)
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "value", article_kinds[i], "label",
						       kind_label(r, article_kinds[i]), "current",
						       kind && !strcmp(kind, article_kinds[i])));
	json_t *m = json_pack("{s:o,s:o,s:s,s:s,s:b}", "articles", items, "kinds", kinds, "kind", kind ? kind : "", "tag",
			      tag ? tag : "", "all", !kind && !tag);
	if (kind)
		json_object_set_new(m, "kind_text", json_string(kind_label(r, kind)));
	const char *q = kind ? arena_printf(&r->a, "?kind=%s", kind) : tag ? arena_printf(&r->a, "?tag=%s", tag) : "";
	if (tag) {
		buf b = BUF_INIT;
		buf_url_arg(&b, tag);
		q = arena_printf(&r->a, "?tag=%s", b.s);
		json_object_set_new(m, "tag_arg", json_string(b.s));
		buf_release(&b);
	}
	json_object_set_new(m, "page_feed", json_string(arena_printf(&r->a, "/articles/feed.atom%s", q)));
	json_object_set_new(m, "page_feed_title", json_string(kind ? kind_label(r, kind) : T("content.title")));
	json_object_set_new(m, "feed_query", json_string(q));
	json_object_set_new(m, "page_canonical", json_string(arena_printf(&r->a, "/articles%s", q)));
	http_pager(m, page, x.nrows > LIST_PAGE);
	/* What other features add: the ad of the day in the list's place. */
	if ((rc = features_sections("articles", r, r->db, NULL, m, &e))) {
		json_decref(m);
		return rc;
	}
	http_page(r, out, 200, "content/list.html", "content.title", m);
	if (kind)
		out->title_text = kind_label(r, kind);
	else if (tag)
		out->title_text = arena_printf(&r->a, "#%s", tag);
	http_cache_store(r, out, "content", version, ttl);
	return 0;
}

static const struct input list_inputs[] = {
	{ "kind", IN_CHOICE, IN_QUERY, 0, 0, "content.err.kind", NULL, article_kinds },
	{ "tag", IN_LINE, IN_QUERY, 0, TAG_MAX * 4, "content.err.no_tag", NULL },
	{ "page", IN_INT, IN_QUERY, 1, 100000, "input.err.int", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/articles", list, EVERYONE, 0, "articles", NULL, list_inputs },
};

const struct route_table list_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

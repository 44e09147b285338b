/* feature.c: the content feature as the feature table sees it. */
#include "content/internal.h"
#include "base/util.h"
#include "base/banned.h"

/* The event page's write-ups: what was published about the event. */
static int event_section(req *r, db *d, const void *row, json_t *m, err *e)
{
	db_res x;
	const char *l = lang_code(r->lang);
	int rc = db_query(d, &r->a, ARTICLE_COLS "WHERE a.event_id = ? AND a.status = 'published' AND a.publish_at <= ? "
						 "ORDER BY a.publish_at, a.id LIMIT 50",
			  DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_INT(events_row_id(row)), DB_TIME(unix_now())), &x, e);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < x.nrows; i++) {
		struct article_row a;
		article_from_row(&x, i, r->lang, &a);
		json_array_append_new(list, article_item(r, &a));
	}
	json_object_set_new(m, "writeups", list);
	return 0;
}

/* A published article's text for the search (scheduled ones from their time). */
static int search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT title_zh, title_en, summary_zh || ' ' || summary_en || ' ' || body_zh || ' ' || body_en "
				"AS body, publish_at FROM articles WHERE id = ? AND status = 'published'",
			  DB_ARGS(DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		*out = (struct search_doc){ db_text(&x, 0, "title_zh"), db_text(&x, 0, "title_en"), db_text(&x, 0, "body"),
					    db_int(&x, 0, "publish_at"), db_int(&x, 0, "publish_at") };
	return rc;
}

const struct feature content_feature = {
	.name = "content",
	.routes = { &feed_routes, &list_routes, &edit_routes, &review_routes, &article_routes },
	.nav = { { 25, "/articles", "nav.articles" } },
	.sitemap = content_sitemap,
	.sections = { { "event", event_section } },
	.search = { { "article", "/articles/%lld", search_doc } },
};

/* feature.c: the content feature as the feature table sees it. */
#include "content/internal.h"
#include "base/util.h"
#include "people/people.h"
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
	json_object_set_new(m, "writeups", article_items(r, &x, x.nrows));
	return 0;
}

/* The organization page's articles: those about it and those it sponsored
 * (the row of page "org" is the organization's id). */
static int org_section(req *r, db *d, const void *row, json_t *m, err *e)
{
	db_res x;
	const char *l = lang_code(r->lang);
	int64_t id = *(const int64_t *)row;
	int rc = db_query(d, &r->a, ARTICLE_COLS "WHERE a.status = 'published' AND a.publish_at <= ? AND (a.sponsor_org_id = ? "
						 "OR a.id IN (SELECT article_id FROM article_orgs WHERE org_id = ?)) "
						 "ORDER BY a.publish_at DESC, a.id DESC LIMIT 20",
			  DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TIME(unix_now()), DB_INT(id), DB_INT(id)), &x, e);
	if (rc)
		return rc;
	json_object_set_new(m, "articles", article_items(r, &x, x.nrows));
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

/* The demo community's pieces: a salon's write-up, news and a case. */
static int content_demo(db *d, struct demo_ctx *c, err *e)
{
	if (c->skip)
		return 0;
	arena a = ARENA_INIT;
	db_res x, ev;
	int64_t editor = 0, now = unix_now();
	int rc = people_demo_editor_if_empty(d, &a, "SELECT count(*) FROM articles", &editor, e);
	if (rc || !editor) {
		arena_release(&a);
		return rc;
	}
	if (!rc)
		rc = db_query(d, &a, "SELECT min(id) FROM events WHERE status = 'finished'", DB_NOARGS, &ev, e);
	static const struct {
		const char *kind, *title_zh, *title_en, *summary_zh, *body_zh, *body_en, *tags;
		int days_ago, from_event;
	} pieces[] = {
		{ "article", "活动回顾：逻辑复制与分区表的实战", "Write-up: logical replication and partitioned tables in practice",
		  "这期沙龙的两场分享，整理成文。", "## 逻辑复制\n\n订阅端延迟变大时，先看 `pg_stat_subscription`。\n\n"
		  "## 分区表\n\n按月分区，主键要包含分区键：\n\n```sql\nCREATE TABLE t (id bigint, at date, PRIMARY KEY (id, at))"
		  " PARTITION BY RANGE (at);\n```\n",
		  "## Logical replication\n\nWhen a subscriber falls behind, look at `pg_stat_subscription` first.\n",
		  "逻辑复制 分区", 20, 1 },
		{ "news", "PostgreSQL 17 发布：增量备份与 JSON_TABLE", "PostgreSQL 17 is out: incremental backup and JSON_TABLE",
		  "新版本的要点。", "- `pg_basebackup --incremental`\n- `JSON_TABLE`\n- 更快的 VACUUM\n",
		  "- `pg_basebackup --incremental`\n- `JSON_TABLE`\n- a faster VACUUM\n", "发布 pg17", 60, 0 },
		{ "case", "一家银行核心系统迁移到 PostgreSQL 的一年", "", "从评估到上线的经验。",
		  "评估用了三个月，双写验证两个月，切换用了一个周末。\n", "", "金融 迁移", 90, 0 },
	};
	for (size_t i = 0; !rc && i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		int64_t at = now - pieces[i].days_ago * 86400;
		db_param event = pieces[i].from_event && db_get(&ev, 0, 0) ? DB_INT(db_get_int(&ev, 0, 0)) : DB_NULL;
		rc = db_query(d, &a, "INSERT INTO articles (kind, status, title_zh, title_en, summary_zh, body_zh, body_en, event_id, "
				     "created_by, created_at, updated_at, publish_at) VALUES (?, 'published', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				     "RETURNING id",
			      DB_ARGS(DB_TEXT(pieces[i].kind), DB_TEXT(pieces[i].title_zh), DB_TEXT(pieces[i].title_en),
				      DB_TEXT(pieces[i].summary_zh), DB_TEXT(pieces[i].body_zh), DB_TEXT(pieces[i].body_en), event,
				      DB_INT(editor), DB_TIME(at), DB_TIME(at), DB_TIME(at)), &x, e);
		int64_t id = rc ? 0 : db_get_int(&x, 0, 0);
		if (!rc)
			rc = db_exec(d, "INSERT INTO article_authors (article_id, user_id, pos) VALUES (?, ?, 0)",
				     DB_ARGS(DB_INT(id), DB_INT(editor)), NULL, e);
		if (!rc)
			rc = db_exec(d, "INSERT INTO article_versions (article_id, version, user_id, at, title_zh, title_en, summary_zh, "
					"summary_en, body_zh, body_en) VALUES (?, 1, ?, ?, ?, ?, ?, '', ?, ?)",
				     DB_ARGS(DB_INT(id), DB_INT(editor), DB_TIME(at), DB_TEXT(pieces[i].title_zh),
					     DB_TEXT(pieces[i].title_en), DB_TEXT(pieces[i].summary_zh), DB_TEXT(pieces[i].body_zh),
					     DB_TEXT(pieces[i].body_en)), NULL, e);
		const char *tags[TAGS_MAX + 1];
		int n = rc ? 0 : content_split_tags(&a, pieces[i].tags, tags);
		for (int k = 0; !rc && k < n; k++)
			rc = db_exec(d, "INSERT INTO article_tags (article_id, tag) VALUES (?, ?)", DB_ARGS(DB_INT(id), DB_TEXT(tags[k])),
				     NULL, e);
	}
	arena_release(&a);
	return rc;
}

const struct feature content_feature = {
	.name = "content",
	.routes = { &feed_routes, &list_routes, &edit_routes, &review_routes, &article_routes },
	.nav = { { 25, "/articles", "nav.articles" } },
	.sitemap = content_sitemap,
	.demo = content_demo,
	.sections = { { "event", event_section }, { "org", org_section } },
	.search = { { "article", "/articles/%lld", search_doc } },
};

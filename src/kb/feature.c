/* feature.c: the knowledge base and Q&A as the feature table sees them. */
#include "kb/internal.h"

#include "base/util.h"
#include "people/people.h"
#include "base/banned.h"

int kb_sitemap(req *r, db *d, buf *out, err *e)
{
	db_res x;
	sitemap_url(r, out, "/kb", 0);
	sitemap_url(r, out, "/questions", 0);
	int rc = db_query(d, &r->a, "SELECT 'kb' AS k, id, updated_at AS at FROM kb_entries WHERE NOT hidden UNION ALL "
				    "SELECT 'questions', id, created_at FROM questions ORDER BY 1, 2", DB_NOARGS, &x, e);
	for (int i = 0; !rc && i < x.nrows; i++)
		sitemap_url(r, out, arena_printf(&r->a, "/%s/%lld", db_get(&x, i, 0), (long long)db_get_int(&x, i, 1)),
			    db_get_int(&x, i, 2));
	return rc;
}

/* The demo community's knowledge base and an open question. */
static int kb_demo(db *d, struct demo_ctx *c, err *e)
{
	if (c->skip)
		return 0;
	arena a = ARENA_INIT;
	db_res x;
	int64_t editor = 0, now = unix_now();
	int rc = people_demo_editor_if_empty(d, &a, "SELECT count(*) FROM kb_entries WHERE debate_question_id IS NULL", &editor, e);
	if (rc || !editor) {
		arena_release(&a);
		return rc;
	}
	static const struct {
		const char *q_zh, *q_en, *a_zh, *a_en, *tags;
	} entries[] = {
		{ "autovacuum 为什么不回收空间？", "Why does autovacuum not give space back?",
		  "先查长事务、未提交的预备事务和不再使用的复制槽：它们让旧版本行不能清理。", "Look for long transactions, "
		  "prepared transactions and unused replication slots first: they keep old row versions alive.", "vacuum" },
		{ "分区表的主键必须包含分区键吗？", "Must a partitioned table's primary key include the partition key?",
		  "是的，唯一约束必须包含分区键，例如 `PRIMARY KEY (id, created_at)`。", "Yes: a unique constraint must "
		  "include the partition key, such as `PRIMARY KEY (id, created_at)`.", "分区" },
		{ "逻辑复制的订阅端延迟越来越大怎么办？", "", "看 `pg_stat_subscription`，检查订阅端的索引，必要时调大 "
		  "`max_logical_replication_workers`。", "", "逻辑复制" },
	};
	for (size_t i = 0; !rc && i < sizeof(entries) / sizeof(entries[0]); i++) {
		rc = db_query(d, &a, "INSERT INTO kb_entries (question_zh, question_en, answer_zh, answer_en, created_by, created_at, "
				     "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_TEXT(entries[i].q_zh), DB_TEXT(entries[i].q_en), DB_TEXT(entries[i].a_zh),
				      DB_TEXT(entries[i].a_en), DB_INT(editor), DB_TIME(now - (int64_t)i * 86400),
				      DB_TIME(now - (int64_t)i * 86400)), &x, e);
		if (!rc)
			rc = db_exec(d, "INSERT INTO kb_tags (entry_id, tag) VALUES (?, ?)",
				     DB_ARGS(DB_INT(db_get_int(&x, 0, 0)), DB_TEXT(entries[i].tags)), NULL, e);
	}
	if (!rc)
		rc = db_exec(d, "INSERT INTO questions (user_id, title, body, created_at) VALUES (?, ?, ?, ?)",
			     DB_ARGS(DB_INT(editor), DB_TEXT("PostgreSQL 15 升级到 17 要停机多久？"),
				     DB_TEXT("数据库 2 TB，能不能用 pg_upgrade --link？"), DB_TIME(now)), NULL, e);
	arena_release(&a);
	return rc;
}

const struct feature kb_feature = {
	.name = "kb",
	.routes = { &entry_routes, &question_routes, &expert_routes },
	.nav = { { 27, "/questions", "nav.questions" } },
	.sitemap = kb_sitemap,
	.demo = kb_demo,
	.search = { { "kb", "/kb/%lld", kb_search_doc }, { "question", "/questions/%lld", question_search_doc } },
};

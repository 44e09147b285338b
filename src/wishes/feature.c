/* feature.c: the wish wall as the feature table sees it: its routes, the
 * vote writer's start and stop, the nav, the search, the sitemap and the
 * demo community's wishes. */
#include "wishes/internal.h"

#include <string.h>

#include "base/util.h"
#include "orgs/orgs.h"
#include "people/people.h"
#include "base/banned.h"

int wishes_sitemap(req *r, db *d, buf *out, err *e)
{
	db_res x;
	sitemap_url(r, out, "/wishes", 0);
	sitemap_url(r, out, "/wishes/roadmap", 0);
	int rc = db_query(d, &r->a, "SELECT id, active_at FROM wishes WHERE shown = 'visible' ORDER BY id", DB_NOARGS, &x, e);
	for (int i = 0; !rc && i < x.nrows; i++)
		sitemap_url(r, out, arena_printf(&r->a, "/wishes/%lld", (long long)db_get_int(&x, i, 0)), db_get_int(&x, i, 1));
	return rc;
}

/* The demo community's wall: wishes of each kind, one on its way to the
 * developers and one shipped, so every view has something to show. */
static int wishes_demo(db *d, struct demo_ctx *c, err *e)
{
	if (c->skip)
		return 0;
	arena a = ARENA_INIT;
	db_res x;
	int64_t editor = 0, now = unix_now();
	int rc = people_demo_editor_if_empty(d, &a, "SELECT count(*) FROM wishes", &editor, e);
	if (rc || !editor) {
		arena_release(&a);
		return rc;
	}
	static const struct {
		const char *kind, *lang, *title, *body, *title_tr, *status, *link, *shipped_in;
	} wishes[] = {
		{ "kernel", "zh", "在线修改分区表的分区键", "现在改分区键只能重建表。希望像 `ALTER TABLE ... SET PARTITION KEY` 一样在线完成。",
		  "Change a partitioned table's partition key online", "forwarded",
		  "https://commitfest.postgresql.org/", "" },
		{ "kernel", "en", "Incremental backup in pg_basebackup", "Back up only the blocks changed since the last backup.",
		  "pg_basebackup 增量备份", "implemented", "https://www.postgresql.org/docs/17/release-17.html", "17" },
		{ "tool", "zh", "pg_upgrade 之前检查不兼容的扩展", "升级前就能看到哪些扩展版本不兼容，而不是做到一半失败。", "", "review", "", "" },
		{ "docs", "zh", "逻辑复制故障排查的中文文档", "把订阅端延迟、冲突处理写成一篇完整的中文指南。", "", "new", "", "" },
		{ "vendor", "zh", "云上 PostgreSQL 支持 pg_cron", "各家云数据库都能开启 pg_cron 扩展。", "pg_cron on every cloud's PostgreSQL", "new", "",
		  "" },
	};
	/* Members at some of the demo's organizations (the directory's demo
	 * comes first), in each job role. */
	static const struct {
		const char *job_role, *org;
	} voters[] = {
		{ "dba", "邮储银行" }, { "dba", "民生银行" }, { "developer", "阿里巴巴" }, { "architect", "中国电信" },
		{ "decision_maker", "中原银行" }, { "developer", "京东" }, { "student", "" }, { "dba", "中国人寿" },
	};
	int64_t voter[sizeof(voters) / sizeof(voters[0])];
	for (size_t v = 0; !rc && v < sizeof(voters) / sizeof(voters[0]); v++) {
		int64_t org = 0;
		if (*voters[v].org)
			rc = orgs_find(d, &a, voters[v].org, &org, e);
		if (!rc)
			rc = people_demo_member(d, &a, (int)v + 1, voters[v].job_role, org, &voter[v], e);
	}
	for (size_t i = 0; !rc && i < sizeof(wishes) / sizeof(wishes[0]); i++) {
		int64_t at = now - (int64_t)(i + 1) * 5 * 86400;
		rc = db_query(d, &a, "INSERT INTO wishes (user_id, kind, lang, title, body, title_tr, status, status_link, shipped_in, "
				     "votes, created_at, active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
			      DB_ARGS(DB_INT(editor), DB_TEXT(wishes[i].kind), DB_TEXT(wishes[i].lang), DB_TEXT(wishes[i].title),
				      DB_TEXT(wishes[i].body), DB_TEXT(wishes[i].title_tr), DB_TEXT(wishes[i].status),
				      DB_TEXT(wishes[i].link), DB_TEXT(wishes[i].shipped_in), DB_TIME(at), DB_TIME(at)), &x, e);
		int64_t id = rc ? 0 : db_get_int(&x, 0, 0);
		if (!rc && strcmp(wishes[i].status, "new"))
			rc = db_exec(d, "INSERT INTO wish_trail (wish_id, status, link, shipped_in, by_user, at) VALUES (?, ?, ?, ?, ?, ?)",
				     DB_ARGS(DB_INT(id), DB_TEXT(wishes[i].status), DB_TEXT(wishes[i].link),
					     DB_TEXT(wishes[i].shipped_in), DB_INT(editor), DB_TIME(at + 86400)), NULL, e);
		/* The editor's vote, and some of the demo's members', each kept
		 * with who cast it (the bars on the wish); the counts are the
		 * votes there are. */
		if (!rc)
			rc = db_exec(d, "INSERT INTO wish_votes (wish_id, user_id, created_at) VALUES (?, ?, ?)",
				     DB_ARGS(DB_INT(id), DB_INT(editor), DB_TIME(at)), NULL, e);
		for (size_t v = 0; !rc && v < sizeof(voters) / sizeof(voters[0]); v++) {
			if ((v + i) % 3 == 2)
				continue; /* not every member wants every wish */
			struct person_segment who;
			if (!(rc = people_segment(d, &a, voter[v], &who, e)))
				rc = db_exec(d, "INSERT INTO wish_votes (wish_id, user_id, created_at, job_role, org_category, "
						"org_industry) VALUES (?, ?, ?, ?, ?, ?)",
					     DB_ARGS(DB_INT(id), DB_INT(voter[v]), DB_TIME(at + 3600 * (int64_t)(v + 1)),
						     DB_TEXT(who.job_role), DB_TEXT(who.org_category), DB_TEXT(who.org_industry)),
					     NULL, e);
		}
		if (!rc)
			rc = wish_recount(d, id, e);
	}
	arena_release(&a);
	return rc;
}

static int recount_tx(db *d, void *p, err *e)
{
	arena a = ARENA_INIT;
	db_res x;
	int rc = db_query(d, &a, "SELECT id FROM wishes ORDER BY id", DB_NOARGS, &x, e);
	for (int i = 0; !rc && i < x.nrows; i++)
		rc = wish_recount(d, db_get_int(&x, i, 0), e);
	if (!rc)
		*(int *)p = x.nrows;
	arena_release(&a);
	return rc;
}

int wishes_command(db *d, char **args, FILE *out, FILE *errout)
{
	if (!args || !args[0] || strcmp(args[0], "recount") || args[1]) {
		fprintf(errout, "usage: pgherd wishes recount\n");
		return 2;
	}
	err e = ERR_INIT;
	int n = 0;
	if (db_tx(d, recount_tx, &n, &e)) {
		fprintf(errout, "pgherd: %s\n", e.msg);
		return 1;
	}
	fprintf(out, "counted %d wishes again from their votes\n", n);
	return 0;
}

const struct feature wishes_feature = {
	.name = "wishes",
	.routes = { &wall_routes, &wish_routes, &vote_routes, &trail_routes, &reward_routes },
	.start = votes_start,
	.stop = votes_stop,
	.release = votes_free,
	.nav = { { 28, "/wishes", "nav.wishes" } },
	.sections = { { "person", wish_person_section } },
	.sitemap = wishes_sitemap,
	.demo = wishes_demo,
	.search = { { "wish", "/wishes/%lld", wish_search_doc } },
};

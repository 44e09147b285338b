/* feature.c: the knowledge base and Q&A as the feature table sees them. */
#include "kb/internal.h"

#include "base/util.h"
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

const struct feature kb_feature = {
	.name = "kb",
	.routes = { &entry_routes, &question_routes, &expert_routes },
	.nav = { { 27, "/questions", "nav.questions" } },
	.sitemap = kb_sitemap,
	.search = { { "kb", "/kb/%lld", kb_search_doc }, { "question", "/questions/%lld", question_search_doc } },
};

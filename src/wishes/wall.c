/* wall.c: the wall (GET /wishes): trending (votes for their age), top
 * (votes) or newest, by kind and by status; and the public roadmap
 * (GET /wishes/roadmap): the wishes on their way in columns by status,
 * and those fulfilled by the PostgreSQL version that shipped them. Both
 * are kept per reader like every visitor page and follow the "wishes"
 * data version, which every vote and step moves. */
#include "wishes/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json_arena.h"
#include "base/util.h"
#include "orgs/orgs.h"
#include "people/people.h"
#include "view/atom.h"
#include "base/banned.h"

static const char *const sorts[] = { "trending", "top", "new", NULL };

/* The order of each view. Trending: each vote and comment weighs half as
 * much for each week of its age (breakdown.c). */
static const char *order_by(const char *sort)
{
	if (!strcmp(sort, "top"))
		return "w.votes DESC, w.id DESC";
	if (!strcmp(sort, "new"))
		return "w.id DESC";
	return "w.heat DESC, w.id DESC";
}

static json_t *chips(req *r, const char *const *values, const char *prefix, const char *on)
{
	json_t *a = json_array();
	for (size_t i = 0; values[i]; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", values[i], "text",
			T(arena_printf(&r->a, "%s%s", prefix, values[i])), "on", on && !strcmp(on, values[i])));
	return a;
}

/* PostgreSQL versions compared as numbers, part by part ("17" > "9.6",
 * "16.2" > "16"); what is not a number compares as text. */
static int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
		if (ea == a || eb == b)
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (!*a || !*b)
			return *a ? 1 : *b ? -1 : 0;
	}
	return 0;
}

/* The voters a wall can be filtered to (what DBAs at banks want): the
 * choices, each as the page's <select> shows it. */
static json_t *voter_filter(req *r, const char *role, const char *cat, const char *ind)
{
	json_t *f = json_object();
	json_object_set_new(f, "roles", chips(r, people_job_roles, "job.", role));
	json_object_set_new(f, "categories", chips(r, orgs_categories, "cat.", cat));
	json_object_set_new(f, "industries", chips(r, orgs_industries, "ind.", ind));
	return f;
}

static int wall(req *r, resp *out)
{
	err e = ERR_INIT;
	static const char *const args[] = { "sort", "kind", "status", "role", "category", "industry", "page", NULL };
	const char *sort = in_text(r, "sort"), *kind = in_text(r, "kind"), *status = in_text(r, "status");
	const char *role = in_text(r, "role"), *cat = in_text(r, "category"), *ind = in_text(r, "industry");
	int64_t page = in_num(r, "page", 1), version = 0;
	int rc = http_cache_lookup(r, out, r->db, "wishes+comments", args, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	if (!sort)
		sort = "trending";
	/* Filtered to some voters: ranked by their votes, read from the
	 * segment's own index (breakdown.c). */
	const char *seg = wish_filter_segment(&r->a, role, cat, ind);
	const char *sql = seg ? "SELECT " WISH_ITEM_COLS ", s.votes AS seg_votes FROM wish_segments s JOIN wishes w ON "
				"w.id = s.wish_id WHERE s.segment = ? AND s.votes > 0 AND w.shown = 'visible' "
				"AND (? = '' OR w.kind = ?) AND (? = '' OR w.status = ?) "
				"ORDER BY s.votes DESC, s.wish_id DESC LIMIT ? OFFSET ?"
			      : arena_printf(&r->a, "SELECT " WISH_ITEM_COLS "FROM wishes w WHERE w.shown = 'visible' "
						    "AND (? = '' OR w.kind = ?) AND (? = '' OR w.status = ?) ORDER BY %s LIMIT ? OFFSET ?",
					     order_by(sort));
	db_param p[8];
	int n = 0;
	if (seg)
		p[n++] = DB_TEXT(seg);
	p[n++] = DB_TEXT(kind ? kind : "");
	p[n++] = DB_TEXT(kind ? kind : "");
	p[n++] = DB_TEXT(status ? status : "");
	p[n++] = DB_TEXT(status ? status : "");
	p[n++] = DB_INT(PAGE_SIZE + 1);
	p[n++] = DB_INT((page - 1) * PAGE_SIZE);
	db_res x, c;
	rc = db_query(r->db, &r->a, sql, p, n, &x, &e);
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT count(*) AS wishes, coalesce(sum(votes), 0) AS votes, "
					    "coalesce(sum(CASE WHEN status = 'implemented' THEN 1 ELSE 0 END), 0) AS fulfilled "
					    "FROM wishes WHERE shown = 'visible'", DB_NOARGS, &c, &e);
	if (rc)
		return rc;
	json_t *items = json_array();
	int64_t most = 0;
	for (int i = 0; seg && i < x.nrows && i < PAGE_SIZE; i++)
		if (db_int(&x, i, "seg_votes") > most)
			most = db_int(&x, i, "seg_votes");
	for (int i = 0; i < x.nrows && i < PAGE_SIZE; i++) {
		json_t *it = wish_item(r, &x, i);
		if (seg) {
			int64_t v = db_int(&x, i, "seg_votes");
			json_object_set_new(it, "seg_votes", json_integer(v));
			json_object_set_new(it, "seg_pct", json_integer(most ? (json_int_t)(v * 100 / most) : 0));
		}
		json_array_append_new(items, it);
	}
	json_t *m = json_pack("{s:o,s:o,s:o,s:o,s:s,s:s,s:s,s:I,s:I,s:I}", "wishes", items, "sorts",
			      chips(r, sorts, "wishes.sort.", sort), "kinds", chips(r, wish_kinds, "wishes.kind.", kind),
			      "statuses", chips(r, wish_statuses, "wishes.status.", status), "sort", sort, "kind",
			      kind ? kind : "", "status", status ? status : "", "count", (json_int_t)db_int(&c, 0, "wishes"),
			      "votes", (json_int_t)db_int(&c, 0, "votes"), "fulfilled", (json_int_t)db_int(&c, 0, "fulfilled"));
	json_object_set_new(m, "voters", voter_filter(r, role, cat, ind));
	if (seg) {
		/* Who the wall is filtered to, in words: "DBA · 银行". */
		buf who = BUF_INIT;
		const char *parts[3] = { role ? arena_printf(&r->a, "job.%s", role) : NULL,
					 cat ? arena_printf(&r->a, "cat.%s", cat) : NULL,
					 ind ? arena_printf(&r->a, "ind.%s", ind) : NULL };
		for (int k = 0; k < 3; k++)
			if (parts[k])
				buf_addf(&who, "%s%s", who.len ? " · " : "", T(parts[k]));
		json_object_set_new(m, "filtered", json_string(who.s));
		buf_release(&who);
		/* The other chips keep the filter. */
		json_object_set_new(m, "filter_qs", json_string(arena_printf(&r->a, "%s%s%s%s%s%s", role ? "&role=" : "",
			role ? role : "", cat ? "&category=" : "", cat ? cat : "", ind ? "&industry=" : "", ind ? ind : "")));
	}
	json_object_set_new(m, "signed_in", json_boolean(r->user_id != 0));
	http_pager(m, page, x.nrows > PAGE_SIZE);
	http_page(r, out, 200, "wishes/wall.html", "wishes.title", m);
	http_cache_store(r, out, "wishes+comments", version, WISHES_TTL);
	return 0;
}

/* The roadmap's columns: the steps on the way, each its most wanted. */
static const char *const on_the_way[] = { "review", "forwarded", "developing", NULL };
enum { COLUMN = 10, FULFILLED = 200 };

static int roadmap(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t version = 0;
	int rc = http_cache_lookup(r, out, r->db, "wishes+comments", NULL, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	json_t *columns = json_array();
	for (size_t k = 0; !rc && on_the_way[k]; k++) {
		db_res x;
		rc = db_query(r->db, &r->a, "SELECT " WISH_ITEM_COLS "FROM wishes w WHERE w.shown = 'visible' AND w.status = ? "
					    "ORDER BY w.votes DESC, w.id DESC LIMIT ?",
			      DB_ARGS(DB_TEXT(on_the_way[k]), DB_INT(COLUMN)), &x, &e);
		json_t *items = json_array();
		for (int i = 0; !rc && i < x.nrows; i++)
			json_array_append_new(items, wish_item(r, &x, i));
		json_array_append_new(columns, json_pack("{s:s,s:s,s:o}", "status", on_the_way[k], "text",
			T(arena_printf(&r->a, "wishes.status.%s", on_the_way[k])), "wishes", items));
	}
	/* Fulfilled: by version, newest version first (compared as numbers:
	 * 17 after 9.6), each its wishes. */
	db_res f;
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT " WISH_ITEM_COLS "FROM wishes w WHERE w.shown = 'visible' AND "
					    "w.status = 'implemented' ORDER BY w.id DESC LIMIT ?",
			      DB_ARGS(DB_INT(FULFILLED)), &f, &e);
	if (rc) {
		json_decref(columns);
		return rc;
	}
	json_t *versions = json_array();
	const char *seen[FULFILLED];
	int nseen = 0;
	for (int i = 0; i < f.nrows; i++) {
		const char *v = db_text(&f, i, "shipped_in");
		int k = 0;
		while (k < nseen && strcmp(seen[k], v))
			k++;
		if (k == nseen)
			seen[nseen++] = v;
	}
	/* Versions in order: the larger major first, then the minor. */
	for (int a = 0; a < nseen; a++)
		for (int b = a + 1; b < nseen; b++)
			if (version_cmp(seen[b], seen[a]) > 0) {
				const char *t = seen[a];
				seen[a] = seen[b];
				seen[b] = t;
			}
	for (int k = 0; k < nseen; k++) {
		json_t *items = json_array();
		for (int i = 0; i < f.nrows; i++)
			if (!strcmp(db_text(&f, i, "shipped_in"), seen[k]))
				json_array_append_new(items, wish_item(r, &f, i));
		json_array_append_new(versions, json_pack("{s:s,s:o}", "version", seen[k], "wishes", items));
	}
	json_t *m = json_pack("{s:o,s:o}", "columns", columns, "versions", versions);
	json_object_set_new(m, "page_feed", json_string("/wishes/roadmap.atom"));
	json_object_set_new(m, "page_feed_title", json_string(T("wishes.roadmap")));
	http_page(r, out, 200, "wishes/roadmap.html", "wishes.roadmap", m);
	http_cache_store(r, out, "wishes+comments", version, WISHES_TTL);
	return 0;
}

/* GET /wishes/export.csv and .json: every shown wish with its votes, its
 * status, where it went and who wants it (its votes by each job role,
 * organization type and industry), to forward to the developers. The CSV
 * opens in a spreadsheet (UTF-8 with its mark, cells that would compute
 * are quoted, one column per role, type and industry). */
enum { EXPORT_MAX = 100000 };

/* The first row of wish `id` in the segments (sorted by wish), or -1. */
static int first_seg(const db_res *x, int64_t id)
{
	int lo = 0, hi = x->nrows;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (db_get_int(x, mid, 0) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nrows && db_get_int(x, lo, 0) == id ? lo : -1;
}

/* Votes of wish `id` in segment dim+value ("r=" "dba"). */
static int64_t seg_votes(const db_res *x, int first, int64_t id, const char *dim, const char *value)
{
	size_t dl = strlen(dim);
	for (int i = first; i >= 0 && i < x->nrows && db_get_int(x, i, 0) == id; i++) {
		const char *seg = db_get(x, i, 1);
		if (!strncmp(seg, dim, dl) && !strcmp(seg + dl, value))
			return db_get_int(x, i, 2);
	}
	return 0;
}

static const struct {
	const char *dim, *prefix;
	const char *const *values;
	const char *json;
} export_dims[] = {
	{ "r=", "job.", people_job_roles, "job_role" },
	{ "c=", "cat.", orgs_categories, "org_category" },
	{ "i=", "ind.", orgs_industries, "org_industry" },
};

static int export_wishes(req *r, resp *out, int json)
{
	err e = ERR_INIT;
	db_res x, sg;
	int rc = db_query(r->db, &r->a, "SELECT w.id, w.title, w.title_tr, w.kind, w.status, w.shipped_in, w.status_link, w.votes, "
					"(SELECT count(*) FROM comments c WHERE c.target_kind = 'wish' AND c.target_id = w.id "
					"AND c.status = 'visible'), w.pg_version, w.created_at FROM wishes w WHERE w.shown = 'visible' "
					"ORDER BY w.votes DESC, w.id LIMIT ?",
			  DB_ARGS(DB_INT(EXPORT_MAX)), &x, &e);
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT s.wish_id, s.segment, s.votes FROM wish_segments s JOIN wishes w ON "
					    "w.id = s.wish_id WHERE w.shown = 'visible' AND s.votes > 0 AND s.segment NOT LIKE '%&%' "
					    "ORDER BY s.wish_id, s.segment", DB_NOARGS, &sg, &e);
	if (rc)
		return rc;
	static const char *const heads[] = { "wishes.csv.id", "wishes.title_field", "wishes.title_tr_field", "wishes.kind_label",
					     "wishes.status_label", "wishes.shipped_in", "wishes.link", "wishes.votes_count",
					     "wishes.csv.comments", "wishes.version_field", "wishes.csv.date" };
	static const char *const keys[] = { "id", "title", "title_tr", "kind", "status", "shipped_in", "link", "votes",
					    "comments", "pg_version", "posted" };
	enum { COLS = sizeof(heads) / sizeof(heads[0]) };
	buf b = BUF_INIT;
	json_t *all = json ? json_array() : NULL;
	if (!json) {
		buf_csv_start(&b);
		size_t col = 0;
		for (size_t c = 0; c < COLS; c++)
			buf_csv_field(&b, col++, T(heads[c]));
		for (size_t d = 0; d < sizeof(export_dims) / sizeof(export_dims[0]); d++)
			for (size_t v = 0; export_dims[d].values[v]; v++)
				buf_csv_field(&b, col++, T(arena_printf(&r->a, "%s%s", export_dims[d].prefix, export_dims[d].values[v])));
		buf_adds(&b, "\r\n");
	}
	for (int i = 0; i < x.nrows; i++) {
		int64_t id = db_get_int(&x, i, 0);
		int first = first_seg(&sg, id);
		json_t *o = json ? json_object() : NULL;
		size_t col = 0;
		for (int c = 0; c < (int)COLS; c++) {
			const char *v = db_get(&x, i, c);
			if (json) {
				if (c == 0 || c == 7 || c == 8)
					json_object_set_new(o, keys[c], json_integer(db_get_int(&x, i, c)));
				else if (c == 10) {
					char at[32];
					time_iso(db_get_int(&x, i, c), at);
					json_object_set_new(o, keys[c], json_string(at));
				}
				else
					json_object_set_new(o, keys[c], json_string(v ? v : ""));
				continue;
			}
			if (c == 3)
				v = T(arena_printf(&r->a, "wishes.kind.%s", v));
			else if (c == 4)
				v = T(arena_printf(&r->a, "wishes.status.%s", v));
			else if (c == 10)
				v = clock_date(&r->a, CLOCK_COMMUNITY_TZ, db_get_int(&x, i, c));
			buf_csv_field(&b, col++, v ? v : "");
		}
		json_t *by = json ? json_object() : NULL;
		for (size_t d = 0; d < sizeof(export_dims) / sizeof(export_dims[0]); d++) {
			json_t *counts = json ? json_object() : NULL;
			for (size_t v = 0; export_dims[d].values[v]; v++) {
				int64_t n = seg_votes(&sg, first, id, export_dims[d].dim, export_dims[d].values[v]);
				if (json && n)
					json_object_set_new(counts, export_dims[d].values[v], json_integer(n));
				else if (!json)
					buf_csv_field(&b, col++, arena_printf(&r->a, "%lld", (long long)n));
			}
			if (json)
				json_object_set_new(by, export_dims[d].json, counts);
		}
		if (json) {
			json_object_set_new(o, "votes_by", by);
			json_array_append_new(all, o);
		} else {
			buf_adds(&b, "\r\n");
		}
	}
	if (json) {
		json_to_buf(all, JSON_COMPACT, &b);
		json_decref(all);
		http_download(r, out, &b, "application/json", "wishes.json");
	} else {
		http_download(r, out, &b, "text/csv; charset=utf-8", "wishes.csv");
	}
	return 0;
}

static int export_csv(req *r, resp *out)
{
	return export_wishes(r, out, 0);
}

static int export_json(req *r, resp *out)
{
	return export_wishes(r, out, 1);
}

/* GET /wishes/roadmap.atom: the roadmap's news, a wish each time it takes
 * a step on the way (review, forwarded, in development, implemented), the
 * latest first; kept like a page, as feed readers ask often and the same. */
enum { FEED_ITEMS = 30 };

static int roadmap_atom(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t version = 0;
	const char *type = "application/atom+xml; charset=utf-8";
	int rc = http_feed_lookup(r, out, "wishes", NULL, type, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	db_res x;
	rc = db_query(r->db, &r->a, "SELECT w.id, w.lang, w.title, w.title_tr, w.status, w.shipped_in, w.status_reason, "
				    "w.status_link, w.created_at, w.active_at FROM wishes w WHERE w.shown = 'visible' AND w.status IN "
				    "('review', 'forwarded', 'developing', 'implemented') ORDER BY w.active_at DESC, w.id DESC LIMIT ?",
		      DB_ARGS(DB_INT(FEED_ITEMS)), &x, &e);
	if (rc)
		return rc;
	const char *base = r->cfg->val[CFG_BASE_URL], *mine = lang_code(r->lang);
	const char *site = r->cfg->val[r->lang == LANG_ZH ? CFG_SITE_NAME_ZH : CFG_SITE_NAME_EN];
	buf b = BUF_INIT;
	atom_head(&b, &(struct atom_feed){ lang_html(r->lang), arena_printf(&r->a, "%s · %s", T("wishes.roadmap"), site),
					   arena_printf(&r->a, "%s/wishes/roadmap.atom?lang=%s", base, mine),
					   arena_printf(&r->a, "%s/wishes/roadmap", base), x.nrows ? db_get_int(&x, 0, 9) : 0 });
	for (int i = 0; i < x.nrows; i++) {
		const char *tr = db_get(&x, i, 3), *status = db_get(&x, i, 4), *shipped = db_get(&x, i, 5);
		const char *title = strcmp(db_get(&x, i, 1), mine) && *tr ? tr : db_get(&x, i, 2);
		const char *step = !strcmp(status, "implemented") && *shipped
					   ? arena_printf(&r->a, T("wishes.status.implemented_in"), shipped)
					   : T(arena_printf(&r->a, "wishes.status.%s", status));
		buf html = BUF_INIT;
		buf_adds(&html, "<p>");
		buf_html(&html, step, strlen(step));
		buf_adds(&html, "</p>");
		if (*db_get(&x, i, 6)) {
			buf_adds(&html, "<p>");
			buf_html(&html, db_get(&x, i, 6), strlen(db_get(&x, i, 6)));
			buf_adds(&html, "</p>");
		}
		if (*db_get(&x, i, 7)) {
			buf_adds(&html, "<p><a href=\"");
			buf_html(&html, db_get(&x, i, 7), strlen(db_get(&x, i, 7)));
			buf_adds(&html, "\">");
			buf_html(&html, db_get(&x, i, 7), strlen(db_get(&x, i, 7)));
			buf_adds(&html, "</a></p>");
		}
		atom_entry(&b, &(struct atom_entry){
			.title = arena_printf(&r->a, "%s · %s", title, step),
			.link = arena_printf(&r->a, "%s/wishes/%lld", base, (long long)db_get_int(&x, i, 0)),
			.author = site,
			.category = status,
			.html = arena_strdup(&r->a, html.s),
			.published = db_get_int(&x, i, 8),
			.updated = db_get_int(&x, i, 9),
		});
		buf_release(&html);
	}
	atom_end(&b);
	http_feed_answer(r, out, &b, type, version, WISHES_TTL);
	return 0;
}

static const struct input wall_inputs[] = {
	{ "sort", IN_CHOICE, IN_QUERY, 0, 0, "wishes.err.sort", NULL, sorts },
	{ "kind", IN_CHOICE, IN_QUERY, 0, 0, "wishes.err.kind", NULL, wish_kinds },
	{ "status", IN_CHOICE, IN_QUERY, 0, 0, "wishes.err.status", NULL, wish_statuses },
	{ "role", IN_CHOICE, IN_QUERY, 0, 0, "wishes.err.role", NULL, people_job_roles },
	{ "category", IN_CHOICE, IN_QUERY, 0, 0, "wishes.err.category", NULL, orgs_categories },
	{ "industry", IN_CHOICE, IN_QUERY, 0, 0, "wishes.err.industry", NULL, orgs_industries },
	{ "page", IN_INT, IN_QUERY, 1, 100000, "input.err.int", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/wishes", wall, EVERYONE, 0, "wishes", NULL, wall_inputs },
	{ M_GET, "/wishes/roadmap", roadmap, EVERYONE, 0, "wishes-roadmap" },
	{ M_GET, "/wishes/export.csv", export_csv, EVERYONE, 0, "wishes-export" },
	{ M_GET, "/wishes/export.json", export_json, EVERYONE, 0, "wishes-export-json" },
	{ M_GET, "/wishes/roadmap.atom", roadmap_atom, EVERYONE, 0, "wishes-roadmap-atom" },
};

const struct route_table wall_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

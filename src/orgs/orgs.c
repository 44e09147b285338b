/* orgs.c: the organization directory, organization pages, and what editors
 * do with them: create, edit (names, aliases, category, industry, city,
 * website, description) and merge duplicates without losing what either
 * one had. */
#include <pthread.h>
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "files/files.h"
#include "orgs/find.h"
#include "orgs/orgs.h"
#include "view/i18n.h"
#include "view/markdown.h"
#include "people/people.h"
#include "base/banned.h"

enum { LIST_PAGE = 30, MAX_ALIASES = 20, DESC_MAX = 4000 };

#define T(key) i18n_get(r->lang, key)

/* NULL-ended: the form declares them as its inputs' choices. */
const char *const orgs_categories[] = { "user", "db_vendor", "cloud", "integrator", "isv", "hardware",
					  "university", "media", "training", "community", NULL };
const char *const orgs_industries[] = { "bank", "insurance", "finance", "telecom", "internet", "government",
					  "energy", "manufacturing", "retail", "education", "healthcare", "transport",
					  "gis", "software", "semiconductor", "media", "real_estate", "community",
					  "other", NULL };
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static json_t *options(req *r, const char *prefix, const char *const *list, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; list[i]; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", list[i], "label",
						   T(arena_printf(&r->a, "%s.%s", prefix, list[i])), "selected",
						   selected && !strcmp(selected, list[i])));
	return a;
}

/* The directory filter's fixed choices (categories, orgs_industries) as
 * <option> elements, rendered once per language: every search page shows
 * the same lists, and building them from JSON on each request cost more
 * than the search itself. The chosen one is marked per request. */
static const char *choices_html(req *r, const char *prefix, const char *const *list, const char *selected)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static const char *done[2][LANG__COUNT];
	int which = list == orgs_industries, lang = r->lang;
	pthread_mutex_lock(&mu);
	if (!done[which][lang]) {
		buf b = BUF_INIT;
		for (size_t i = 0; list[i]; i++) {
			const char *label = i18n_get(lang, arena_printf(&r->a, "%s.%s", prefix, list[i]));
			buf_addf(&b, "<option value=\"%s\">", list[i]);
			buf_html(&b, label, strlen(label));
			buf_adds(&b, "</option>");
		}
		done[which][lang] = buf_detach(&b, NULL); /* kept for the server's life */
	}
	const char *html = done[which][lang];
	pthread_mutex_unlock(&mu);
	if (!selected || !*selected)
		return html;
	const char *want = arena_printf(&r->a, "<option value=\"%s\">", selected);
	const char *at = strstr(html, want);
	if (!at)
		return html;
	size_t cut = (size_t)(at - html) + strlen(want) - 1; /* before the tag's '>' */
	return arena_printf(&r->a, "%.*s selected%s", (int)cut, html, html + cut);
}

/* The cities, in the page's language: the same on every directory page,
 * kept while nothing is committed (db_query_kept). */
static int read_cities(req *r, db *d, db_res *c, err *e)
{
	return db_query_kept(d, &r->a, "SELECT id, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END AS name FROM cities ORDER BY id",
			DB_ARGS(DB_TEXT(lang_code(r->lang))), c, e);
}

/* The cities as <option> elements, the chosen one marked (as above). */
static const char *city_choices_html(req *r, db *d, int64_t selected, err *e, int *rc)
{
	db_res c;
	buf b = BUF_INIT;
	*rc = read_cities(r, d, &c, e);
	for (int i = 0; !*rc && i < c.nrows; i++) {
		buf_addf(&b, "<option value=\"%lld\"%s>", (long long)db_get_int(&c, i, 0),
			 db_get_int(&c, i, 0) == selected ? " selected" : "");
		buf_html(&b, db_get(&c, i, 1), strlen(db_get(&c, i, 1)));
		buf_adds(&b, "</option>");
	}
	const char *html = arena_strdup(&r->a, b.len ? b.s : "");
	buf_release(&b);
	return html;
}

static json_t *city_options(req *r, db *d, int64_t selected, err *e, int *rc)
{
	db_res c;
	*rc = read_cities(r, d, &c, e);
	json_t *a = json_array();
	for (int i = 0; !*rc && i < c.nrows; i++)
		json_array_append_new(a, json_pack("{s:I,s:s,s:b}", "value", (json_int_t)db_get_int(&c, i, 0), "label",
						   db_get(&c, i, 1), "selected", db_get_int(&c, i, 0) == selected));
	return a;
}

/* ---- public helpers ---- */

int orgs_find(db *d, arena *a, const char *name, int64_t *id, err *e)
{
	db_res r;
	*id = 0;
	if (!*name)
		return 0;
	int rc = db_query(d, a, "SELECT id FROM orgs WHERE lower(name_zh) = lower(?) OR lower(name_en) = lower(?) "
				"UNION ALL SELECT org_id FROM org_aliases WHERE lower(alias) = lower(?) LIMIT 1",
			  DB_ARGS(DB_TEXT(name), DB_TEXT(name), DB_TEXT(name)), &r, e);
	if (!rc && r.nrows)
		*id = db_get_int(&r, 0, 0);
	return rc;
}

int orgs_suggest(db *d, arena *a, const char *name, int lang, int max, db_res *out, err *e)
{
	const char *q = ascii_lower(arena_strdup(a, name));
	/* A form's few names: a plain substring test over the search text
	 * (names and aliases) is quick at directory sizes and finds two
	 * characters, which a trigram index cannot. */
	const char *sql = db_engine_of(d) == DB_SQLITE
		? "SELECT id, CASE WHEN ? = 'en' THEN coalesce(name_en, name_zh) ELSE name_zh END AS name FROM orgs "
		  "WHERE instr(search_text, ?) > 0 ORDER BY length(name_zh), id LIMIT ?"
		: "SELECT id, CASE WHEN ? = 'en' THEN coalesce(name_en, name_zh) ELSE name_zh END AS name FROM orgs "
		  "WHERE search_text LIKE '%' || ? || '%' ESCAPE '\\' ORDER BY length(name_zh), id LIMIT ?";
	return db_query(d, a, sql, DB_ARGS(DB_TEXT(lang_code(lang)), DB_TEXT(db_engine_of(d) == DB_SQLITE ? q : like_literal(a, q)),
					  DB_INT(max)), out, e);
}

int orgs_suggest_choices(db *d, arena *a, const char *name, int lang, int max, json_t **out, err *e)
{
	db_res s;
	int rc = orgs_suggest(d, a, name, lang, max, &s, e);
	*out = NULL;
	if (rc)
		return rc;
	*out = json_array();
	for (int j = 0; j < s.nrows; j++)
		json_array_append_new(*out, json_pack("{s:s,s:s,s:b}", "value",
						      arena_printf(a, "%lld:%s", (long long)db_get_int(&s, j, 0), name),
						      "label", db_get(&s, j, 1), "checked", j == 0));
	return 0;
}

int orgs_ensure(db *d, arena *a, const char *name, int64_t *id, int *created, err *e)
{
	db_res res;
	int rc = orgs_find(d, a, name, id, e);
	if (created)
		*created = 0;
	if (rc || *id)
		return rc;
	if ((rc = db_query(d, a, "INSERT INTO orgs (name_zh, created_at) VALUES (?, ?) RETURNING id",
			   DB_ARGS(DB_TEXT(name), DB_TIME(unix_now())), &res, e)))
		return rc;
	*id = db_get_int(&res, 0, 0);
	if (created)
		*created = 1;
	return orgs_refresh_search(d, *id, e);
}

/* What separates names in a pasted list, and what is never part of one at
 * either end of an item. */
static const char *const list_seps[] = { "、", "，", ",", "；", ";", "|", "｜", "\n", "\r", "\t", "。" };
static const char *const list_strip[] = { " ", "\xe3\x80\x80" /* ideographic space */, ".", "…", "·", "-", "—", "*",
					   "\"", "“", "”", "'", "‘", "’", "!", "！", ":", "：", "?", "？" };
static const char *const list_tails[] = { "等等", "等公司", "等单位", "等企业", "等", "etc", "and others" };

static size_t starts_with_any(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(s, set[i], strlen(set[i])))
			return strlen(set[i]);
	return 0;
}

static size_t ends_with_any(const char *s, size_t len, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(set[i]);
		if (k <= len && !strncmp(s + len - k, set[i], k))
			return k;
	}
	return 0;
}

/* One item between separators, trimmed of stray punctuation and a
 * trailing "等"; NULL when nothing is left. */
static const char *list_item(arena *a, const char *s, size_t len)
{
	for (int changed = 1; changed && len;) {
		size_t k;
		changed = 0;
		if ((k = starts_with_any(s, list_strip, COUNT(list_strip)))) {
			s += k, len -= k, changed = 1;
			continue;
		}
		if ((k = ends_with_any(s, len, list_strip, COUNT(list_strip))) ||
		    ((k = ends_with_any(s, len, list_tails, COUNT(list_tails))) && k < len))
			len -= k, changed = 1;
	}
	for (size_t i = 0; len && i < COUNT(list_tails); i++)
		if (strlen(list_tails[i]) == len && !strncmp(s, list_tails[i], len))
			return NULL; /* "等" alone ends a list, it names nobody */
	return len ? arena_strndup(a, s, len) : NULL;
}

int orgs_split_list(arena *a, const char *text, const char **names, int max)
{
	int n = 0;
	const char *start = text, *p = text;
	while (n < max) {
		size_t sep = *p ? starts_with_any(p, list_seps, COUNT(list_seps)) : 1;
		if (!sep) {
			p++;
			continue;
		}
		const char *name = list_item(a, start, (size_t)(p - start));
		int dup = 0;
		for (int i = 0; name && i < n && !dup; i++)
			dup = !strcmp(names[i], name);
		if (name && !dup)
			names[n++] = name;
		if (!*p)
			break;
		p += sep;
		start = p;
	}
	return n;
}

int orgs_refresh_search(db *d, int64_t id, err *e)
{
	arena a = ARENA_INIT;
	db_res o, al;
	int rc = db_query(d, &a, "SELECT name_zh, coalesce(name_en, '') FROM orgs WHERE id = ?", DB_ARGS(DB_INT(id)), &o, e);
	if (!rc)
		rc = db_query(d, &a, "SELECT alias FROM org_aliases WHERE org_id = ? ORDER BY id", DB_ARGS(DB_INT(id)), &al, e);
	if (!rc && o.nrows) {
		buf b = BUF_INIT;
		buf_addf(&b, "%s %s", db_get(&o, 0, 0), db_get(&o, 0, 1));
		for (int i = 0; i < al.nrows; i++)
			buf_addf(&b, " %s", db_get(&al, i, 0));
		ascii_lower(b.s);
		rc = db_exec(d, "UPDATE orgs SET search_text = ? WHERE id = ?", DB_ARGS(DB_TEXT(b.s), DB_INT(id)), NULL, e);
		buf_release(&b);
	}
	arena_release(&a);
	return rc;
}

/* ---- the directory ---- */

#define LIST_COLS "SELECT o.id, " DB_IN_LANG("o.name_zh", "o.name_en") " AS name, " DB_ZH_ONLY("o.name_en") " AS zh_only, " \
	"o.name_zh, o.name_en, o.category, coalesce(o.industry, '') AS industry, " FILE_KEY("o.logo_file_id") " AS logo, " \
	"CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END AS city FROM orgs o LEFT JOIN cities c ON c.id = o.city_id "
#define LIST_FILTERS "(? = '' OR o.category = ?) AND (? = '' OR o.industry = ?) AND (CAST(? AS BIGINT) = 0 OR o.city_id = ?) "
#define LIST_TAIL "ORDER BY o.id LIMIT ? OFFSET ?"

/* Three ways to find "邮储" in 邮储银行: a trigram index needs 3 characters,
 * so SQLite answers shorter queries from the table (instr); PostgreSQL's
 * LIKE uses its trigram index when it can and scans when it cannot. */
static const char sql_all[] = LIST_COLS "WHERE " LIST_FILTERS LIST_TAIL;
static const char sql_fts[] = LIST_COLS "WHERE o.id IN (SELECT rowid FROM orgs_fts WHERE orgs_fts MATCH ?) AND "
	LIST_FILTERS LIST_TAIL;
static const char sql_instr[] = LIST_COLS "WHERE instr(o.search_text, ?) > 0 AND " LIST_FILTERS LIST_TAIL;
static const char sql_like[] = LIST_COLS "WHERE o.search_text LIKE '%' || ? || '%' ESCAPE '\\' AND " LIST_FILTERS LIST_TAIL;

enum { ORGS_TTL = 300 };

/* The directory's statement for q when the database searches, and the
 * value of its search parameter (NULL: none, every organization). */
static const char *database_sql(req *r, db *d, const char *q, const char **term)
{
	*term = NULL;
	if (!*q)
		return sql_all;
	if (db_engine_of(d) == DB_SQLITE && text_len(q) >= 3) {
		buf b = BUF_INIT; /* one FTS5 phrase: quotes doubled inside */
		buf_addc(&b, '"');
		for (const char *p = q; *p; p++) {
			if (*p == '"')
				buf_addc(&b, '"');
			buf_addc(&b, *p);
		}
		buf_addc(&b, '"');
		*term = arena_strdup(&r->a, b.s);
		buf_release(&b);
		return sql_fts;
	}
	*term = db_engine_of(d) == DB_SQLITE ? q : like_literal(&r->a, q);
	return db_engine_of(d) == DB_SQLITE ? sql_instr : sql_like;
}

/* A directory row's names for its category and industry. */
static json_t *with_texts(req *r, json_t *o, const char *category, const char *industry)
{
	json_object_set_new(o, "category_text", json_string(T(arena_printf(&r->a, "cat.%s", category))));
	if (*industry)
		json_object_set_new(o, "industry_text", json_string(T(arena_printf(&r->a, "ind.%s", industry))));
	return o;
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The page's rows from the directory's copy in memory (find.c), brought
 * up to the request's "orgs" version, as LIST_COLS gives them: 0 when it
 * answered (*more: a next page), 1 when the database must. */
static int memory_items(req *r, int64_t version, const char *q, const struct orgs_filter *f, int64_t page,
			json_t **items, int *more, err *e)
{
	struct orgs_row rows[LIST_PAGE + 1];
	int found = 0, en = r->lang == LANG_EN;
	int rc = version ? 0 : http_data_version(r, r->db, "orgs", &version, e);
	if (!rc)
		rc = orgs_find_rows(r->db, &r->a, version, q, f, (int)(page - 1) * LIST_PAGE, LIST_PAGE + 1, rows, &found, e);
	if (rc)
		return rc;
	*items = json_array();
	for (int i = 0; i < found && i < LIST_PAGE; i++) {
		const struct orgs_row *o = &rows[i];
		int zh_only = en && (!o->name_en || !*o->name_en);
		json_t *x = json_object();
		json_object_set_new(x, "id", json_integer(o->id));
		json_object_set_new(x, "name", json_string(en && !zh_only ? o->name_en : o->name_zh));
		json_object_set_new(x, "zh_only", json_integer(zh_only));
		json_object_set_new(x, "name_zh", json_string(o->name_zh));
		json_object_set_new(x, "name_en", text_or_null(o->name_en));
		json_object_set_new(x, "category", json_string(o->category));
		json_object_set_new(x, "industry", json_string(o->industry));
		json_object_set_new(x, "logo", json_string(o->logo));
		json_object_set_new(x, "city", text_or_null(en ? o->city_en : o->city_zh));
		json_array_append_new(*items, with_texts(r, x, o->category, o->industry));
	}
	*more = found > LIST_PAGE;
	return 0;
}

/* The page's rows as the database finds them. */
static int database_items(req *r, const char *q, const struct orgs_filter *f, int64_t page, json_t **items,
			  int *more, err *e)
{
	const char *lang = lang_code(r->lang), *term = NULL, *sql = database_sql(r, r->db, q, &term);
	db_param p[14] = { DB_TEXT(lang), DB_TEXT(lang), DB_TEXT(lang) };
	int n = 3;
	if (term)
		p[n++] = DB_TEXT(term);
	p[n++] = DB_TEXT(f->category);
	p[n++] = DB_TEXT(f->category);
	p[n++] = DB_TEXT(f->industry);
	p[n++] = DB_TEXT(f->industry);
	p[n++] = DB_INT(f->city);
	p[n++] = DB_INT(f->city);
	p[n++] = DB_INT(LIST_PAGE + 1);
	p[n++] = DB_INT((page - 1) * LIST_PAGE);
	db_res res;
	int rc = (term ? db_query_planned : db_query)(r->db, &r->a, sql, p, n, &res, e);
	if (rc)
		return rc;
	*items = json_array();
	for (int i = 0; i < res.nrows && i < LIST_PAGE; i++)
		json_array_append_new(*items, with_texts(r, db_row_json(&res, i), db_str(&res, i, "category"),
							 db_str(&res, i, "industry")));
	*more = res.nrows > LIST_PAGE;
	return 0;
}

static int list(req *r, resp *out)
{
	static const char *const args[] = { "q", "category", "industry", "city", "page", NULL };
	err e = ERR_INIT;
	char *q = ascii_lower(trimmed(&r->a, req_query(r, "q")));
	const char *cat = trimmed(&r->a, req_query(r, "category"));
	const char *ind = trimmed(&r->a, req_query(r, "industry"));
	int64_t city = 0, page = 1;
	const char *cq = req_query(r, "city");
	if ((cq && *cq && parse_i64(cq, 0, INT32_MAX, &city)) || (*cat && !one_of(cat, orgs_categories)) ||
	    (*ind && !one_of(ind, orgs_industries)) || text_len(q) > 100)
		return http_error(r, out, 400, "bad_filter", "orgs.err.filter");
	if (parse_i64(req_query(r, "page"), 1, 100000, &page))
		page = 1;
	db *d = r->db;
	int64_t version = 0;
	int crc = http_cache_lookup(r, out, d, "orgs", args, &version, &e);
	if (crc)
		return crc > 0 ? 0 : crc;
	struct orgs_filter f = { cat, ind, city };
	json_t *items = NULL;
	int more = 0, rc = *q ? memory_items(r, version, q, &f, page, &items, &more, &e) : 1;
	if (rc > 0)
		rc = database_items(r, q, &f, page, &items, &more, &e);
	if (rc) {
		log_error("orgs: %s", e.msg);
		return rc;
	}
	buf qs = BUF_INIT;
	buf_adds(&qs, "q=");
	buf_url_arg(&qs, q);
	buf_addf(&qs, "&category=%s&industry=%s&city=%lld", cat, ind, (long long)city);
	json_t *m = json_pack("{s:o,s:{s:s},s:s,s:b}", "orgs", items, "filter", "q", q, "query", qs.s, "can_edit",
			      !auth_allowed(ALLOW(ROLE_EDITOR), r->role));
	buf_release(&qs);
	json_t *filter = json_object_get(m, "filter");
	/* The choices as data for the API; as ready <option> elements for the
	 * page (choices_html). */
	if (r->api) {
		json_object_set_new(filter, "categories", options(r, "cat", orgs_categories, cat));
		json_object_set_new(filter, "industries", options(r, "ind", orgs_industries, ind));
		json_object_set_new(filter, "cities", city_options(r, d, city, &e, &rc));
	} else {
		json_object_set_new(filter, "categories_html", json_string(choices_html(r, "cat", orgs_categories, cat)));
		json_object_set_new(filter, "industries_html", json_string(choices_html(r, "ind", orgs_industries, ind)));
		json_object_set_new(filter, "cities_html", json_string(city_choices_html(r, d, city, &e, &rc)));
	}
	if (rc) {
		json_decref(m);
		return rc;
	}
	http_pager(m, page, more);
	http_page(r, out, 200, "orgs/list.html", "orgs.title", m);
	http_cache_store(r, out, "orgs", version, ORGS_TTL);
	return 0;
}

/* ---- one organization ---- */

static int load(req *r, db *d, int64_t id, json_t **out, err *e)
{
	db_res o, al, people, ev;
	const char *lang = lang_code(r->lang);
	int rc = db_query(d, &r->a, "SELECT o.id, o.name_zh, o.name_en, o.category, coalesce(o.industry, '') AS industry, "
				    "o.city_id, CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END AS city, "
				    "coalesce(o.website, '') AS website, o.description, " FILE_KEY("o.logo_file_id") " AS logo "
				    "FROM orgs o LEFT JOIN cities c ON c.id = o.city_id WHERE o.id = ?",
			  DB_ARGS(DB_TEXT(lang), DB_INT(id)), &o, e);
	if (rc || !o.nrows) {
		*out = NULL;
		return rc;
	}
	if ((rc = db_query(d, &r->a, "SELECT alias FROM org_aliases WHERE org_id = ? ORDER BY id", DB_ARGS(DB_INT(id)), &al, e)) ||
	    (rc = people_at_org(d, &r->a, id, &people, e)) ||
	    (rc = db_query(d, &r->a, "SELECT e.id, " DB_IN_LANG("e.title_zh", "e.title_en") " AS title, "
				     "e.starts_at, eo.role, e.tz FROM event_orgs eo JOIN events e ON e.id = eo.event_id "
				     "WHERE eo.org_id = ? ORDER BY e.starts_at DESC, e.id, CASE eo.role WHEN 'host' THEN 1 WHEN 'sponsor' THEN 2 "
				     "WHEN 'venue' THEN 3 WHEN 'media' THEN 4 ELSE 5 END LIMIT 200",
			   DB_ARGS(DB_TEXT(lang), DB_INT(id)), &ev, e)))
		return rc;
	json_t *m = db_row_json(&o, 0);
	json_object_set_new(m, "name", json_string(r->lang == LANG_EN && db_get(&o, 0, 2) ? db_get(&o, 0, 2) : db_get(&o, 0, 1)));
	json_object_set_new(m, "category_text", json_string(T(arena_printf(&r->a, "cat.%s", db_get(&o, 0, 3)))));
	if (*db_get(&o, 0, 4))
		json_object_set_new(m, "industry_text", json_string(T(arena_printf(&r->a, "ind.%s", db_get(&o, 0, 4)))));
	/* Names in characters, marked so on an English page. */
	json_object_set_new(m, "name_zh_mark", json_boolean(r->lang == LANG_EN));
	json_t *aliases = json_array(), *shown = json_array();
	for (int i = 0; i < al.nrows; i++) {
		json_array_append_new(aliases, json_string(db_get(&al, i, 0)));
		json_array_append_new(shown, json_pack("{s:s,s:b}", "name", db_get(&al, i, 0), "zh",
						       r->lang == LANG_EN && text_han(db_get(&al, i, 0))));
	}
	json_object_set_new(m, "aliases", aliases);
	json_object_set_new(m, "aliases_shown", shown);
	json_object_set_new(m, "people", db_rows_json(&people));
	/* One line per event, with every role the organization had in it. */
	json_t *events = json_array(), *x = NULL;
	for (int i = 0; i < ev.nrows; i++) {
		if (!x || json_integer_value(json_object_get(x, "id")) != db_get_int(&ev, i, 0)) {
			x = db_row_json(&ev, i);
			json_object_del(x, "role");
			json_object_del(x, "tz");
			json_object_set_new(x, "date", json_string(clock_date(&r->a, db_text(&ev, i, "tz"),
									     db_int(&ev, i, "starts_at"))));
			json_object_set_new(x, "roles", json_array());
			json_array_append_new(events, x);
		}
		json_array_append_new(json_object_get(x, "roles"),
				      json_string(T(arena_printf(&r->a, "orgs.role.%s", db_get(&ev, i, 3)))));
	}
	json_object_set_new(m, "events", events);
	*out = m;
	return 0;
}

static int show(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id;
	json_t *o;
	id = req_num(r, "id");
	db *d = r->db;
	static const char *const args[] = { NULL };
	int64_t version = 0;
	/* The page shows what other features keep of the organization too
	 * (the articles about it): it follows their data as well. */
	int rc = http_cache_lookup(r, out, d, "orgs+content", args, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	if ((rc = load(r, d, id, &o, &e)))
		return rc;
	if (!o)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if ((rc = features_sections("org", r, d, &id, o, &e))) {
		json_decref(o);
		return rc;
	}
	buf html = BUF_INIT;
	markdown_html(json_string_value(json_object_get(o, "description")), &html);
	json_object_set_new(o, "description_html", json_string(html.s));
	buf_release(&html);
	json_t *m = json_pack("{s:o,s:b}", "org", o, "can_edit", !auth_allowed(ALLOW(ROLE_EDITOR), r->role));
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("orgs.saved")));
	if (req_query(r, "merged"))
		json_object_set_new(m, "notice", json_string(T("orgs.merged")));
	http_page(r, out, 200, "orgs/show.html", NULL, m);
	out->title_text = json_string_value(json_object_get(o, "name"));
	http_cache_store(r, out, "orgs+content", version, ORGS_TTL);
	return 0;
}

/* ---- editing ---- */

struct org_form {
	char *name_zh, *name_en, *category, *industry, *website, *description, *aliases_text;
	int64_t city;
	const char *aliases[MAX_ALIASES];
	int naliases;
};

/* Splits "阿里, Alibaba、Aliyun" on commas (both widths), 、 ; and newlines. */
static void split_aliases(req *r, struct org_form *f, json_t *errors)
{
	static const char *seps[] = { ",", "，", "、", ";", "；", "\n", "\r" };
	char *s = arena_strdup(&r->a, f->aliases_text);
	for (size_t k = 0; k < COUNT(seps); k++)
		for (char *p = strstr(s, seps[k]); p; p = strstr(p, seps[k]))
			memset(p, '\x1f', strlen(seps[k]));
	char *save = NULL;
	for (char *t = strtok_r(s, "\x1f", &save); t; t = strtok_r(NULL, "\x1f", &save)) {
		char *a = trimmed(&r->a, t);
		if (!*a)
			continue;
		int dup = !strcmp(a, f->name_zh) || (f->name_en && !strcmp(a, f->name_en));
		for (int i = 0; i < f->naliases && !dup; i++)
			dup = !strcmp(f->aliases[i], a);
		if (dup)
			continue;
		if (f->naliases == MAX_ALIASES || text_len(a) > 100) {
			json_object_set_new(errors, "aliases", json_string(T("orgs.err.aliases")));
			return;
		}
		f->aliases[f->naliases++] = a;
	}
}

/* The form as sent, each field checked by its declaration (org_inputs);
 * here the aliases, split and counted. */
static json_t *read_form(req *r, struct org_form *f)
{
	json_t *errors = r->errors ? json_copy(r->errors) : json_object();
	f->name_zh = trimmed(&r->a, req_form(r, "name_zh"));
	f->name_en = trimmed(&r->a, req_form(r, "name_en"));
	f->category = trimmed(&r->a, req_form(r, "category"));
	f->industry = trimmed(&r->a, req_form(r, "industry"));
	f->website = trimmed(&r->a, req_form(r, "website"));
	f->description = trimmed(&r->a, req_form(r, "description"));
	f->aliases_text = trimmed(&r->a, req_form(r, "aliases"));
	f->city = in_num(r, "city", 0);
	f->naliases = 0;
	split_aliases(r, f, errors);
	return errors;
}

static int form_page(req *r, resp *out, db *d, unsigned status, int64_t id, const struct org_form *f, json_t *errors)
{
	err e = ERR_INIT;
	int rc;
	json_t *cities = city_options(r, d, f->city, &e, &rc);
	if (rc) {
		json_decref(cities);
		json_decref(errors);
		return rc;
	}
	json_t *form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "name_zh", f->name_zh, "name_en", f->name_en,
				 "website", f->website, "description", f->description, "aliases", f->aliases_text,
				 "categories", options(r, "cat", orgs_categories, f->category),
				 "industries", options(r, "ind", orgs_industries, f->industry), "cities", cities);
	json_t *m = json_pack("{s:o,s:o,s:s}", "form", form, "errors", errors, "action",
			      id ? arena_printf(&r->a, "/orgs/%lld/edit", (long long)id) : "/orgs/new");
	if (id)
		json_object_set_new(m, "id", json_integer(id));
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
							 T("form.fix_errors"), "fields", errors));
	return http_page(r, out, status, "orgs/edit.html", id ? "orgs.edit" : "orgs.new", m);
}

struct save_ctx {
	req *r;
	struct org_form *f;
	int64_t id;           /* 0: create */
	const char *conflict; /* the alias or name already taken */
};

static int save_tx(db *d, void *p, err *e)
{
	struct save_ctx *c = p;
	struct org_form *f = c->f;
	arena *a = &c->r->a;
	int rc;
	db_res res;
	int64_t other;
	/* A name or alias may name one organization only. */
	const char *names[MAX_ALIASES + 2];
	int n = 0;
	names[n++] = f->name_zh;
	if (*f->name_en)
		names[n++] = f->name_en;
	for (int i = 0; i < f->naliases; i++)
		names[n++] = f->aliases[i];
	for (int i = 0; i < n; i++) {
		if ((rc = orgs_find(d, a, names[i], &other, e)))
			return rc;
		if (other && other != c->id) {
			c->conflict = names[i];
			return ERR_CONSTRAINT;
		}
	}
	const db_param fields[] = { DB_TEXT(f->name_zh), DB_TEXT(*f->name_en ? f->name_en : NULL), DB_TEXT(f->category),
				    DB_TEXT(*f->industry ? f->industry : NULL), f->city ? DB_INT(f->city) : DB_NULL,
				    DB_TEXT(*f->website ? f->website : NULL), DB_TEXT(f->description) };
	if (c->id) {
		db_param p2[8];
		memcpy(p2, fields, sizeof(fields));
		p2[7] = DB_INT(c->id);
		rc = db_exec(d, "UPDATE orgs SET name_zh = ?, name_en = ?, category = ?, industry = ?, city_id = ?, "
				"website = ?, description = ? WHERE id = ?", p2, 8, NULL, e);
	} else {
		db_param p2[8];
		memcpy(p2, fields, sizeof(fields));
		p2[7] = DB_TIME(unix_now());
		rc = db_query(d, a, "INSERT INTO orgs (name_zh, name_en, category, industry, city_id, website, description, "
				    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", p2, 8, &res, e);
		if (!rc)
			c->id = db_get_int(&res, 0, 0);
	}
	if (!rc)
		rc = db_exec(d, "DELETE FROM org_aliases WHERE org_id = ?", DB_ARGS(DB_INT(c->id)), NULL, e);
	for (int i = 0; !rc && i < f->naliases; i++)
		rc = db_exec(d, "INSERT INTO org_aliases (org_id, alias) VALUES (?, ?)",
			     DB_ARGS(DB_INT(c->id), DB_TEXT(f->aliases[i])), NULL, e);
	if (!rc)
		rc = orgs_refresh_search(d, c->id, e);
	if (!rc)
		rc = auth_audit(d, c->r->user_id, "org.save", arena_printf(a, "org:%lld", (long long)c->id), f->name_zh,
				c->r->client, e);
	return rc;
}

static int new_form(req *r, resp *out)
{
	db *d = r->db;
	struct org_form f = { .name_zh = "", .name_en = "", .category = "user", .industry = "", .website = "",
			      .description = "", .aliases_text = "" };
	return form_page(r, out, d, 200, 0, &f, json_object());
}

static int edit_form(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id;
	json_t *o;
	id = req_num(r, "id");
	db *d = r->db;
	int rc = load(r, d, id, &o, &e);
	if (rc || !o)
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	buf al = BUF_INIT;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "aliases"), i, v) {
		if (i)
			buf_adds(&al, ", ");
		buf_adds(&al, json_string_value(v));
	}
	const char *en = json_string_value(json_object_get(o, "name_en"));
	struct org_form f = {
		.name_zh = arena_strdup(&r->a, json_string_value(json_object_get(o, "name_zh"))),
		.name_en = arena_strdup(&r->a, en ? en : ""),
		.category = arena_strdup(&r->a, json_string_value(json_object_get(o, "category"))),
		.industry = arena_strdup(&r->a, json_string_value(json_object_get(o, "industry"))),
		.website = arena_strdup(&r->a, json_string_value(json_object_get(o, "website"))),
		.description = arena_strdup(&r->a, json_string_value(json_object_get(o, "description"))),
		.aliases_text = arena_strdup(&r->a, al.s),
		.city = json_integer_value(json_object_get(o, "city_id")),
	};
	buf_release(&al);
	json_decref(o);
	return form_page(r, out, d, 200, id, &f, json_object());
}

static int save(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id = req_num(r, "id");
	db *d = r->db;
	struct org_form f;
	json_t *errors = read_form(r, &f);
	if (json_object_size(errors))
		return form_page(r, out, d, 422, id, &f, errors);
	if (id) {
		db_res x;
		int rc = db_query(d, &r->a, "SELECT 1 FROM orgs WHERE id = ?", DB_ARGS(DB_INT(id)), &x, &e);
		if (rc || !x.nrows) {
			json_decref(errors);
			return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
		}
	}
	struct save_ctx c = { r, &f, id, NULL };
	int rc = db_tx(d, save_tx, &c, &e);
	if (rc == ERR_CONSTRAINT) {
		json_object_set_new(errors, "aliases", json_string(c.conflict ? arena_printf(&r->a, "%s: %s",
						c.conflict, T("orgs.err.taken")) : T("orgs.err.taken")));
		return form_page(r, out, d, 422, id, &f, errors);
	}
	json_decref(errors);
	if (rc) {
		log_error("org save: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->status = id ? 200 : 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)c.id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/orgs/%lld?saved=1", (long long)c.id));
}

/* ---- merging duplicates ---- */

struct merge_ctx {
	int64_t from, into;
	req *r;
};

static int merge_tx(db *d, void *p, err *e)
{
	struct merge_ctx *m = p;
	const db_param both[] = { DB_INT(m->into), DB_INT(m->from) };
	int rc;
	/* People, events, aliases move over; the duplicate's names become
	 * aliases; fields the survivor lacks are taken from the duplicate. */
	if ((rc = people_move_org(d, m->from, m->into, e)) ||
	    (rc = db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) SELECT event_id, ?, role FROM event_orgs "
			     "WHERE org_id = ? ON CONFLICT DO NOTHING", both, 2, NULL, e)) ||
	    (rc = db_exec(d, "DELETE FROM event_orgs WHERE org_id = ?", DB_ARGS(DB_INT(m->from)), NULL, e)) ||
	    (rc = db_exec(d, "UPDATE org_aliases SET org_id = ? WHERE org_id = ?", both, 2, NULL, e)) ||
	    (rc = db_exec(d, "UPDATE orgs SET name_en = coalesce(name_en, (SELECT name_en FROM orgs WHERE id = ?)), "
			     "industry = coalesce(industry, (SELECT industry FROM orgs WHERE id = ?)), "
			     "city_id = coalesce(city_id, (SELECT city_id FROM orgs WHERE id = ?)), "
			     "website = coalesce(website, (SELECT website FROM orgs WHERE id = ?)), "
			     "description = CASE WHEN description = '' THEN (SELECT description FROM orgs WHERE id = ?) "
			     "ELSE description END WHERE id = ?",
			  DB_ARGS(DB_INT(m->from), DB_INT(m->from), DB_INT(m->from), DB_INT(m->from), DB_INT(m->from),
				  DB_INT(m->into)),
			  NULL, e)))
		return rc;
	arena a = ARENA_INIT;
	db_res names;
	rc = db_query(d, &a, "SELECT f.name_zh, f.name_en, t.name_zh, t.name_en FROM orgs f, orgs t WHERE f.id = ? AND t.id = ?",
		      DB_ARGS(DB_INT(m->from), DB_INT(m->into)), &names, e);
	if (!rc && !names.nrows)
		rc = ERR_NOTFOUND;
	/* The duplicate goes before its names become the survivor's aliases. */
	const char *old_zh = rc ? NULL : arena_strdup(&a, db_get(&names, 0, 0));
	const char *old_en = rc ? NULL : arena_strdup(&a, db_get(&names, 0, 1));
	const char *keep_en = rc ? NULL : db_get(&names, 0, 3);
	if (!rc)
		rc = db_exec(d, "DELETE FROM orgs WHERE id = ?", DB_ARGS(DB_INT(m->from)), NULL, e);
	if (!rc)
		rc = db_exec(d, "INSERT INTO org_aliases (org_id, alias) VALUES (?, ?) ON CONFLICT DO NOTHING",
			     DB_ARGS(DB_INT(m->into), DB_TEXT(old_zh)), NULL, e);
	if (!rc && old_en && (!keep_en || strcmp(old_en, keep_en)))
		rc = db_exec(d, "INSERT INTO org_aliases (org_id, alias) VALUES (?, ?) ON CONFLICT DO NOTHING",
			     DB_ARGS(DB_INT(m->into), DB_TEXT(old_en)), NULL, e);
	if (!rc)
		rc = orgs_refresh_search(d, m->into, e);
	if (!rc)
		rc = auth_audit(d, m->r->user_id, "org.merge", arena_printf(&a, "org:%lld", (long long)m->into),
				arena_printf(&a, "merged org:%lld (%s)", (long long)m->from, old_zh), m->r->client, e);
	arena_release(&a);
	return rc;
}

static int merge(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t from, into = 0;
	from = req_num(r, "id");
	db *d = r->db;
	char *target = trimmed(&r->a, req_form(r, "into"));
	int rc = 0;
	if (parse_i64(target, 1, INT64_MAX, &into) && (rc = orgs_find(d, &r->a, target, &into, &e)))
		return rc;
	if (!into || into == from)
		return http_error(r, out, 422, "invalid", "orgs.err.merge_target");
	struct merge_ctx m = { from, into, r };
	rc = db_tx(d, merge_tx, &m, &e);
	if (rc == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (rc) {
		log_error("org merge: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:I,s:I}", "merged", (json_int_t)from, "into", (json_int_t)into);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/orgs/%lld?merged=1", (long long)into));
}

static int logo(req *r, resp *out)
{
	return files_attach_route(r, out, "logo", FILE_IMAGE, "UPDATE orgs SET logo_file_id = ? WHERE id = ?", "org.logo", "org",
				  "/orgs");
}

static const struct input logo_inputs[] = { IN_UPLOAD("logo"), { NULL } };
static const struct input org_inputs[] = {
	{ "name_zh", IN_LINE, IN_REQUIRED, 0, 100, "orgs.err.name", "orgs.err.name_required" },
	{ "name_en", IN_LINE, 0, 0, 100, "orgs.err.name", NULL },
	{ "category", IN_CHOICE, IN_REQUIRED, 0, 0, "orgs.err.category", "orgs.err.category", orgs_categories },
	{ "industry", IN_CHOICE, 0, 0, 0, "orgs.err.industry", NULL, orgs_industries },
	{ "city", IN_INT, 0, 1, INT32_MAX, "subscribe.err.city", NULL },
	{ "website", IN_URL, 0, 0, 200, "orgs.err.website", NULL },
	{ "description", IN_MARKDOWN, 0, 0, DESC_MAX, "orgs.err.description", NULL },
	/* Other names, separated by commas or lines (split_aliases). */
	{ "aliases", IN_TEXT, 0, 0, 4000, "orgs.err.aliases", NULL },
	{ NULL },
};
static const struct input merge_inputs[] = { IN_FIELD("into"), { NULL } };

static const struct route routes[] = {
	{ M_POST, "/orgs/:id/logo", logo, ALLOW(ROLE_EDITOR), 1, "org-logo", .inputs = logo_inputs },
	{ M_GET, "/orgs", list, EVERYONE, 0, "orgs" },
	{ M_GET, "/orgs/new", new_form, ALLOW(ROLE_EDITOR), 0, "org-new" },
	{ M_POST, "/orgs/new", save, ALLOW(ROLE_EDITOR), 1, "org-new", .inputs = org_inputs, .invalid = save },
	{ M_GET, "/orgs/:id", show, EVERYONE, 0, "org" },
	{ M_GET, "/orgs/:id/edit", edit_form, ALLOW(ROLE_EDITOR), 0, "org-edit" },
	{ M_POST, "/orgs/:id/edit", save, ALLOW(ROLE_EDITOR), 1, "org-edit", .inputs = org_inputs, .invalid = save },
	{ M_POST, "/orgs/:id/merge", merge, ALLOW(ROLE_EDITOR), 1, "org-merge", .inputs = merge_inputs },
};

const struct route_table orgs_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

/* An organization for the search: its names and aliases. */
static int orgs_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT name_zh, coalesce(name_en, '') AS name_en, coalesce(search_text, '') AS body, "
				"created_at FROM orgs WHERE id = ?", DB_ARGS(DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		*out = (struct search_doc){ db_text(&x, 0, "name_zh"), db_text(&x, 0, "name_en"), db_text(&x, 0, "body"),
					    db_int(&x, 0, "created_at"), 0 };
	return rc;
}

/* Every organization's page, for /sitemap.xml. */
static int orgs_sitemap(req *r, db *d, buf *out, err *e)
{
	db_res x;
	sitemap_url(r, out, "/orgs", 0);
	int rc = db_query(d, &r->a, "SELECT id FROM orgs ORDER BY id", DB_NOARGS, &x, e);
	for (int i = 0; !rc && i < x.nrows; i++)
		sitemap_url(r, out, arena_printf(&r->a, "/orgs/%lld", (long long)db_get_int(&x, i, 0)), 0);
	return rc;
}

/* The directory's copy for its search takes what the search may. */
static int start(const config *cfg, err *e)
{
	(void)e;
	orgs_find_setup(cfg->search_memory);
	return 0;
}

const struct feature orgs_feature = {
	.name = "orgs",
	.start = start,
	.release = orgs_find_release,
	.routes = { &orgs_routes },
	.nav = { { 30, "/orgs", "nav.orgs" } },
	.sitemap = orgs_sitemap,
	.search = { { "org", "/orgs/%lld", orgs_search_doc } },
};

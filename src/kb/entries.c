/* entries.c: the knowledge base: the list (/kb, by tag), an entry's page
 * (its question, answer, sources and where it came from: a debate at an
 * event, or a member's question), and the editors' form to write, change
 * or hide one. */
#include "kb/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/util.h"
#include "view/markdown.h"
#include "base/banned.h"

#define ENTRY_COLS                                                                                                   \
	"SELECT k.id AS id, k.question_zh AS question_zh, k.question_en AS question_en, k.answer_zh AS answer_zh, "   \
	"k.answer_en AS answer_en, k.sources AS sources, coalesce(k.event_id, 0) AS event_id, "                      \
	"coalesce(k.question_id, 0) AS question_id, coalesce(k.debate_question_id, 0) AS debate_question_id, "        \
	"CASE WHEN k.hidden THEN 1 ELSE 0 END AS hidden, k.updated_at AS updated_at, "                                \
	"coalesce(" DB_IN_LANG("ev.title_zh", "ev.title_en") ", '') AS event_title "                                  \
	"FROM kb_entries k " EVENTS_JOIN("ev", "k.event_id")

static void entry_from_row(const db_res *x, int i, int lang, struct entry_row *k)
{
	*k = (struct entry_row){
		.id = db_int(x, i, "id"),
		.event_id = db_int(x, i, "event_id"),
		.question_id = db_int(x, i, "question_id"),
		.debate_question_id = db_int(x, i, "debate_question_id"),
		.question_zh = db_str(x, i, "question_zh"),
		.question_en = db_str(x, i, "question_en"),
		.answer_zh = db_str(x, i, "answer_zh"),
		.answer_en = db_str(x, i, "answer_en"),
		.sources = db_str(x, i, "sources"),
		.event_title = db_str(x, i, "event_title"),
		.hidden = (int)db_int(x, i, "hidden"),
		.updated_at = db_int(x, i, "updated_at"),
	};
	int en = (lang == LANG_EN && *k->question_en) || !*k->question_zh;
	k->side = en ? LANG_EN : LANG_ZH;
	k->fallback = k->side != lang;
	k->question = en ? k->question_en : k->question_zh;
	k->answer = en ? (*k->answer_en ? k->answer_en : k->answer_zh) : (*k->answer_zh ? k->answer_zh : k->answer_en);
}

int entry_get(db *d, arena *a, int64_t id, int lang, struct entry_row *out, int *found, err *e)
{
	db_res x;
	const char *l = lang_code(lang);
	int rc = db_query(d, a, ENTRY_COLS "WHERE k.id = ?", DB_ARGS(DB_TEXT(l), DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		entry_from_row(&x, 0, lang, out);
	return rc;
}

int tags_replace(db *d, const char *table, const char *col, int64_t id, const char *const *tags, err *e)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?", table, col);
	int rc = db_exec(d, sql, DB_ARGS(DB_INT(id)), NULL, e);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, tag) VALUES (?, ?)", table, col);
	for (int i = 0; !rc && tags[i]; i++)
		rc = db_exec(d, sql, DB_ARGS(DB_INT(id), DB_TEXT(tags[i])), NULL, e);
	return rc;
}

json_t *tags_model(req *r, db *d, const char *table, const char *col, int64_t id, err *e, int *rc)
{
	db_res x;
	json_t *tags = json_array();
	*rc = db_query(d, &r->a, arena_printf(&r->a, "SELECT tag FROM %s WHERE %s = ? ORDER BY tag", table, col),
		       DB_ARGS(DB_INT(id)), &x, e);
	for (int i = 0; !*rc && i < x.nrows; i++) {
		buf arg = BUF_INIT;
		buf_url_arg(&arg, db_get(&x, i, 0));
		json_array_append_new(tags, json_pack("{s:s,s:s,s:b}", "name", db_get(&x, i, 0), "arg", arg.s, "zh",
						      text_han(db_get(&x, i, 0))));
		buf_release(&arg);
	}
	return tags;
}

static json_t *entry_item(req *r, const struct entry_row *k)
{
	return json_pack("{s:I,s:s,s:s,s:b,s:s}", "id", (json_int_t)k->id, "question", k->question, "lang",
			 k->side == LANG_EN ? "en" : "zh-CN", "fallback", k->fallback, "date",
			 clock_date(&r->a, CLOCK_COMMUNITY_TZ, k->updated_at));
}

/* ---- the list and a page ---- */

static int list(req *r, resp *out)
{
	err e = ERR_INIT;
	static const char *const args[] = { "tag", "page", NULL };
	const char *tag = in_text(r, "tag");
	int64_t page = in_num(r, "page", 1), version = 0;
	int rc = http_cache_lookup(r, out, r->db, "kb", args, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	const char *l = lang_code(r->lang);
	db_res x;
	if ((rc = db_query(r->db, &r->a,
			   ENTRY_COLS "WHERE NOT k.hidden AND (? = '' OR k.id IN (SELECT entry_id FROM kb_tags WHERE tag = ?)) "
				      "ORDER BY k.updated_at DESC, k.id DESC LIMIT ? OFFSET ?",
			   DB_ARGS(DB_TEXT(l), DB_TEXT(tag ? tag : ""), DB_TEXT(tag ? tag : ""),
				   DB_INT(PAGE_SIZE + 1), DB_INT((page - 1) * PAGE_SIZE)), &x, &e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < x.nrows && i < PAGE_SIZE; i++) {
		struct entry_row k;
		entry_from_row(&x, i, r->lang, &k);
		json_array_append_new(items, entry_item(r, &k));
	}
	json_t *m = json_pack("{s:o,s:s,s:b}", "entries", items, "tag", tag ? tag : "", "editor",
			      !auth_allowed(EDITORS, r->role));
	http_pager(m, page, x.nrows > PAGE_SIZE);
	http_page(r, out, 200, "kb/list.html", "kb.title", m);
	http_cache_store(r, out, "kb", version, KB_TTL);
	return 0;
}

static int load_entry(req *r, err *e)
{
	int64_t id;
	int found;
	if (req_id(r, &id))
		return ERR_NOTFOUND;
	struct entry_row *k = arena_alloc(&r->a, sizeof(*k));
	int rc = entry_get(r->db, &r->a, id, r->lang, k, &found, e);
	if (!rc && (!found || (k->hidden && auth_allowed(EDITORS, r->role))))
		return ERR_NOTFOUND;
	r->row = k;
	return rc;
}

static const struct loader entry_loader = { "kb entry", load_entry, "not_found", "kb.err.not_found" };

/* An entry's page: the kept copy first (made only of entries everyone
 * sees), else the entry loaded. */
static int show(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t version = 0;
	int rc = http_cache_lookup(r, out, r->db, "kb", NULL, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	if ((rc = load_entry(r, &e)) == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "kb.err.not_found");
	if (rc)
		return rc;
	const struct entry_row *k = r->row;
	buf html = BUF_INIT;
	markdown_html(k->answer, &html);
	json_t *o = entry_item(r, k);
	json_object_set_new(o, "answer_html", json_string(html.s));
	buf_release(&html);
	json_t *sources = json_array();
	char *list = arena_strdup(&r->a, k->sources), *save = NULL;
	for (char *s = strtok_r(list, "\r\n", &save); s; s = strtok_r(NULL, "\r\n", &save)) {
		const char *t = trimmed(&r->a, s);
		if (*t)
			json_array_append_new(sources, json_pack("{s:s,s:b}", "text", t, "link", !input_valid(IN_URL, t, 500)));
	}
	json_object_set_new(o, "sources", sources);
	json_object_set_new(o, "hidden", json_boolean(k->hidden));
	if (k->event_id && *k->event_title)
		json_object_set_new(o, "event", json_pack("{s:I,s:s,s:b,s:b}", "id", (json_int_t)k->event_id, "title", k->event_title,
							  "debate", k->debate_question_id != 0, "zh",
							  r->lang == LANG_EN && text_han(k->event_title)));
	if (k->question_id)
		json_object_set_new(o, "from_question", json_integer(k->question_id));
	json_object_set_new(o, "tags", tags_model(r, r->db, "kb_tags", "entry_id", k->id, &e, &rc));
	if (rc) {
		json_decref(o);
		return rc;
	}
	json_t *m = json_pack("{s:o,s:b,s:s,s:s}", "entry", o, "editor", !auth_allowed(EDITORS, r->role), "page_canonical",
			      arena_printf(&r->a, "/kb/%lld", (long long)k->id), "page_description", text_cut(&r->a, k->answer, 150));
	http_page(r, out, 200, "kb/show.html", NULL, m);
	out->title_text = k->question;
	if (!k->hidden) /* an editor's look at a hidden one is theirs alone */
		http_cache_store(r, out, "kb", version, KB_TTL);
	return 0;
}

/* ---- the editors' form ---- */

static int form_page(req *r, resp *out, unsigned status, const struct entry_row *k, json_t *form, json_t *errors)
{
	json_t *m = json_pack("{s:o,s:o,s:s,s:b}", "form", form, "errors", errors, "action",
			      k ? arena_printf(&r->a, "/kb/%lld/edit", (long long)k->id) : "/kb/new", "editing", k != NULL);
	if (k)
		json_object_set_new(m, "entry", json_pack("{s:I,s:b}", "id", (json_int_t)k->id, "hidden", k->hidden));
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message", T("form.fix_errors"),
							 "fields", errors));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "kb/edit.html", k ? "kb.edit" : "kb.new", m);
}

static int new_form(req *r, resp *out)
{
	return form_page(r, out, 200, NULL, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "question_zh", "", "question_en", "",
						      "answer_zh", "", "answer_en", "", "sources", "", "tags", ""),
			 json_object());
}

static int edit_form(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct entry_row *k = r->row;
	int rc;
	json_t *tags = tags_model(r, r->db, "kb_tags", "entry_id", k->id, &e, &rc);
	const char *typed = "";
	for (size_t i = 0; i < json_array_size(tags); i++)
		typed = arena_printf(&r->a, "%s%s%s", typed, i ? " " : "",
				     json_string_value(json_object_get(json_array_get(tags, i), "name")));
	json_decref(tags);
	if (rc)
		return rc;
	return form_page(r, out, 200, k, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "question_zh", k->question_zh, "question_en",
						   k->question_en, "answer_zh", k->answer_zh, "answer_en", k->answer_en,
						   "sources", k->sources, "tags", typed), json_object());
}

static int save_again(req *r, resp *out)
{
	return form_page(r, out, 422, r->row, json_incref(r->form), json_incref(r->errors ? r->errors : json_object()));
}

struct save_ctx {
	req *r;
	const struct entry_row *k;
	const char *const *tags;
	int64_t id;
	int hide;
};

static int save_tx(db *d, void *p, err *e)
{
	struct save_ctx *c = p;
	req *r = c->r;
	int64_t now = unix_now();
	const char *qz = in_text(r, "question_zh"), *qe = in_text(r, "question_en"), *az = in_text(r, "answer_zh"),
		   *ae = in_text(r, "answer_en"), *src = in_text(r, "sources");
	int rc;
	if (c->k) {
		c->id = c->k->id;
		rc = db_exec(d, "UPDATE kb_entries SET question_zh = ?, question_en = ?, answer_zh = ?, answer_en = ?, "
				"sources = ?, hidden = ?, updated_at = ? WHERE id = ?",
			     DB_ARGS(DB_TEXT(qz ? qz : ""), DB_TEXT(qe ? qe : ""), DB_TEXT(az ? az : ""), DB_TEXT(ae ? ae : ""),
				     DB_TEXT(src ? src : ""), DB_BOOL(c->hide), DB_TIME(now), DB_INT(c->id)), NULL, e);
	} else {
		db_res x;
		rc = db_query(d, &r->a, "INSERT INTO kb_entries (question_zh, question_en, answer_zh, answer_en, sources, "
					"created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_TEXT(qz ? qz : ""), DB_TEXT(qe ? qe : ""), DB_TEXT(az ? az : ""), DB_TEXT(ae ? ae : ""),
				      DB_TEXT(src ? src : ""), DB_INT(r->user_id), DB_TIME(now), DB_TIME(now)), &x, e);
		if (!rc)
			c->id = db_get_int(&x, 0, 0);
	}
	if (!rc)
		rc = tags_replace(d, "kb_tags", "entry_id", c->id, c->tags, e);
	if (!rc)
		rc = auth_audit(d, r->user_id, c->k ? "kb.edit" : "kb.new", arena_printf(&r->a, "kb:%lld", (long long)c->id),
				qz ? qz : qe, r->client, e);
	return rc;
}

static int save(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *tags[TAGS + 1];
	if (!in_text(r, "question_zh") && !in_text(r, "question_en"))
		r->errors = json_pack("{s:s}", "question_zh", T("kb.err.question"));
	else if (!in_text(r, "answer_zh") && !in_text(r, "answer_en"))
		r->errors = json_pack("{s:s}", "answer_zh", T("kb.err.answer"));
	else if (tags_split(&r->a, in_text(r, "tags"), tags, TAGS, TAG_LEN) < 0)
		r->errors = json_pack("{s:s}", "tags", T("content.err.tags"));
	if (r->errors)
		return save_again(r, out);
	struct save_ctx c = { r, r->row, tags, 0, (int)in_num(r, "hidden", 0) };
	int rc = db_tx(r->db, save_tx, &c, &e);
	if (rc)
		return rc;
	if (r->api) {
		out->status = c.k ? 200 : 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)c.id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/kb/%lld", (long long)c.id));
}

int entry_from_question(db *d, arena *a, int64_t question, int64_t by, int64_t *id, err *e)
{
	db_res x;
	int64_t now = unix_now();
	int rc = db_query(d, a, "INSERT INTO kb_entries (question_zh, answer_zh, question_id, event_id, created_by, created_at, "
				"updated_at) SELECT q.title, "
				"an.body, q.id, q.event_id, ?, ?, ? FROM questions q JOIN answers an ON an.id = q.accepted_answer_id "
				"WHERE q.id = ? ON CONFLICT (question_id) DO UPDATE SET hidden = excluded.hidden RETURNING id",
			  DB_ARGS(DB_INT(by), DB_TIME(now), DB_TIME(now), DB_INT(question)), &x, e);
	if (!rc && !x.nrows)
		return ERR_NOTFOUND;
	if (!rc)
		*id = db_get_int(&x, 0, 0);
	if (!rc)
		rc = db_exec(d, "INSERT INTO kb_tags (entry_id, tag) SELECT ?, tag FROM question_tags WHERE question_id = ? "
				"ON CONFLICT (entry_id, tag) DO NOTHING", DB_ARGS(DB_INT(*id), DB_INT(question)), NULL, e);
	return rc;
}

int kb_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT question_zh, question_en, answer_zh || ' ' || answer_en || ' ' || sources AS body, "
				"updated_at FROM kb_entries WHERE id = ? AND NOT hidden", DB_ARGS(DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		*out = (struct search_doc){ db_text(&x, 0, "question_zh"), db_text(&x, 0, "question_en"), db_text(&x, 0, "body"),
					    db_int(&x, 0, "updated_at"), 0 };
	return rc;
}

static const struct input entry_inputs[] = {
	{ "question_zh", IN_LINE, 0, 0, Q_MAX, "kb.err.question_long", NULL },
	{ "question_en", IN_LINE, 0, 0, Q_MAX, "kb.err.question_long", NULL },
	{ "answer_zh", IN_MARKDOWN, 0, 0, A_MAX, "kb.err.answer_long", NULL },
	{ "answer_en", IN_MARKDOWN, 0, 0, A_MAX, "kb.err.answer_long", NULL },
	{ "sources", IN_TEXT, 0, 0, SOURCES_MAX, "kb.err.sources", NULL },
	{ "tags", IN_LINE, 0, 0, 400, "content.err.tags", NULL },
	{ "hidden", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ NULL },
};
static const struct input list_inputs[] = {
	{ "tag", IN_LINE, IN_QUERY, 0, 120, "content.err.no_tag", NULL },
	{ "page", IN_INT, IN_QUERY, 1, 100000, "input.err.int", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/kb", list, EVERYONE, 0, "kb", NULL, list_inputs },
	{ M_GET, "/kb/new", new_form, EDITORS, 0, "kb-new" },
	{ M_POST, "/kb/new", save, EDITORS, 1, "kb-new", NULL, entry_inputs, save_again },
	{ M_GET, "/kb/:id", show, EVERYONE, 0, "kb-entry" },
	{ M_GET, "/kb/:id/edit", edit_form, EDITORS, 0, "kb-edit", &entry_loader },
	{ M_POST, "/kb/:id/edit", save, EDITORS, 1, "kb-edit", &entry_loader, entry_inputs, save_again },
};

const struct route_table entry_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

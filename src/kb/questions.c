/* questions.c: expert Q&A. A member asks (an organizer may ask on behalf
 * of an event, such as the weekly live Q&A); members answer, experts
 * marked as such; the asker or an editor accepts one answer, and an
 * editor keeps an accepted answer as a knowledge-base entry in one step.
 * Asking and answering are rate-limited; every question counts toward
 * the demands collected. */
#include "kb/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/util.h"
#include "people/people.h"
#include "view/markdown.h"
#include "base/banned.h"

struct question_row {
	int64_t id, user_id, event_id, accepted;
	const char *title, *body, *asker, *event_title;
	int64_t created_at;
};

static int load_question(req *r, err *e)
{
	int64_t id;
	if (req_id(r, &id))
		return ERR_NOTFOUND;
	const char *l = lang_code(r->lang);
	db_res x;
	int rc = db_query(r->db, &r->a,
			  "SELECT q.id AS id, q.user_id AS user_id, coalesce(q.event_id, 0) AS event_id, "
			  "coalesce(q.accepted_answer_id, 0) AS accepted, q.title AS title, q.body AS body, "
			  "u.display_name AS asker, q.created_at AS created_at, "
			  "coalesce(" DB_IN_LANG("ev.title_zh", "ev.title_en") ", '') AS event_title FROM questions q "
			  PEOPLE_JOIN("u", "q.user_id") EVENTS_JOIN("ev", "q.event_id") "WHERE q.id = ?",
			  DB_ARGS(DB_TEXT(l), DB_INT(id)), &x, e);
	if (rc || !x.nrows)
		return rc ? rc : ERR_NOTFOUND;
	struct question_row *q = arena_alloc(&r->a, sizeof(*q));
	*q = (struct question_row){ db_int(&x, 0, "id"), db_int(&x, 0, "user_id"), db_int(&x, 0, "event_id"),
				    db_int(&x, 0, "accepted"), db_text(&x, 0, "title"), db_text(&x, 0, "body"),
				    db_text(&x, 0, "asker") ? db_text(&x, 0, "asker") : "", db_text(&x, 0, "event_title"),
				    db_int(&x, 0, "created_at") };
	r->row = q;
	return 0;
}

static const struct loader question_loader = { "question", load_question, "not_found", "kb.err.no_question" };

json_t *expert_badges(req *r, const db_res *x, int i)
{
	const char *zh = db_text(x, i, "specialties_zh"), *en = db_text(x, i, "specialties_en");
	if (!zh && !en)
		return NULL;
	const char *mine = r->lang == LANG_EN && en && *en ? en : zh && *zh ? zh : en ? en : "";
	return json_pack("{s:s}", "specialties", mine);
}

/* ---- the list ---- */

static int list(req *r, resp *out)
{
	err e = ERR_INIT;
	static const char *const args[] = { "open", "page", NULL };
	int64_t page = in_num(r, "page", 1), version = 0;
	int open = (int)in_num(r, "open", 0);
	int rc = http_cache_lookup(r, out, r->db, "kb", args, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	db_res x, n;
	rc = db_query(r->db, &r->a, "SELECT q.id AS id, q.title AS title, q.created_at AS created_at, u.display_name AS asker, "
				    "CASE WHEN q.accepted_answer_id IS NULL THEN 0 ELSE 1 END AS answered, "
				    "(SELECT count(*) FROM answers a WHERE a.question_id = q.id) AS answers FROM questions q "
				    PEOPLE_JOIN("u", "q.user_id") "WHERE (? = 0 OR q.accepted_answer_id IS NULL) "
				    "ORDER BY q.id DESC LIMIT ? OFFSET ?",
		      DB_ARGS(DB_INT(open), DB_INT(PAGE_SIZE + 1), DB_INT((page - 1) * PAGE_SIZE)), &x, &e);
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT count(*) AS asked, count(accepted_answer_id) AS answered FROM questions",
			      DB_NOARGS, &n, &e);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < x.nrows && i < PAGE_SIZE; i++)
		json_array_append_new(items, json_pack("{s:s,s:b,s:I,s:s,s:s,s:s,s:b,s:I}", "lang",
			text_han(db_text(&x, i, "title")) ? "zh-CN" : "en", "asker_zh", text_han(db_text(&x, i, "asker")), "id",
			(json_int_t)db_int(&x, i, "id"), "title",
			db_text(&x, i, "title"), "asker", db_text(&x, i, "asker") ? db_text(&x, i, "asker") : "", "date",
			clock_date(&r->a, CLOCK_COMMUNITY_TZ, db_int(&x, i, "created_at")), "answered",
			db_int(&x, i, "answered") != 0, "answers", (json_int_t)db_int(&x, i, "answers")));
	json_t *m = json_pack("{s:o,s:b,s:I,s:I}", "questions", items, "open", open, "asked",
			      (json_int_t)db_int(&n, 0, "asked"), "answered", (json_int_t)db_int(&n, 0, "answered"));
	http_pager(m, page, x.nrows > PAGE_SIZE);
	http_page(r, out, 200, "kb/questions.html", "kb.questions", m);
	http_cache_store(r, out, "kb", version, KB_TTL);
	return 0;
}

/* ---- a question's page ---- */

static int page(req *r, resp *out, unsigned status, int keep, int64_t version)
{
	err e = ERR_INIT;
	const struct question_row *q = r->row;
	int rc;
	db_res x, kb;
	rc = db_query(r->db, &r->a, "SELECT an.id AS id, an.user_id AS user_id, an.body AS body, an.created_at AS created_at, "
				    "u.display_name AS name, ex.specialties_zh AS specialties_zh, ex.specialties_en AS specialties_en "
				    "FROM answers an " PEOPLE_JOIN("u", "an.user_id") EXPERT_JOIN("ex", "an.user_id")
				    "WHERE an.question_id = ? ORDER BY CASE WHEN an.id = ? THEN 0 ELSE 1 END, "
				    "CASE WHEN ex.user_id IS NULL THEN 1 ELSE 0 END, an.id",
		      DB_ARGS(DB_INT(q->id), DB_INT(q->accepted)), &x, &e);
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT id FROM kb_entries WHERE question_id = ? AND NOT hidden", DB_ARGS(DB_INT(q->id)),
			      &kb, &e);
	if (rc)
		return rc;
	int editor = !auth_allowed(EDITORS, r->role), asker = r->user_id && r->user_id == q->user_id;
	json_t *answers = json_array();
	for (int i = 0; i < x.nrows; i++) {
		buf html = BUF_INIT;
		markdown_html(db_text(&x, i, "body"), &html);
		const char *name = db_text(&x, i, "name");
		json_t *o = json_pack("{s:s,s:I,s:s,s:b,s:s,s:s,s:b,s:I}", "lang", text_han(db_text(&x, i, "body")) ? "zh-CN" : "en",
				      "id", (json_int_t)db_int(&x, i, "id"), "name",
				      name ? name : "", "name_zh", text_han(name), "when",
				      clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_int(&x, i, "created_at")), "body_html", html.s,
				      "accepted", db_int(&x, i, "id") == q->accepted, "user_id",
				      (json_int_t)(name ? db_int(&x, i, "user_id") : 0));
		buf_release(&html);
		json_t *badge = expert_badges(r, &x, i);
		json_object_set_new(o, "expert", badge ? badge : json_null());
		json_array_append_new(answers, o);
	}
	buf html = BUF_INIT;
	markdown_html(q->body, &html);
	json_t *qm = json_pack("{s:s,s:I,s:s,s:s,s:s,s:b,s:s,s:b}", "lang", text_han(q->title) ? "zh-CN" : "en", "id",
			       (json_int_t)q->id, "title", q->title, "body_html",
			       html.s, "asker", q->asker, "asker_zh", text_han(q->asker), "when",
			       clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, q->created_at), "answered", q->accepted != 0);
	buf_release(&html);
	if (q->event_id && *q->event_title)
		json_object_set_new(qm, "event", json_pack("{s:I,s:s}", "id", (json_int_t)q->event_id, "title", q->event_title));
	json_object_set_new(qm, "tags", tags_model(r, r->db, "question_tags", "question_id", q->id, &e, &rc));
	if (kb.nrows)
		json_object_set_new(qm, "kb_entry", json_integer(db_get_int(&kb, 0, 0)));
	json_t *m = json_pack("{s:o,s:o,s:b,s:b,s:b,s:b}", "question", qm, "answers", answers, "can_answer", r->user_id != 0,
			      "can_accept", (asker || editor) && x.nrows > 0, "can_keep", editor && q->accepted && !kb.nrows,
			      "signed_in", r->user_id != 0);
	json_object_set_new(m, "page_canonical", json_string(arena_printf(&r->a, "/questions/%lld", (long long)q->id)));
	if (r->errors)
		http_form_errors(r, m);
	if (rc) {
		json_decref(m);
		return rc;
	}
	http_page(r, out, status, "kb/question.html", NULL, m);
	out->title_text = q->title;
	if (keep)
		http_cache_store(r, out, "kb", version, KB_TTL);
	return 0;
}

/* A question's page: the kept copy first, else the question loaded. */
static int show(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t version = 0;
	int keep = !req_query(r, "answered"), rc;
	if (keep && (rc = http_cache_lookup(r, out, r->db, "kb", NULL, &version, &e)))
		return rc > 0 ? 0 : rc;
	if ((rc = load_question(r, &e)) == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "kb.err.no_question");
	return rc ? rc : page(r, out, 200, keep, version);
}

static int again(req *r, resp *out)
{
	return page(r, out, 422, 0, 0);
}

/* ---- asking and answering ---- */

static int ask_form(req *r, resp *out)
{
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "kb/ask.html", "kb.ask",
			 json_pack("{s:{s:s,s:s,s:s,s:s},s:o,s:b}", "form", "title", "", "body", "", "tags", "", "event", "",
				   "errors", json_object(), "organizer", !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role)));
}

static int ask_again(req *r, resp *out)
{
	json_t *m = json_pack("{s:O,s:O,s:b}", "form", r->form, "errors", r->errors ? r->errors : json_object(), "organizer",
			      !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role));
	json_object_set_new(m, "error", json_pack("{s:s,s:s}", "code", "invalid", "message", T("form.fix_errors")));
	out->cache_control = "private, no-store";
	return http_page(r, out, 422, "kb/ask.html", "kb.ask", m);
}

/* How often one member may ask or answer: a hit counted, 429 past it. */
static int too_fast(req *r, resp *out, const char *what, int burst, int *stop)
{
	err e = ERR_INIT;
	int retry = 0;
	*stop = 0;
	int rc = auth_throttle(r->db, arena_printf(&r->a, "%s:user:%lld", what, (long long)r->user_id), burst, BURST_WINDOW,
			       &retry, &e);
	if (rc || retry <= 0)
		return rc;
	*stop = 1;
	out->retry_after = (unsigned)retry;
	return http_error(r, out, 429, "too_many", "kb.err.rate");
}

struct ask_ctx {
	req *r;
	const char *const *tags;
	int64_t event, id;
};

static int ask_tx(db *d, void *p, err *e)
{
	struct ask_ctx *c = p;
	req *r = c->r;
	const char *body = in_text(r, "body");
	db_res x;
	int rc = db_query(d, &r->a, "INSERT INTO questions (user_id, title, body, event_id, created_at) VALUES (?, ?, ?, ?, ?) "
				    "RETURNING id",
			  DB_ARGS(DB_INT(r->user_id), DB_TEXT(in_text(r, "title")), DB_TEXT(body ? body : ""),
				  c->event ? DB_INT(c->event) : DB_NULL, DB_TIME(unix_now())), &x, e);
	if (!rc)
		c->id = db_get_int(&x, 0, 0);
	if (!rc)
		rc = tags_replace(d, "question_tags", "question_id", c->id, c->tags, e);
	return rc;
}

static int ask(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *tags[TAGS + 1];
	int stop, rc = too_fast(r, out, "ask", ASK_BURST, &stop);
	if (rc || stop)
		return rc;
	int64_t event = in_num(r, "event", 0);
	const char *title;
	if (tags_split(&r->a, in_text(r, "tags"), tags, TAGS, TAG_LEN) < 0)
		r->errors = json_pack("{s:s}", "tags", T("content.err.tags"));
	else if (event && auth_allowed(ALLOW(ROLE_ORGANIZER), r->role))
		r->errors = json_pack("{s:s}", "event", T("kb.err.event_organizers"));
	else if (event && (rc = events_public_title(r->db, &r->a, event, r->lang, &title, &e)) == ERR_NOTFOUND)
		r->errors = json_pack("{s:s}", "event", T("content.err.event")), rc = 0;
	if (rc)
		return rc;
	if (r->errors)
		return ask_again(r, out);
	struct ask_ctx c = { r, tags, event, 0 };
	if ((rc = db_tx(r->db, ask_tx, &c, &e)))
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)c.id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/questions/%lld", (long long)c.id));
}

static int answer(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct question_row *q = r->row;
	int stop, rc = too_fast(r, out, "answer", ANSWER_BURST, &stop);
	if (rc || stop)
		return rc;
	db_res x;
	rc = db_query(r->db, &r->a, "INSERT INTO answers (question_id, user_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id",
		      DB_ARGS(DB_INT(q->id), DB_INT(r->user_id), DB_TEXT(in_text(r, "body")), DB_TIME(unix_now())), &x, &e);
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)db_get_int(&x, 0, 0));
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/questions/%lld?answered=1#answer-%lld", (long long)q->id,
						  (long long)db_get_int(&x, 0, 0)));
}

/* The asker or an editor accepts one of the answers (another one later
 * replaces it). */
static int accept(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct question_row *q = r->row;
	if (r->user_id != q->user_id && auth_allowed(EDITORS, r->role))
		return http_error(r, out, 403, "not_yours", "kb.err.not_asker");
	int64_t n = 0, a = in_num(r, "answer", 0);
	int rc = db_exec(r->db, "UPDATE questions SET accepted_answer_id = ? WHERE id = ? AND EXISTS "
				"(SELECT 1 FROM answers WHERE id = ? AND question_id = ?)",
			 DB_ARGS(DB_INT(a), DB_INT(q->id), DB_INT(a), DB_INT(q->id)), &n, &e);
	if (rc)
		return rc;
	if (!n) {
		r->errors = json_pack("{s:s}", "answer", T("kb.err.no_answer"));
		return again(r, out);
	}
	if (r->api) {
		out->model = json_pack("{s:I,s:I}", "id", (json_int_t)q->id, "accepted", (json_int_t)a);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/questions/%lld#answer-%lld", (long long)q->id, (long long)a));
}

struct keep_ctx {
	req *r;
	int64_t question, entry;
};

static int keep_tx(db *d, void *p, err *e)
{
	struct keep_ctx *c = p;
	int rc = entry_from_question(d, &c->r->a, c->question, c->r->user_id, &c->entry, e);
	if (!rc)
		rc = auth_audit(d, c->r->user_id, "kb.from_question", arena_printf(&c->r->a, "kb:%lld", (long long)c->entry),
				arena_printf(&c->r->a, "question:%lld", (long long)c->question), c->r->client, e);
	return rc;
}

/* An editor keeps the accepted answer as a knowledge-base entry. */
static int keep(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct question_row *q = r->row;
	if (!q->accepted)
		return http_error(r, out, 409, "not_answered", "kb.err.not_accepted");
	struct keep_ctx c = { r, q->id, 0 };
	int rc = db_tx(r->db, keep_tx, &c, &e);
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I}", "kb_entry", (json_int_t)c.entry);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/kb/%lld/edit", (long long)c.entry));
}

int question_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT title, body, created_at AS at FROM questions WHERE id = ?", DB_ARGS(DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (!*found)
		return rc;
	/* The question, and what its answers say. */
	db_res an;
	rc = db_query(d, a, "SELECT body FROM answers WHERE question_id = ? ORDER BY id LIMIT 50", DB_ARGS(DB_INT(id)), &an, e);
	const char *body = db_text(&x, 0, "body");
	for (int i = 0; !rc && i < an.nrows; i++)
		body = arena_printf(a, "%s %s", body, db_get(&an, i, 0));
	*out = (struct search_doc){ db_text(&x, 0, "title"), "", body, db_int(&x, 0, "at"), 0 };
	return rc;
}

static const struct input ask_inputs[] = {
	{ "title", IN_LINE, IN_REQUIRED, 4, Q_MAX, "kb.err.title", "kb.err.title" },
	{ "body", IN_MARKDOWN, 0, 0, A_MAX, "kb.err.answer_long", NULL },
	{ "tags", IN_LINE, 0, 0, 400, "content.err.tags", NULL },
	{ "event", IN_INT, 0, 1, INT64_MAX, "content.err.event", NULL },
	{ NULL },
};
static const struct input answer_inputs[] = {
	{ "body", IN_MARKDOWN, IN_REQUIRED, 0, A_MAX, "kb.err.answer_long", "kb.err.answer" },
	{ NULL },
};
static const struct input accept_inputs[] = {
	{ "answer", IN_INT, IN_REQUIRED, 1, INT64_MAX, "kb.err.no_answer", "kb.err.no_answer" },
	{ NULL },
};
static const struct input list_inputs[] = {
	{ "open", IN_FLAG, IN_QUERY, 0, 0, NULL, NULL },
	{ "page", IN_INT, IN_QUERY, 1, 100000, "input.err.int", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/questions", list, EVERYONE, 0, "questions", NULL, list_inputs },
	{ M_GET, "/questions/new", ask_form, SIGNED_IN, 0, "question-new" },
	{ M_POST, "/questions/new", ask, SIGNED_IN, 1, "question-new", NULL, ask_inputs, ask_again },
	{ M_GET, "/questions/:id", show, EVERYONE, 0, "question" },
	{ M_POST, "/questions/:id/answers", answer, SIGNED_IN, 1, "question-answer", &question_loader, answer_inputs, again },
	{ M_POST, "/questions/:id/accept", accept, SIGNED_IN, 1, "question-accept", &question_loader, accept_inputs, again },
	{ M_POST, "/questions/:id/kb", keep, EDITORS, 1, "question-kb", &question_loader, no_inputs },
};

const struct route_table question_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

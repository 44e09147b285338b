/* wish.c: one wish: its page (the wish in the reader's language, its
 * trail, votes and comments), posting one (a new member's first waits for
 * an organizer), the wishes that look like one being typed, following and
 * the mail's link to stop, and an organizer's review (let through, hide
 * with a reason). */
#include "wishes/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/util.h"
#include "comments/comments.h"
#include "people/people.h"
#include "search/search.h"
#include "view/markdown.h"
#include "base/banned.h"

const char *const wish_kinds[] = { "kernel", "extension", "tool", "docs", "vendor", "community", NULL };
const char *const wish_statuses[] = { "new", "review", "forwarded", "developing", "implemented", "declined", "duplicate",
				       NULL };
static const char *const langs[] = { "zh", "en", NULL };

static int load(req *r, err *e)
{
	int64_t id;
	if (req_id(r, &id))
		return ERR_NOTFOUND;
	db_res x;
	int rc = db_query(r->db, &r->a,
			  "SELECT w.id AS id, w.user_id AS user_id, w.votes AS votes, w.created_at AS created_at, w.kind AS kind, "
			  "w.lang AS lang, w.title AS title, w.body AS body, w.title_tr AS title_tr, w.body_tr AS body_tr, "
			  "w.pg_version AS pg_version, w.status AS status, w.status_reason AS status_reason, "
			  "w.status_link AS status_link, w.shipped_in AS shipped_in, w.shown AS shown, "
			  "w.hidden_reason AS hidden_reason, coalesce(u.display_name, '') AS author, "
			  "coalesce(w.duplicate_of, 0) AS duplicate_of FROM wishes w "
			  PEOPLE_JOIN("u", "w.user_id") "WHERE w.id = ?",
			  DB_ARGS(DB_INT(id)), &x, e);
	if (rc || !x.nrows)
		return rc ? rc : ERR_NOTFOUND;
	struct wish_row *w = arena_alloc(&r->a, sizeof(*w));
	*w = (struct wish_row){
		db_int(&x, 0, "id"), db_int(&x, 0, "user_id"), db_int(&x, 0, "votes"), db_int(&x, 0, "created_at"),
		db_text(&x, 0, "kind"), db_text(&x, 0, "lang"), db_text(&x, 0, "title"), db_text(&x, 0, "body"),
		db_text(&x, 0, "title_tr"), db_text(&x, 0, "body_tr"), db_text(&x, 0, "pg_version"),
		db_text(&x, 0, "status"), db_text(&x, 0, "status_reason"), db_text(&x, 0, "status_link"),
		db_text(&x, 0, "shipped_in"), db_text(&x, 0, "shown"), db_text(&x, 0, "hidden_reason"),
		db_text(&x, 0, "author"), db_int(&x, 0, "duplicate_of"),
	};
	r->row = w;
	return 0;
}

const struct loader wish_loader = { "wish", load, "not_found", "wishes.err.not_found" };

static int organizer(const req *r)
{
	return !auth_allowed(ORGANIZERS, r->role);
}

int wish_visible(const req *r, const struct wish_row *w)
{
	return !strcmp(w->shown, "visible") || (r->user_id && r->user_id == w->user_id) || organizer(r);
}

void wish_side(const req *r, const struct wish_row *w, const char **title, const char **body, const char **lang,
	       const char **body_lang)
{
	const char *mine = lang_code(r->lang), *original = !strcmp(w->lang, "zh") ? "zh-CN" : "en";
	int other = strcmp(w->lang, mine) && *w->title_tr;
	*title = other ? w->title_tr : w->title;
	*lang = other ? (!strcmp(mine, "zh") ? "zh-CN" : "en") : original;
	/* A translated title with no translated text: the text as written. */
	int text = other && *w->body_tr;
	*body = text ? w->body_tr : w->body;
	*body_lang = text ? *lang : original;
}

/* A status's words: "implemented in 17" when it says the version. */
static const char *status_text(req *r, const char *status, const char *shipped_in)
{
	if (!strcmp(status, "implemented") && shipped_in && *shipped_in)
		return arena_printf(&r->a, T("wishes.status.implemented_in"), shipped_in);
	return T(arena_printf(&r->a, "wishes.status.%s", status));
}

json_t *wish_item(req *r, const db_res *x, int i)
{
	const char *mine = lang_code(r->lang), *lang = db_text(x, i, "lang"), *tr = db_text(x, i, "title_tr");
	int other = strcmp(lang, mine) && tr && *tr;
	const char *status = db_text(x, i, "status");
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:b}", "id", (json_int_t)db_int(x, i, "id"), "title",
			 other ? tr : db_text(x, i, "title"), "lang", !strcmp(other ? mine : lang, "zh") ? "zh-CN" : "en",
			 "kind_text", T(arena_printf(&r->a, "wishes.kind.%s", db_text(x, i, "kind"))), "status", status,
			 "status_text", status_text(r, status, db_text(x, i, "shipped_in")), "votes",
			 (json_int_t)db_int(x, i, "votes"), "comments", (json_int_t)db_int(x, i, "comments"), "date",
			 clock_date(&r->a, CLOCK_COMMUNITY_TZ, db_int(x, i, "created_at")), "pending",
			 strcmp(db_text(x, i, "shown"), "visible") != 0);
}

/* ---- the page ---- */

static json_t *trail_model(req *r, int64_t id, err *e, int *rc)
{
	db_res x;
	*rc = db_query(r->db, &r->a, "SELECT t.status AS status, t.reason AS reason, t.link AS link, t.shipped_in AS shipped_in, "
				     "t.at AS at, coalesce(u.display_name, '') AS name FROM wish_trail t "
				     PEOPLE_JOIN("u", "t.by_user") "WHERE t.wish_id = ? ORDER BY t.id",
		       DB_ARGS(DB_INT(id)), &x, e);
	json_t *steps = json_array();
	for (int i = 0; !*rc && i < x.nrows; i++)
		json_array_append_new(steps, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "status_text",
			status_text(r, db_text(&x, i, "status"), db_text(&x, i, "shipped_in")), "reason",
			db_text(&x, i, "reason"), "link", db_text(&x, i, "link"), "when",
			clock_date(&r->a, CLOCK_COMMUNITY_TZ, db_int(&x, i, "at")), "by", db_text(&x, i, "name"), "by_zh",
			text_han(db_text(&x, i, "name"))));
	return steps;
}

static int open_for_votes(const struct wish_row *w)
{
	return !strcmp(w->shown, "visible") && strcmp(w->status, "implemented") && strcmp(w->status, "declined") &&
	       strcmp(w->status, "duplicate");
}

/* What the page says after a form went through (?voted=1): such a page is
 * not kept. */
static const char *const notices[] = { "posted", "pending", "voted", "unvoted", "moved", "followed", "rewarded", "withdrawn",
				       NULL };

int wish_page(req *r, resp *out, unsigned status, int keep, int64_t version)
{
	err e = ERR_INIT;
	const struct wish_row *w = r->row;
	if (!wish_visible(r, w))
		return http_error(r, out, 404, "not_found", "wishes.err.not_found");
	const char *title, *body, *lang, *body_lang;
	wish_side(r, w, &title, &body, &lang, &body_lang);
	buf html = BUF_INIT;
	markdown_html(body, &html);
	int rc = 0;
	json_t *wm = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:b,s:s,s:b,s:b}", "id", (json_int_t)w->id, "title",
			       title, "lang", lang, "body_html", html.s, "kind_text",
			       T(arena_printf(&r->a, "wishes.kind.%s", w->kind)), "pg_version", w->pg_version, "status", w->status,
			       "status_text", status_text(r, w->status, w->shipped_in), "votes", (json_int_t)w->votes, "author",
			       w->author, "author_zh", text_han(w->author), "date",
			       clock_date(&r->a, CLOCK_COMMUNITY_TZ, w->created_at), "pending", !strcmp(w->shown, "pending"),
			       "hidden", !strcmp(w->shown, "hidden"));
	buf_release(&html);
	json_object_set_new(wm, "body_lang", json_string(body_lang));
	if (*w->status_reason)
		json_object_set_new(wm, "status_reason", json_string(w->status_reason));
	if (*w->status_link)
		json_object_set_new(wm, "status_link", json_string(w->status_link));
	if (*w->hidden_reason)
		json_object_set_new(wm, "hidden_reason", json_string(w->hidden_reason));
	if (w->duplicate_of)
		json_object_set_new(wm, "duplicate_of", json_integer(w->duplicate_of));
	/* Written in the other language, with no translation: said so. */
	if (strcmp(w->lang, lang_code(r->lang)) && !*w->title_tr)
		json_object_set_new(wm, "other_language", json_true());
	json_object_set_new(wm, "trail", trail_model(r, w->id, &e, &rc));
	json_t *m = json_pack("{s:o,s:b,s:b}", "wish", wm, "organizer", organizer(r), "signed_in", r->user_id != 0);
	if (!rc && r->user_id) {
		db_res mine;
		rc = db_query(r->db, &r->a, "SELECT (SELECT count(*) FROM wish_votes WHERE wish_id = ? AND user_id = ?), "
					    "(SELECT count(*) FROM wish_followers WHERE wish_id = ? AND user_id = ? AND NOT stopped)",
			      DB_ARGS(DB_INT(w->id), DB_INT(r->user_id), DB_INT(w->id), DB_INT(r->user_id)), &mine, &e);
		if (!rc) {
			json_object_set_new(m, "voted", json_boolean(db_get_int(&mine, 0, 0) > 0));
			json_object_set_new(m, "following", json_boolean(db_get_int(&mine, 0, 1) > 0));
		}
	}
	json_object_set_new(m, "can_vote", json_boolean(open_for_votes(w)));
	/* With a vote budget, what the member has left of it. */
	if (!rc && r->user_id && r->cfg->wish_votes) {
		db_res held;
		rc = db_query(r->db, &r->a, "SELECT count(*) FROM wish_votes v JOIN wishes w ON w.id = v.wish_id "
					    "WHERE v.user_id = ? AND w.shown = 'visible' AND w.status NOT IN ('implemented', "
					    "'declined', 'duplicate')",
			      DB_ARGS(DB_INT(r->user_id)), &held, &e);
		if (!rc) {
			int64_t left = r->cfg->wish_votes - db_get_int(&held, 0, 0);
			left = left > 0 ? left : 0;
			json_object_set_new(m, "budget", json_string(arena_printf(&r->a, T("wishes.budget_left"), (long long)left,
										   r->cfg->wish_votes)));
			json_object_set_new(m, "votes_left", json_integer(left));
		}
	}
	if (!rc)
		rc = wish_breakdown_model(r, w->id, w->votes, m, &e);
	if (!rc)
		rc = wish_rewards_model(r, w->id, m, &e);
	if (organizer(r)) {
		json_t *choices = json_array();
		for (size_t i = 0; wish_statuses[i]; i++)
			json_array_append_new(choices, json_pack("{s:s,s:s,s:b}", "value", wish_statuses[i], "text",
				T(arena_printf(&r->a, "wishes.status.%s", wish_statuses[i])), "on", !strcmp(wish_statuses[i], w->status)));
		json_object_set_new(m, "statuses", choices);
	}
	const char *path = arena_printf(&r->a, "/wishes/%lld", (long long)w->id);
	if (!rc && !strcmp(w->shown, "visible"))
		rc = comments_model(r, r->db, "wish", w->id, path, m, &e);
	if (rc) {
		json_decref(m);
		return rc;
	}
	json_object_set_new(m, "page_canonical", json_string(path));
	json_object_set_new(m, "page_description", json_string(text_cut(&r->a, body, 150)));
	for (size_t i = 0; notices[i]; i++)
		if (req_query(r, notices[i]))
			json_object_set_new(m, "notice", json_string(T(arena_printf(&r->a, "wishes.notice.%s", notices[i]))));
	if (r->errors)
		http_form_errors(r, m);
	http_page(r, out, status, "wishes/show.html", NULL, m);
	out->title_text = title;
	if (keep)
		http_cache_store(r, out, "wishes+comments", version, WISHES_TTL);
	return 0;
}

int wish_again(req *r, resp *out)
{
	return wish_page(r, out, 422, 0, 0);
}

static int show(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t version = 0;
	int keep = 1, rc;
	for (size_t i = 0; notices[i]; i++)
		keep = keep && !req_query(r, notices[i]);
	if (keep && (rc = http_cache_lookup(r, out, r->db, "wishes+comments", NULL, &version, &e)))
		return rc > 0 ? 0 : rc;
	if ((rc = load(r, &e)) == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "wishes.err.not_found");
	return rc ? rc : wish_page(r, out, 200, keep, version);
}

/* ---- posting ---- */

static json_t *kinds_model(req *r, const char *on)
{
	json_t *k = json_array();
	for (size_t i = 0; wish_kinds[i]; i++)
		json_array_append_new(k, json_pack("{s:s,s:s,s:b}", "value", wish_kinds[i], "text",
			T(arena_printf(&r->a, "wishes.kind.%s", wish_kinds[i])), "on", on && !strcmp(on, wish_kinds[i])));
	return k;
}

static int form_page(req *r, resp *out, unsigned status, json_t *form)
{
	const char *kind = json_string_value(json_object_get(form, "kind")), *lang = json_string_value(json_object_get(form, "lang"));
	json_object_set_new(form, "lang_en", json_boolean(lang && !strcmp(lang, "en")));
	json_object_set_new(form, "lang_zh", json_boolean(!lang || strcmp(lang, "en")));
	json_t *m = json_pack("{s:o,s:o,s:O}", "form", form, "kinds", kinds_model(r, kind && *kind ? kind : "kernel"),
			      "errors", r->errors ? r->errors : json_object());
	if (r->errors)
		json_object_set_new(m, "error", json_pack("{s:s,s:s}", "code", "invalid", "message", T("form.fix_errors")));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "wishes/new.html", "wishes.new", m);
}

static int new_form(req *r, resp *out)
{
	return form_page(r, out, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "title", "", "body", "", "kind", "kernel",
						"lang", r->lang == LANG_EN ? "en" : "zh", "pg_version", "", "title_tr", "",
						"body_tr", ""));
}

static int new_again(req *r, resp *out)
{
	return form_page(r, out, 422, json_incref(r->form));
}

/* A follower's link to stop is a random token, kept as it is: every mail
 * about the wish carries it, and all it can do is stop those mails. */
int wish_follow(db *d, int64_t wish, int64_t user, err *e)
{
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	auth_new_token(token, hash);
	int pg = db_engine_of(d) == DB_POSTGRES;
	return db_exec(d, pg ? "INSERT INTO wish_followers (wish_id, user_id, token) VALUES (?, ?, ?) "
			       "ON CONFLICT (wish_id, user_id) DO UPDATE SET stopped = false"
			     : "INSERT INTO wish_followers (wish_id, user_id, token) VALUES (?, ?, ?) "
			       "ON CONFLICT (wish_id, user_id) DO UPDATE SET stopped = 0",
		       DB_ARGS(DB_INT(wish), DB_INT(user), DB_TEXT(token)), NULL, e);
}

int wish_follow_once(db *d, int64_t wish, int64_t user, err *e)
{
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	auth_new_token(token, hash);
	return db_exec(d, "INSERT INTO wish_followers (wish_id, user_id, token) VALUES (?, ?, ?) "
			  "ON CONFLICT (wish_id, user_id) DO NOTHING",
		       DB_ARGS(DB_INT(wish), DB_INT(user), DB_TEXT(token)), NULL, e);
}

/* An optional input's text, "" when it was not sent. */
static const char *or_empty(const req *r, const char *name)
{
	const char *s = in_text(r, name);
	return s ? s : "";
}

struct post_ctx {
	req *r;
	int64_t id;
	int wait;
};

static int post_tx(db *d, void *p, err *e)
{
	struct post_ctx *c = p;
	req *r = c->r;
	db_res x;
	/* A plain member's first wish waits for an organizer: one of theirs
	 * let through before, and the next ones show at once. */
	int rc = 0;
	c->wait = 0;
	if (r->role == ROLE_MEMBER) {
		rc = db_query(d, &r->a, "SELECT 1 FROM wishes WHERE user_id = ? AND shown = 'visible' LIMIT 1",
			      DB_ARGS(DB_INT(r->user_id)), &x, e);
		c->wait = !rc && !x.nrows;
	}
	if (!rc)
		rc = db_query(d, &r->a, "INSERT INTO wishes (user_id, kind, lang, title, body, title_tr, body_tr, pg_version, shown, "
					"created_at, active_at, heat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_INT(r->user_id), DB_TEXT(in_text(r, "kind")), DB_TEXT(in_text(r, "lang")),
				      DB_TEXT(in_text(r, "title")), DB_TEXT(or_empty(r, "body")), DB_TEXT(or_empty(r, "title_tr")),
				      DB_TEXT(or_empty(r, "body_tr")), DB_TEXT(or_empty(r, "pg_version")),
				      DB_TEXT(c->wait ? "pending" : "visible"), DB_TIME(unix_now()), DB_TIME(unix_now()),
				      DB_REAL(wish_week(unix_now()))), &x, e);
	if (!rc)
		c->id = db_get_int(&x, 0, 0);
	if (!rc)
		rc = wish_follow(d, c->id, r->user_id, e);
	return rc;
}

static int post(req *r, resp *out)
{
	err e = ERR_INIT;
	/* A translation has its title, or is not there at all. */
	const char *tt = in_text(r, "title_tr"), *tb = in_text(r, "body_tr");
	if ((!tt || !*tt) && tb && *tb) {
		r->errors = json_pack("{s:s}", "title_tr", T("wishes.err.title_tr"));
		return new_again(r, out);
	}
	/* Only a wish that would be posted counts toward the limit. */
	int retry = 0;
	int rc = auth_throttle(r->db, arena_printf(&r->a, "wish:user:%lld", (long long)r->user_id), WISH_BURST, WISH_WINDOW,
			       &retry, &e);
	if (rc)
		return rc;
	if (retry > 0) {
		out->retry_after = (unsigned)retry;
		return http_error(r, out, 429, "too_many", "wishes.err.rate");
	}
	struct post_ctx c = { r, 0, 0 };
	if ((rc = db_tx(r->db, post_tx, &c, &e)))
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I,s:s}", "id", (json_int_t)c.id, "shown", c.wait ? "pending" : "visible");
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/wishes/%lld?%s=1", (long long)c.id, c.wait ? "pending" : "posted"));
}

/* GET /wishes/similar?q=: wishes whose titles share the most with what is
 * being typed, for the form to show before a duplicate is posted. */
static int similar(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *q = in_text(r, "q");
	json_t *items = json_array();
	int rc = q ? search_similar(r, "wish", q, SIMILAR, items, &e) : 0;
	if (rc) {
		json_decref(items);
		return rc;
	}
	out->cache_control = "no-store";
	return http_page(r, out, 200, "wishes/similar.html", "wishes.similar", json_pack("{s:o}", "similar", items));
}

/* ---- comments, following, review ---- */

static int comment(req *r, resp *out)
{
	const struct wish_row *w = r->row;
	if (strcmp(w->shown, "visible"))
		return http_error(r, out, 409, "not_open", "comments.err.not_open");
	return comments_post(r, out, "wish", w->id, arena_printf(&r->a, "/wishes/%lld", (long long)w->id), wish_again);
}

static int follow(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct wish_row *w = r->row;
	if (!wish_visible(r, w))
		return http_error(r, out, 404, "not_found", "wishes.err.not_found");
	int rc = wish_follow(r->db, w->id, r->user_id, &e);
	if (rc)
		return rc;
	if (r->api)
		return out->model = json_pack("{s:b}", "following", 1), 0;
	return http_redirect(r, out, arena_printf(&r->a, "/wishes/%lld?followed=1", (long long)w->id));
}

/* /wishes/stop/:token: the link in every mail about a wish. GET asks,
 * POST stops (a mail client that follows links changes nothing). */
static int stop_page(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *token = req_param(r, "token");
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT f.stopped AS stopped, w.id AS id, w.title AS title FROM wish_followers f "
					"JOIN wishes w ON w.id = f.wish_id WHERE f.token = ?",
			  DB_ARGS(DB_TEXT(token ? token : "")), &x, &e);
	if (rc)
		return rc;
	if (!x.nrows)
		return http_error(r, out, 404, "not_found", "wishes.err.no_link");
	out->cache_control = "private, no-store";
	json_t *m = json_pack("{s:s,s:s,s:I,s:b,s:b}", "token", token, "title", db_text(&x, 0, "title"), "id",
			      (json_int_t)db_int(&x, 0, "id"), "stopped", db_int(&x, 0, "stopped") != 0, "done",
			      r->method == M_POST);
	return http_page(r, out, 200, "wishes/stop.html", "wishes.stop", m);
}

static int stop(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t n = 0;
	const char *token = req_param(r, "token");
	int rc = db_exec(r->db, db_engine_of(r->db) == DB_POSTGRES ? "UPDATE wish_followers SET stopped = true WHERE token = ?"
								     : "UPDATE wish_followers SET stopped = 1 WHERE token = ?",
			 DB_ARGS(DB_TEXT(token ? token : "")), &n, &e);
	if (rc)
		return rc;
	if (!n)
		return http_error(r, out, 404, "not_found", "wishes.err.no_link");
	return stop_page(r, out);
}

/* An organizer lets a waiting wish through, or hides one with a reason. */
static int review(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct wish_row *w = r->row;
	const char *what = in_text(r, "shown"), *reason = in_text(r, "reason");
	if (!strcmp(what, "hidden") && (!reason || !*reason)) {
		r->errors = json_pack("{s:s}", "reason", T("wishes.err.reason"));
		return wish_again(r, out);
	}
	int rc = db_exec(r->db, "UPDATE wishes SET shown = ?, hidden_reason = ? WHERE id = ?",
			 DB_ARGS(DB_TEXT(what), DB_TEXT(!strcmp(what, "hidden") ? reason : ""), DB_INT(w->id)), NULL, &e);
	if (!rc)
		rc = auth_audit(r->db, r->user_id, arena_printf(&r->a, "wish.%s", what),
				arena_printf(&r->a, "wish:%lld", (long long)w->id), reason ? reason : "", r->client, &e);
	if (rc)
		return rc;
	if (r->api)
		return out->model = json_pack("{s:I,s:s}", "id", (json_int_t)w->id, "shown", what), 0;
	return http_redirect(r, out, arena_printf(&r->a, "/wishes/%lld", (long long)w->id));
}

int wish_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT lang, title, body, title_tr, body_tr, created_at AS at FROM wishes "
				"WHERE id = ? AND shown = 'visible'", DB_ARGS(DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (!*found)
		return rc;
	int zh = !strcmp(db_text(&x, 0, "lang"), "zh");
	const char *t = db_text(&x, 0, "title"), *tr = db_text(&x, 0, "title_tr");
	*out = (struct search_doc){ zh ? t : tr, zh ? tr : t,
				    arena_printf(a, "%s %s", db_text(&x, 0, "body"), db_text(&x, 0, "body_tr")),
				    db_int(&x, 0, "at"), 0 };
	return 0;
}

static const struct input new_inputs[] = {
	{ "title", IN_LINE, IN_REQUIRED, 4, TITLE_MAX, "wishes.err.title", "wishes.err.title" },
	{ "body", IN_MARKDOWN, 0, 0, BODY_MAX, "wishes.err.body", NULL },
	{ "kind", IN_CHOICE, IN_REQUIRED, 0, 0, "wishes.err.kind", "wishes.err.kind", wish_kinds },
	{ "lang", IN_CHOICE, IN_REQUIRED, 0, 0, "wishes.err.lang", "wishes.err.lang", langs },
	{ "pg_version", IN_LINE, 0, 0, VERSION_MAX, "wishes.err.version", NULL },
	{ "title_tr", IN_LINE, 0, 4, TITLE_MAX, "wishes.err.title", NULL },
	{ "body_tr", IN_MARKDOWN, 0, 0, BODY_MAX, "wishes.err.body", NULL },
	{ NULL },
};
static const struct input similar_inputs[] = {
	{ "q", IN_LINE, IN_QUERY, 0, TITLE_MAX, "wishes.err.title", NULL },
	{ NULL },
};
static const char *const shown_choices[] = { "visible", "hidden", NULL };
static const struct input review_inputs[] = {
	{ "shown", IN_CHOICE, IN_REQUIRED, 0, 0, "wishes.err.shown", "wishes.err.shown", shown_choices },
	{ "reason", IN_LINE, 0, 0, REASON_MAX, "wishes.err.reason_long", NULL },
	{ NULL },
};
static const struct input comment_inputs[] = { COMMENT_INPUTS, { NULL } };

static const struct route routes[] = {
	{ M_GET, "/wishes/new", new_form, SIGNED_IN, 0, "wish-new" },
	{ M_POST, "/wishes/new", post, SIGNED_IN, 1, "wish-new", NULL, new_inputs, new_again },
	{ M_GET, "/wishes/similar", similar, EVERYONE, 0, "wish-similar", NULL, similar_inputs },
	{ M_GET, "/wishes/stop/:token", stop_page, EVERYONE, 0, "wish-stop" },
	{ M_POST, "/wishes/stop/:token", stop, EVERYONE, 1, "wish-stop", NULL, no_inputs },
	{ M_GET, "/wishes/:id", show, EVERYONE, 0, "wish" },
	{ M_POST, "/wishes/:id/comments", comment, SIGNED_IN, 1, "wish-comments", &wish_loader, comment_inputs, wish_again },
	{ M_POST, "/wishes/:id/follow", follow, SIGNED_IN, 1, "wish-follow", &wish_loader, no_inputs },
	{ M_POST, "/wishes/:id/review", review, ORGANIZERS, 1, "wish-review", &wish_loader, review_inputs, wish_again },
};

const struct route_table wish_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

/* comments.c: posting, showing and moderating comments: the thread model
 * a page shows, the rules a new comment meets (rate, review of a new
 * member's first ones, one level of replies), an editor's approval or
 * hiding, and the editors' queue of comments waiting (/comments/review). */
#include "comments/comments.h"

#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/util.h"
#include "people/people.h"
#include "view/i18n.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)

static int moderator(const req *r)
{
	return !auth_allowed(ALLOW(ROLE_EDITOR), r->role);
}

/* A member's comment waits for review while they are new here: a plain
 * member none of whose comments has been let through yet. */
static int must_wait(req *r, db *d, int *wait, err *e)
{
	*wait = 0;
	if (r->role != ROLE_MEMBER)
		return 0;
	db_res x;
	int rc = db_query(d, &r->a, "SELECT 1 FROM comments WHERE user_id = ? AND status = 'visible' LIMIT 1",
			  DB_ARGS(DB_INT(r->user_id)), &x, e);
	*wait = !rc && !x.nrows;
	return rc;
}

struct post_ctx {
	req *r;
	const char *kind, *page, *body;
	int64_t id, parent, comment;
	int wait, bad_parent;
};

static int post_tx(db *d, void *p, err *e)
{
	struct post_ctx *c = p;
	req *r = c->r;
	int rc;
	if (c->parent) {
		/* A reply answers a comment of the same thread that everyone sees
		 * and that is not itself a reply: threads are one level deep. */
		db_res x;
		rc = db_query(d, &r->a, "SELECT 1 FROM comments WHERE id = ? AND target_kind = ? AND target_id = ? "
					"AND parent_id IS NULL AND status = 'visible'",
			      DB_ARGS(DB_INT(c->parent), DB_TEXT(c->kind), DB_INT(c->id)), &x, e);
		if (rc)
			return rc;
		if (!x.nrows)
			return c->bad_parent = 1, ERR_INPUT;
	}
	if ((rc = must_wait(r, d, &c->wait, e)))
		return rc;
	db_res x;
	rc = db_query(d, &r->a, "INSERT INTO comments (target_kind, target_id, page, parent_id, user_id, body, status, "
				"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      DB_ARGS(DB_TEXT(c->kind), DB_INT(c->id), DB_TEXT(c->page), c->parent ? DB_INT(c->parent) : DB_NULL, DB_INT(r->user_id),
			      DB_TEXT(c->body), DB_TEXT(c->wait ? "pending" : "visible"), DB_TIME(unix_now())), &x, e);
	if (!rc)
		c->comment = db_get_int(&x, 0, 0);
	return rc;
}

int comments_post(req *r, resp *out, const char *kind, int64_t id, const char *page, handler_fn again)
{
	err e = ERR_INIT;
	int retry = 0;
	int rc = auth_throttle(r->db, arena_printf(&r->a, "comment:user:%lld", (long long)r->user_id), COMMENT_BURST,
			       COMMENT_WINDOW, &retry, &e);
	if (rc)
		return rc;
	if (retry > 0) {
		out->retry_after = (unsigned)retry;
		return http_error(r, out, 429, "too_many", "comments.err.rate");
	}
	struct post_ctx c = { r, kind, page, in_text(r, "body"), id, in_num(r, "parent", 0), 0, 0, 0 };
	rc = db_tx(r->db, post_tx, &c, &e);
	if (rc == ERR_INPUT && c.bad_parent) {
		r->errors = json_pack("{s:s}", "body", T("comments.err.parent"));
		return again(r, out);
	}
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I,s:s}", "id", (json_int_t)c.comment, "status", c.wait ? "pending" : "visible");
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "%s?%s#comment-%lld", page, c.wait ? "comment=pending" : "comment=posted",
						  (long long)c.comment));
}

/* One comment as this reader sees it: a hidden one shows its reason in
 * its place (its text to the moderators only); a pending one only to its
 * author and the moderators. NULL when the reader does not see it. */
static json_t *comment_item(req *r, const db_res *x, int i, int mod)
{
	const char *status = db_text(x, i, "status"), *name = db_text(x, i, "name");
	int mine = db_int(x, i, "user_id") == r->user_id && r->user_id;
	if (!strcmp(status, "pending") && !mine && !mod)
		return NULL;
	json_t *o = json_pack("{s:I,s:s,s:b,s:s,s:b,s:b,s:b,s:o}", "id", (json_int_t)db_int(x, i, "id"), "name",
			      name ? name : "", "name_zh", text_han(name), "when",
			      clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_int(x, i, "created_at")), "pending",
			      !strcmp(status, "pending"), "hidden", !strcmp(status, "hidden"), "mine", mine, "replies",
			      json_array());
	json_object_set_new(o, "has_replies", json_false());
	json_object_set_new(o, "lang", json_string(text_han(db_text(x, i, "body")) ? "zh-CN" : "en"));
	/* Every key set, so a reply never shows its parent's value. */
	json_object_set_new(o, "body", strcmp(status, "hidden") || mod ? json_string(db_text(x, i, "body")) : json_null());
	json_object_set_new(o, "reason", json_string(!strcmp(status, "hidden") ? db_text(x, i, "reason") : ""));
	json_object_set_new(o, "user_id", json_integer(name ? db_int(x, i, "user_id") : 0));
	return o;
}

int comments_model(req *r, db *d, const char *kind, int64_t id, const char *page, json_t *m, err *e)
{
	db_res x;
	int rc = db_query(d, &r->a, "SELECT c.id AS id, coalesce(c.parent_id, 0) AS parent, c.user_id AS user_id, "
				    "c.body AS body, c.status AS status, c.reason AS reason, c.created_at AS created_at, "
				    "u.display_name AS name FROM comments c " PEOPLE_JOIN("u", "c.user_id")
				    "WHERE c.target_kind = ? AND c.target_id = ? ORDER BY c.id LIMIT 1000",
			  DB_ARGS(DB_TEXT(kind), DB_INT(id)), &x, e);
	if (rc)
		return rc;
	int mod = moderator(r), count = 0;
	json_t *items = json_array();
	for (int i = 0; i < x.nrows; i++) {
		json_t *o = comment_item(r, &x, i, mod);
		if (!o)
			continue;
		count += !json_is_true(json_object_get(o, "hidden")) && !json_is_true(json_object_get(o, "pending"));
		int64_t parent = db_int(&x, i, "parent");
		json_t *home = NULL;
		for (size_t k = 0; parent && k < json_array_size(items) && !home; k++)
			if (json_integer_value(json_object_get(json_array_get(items, k), "id")) == parent)
				home = json_object_get(json_array_get(items, k), "replies");
		if (parent && !home) {
			json_decref(o); /* its comment is not shown to this reader */
			continue;
		}
		json_array_append_new(home ? home : items, o);
	}
	for (size_t k = 0; k < json_array_size(items); k++) {
		json_t *o = json_array_get(items, k);
		json_object_set_new(o, "has_replies", json_boolean(json_array_size(json_object_get(o, "replies")) > 0));
	}
	json_t *c = json_pack("{s:i,s:o,s:b,s:b,s:s,s:s}", "count", count, "items", items, "can_post", r->user_id != 0,
			      "can_moderate", mod, "next", page, "post_to", arena_printf(&r->a, "%s/comments", page));
	/* Replying: the one form, answering the comment ?reply= names (one
	 * form per page keeps it one CSRF token to splice into a kept copy). */
	int64_t reply = 0;
	if (!parse_i64(req_query(r, "reply"), 1, INT64_MAX, &reply))
		for (size_t k = 0; k < json_array_size(items); k++) {
			json_t *o = json_array_get(items, k);
			if (json_integer_value(json_object_get(o, "id")) == reply && !json_is_true(json_object_get(o, "hidden")) &&
			    !json_is_true(json_object_get(o, "pending")))
				json_object_set_new(c, "reply_to", json_pack("{s:I,s:O}", "id", (json_int_t)reply, "name",
									    json_object_get(o, "name")));
		}
	const char *said = req_query(r, "comment");
	if (said && (!strcmp(said, "pending") || !strcmp(said, "posted")))
		json_object_set_new(c, "notice", json_string(T(!strcmp(said, "pending") ? "comments.pending" : "comments.posted")));
	json_object_set_new(m, "comments", c);
	return 0;
}

/* ---- moderation ---- */

struct mod_ctx {
	req *r;
	int64_t id;
	const char *from, *to, *reason;
};

static int moderate_tx(db *d, void *p, err *e)
{
	struct mod_ctx *c = p;
	int64_t n = 0;
	int rc = db_exec(d, "UPDATE comments SET status = ?, reason = ?, moderated_by = ? WHERE id = ? AND status <> ?",
			 DB_ARGS(DB_TEXT(c->to), DB_TEXT(c->reason ? c->reason : ""), DB_INT(c->r->user_id), DB_INT(c->id),
				 DB_TEXT(c->to)), &n, e);
	if (!rc && !n)
		return ERR_NOTFOUND;
	if (!rc)
		rc = auth_audit(d, c->r->user_id, arena_printf(&c->r->a, "comment.%s", c->to),
				arena_printf(&c->r->a, "comment:%lld", (long long)c->id), c->reason ? c->reason : "", c->r->client, e);
	return rc;
}

static int moderate(req *r, resp *out, const char *to)
{
	err e = ERR_INIT;
	struct mod_ctx c = { r, req_num(r, "id"), NULL, to, in_text(r, "reason") };
	int rc = db_tx(r->db, moderate_tx, &c, &e);
	if (rc == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "comments.err.not_found");
	if (rc)
		return rc;
	if (r->api) {
		out->model = json_pack("{s:I,s:s}", "id", (json_int_t)c.id, "status", to);
		return 0;
	}
	return http_redirect(r, out, http_local_path(in_text(r, "next"), "/comments/review"));
}

static int hide(req *r, resp *out)
{
	return moderate(r, out, "hidden");
}

static int approve(req *r, resp *out)
{
	return moderate(r, out, "visible");
}

/* The comments waiting for review, oldest first, each with where it is. */
static int queue(req *r, resp *out)
{
	err e = ERR_INIT;
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT c.id AS id, c.target_kind AS kind, c.page AS page, c.body AS body, "
					"c.created_at AS created_at, u.display_name AS name FROM comments c "
					PEOPLE_JOIN("u", "c.user_id") "WHERE c.status = 'pending' ORDER BY c.id LIMIT 200",
			  DB_NOARGS, &x, &e);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < x.nrows; i++) {
		const char *kind = db_text(&x, i, "kind");
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_int(&x, i, "id"), "body",
			db_text(&x, i, "body"), "name", db_text(&x, i, "name") ? db_text(&x, i, "name") : "", "when",
			clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_int(&x, i, "created_at")), "where",
			T(arena_printf(&r->a, "comments.on.%s", kind)), "href", db_text(&x, i, "page")));
	}
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "comments/review.html", "comments.review", json_pack("{s:o}", "comments", list));
}

static const struct input hide_inputs[] = {
	{ "reason", IN_LINE, IN_REQUIRED, 0, 200, "comments.err.reason", "comments.err.reason" },
	{ "next", IN_LINE, 0, 0, 300, NULL, NULL },
	{ NULL },
};
static const struct input approve_inputs[] = {
	{ "next", IN_LINE, 0, 0, 300, NULL, NULL },
	{ NULL },
};

#define EDITORS ALLOW(ROLE_EDITOR)

static const struct route routes[] = {
	{ M_GET, "/comments/review", queue, EDITORS, 0, "comments-review" },
	{ M_POST, "/comments/:id/hide", hide, EDITORS, 1, "comment-hide", NULL, hide_inputs },
	{ M_POST, "/comments/:id/approve", approve, EDITORS, 1, "comment-approve", NULL, approve_inputs },
};

static const struct route_table comment_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

const struct feature comments_feature = { .name = "comments", .routes = { &comment_routes } };

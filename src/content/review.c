/* review.c: an article's way out. Its author submits the draft; an editor
 * comments, sends it back for changes, publishes it now or at a time, or
 * takes it down again; each step is a row of article_reviews, and a
 * publication a line of the audit log. The versions page shows who
 * changed what, as a line diff between two versions. The editors' queue
 * and a member's own articles are lists of their own. */
#include "content/internal.h"

#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/util.h"
#include "people/people.h"
#include "base/banned.h"

static int status_is(const struct article_row *a, const char *s)
{
	return !strcmp(a->status, s);
}

int article_review_model(req *r, const struct article_row *a, json_t *m, err *e)
{
	int rc, author = article_is_author(r, a, e, &rc);
	if (rc)
		return rc;
	db_res x;
	rc = db_query(r->db, &r->a, "SELECT v.action AS action, v.body AS body, v.at AS at, u.display_name AS name "
				    "FROM article_reviews v " PEOPLE_JOIN("u", "v.user_id") "WHERE v.article_id = ? ORDER BY v.id",
		      DB_ARGS(DB_INT(a->id)), &x, e);
	if (rc)
		return rc;
	json_t *steps = json_array();
	for (int i = 0; i < x.nrows; i++)
		json_array_append_new(steps, json_pack("{s:b,s:s,s:s,s:s,s:s}", "name_zh", text_han(db_text(&x, i, "name")), "action_text",
			T(arena_printf(&r->a, "content.review.%s", db_text(&x, i, "action"))), "body", db_text(&x, i, "body"),
			"when", clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_int(&x, i, "at")), "name",
			db_text(&x, i, "name") ? db_text(&x, i, "name") : ""));
	int editor = content_editor(r), published = status_is(a, "published");
	json_object_set_new(m, "review", json_pack("{s:o,s:b,s:b,s:b,s:b,s:b}", "steps", steps, "can_submit",
		author && (status_is(a, "draft") || status_is(a, "changes")), "can_comment", author || editor,
		"can_send_back", editor && !published, "can_publish", editor && (!published || a->publish_at > unix_now()),
		"can_unpublish", editor && published));
	return 0;
}

/* A review step: its row, and the article's new status (NULL: unchanged). */
struct step_ctx {
	req *r;
	const struct article_row *a;
	const char *action, *body, *status;
	int64_t publish_at; /* publish/schedule: when */
};

static int step_tx(db *d, void *p, err *e)
{
	struct step_ctx *c = p;
	req *r = c->r;
	int64_t now = unix_now(), changed = 0;
	int rc = 0;
	if (c->status) {
		/* From the status the page showed, so two editors' clicks do one
		 * thing; a publication keeps the time it first went out unless a
		 * time is set. */
		if (c->publish_at)
			rc = db_exec(d, "UPDATE articles SET status = ?, publish_at = ?, updated_at = ? WHERE id = ? AND status = ?",
				     DB_ARGS(DB_TEXT(c->status), DB_TIME(c->publish_at), DB_TIME(now), DB_INT(c->a->id),
					     DB_TEXT(c->a->status)), &changed, e);
		else
			rc = db_exec(d, "UPDATE articles SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
				     DB_ARGS(DB_TEXT(c->status), DB_TIME(now), DB_INT(c->a->id), DB_TEXT(c->a->status)),
				     &changed, e);
		if (!rc && !changed)
			return ERR_CONSTRAINT;
	}
	if (!rc)
		rc = db_exec(d, "INSERT INTO article_reviews (article_id, user_id, at, action, body) VALUES (?, ?, ?, ?, ?)",
			     DB_ARGS(DB_INT(c->a->id), DB_INT(r->user_id), DB_TIME(now), DB_TEXT(c->action),
				     DB_TEXT(c->body ? c->body : "")), NULL, e);
	if (!rc && c->status)
		rc = auth_audit(d, r->user_id, arena_printf(&r->a, "article.%s", c->action),
				arena_printf(&r->a, "article:%lld", (long long)c->a->id), c->a->title, r->client, e);
	return rc;
}

static int run_step(req *r, resp *out, struct step_ctx *c)
{
	err e = ERR_INIT;
	int rc = db_tx(r->db, step_tx, c, &e);
	if (rc == ERR_CONSTRAINT)
		return http_error(r, out, 409, "moved_on", "content.err.moved_on");
	if (rc)
		return rc;
	if (r->api) {
		out->model = json_pack("{s:I,s:s}", "id", (json_int_t)c->a->id, "status", c->status ? c->status : c->a->status);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/articles/%lld#review", (long long)c->a->id));
}

static int submit(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct article_row *a = r->row;
	int rc;
	if (!article_is_author(r, a, &e, &rc) || rc)
		return rc ? rc : http_error(r, out, 403, "not_yours", "content.err.not_yours");
	if (!status_is(a, "draft") && !status_is(a, "changes"))
		return http_error(r, out, 409, "moved_on", "content.err.moved_on");
	struct step_ctx c = { r, a, "submit", in_text(r, "body"), "submitted", 0 };
	return run_step(r, out, &c);
}

/* A comment on the draft (its authors and the editors), or an editor's
 * request for changes, which sends it back to its authors. */
static int comment(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct article_row *a = r->row;
	const char *what = in_text(r, "action");
	int rc, editor = content_editor(r);
	if (!editor && (!article_is_author(r, a, &e, &rc) || rc))
		return rc ? rc : http_error(r, out, 403, "not_yours", "content.err.not_yours");
	int back = !strcmp(what, "changes");
	if (back && !editor)
		return http_error(r, out, 403, "editors_only", "content.err.editors_only");
	if (back && status_is(a, "published"))
		return http_error(r, out, 409, "moved_on", "content.err.moved_on");
	struct step_ctx c = { r, a, back ? "changes" : "comment", in_text(r, "body"), back ? "changes" : NULL, 0 };
	return run_step(r, out, &c);
}

/* What must hold before an article goes out, beyond its form's checks. */
static const char *not_ready(const struct article_row *a)
{
	if (status_is(a, "published") && a->publish_at <= unix_now())
		return "content.err.already_out";
	if (!strcmp(a->kind, "sponsored") && !a->sponsor_org_id)
		return "content.err.sponsor";
	if (!strcmp(a->kind, "whitepaper") && !*a->pdf_key)
		return "content.err.pdf";
	if (!*a->body && !*a->summary && !*a->media_url && !*a->pdf_key)
		return "content.err.empty";
	return NULL;
}

static int publish(req *r, resp *out)
{
	const struct article_row *a = r->row;
	const char *date = in_text(r, "date"), *hm = in_text(r, "time"), *why = not_ready(a);
	int64_t now = unix_now(), at = now;
	if (why)
		return http_error(r, out, 409, "not_ready", why);
	if (date) {
		at = clock_parse(CLOCK_COMMUNITY_TZ, date, hm ? hm : "00:00");
		if (at < 0 || at <= now) {
			r->errors = json_pack("{s:s}", "date", T(at < 0 ? "content.err.when" : "content.err.past"));
			return article_again(r, out);
		}
	} else if (hm) {
		r->errors = json_pack("{s:s}", "date", T("content.err.when"));
		return article_again(r, out);
	}
	struct step_ctx c = { r, a, date ? "schedule" : "publish", date ? arena_printf(&r->a, "%s %s", date, hm ? hm : "00:00") : "",
			      "published", at };
	return run_step(r, out, &c);
}

static int unpublish(req *r, resp *out)
{
	const struct article_row *a = r->row;
	if (!status_is(a, "published"))
		return http_error(r, out, 409, "moved_on", "content.err.moved_on");
	struct step_ctx c = { r, a, "unpublish", in_text(r, "body"), "unpublished", 0 };
	return run_step(r, out, &c);
}

/* ---- versions ---- */

/* Lines of s, split in place (s is the caller's copy). */
static int split_lines(char *s, char **out, int max)
{
	int n = 0;
	for (char *p = s; *p && n < max;) {
		out[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		p = nl + 1;
	}
	return n;
}

/* A line diff of two texts as [{op: " " | "-" | "+", text}], by the
 * longest common subsequence of their lines. Written here: a document's
 * few hundred lines need this dozen-line table, where libgit2's or
 * GNU diff's would bring a repository library or a process per page.
 * Texts past DIFF_LINES lines are compared as one changed block. */
enum { DIFF_LINES = 1500 };

static json_t *line_diff(arena *a, const char *from, const char *to)
{
	static __thread char *x[DIFF_LINES], *y[DIFF_LINES];
	char *fs = arena_strdup(a, from), *ts = arena_strdup(a, to);
	int n = split_lines(fs, x, DIFF_LINES), m = split_lines(ts, y, DIFF_LINES);
	json_t *out = json_array();
	if (!strcmp(from, to))
		return out;
	unsigned short *t = calloc((size_t)(n + 1) * (size_t)(m + 1), sizeof(*t));
	if (!t)
		abort();
#define L(i, j) t[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
	for (int i = n - 1; i >= 0; i--)
		for (int j = m - 1; j >= 0; j--)
			L(i, j) = !strcmp(x[i], y[j]) ? (unsigned short)(L(i + 1, j + 1) + 1)
						      : L(i + 1, j) > L(i, j + 1) ? L(i + 1, j) : L(i, j + 1);
	int i = 0, j = 0;
	while (i < n || j < m) {
		const char *op, *line;
		if (i < n && j < m && !strcmp(x[i], y[j]))
			op = " ", line = x[i++], j++;
		else if (j < m && (i == n || L(i, j + 1) >= L(i + 1, j)))
			op = "+", line = y[j++];
		else
			op = "-", line = x[i++];
		json_array_append_new(out, json_pack("{s:s,s:s,s:b,s:b}", "op", op, "text", line, "added", *op == '+',
						     "removed", *op == '-'));
	}
#undef L
	free(t);
	return out;
}

static int versions(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct article_row *a = r->row;
	int rc;
	if (!content_editor(r) && (!article_is_author(r, a, &e, &rc) || rc))
		return rc ? rc : http_error(r, out, 403, "not_yours", "content.err.not_yours");
	db_res x;
	rc = db_query(r->db, &r->a, "SELECT v.version AS version, v.at AS at, u.display_name AS name, v.title_zh AS title_zh, "
				    "v.title_en AS title_en, v.summary_zh AS summary_zh, v.summary_en AS summary_en, "
				    "v.body_zh AS body_zh, v.body_en AS body_en FROM article_versions v "
				    PEOPLE_JOIN("u", "v.user_id") "WHERE v.article_id = ? ORDER BY v.version DESC",
		      DB_ARGS(DB_INT(a->id)), &x, &e);
	if (rc)
		return rc;
	int64_t shown = in_num(r, "v", x.nrows ? db_int(&x, 0, "version") : 0);
	json_t *list = json_array(), *diff = NULL;
	for (int i = 0; i < x.nrows; i++) {
		int64_t v = db_int(&x, i, "version");
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:b}", "version", (json_int_t)v, "when",
			clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_int(&x, i, "at")), "name",
			db_text(&x, i, "name") ? db_text(&x, i, "name") : "", "shown", v == shown));
		if (v != shown)
			continue;
		/* This version against the one before it (or nothing). */
		static const char *const parts[] = { "title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en" };
		diff = json_array();
		for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
			const char *now = db_text(&x, i, parts[k]), *before = i + 1 < x.nrows ? db_text(&x, i + 1, parts[k]) : "";
			json_t *lines = line_diff(&r->a, before ? before : "", now ? now : "");
			if (json_array_size(lines))
				json_array_append_new(diff, json_pack("{s:s,s:o}", "part",
					T(arena_printf(&r->a, "content.part.%s", parts[k])), "lines", lines));
			else
				json_decref(lines);
		}
	}
	json_t *m = json_pack("{s:{s:I,s:s},s:o}", "article", "id", (json_int_t)a->id, "title", a->title, "versions", list);
	if (diff)
		json_object_set_new(m, "diff", diff);
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "content/versions.html", "content.versions", m);
}

/* ---- the editors' queue and a member's own ---- */

static int queue_page(req *r, resp *out, int mine)
{
	err e = ERR_INIT;
	const char *l = lang_code(r->lang);
	db_res x;
	int rc = mine ? db_query(r->db, &r->a, ARTICLE_COLS "WHERE a.created_by = ? OR a.id IN (SELECT article_id FROM "
						  "article_authors WHERE user_id = ?) ORDER BY a.updated_at DESC, a.id DESC LIMIT 200",
				 DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_INT(r->user_id), DB_INT(r->user_id)), &x, &e)
		      : db_query(r->db, &r->a, ARTICLE_COLS "WHERE a.status IN ('submitted', 'changes') OR (a.status = 'published' "
						  "AND a.publish_at > ?) ORDER BY CASE a.status WHEN 'submitted' THEN 0 WHEN "
						  "'published' THEN 1 ELSE 2 END, a.updated_at, a.id LIMIT 200",
				 DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TIME(unix_now())), &x, &e);
	if (rc)
		return rc;
	json_t *list = json_array();
	int64_t now = unix_now();
	for (int i = 0; i < x.nrows; i++) {
		struct article_row a;
		article_from_row(&x, i, r->lang, &a);
		json_t *o = article_item(r, &a);
		int scheduled = status_is(&a, "published") && a.publish_at > now;
		json_object_set_new(o, "status_text", json_string(T(scheduled ? "content.status.scheduled"
									       : arena_printf(&r->a, "content.status.%s", a.status))));
		json_array_append_new(list, o);
	}
	json_t *m = json_pack("{s:o,s:b}", "articles", list, "mine", mine);
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "content/queue.html", mine ? "content.mine" : "content.queue", m);
}

static int queue(req *r, resp *out)
{
	return queue_page(r, out, 0);
}

static int mine(req *r, resp *out)
{
	return queue_page(r, out, 1);
}

static const char *const comment_actions[] = { "comment", "changes", NULL };
static const struct input note_inputs[] = {
	{ "body", IN_TEXT, 0, 0, NOTE_MAX, "content.err.note", NULL },
	{ NULL },
};
static const struct input comment_inputs[] = {
	{ "action", IN_CHOICE, IN_REQUIRED, 0, 0, "content.err.action", "content.err.action", comment_actions },
	{ "body", IN_TEXT, IN_REQUIRED, 0, NOTE_MAX, "content.err.note", "content.err.note_missing" },
	{ NULL },
};
static const struct input publish_inputs[] = {
	{ "date", IN_DATE, 0, 0, 0, "content.err.when", NULL },
	{ "time", IN_TIME, 0, 0, 0, "content.err.when", NULL },
	{ NULL },
};
static const struct input versions_inputs[] = {
	{ "v", IN_INT, IN_QUERY, 1, INT32_MAX, "content.err.version", NULL },
	{ NULL },
};

#define EDITORS ALLOW(ROLE_EDITOR)

static const struct route routes[] = {
	{ M_GET, "/articles/review", queue, EDITORS, 0, "articles-review" },
	{ M_GET, "/articles/mine", mine, SIGNED_IN, 0, "articles-mine" },
	{ M_POST, "/articles/:id/submit", submit, SIGNED_IN, 1, "article-submit", &article_loader, note_inputs, article_again },
	{ M_POST, "/articles/:id/comment", comment, SIGNED_IN, 1, "article-comment", &article_loader, comment_inputs, article_again },
	{ M_POST, "/articles/:id/publish", publish, EDITORS, 1, "article-publish", &article_loader, publish_inputs, article_again },
	{ M_POST, "/articles/:id/unpublish", unpublish, EDITORS, 1, "article-unpublish", &article_loader, note_inputs, article_again },
	{ M_GET, "/articles/:id/versions", versions, SIGNED_IN, 0, "article-versions", &article_loader, versions_inputs },
};

const struct route_table review_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

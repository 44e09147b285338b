/* trail.c: an organizer moves a wish along: under review, forwarded (with
 * the link to the pgsql-hackers thread, the CommitFest entry or the
 * vendor's tracker), in development, implemented in a version (with the
 * release notes' link), declined with the reason, or a duplicate of
 * another wish, which then holds its votes and followers (each member
 * once). Each step is kept with who made it and when, and its mail goes
 * to everyone who follows the wish (its author and voters unless they said
 * stop), each in their own language, through the outbox, in the step's
 * own transaction. */
#include "wishes/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/util.h"
#include "mail/outbox.h"
#include "base/banned.h"

struct step_ctx {
	req *r;
	const struct wish_row *w;
	const char *status, *reason, *link, *shipped_in;
	int64_t into; /* a duplicate's wish */
	int told;
};

/* A duplicate's votes and followers go to the wish it is merged into: a
 * member who voted for both keeps one vote there; the counts are the
 * votes there are. */
static int merge(db *d, struct step_ctx *c, err *e)
{
	int64_t from = c->w->id, into = c->into;
	int pg = db_engine_of(d) == DB_POSTGRES;
	int rc = db_exec(d, "INSERT INTO wish_votes (wish_id, user_id, created_at, job_role, org_category, org_industry) "
			    "SELECT ?, user_id, created_at, job_role, org_category, org_industry FROM wish_votes "
			    "WHERE wish_id = ? ORDER BY user_id ON CONFLICT (wish_id, user_id) DO NOTHING",
			 DB_ARGS(DB_INT(into), DB_INT(from)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM wish_votes WHERE wish_id = ?", DB_ARGS(DB_INT(from)), NULL, e);
	/* Counted again, both: the votes, the heat and who wants it. */
	if (!rc)
		rc = wish_recount(d, from, e);
	if (!rc)
		rc = wish_recount(d, into, e);
	/* Followers keep following, there; each has a link of their own. */
	if (!rc)
		rc = db_exec(d, pg ? "INSERT INTO wish_followers (wish_id, user_id, token, stopped) SELECT ?, user_id, "
				     "md5(random()::text || clock_timestamp()::text || user_id::text), stopped FROM wish_followers "
				     "WHERE wish_id = ? ORDER BY user_id ON CONFLICT (wish_id, user_id) DO NOTHING"
				   : "INSERT INTO wish_followers (wish_id, user_id, token, stopped) SELECT ?, user_id, "
				     "lower(hex(randomblob(16))), stopped FROM wish_followers WHERE wish_id = ? ORDER BY user_id "
				     "ON CONFLICT (wish_id, user_id) DO NOTHING",
			     DB_ARGS(DB_INT(into), DB_INT(from)), NULL, e);
	return rc;
}

/* Whether merging the wish into `into` would make a loop: `into`, or a
 * wish it was itself merged into, is the wish. 1: a loop. */
static int loops(req *r, int64_t self, int64_t into, err *e, int *rc)
{
	enum { CHAIN = 64 };
	for (int i = 0; i < CHAIN && into; i++) {
		if (into == self)
			return 1;
		db_res x;
		if ((*rc = db_query(r->db, &r->a, "SELECT coalesce(duplicate_of, 0) FROM wishes WHERE id = ?",
				    DB_ARGS(DB_INT(into)), &x, e)))
			return 0;
		into = x.nrows ? db_get_int(&x, 0, 0) : 0;
	}
	return into != 0; /* a chain this long is refused as well */
}

/* The mail of one step, in the follower's language. */
static int tell(db *d, struct step_ctx *c, const char *email, int lang, const char *token, err *e)
{
	req *r = c->r;
	const struct wish_row *w = c->w;
	const char *base = r->cfg->val[CFG_BASE_URL];
	/* The wish's title as its author wrote it, or its translation when
	 * that is the follower's language. */
	const char *title = strcmp(w->lang, lang_code(lang)) && *w->title_tr ? w->title_tr : w->title;
	const char *status = !strcmp(c->status, "implemented") && *c->shipped_in
				     ? arena_printf(&r->a, i18n_get(lang, "wishes.status.implemented_in"), c->shipped_in)
				     : i18n_get(lang, arena_printf(&r->a, "wishes.status.%s", c->status));
	buf b = BUF_INIT;
	buf_addf(&b, "%s\n\n%s\n%s: %s\n", i18n_get(lang, "wishes.mail.intro"), title, i18n_get(lang, "wishes.mail.status"),
		 status);
	if (*c->reason)
		buf_addf(&b, "%s: %s\n", i18n_get(lang, "wishes.mail.reason"), c->reason);
	if (*c->link)
		buf_addf(&b, "%s: %s\n", i18n_get(lang, "wishes.mail.link"), c->link);
	if (c->into)
		buf_addf(&b, "%s: %s/wishes/%lld\n", i18n_get(lang, "wishes.mail.into"), base, (long long)c->into);
	buf_addf(&b, "\n%s/wishes/%lld\n\n%s\n%s/wishes/stop/%s\n", base, (long long)w->id, i18n_get(lang, "wishes.mail.stop"),
		 base, token);
	const char *subject = arena_printf(&r->a, i18n_get(lang, "wishes.mail.subject"), title);
	int rc = outbox_add(d, email, subject, b.s, NULL, e);
	buf_release(&b);
	return rc;
}

static int step_tx(db *d, void *p, err *e)
{
	struct step_ctx *c = p;
	req *r = c->r;
	int64_t now = unix_now();
	int rc = db_exec(d, "UPDATE wishes SET status = ?, status_reason = ?, status_link = ?, shipped_in = ?, active_at = ?, "
			    "duplicate_of = ? WHERE id = ?",
			 DB_ARGS(DB_TEXT(c->status), DB_TEXT(c->reason), DB_TEXT(c->link), DB_TEXT(c->shipped_in), DB_TIME(now),
				 c->into ? DB_INT(c->into) : DB_NULL, DB_INT(c->w->id)), NULL, e);
	if (!rc && c->into)
		rc = merge(d, c, e);
	if (!rc)
		rc = db_exec(d, "INSERT INTO wish_trail (wish_id, status, reason, link, shipped_in, by_user, at) "
				"VALUES (?, ?, ?, ?, ?, ?, ?)",
			     DB_ARGS(DB_INT(c->w->id), DB_TEXT(c->status), DB_TEXT(c->reason), DB_TEXT(c->link),
				     DB_TEXT(c->shipped_in), DB_INT(r->user_id), DB_TIME(now)), NULL, e);
	if (!rc)
		rc = auth_audit(d, r->user_id, "wish.status", arena_printf(&r->a, "wish:%lld", (long long)c->w->id),
				arena_printf(&r->a, "%s %s", c->status, c->link), r->client, e);
	db_res f;
	if (!rc)
		rc = db_query(d, &r->a, "SELECT u.email, u.lang, f.token FROM wish_followers f JOIN users u ON u.id = f.user_id "
					"WHERE f.wish_id = ? AND NOT f.stopped ORDER BY f.user_id",
			      DB_ARGS(DB_INT(c->w->id)), &f, e);
	c->told = 0;
	for (int i = 0; !rc && i < f.nrows; i++) {
		int lang = lang_parse(db_get(&f, i, 1));
		rc = tell(d, c, db_get(&f, i, 0), lang < 0 ? LANG_ZH : lang, db_get(&f, i, 2), e);
		c->told++;
	}
	return rc;
}

static int step(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct wish_row *w = r->row;
	struct step_ctx c = { r, w, in_text(r, "status"), in_text(r, "reason"), in_text(r, "link"), in_text(r, "shipped_in"),
			      0, 0 };
	int rc = 0;
	if (!c.reason)
		c.reason = "";
	if (!c.link)
		c.link = "";
	if (!c.shipped_in)
		c.shipped_in = "";
	/* What each step must say. */
	if (!strcmp(c.status, "forwarded") && !*c.link)
		r->errors = json_pack("{s:s}", "link", T("wishes.err.link_needed"));
	else if (!strcmp(c.status, "implemented") && !*c.shipped_in)
		r->errors = json_pack("{s:s}", "shipped_in", T("wishes.err.version_needed"));
	else if (!strcmp(c.status, "declined") && !*c.reason)
		r->errors = json_pack("{s:s}", "reason", T("wishes.err.reason"));
	else if (strcmp(w->shown, "visible"))
		return http_error(r, out, 409, "not_shown", "wishes.err.not_shown");
	else if (!strcmp(w->status, "duplicate"))
		return http_error(r, out, 409, "merged", "wishes.err.merged");
	else if (!strcmp(c.status, "duplicate")) {
		/* Into a wish that is there and shown, never into itself or a
		 * chain that leads back to it. */
		c.into = in_num(r, "into", 0);
		db_res x;
		if (!c.into)
			r->errors = json_pack("{s:s}", "into", T("wishes.err.into"));
		else if (!(rc = db_query(r->db, &r->a, "SELECT 1 FROM wishes WHERE id = ? AND shown = 'visible'",
					 DB_ARGS(DB_INT(c.into)), &x, &e)) && !x.nrows)
			r->errors = json_pack("{s:s}", "into", T("wishes.err.into"));
		else if (!rc && loops(r, w->id, c.into, &e, &rc))
			r->errors = json_pack("{s:s}", "into", T("wishes.err.loop"));
		if (rc)
			return rc;
	}
	if (r->errors)
		return wish_again(r, out);
	if (strcmp(c.status, "implemented"))
		c.shipped_in = "";
	rc = db_tx(r->db, step_tx, &c, &e);
	if (rc)
		return rc;
	if (c.told)
		outbox_kick();
	if (r->api) {
		out->model = json_pack("{s:I,s:s,s:i}", "id", (json_int_t)w->id, "status", c.status, "told", c.told);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/wishes/%lld?moved=1", (long long)w->id));
}

static const struct input step_inputs[] = {
	{ "status", IN_CHOICE, IN_REQUIRED, 0, 0, "wishes.err.status", "wishes.err.status", wish_statuses },
	{ "reason", IN_TEXT, 0, 0, REASON_MAX, "wishes.err.reason_long", NULL },
	{ "link", IN_URL, 0, 0, 300, "wishes.err.link", NULL },
	{ "shipped_in", IN_LINE, 0, 0, VERSION_MAX, "wishes.err.version", NULL },
	{ "into", IN_INT, 0, 1, INT64_MAX, "wishes.err.into", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_POST, "/wishes/:id/status", step, ORGANIZERS, 1, "wish-status", &wish_loader, step_inputs, wish_again },
};

const struct route_table trail_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

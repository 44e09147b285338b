/* votes.c: one vote per member per wish, which they can take back. A vote
 * and the wish's count change in one transaction run by a group-commit
 * writer (db/batch.h): 2,000 members voting for one wish within a second
 * make a few batches that each lock the wish's row once, not 2,000
 * transactions queued behind that row. The count is exact: a vote that is
 * already there (a second click, two tabs) changes nothing. */
#include "wishes/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "db/batch.h"
#include "base/banned.h"

static struct db_batch *writer;

int votes_start(const config *cfg, err *e)
{
	return db_batch_start(cfg->val[CFG_DATABASE], &writer, e);
}

void votes_stop(void)
{
	db_batch_stop(writer);
}

void votes_free(void)
{
	db_batch_free(writer);
	writer = NULL;
}

struct vote_job {
	struct db_job job; /* first: the writer hands back &job */
	req *r;
	int64_t wish, user;
	int take_back;
	int budget;                      /* open votes a member may hold; 0: any number */
	struct person_segment who;       /* the voter, as the vote keeps them */
	const char *keys[SEGMENT_KEYS];  /* the segments the vote counts in */
	int nkeys;
	int changed; /* the vote was added or taken back */
	enum { V_OK, V_CLOSED, V_GONE, V_BUDGET } outcome;
};

/* Why a vote did not go in: the wish is not there, or takes no votes. */
static int why_not(db *d, arena *a, struct vote_job *j, err *e)
{
	db_res w;
	int rc = db_query(d, a, "SELECT 1 FROM wishes WHERE id = ?", DB_ARGS(DB_INT(j->wish)), &w, e);
	j->outcome = !rc && !w.nrows ? V_GONE : V_CLOSED;
	return rc;
}

/* The wishes still taking votes: what a vote budget counts. */
#define OPEN_WISH "w.shown = 'visible' AND w.status NOT IN ('implemented', 'declined', 'duplicate')"

/* PostgreSQL: a vote in one round trip (the writer runs the jobs one
 * after another, so each statement less is a round trip less a vote):
 * the wish locked if it takes votes, the vote with who cast it, the count
 * and the heat, the segments and the voter following it, in one
 * statement. */
static int vote_pg(db *d, struct vote_job *j, err *e)
{
	arena a = ARENA_INIT;
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	auth_new_token(token, hash);
	int64_t now = unix_now();
	buf sql = BUF_INIT;
	buf_adds(&sql, "WITH w AS (SELECT w.id FROM wishes w WHERE w.id = ? AND " OPEN_WISH " FOR UPDATE), "
		       "v AS (INSERT INTO wish_votes (wish_id, user_id, created_at, job_role, org_category, org_industry) "
		       "SELECT id, ?, ?, ?, ?, ? FROM w ON CONFLICT (wish_id, user_id) DO NOTHING RETURNING wish_id), ");
	buf_addf(&sql, "c AS (UPDATE wishes SET votes = votes + 1, heat = %s, active_at = ? WHERE id IN (SELECT wish_id FROM v) "
		       "RETURNING id), ", wish_heat_sql(d, 1));
	buf_adds(&sql, "f AS (INSERT INTO wish_followers (wish_id, user_id, token) SELECT wish_id, ?, ? FROM v "
		       "ON CONFLICT (wish_id, user_id) DO NOTHING)");
	db_param p[10 + SEGMENT_KEYS];
	int n = 0;
	p[n++] = DB_INT(j->wish);
	p[n++] = DB_INT(j->user);
	p[n++] = DB_TIME(now);
	p[n++] = DB_TEXT(j->who.job_role);
	p[n++] = DB_TEXT(j->who.org_category);
	p[n++] = DB_TEXT(j->who.org_industry);
	p[n++] = DB_REAL(wish_week(now));
	p[n++] = DB_TIME(now);
	p[n++] = DB_INT(j->user);
	p[n++] = DB_TEXT(token);
	if (j->nkeys) {
		buf_adds(&sql, ", s AS (INSERT INTO wish_segments (wish_id, segment, votes) SELECT v.wish_id, k.seg, 1 FROM v, (VALUES ");
		for (int i = 0; i < j->nkeys; i++) {
			buf_adds(&sql, i ? ", (?)" : "(?)");
			p[n++] = DB_TEXT(j->keys[i]);
		}
		buf_adds(&sql, ") k(seg) ON CONFLICT (wish_id, segment) DO UPDATE SET votes = wish_segments.votes + 1)");
	}
	buf_adds(&sql, " SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM c)");
	db_res x;
	int rc = db_query(d, &a, sql.s, p, n, &x, e);
	buf_release(&sql);
	if (!rc && !db_get_int(&x, 0, 0))
		rc = why_not(d, &a, j, e);
	else if (!rc)
		j->changed = db_get_int(&x, 0, 1) > 0;
	arena_release(&a);
	return rc;
}

/* With a budget: whether the member still has a vote to give. Their
 * votes are counted under a lock of their own on PostgreSQL, so two
 * servers' writers cannot both give the last one. */
static int over_budget(db *d, arena *a, struct vote_job *j, int *over, err *e)
{
	enum { BUDGET_LOCK = 0x77697368 }; /* the budget's advisory lock class */
	int rc = 0;
	db_res x;
	*over = 0;
	if (db_engine_of(d) == DB_POSTGRES)
		rc = db_query(d, a, "SELECT pg_advisory_xact_lock(?, CAST(? AS integer))",
			      DB_ARGS(DB_INT(BUDGET_LOCK), DB_INT(j->user)), &x, e);
	if (!rc)
		rc = db_query(d, a, "SELECT count(*) FROM wish_votes v JOIN wishes w ON w.id = v.wish_id WHERE v.user_id = ? "
				    "AND v.wish_id <> ? AND " OPEN_WISH,
			      DB_ARGS(DB_INT(j->user), DB_INT(j->wish)), &x, e);
	if (!rc)
		*over = db_get_int(&x, 0, 0) >= j->budget;
	return rc;
}

/* Runs in the writer's transaction (maybe more than once). */
static int vote_tx(db *d, void *p, err *e)
{
	struct vote_job *j = p;
	arena a = ARENA_INIT;
	db_res w;
	j->changed = 0;
	j->outcome = V_OK;
	int pg = db_engine_of(d) == DB_POSTGRES;
	if (pg && !j->take_back && !j->budget)
		return vote_pg(d, j, e);
	/* The wish's row first, locked on PostgreSQL: every vote on it takes
	 * the same lock in the same order (the batch orders jobs by wish). */
	int rc = db_query(d, &a, pg ? "SELECT shown, status FROM wishes WHERE id = ? FOR UPDATE"
				    : "SELECT shown, status FROM wishes WHERE id = ?",
			  DB_ARGS(DB_INT(j->wish)), &w, e);
	if (!rc && !w.nrows)
		j->outcome = V_GONE;
	else if (!rc && !j->take_back &&
		 (strcmp(db_get(&w, 0, 0), "visible") || !strcmp(db_get(&w, 0, 1), "implemented") ||
		  !strcmp(db_get(&w, 0, 1), "declined") || !strcmp(db_get(&w, 0, 1), "duplicate")))
		j->outcome = V_CLOSED;
	int over = 0;
	if (!rc && j->outcome == V_OK && !j->take_back && j->budget && !(rc = over_budget(d, &a, j, &over, e)) && over)
		j->outcome = V_BUDGET;
	int64_t now = unix_now(), at = now;
	db_res gone;
	gone.nrows = 0;
	if (!rc && j->outcome == V_OK && j->take_back) {
		/* What the vote counted in comes back out of the counts. */
		rc = db_query(d, &a, "DELETE FROM wish_votes WHERE wish_id = ? AND user_id = ? "
				     "RETURNING created_at, job_role, org_category, org_industry",
			      DB_ARGS(DB_INT(j->wish), DB_INT(j->user)), &gone, e);
		if (!rc && gone.nrows) {
			at = db_get_int(&gone, 0, 0);
			struct person_segment was = { db_get(&gone, 0, 1), db_get(&gone, 0, 2), db_get(&gone, 0, 3) };
			j->nkeys = wish_segment_keys(&a, &was, j->keys);
			j->changed = 1;
		}
	} else if (!rc && j->outcome == V_OK) {
		int64_t n = 0;
		rc = db_exec(d, "INSERT INTO wish_votes (wish_id, user_id, created_at, job_role, org_category, org_industry) "
				"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (wish_id, user_id) DO NOTHING",
			     DB_ARGS(DB_INT(j->wish), DB_INT(j->user), DB_TIME(now), DB_TEXT(j->who.job_role),
				     DB_TEXT(j->who.org_category), DB_TEXT(j->who.org_industry)), &n, e);
		j->changed = n > 0;
	}
	if (!rc && j->changed)
		rc = db_exec(d, arena_printf(&a, "UPDATE wishes SET votes = votes + ?, heat = %s, active_at = ? WHERE id = ?",
					     wish_heat_sql(d, j->take_back ? -1 : 1)),
			     DB_ARGS(DB_INT(j->take_back ? -1 : 1), DB_REAL(wish_week(at)), DB_TIME(now), DB_INT(j->wish)), NULL, e);
	if (!rc && j->changed)
		rc = wish_segments_add(d, j->wish, j->keys, j->nkeys, j->take_back ? -1 : 1, e);
	/* A voter hears what becomes of the wish, unless they said stop. */
	if (!rc && j->changed && !j->take_back)
		rc = wish_follow_once(d, j->wish, j->user, e);
	arena_release(&a);
	return rc;
}

static void vote_done(struct db_job *job, int rc)
{
	struct vote_job *j = (struct vote_job *)job;
	j->job.rc = rc;
	if (rc)
		log_error("vote: %s", j->job.e.msg);
	http_resume(j->r);
}

static int voted(req *r, resp *out)
{
	struct vote_job *j = r->pending;
	if (j->job.rc)
		return j->job.rc;
	if (j->outcome == V_GONE)
		return http_error(r, out, 404, "not_found", "wishes.err.not_found");
	if (j->outcome == V_CLOSED)
		return http_error(r, out, 409, "closed", "wishes.err.closed");
	if (j->outcome == V_BUDGET) {
		http_error(r, out, 409, "no_votes_left", "wishes.err.budget");
		json_object_set_new(json_object_get(out->model, "error"), "message",
				    json_string(arena_printf(&r->a, T("wishes.err.budget"), j->budget)));
		return 0;
	}
	if (r->api) {
		out->model = json_pack("{s:I,s:b,s:b}", "id", (json_int_t)j->wish, "voted", !j->take_back, "changed", j->changed);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/wishes/%lld?%s=1", (long long)j->wish,
						  j->take_back ? "unvoted" : "voted"));
}

static int submit(req *r, resp *out, int take_back)
{
	int64_t id;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "wishes.err.not_found");
	struct vote_job *j = arena_alloc(&r->a, sizeof(*j));
	*j = (struct vote_job){ .r = r, .wish = id, .user = r->user_id, .take_back = take_back,
				.budget = r->cfg->wish_votes };
	/* Who the voter is, read here (each worker its own) rather than in
	 * the one writer's transaction. */
	if (!take_back) {
		err e = ERR_INIT;
		int rc = people_segment(r->db, &r->a, r->user_id, &j->who, &e);
		if (rc)
			return rc == ERR_NOTFOUND ? http_error(r, out, 403, "forbidden", "error.forbidden") : rc;
		j->nkeys = wish_segment_keys(&r->a, &j->who, j->keys);
	}
	j->job.fn = vote_tx;
	j->job.done = vote_done;
	j->job.ctx = j;
	j->job.lock_order = id;
	r->pending = j;
	http_suspend(r, voted);
	if (!writer || db_batch_submit(writer, &j->job)) {
		j->job.rc = ERR_UNAVAILABLE;
		http_resume(r);
	}
	return 0;
}

static int vote(req *r, resp *out)
{
	return submit(r, out, 0);
}

static int unvote(req *r, resp *out)
{
	return submit(r, out, 1);
}

static const struct route routes[] = {
	{ M_POST, "/wishes/:id/vote", vote, SIGNED_IN, 1, "wish-vote", NULL, no_inputs },
	{ M_POST, "/wishes/:id/unvote", unvote, SIGNED_IN, 1, "wish-unvote", NULL, no_inputs },
};

const struct route_table vote_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

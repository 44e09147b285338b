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
	int changed; /* the vote was added or taken back */
	enum { V_OK, V_CLOSED, V_GONE } outcome;
};

/* Why a vote did not go in: the wish is not there, or takes no votes. */
static int why_not(db *d, arena *a, struct vote_job *j, err *e)
{
	db_res w;
	int rc = db_query(d, a, "SELECT 1 FROM wishes WHERE id = ?", DB_ARGS(DB_INT(j->wish)), &w, e);
	j->outcome = !rc && !w.nrows ? V_GONE : V_CLOSED;
	return rc;
}

/* PostgreSQL: a vote in one round trip (the writer runs the jobs one
 * after another, so each statement less is a round trip less a vote):
 * the wish locked if it takes votes, the vote, the count and the voter
 * following it, in one statement. */
static int vote_pg(db *d, struct vote_job *j, err *e)
{
	arena a = ARENA_INIT;
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	auth_new_token(token, hash);
	db_res x;
	int rc = db_query(d, &a,
		"WITH w AS (SELECT id FROM wishes WHERE id = ? AND shown = 'visible' AND status NOT IN ('implemented', "
		"'declined', 'duplicate') FOR UPDATE), "
		"v AS (INSERT INTO wish_votes (wish_id, user_id, created_at) SELECT id, ?, ? FROM w "
		"ON CONFLICT (wish_id, user_id) DO NOTHING RETURNING wish_id), "
		"c AS (UPDATE wishes SET votes = votes + 1, active_at = ? WHERE id IN (SELECT wish_id FROM v) RETURNING id), "
		"f AS (INSERT INTO wish_followers (wish_id, user_id, token) SELECT wish_id, ?, ? FROM v "
		"ON CONFLICT (wish_id, user_id) DO NOTHING) "
		"SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM c)",
		DB_ARGS(DB_INT(j->wish), DB_INT(j->user), DB_TIME(unix_now()), DB_TIME(unix_now()), DB_INT(j->user),
			DB_TEXT(token)), &x, e);
	if (!rc && !db_get_int(&x, 0, 0))
		rc = why_not(d, &a, j, e);
	else if (!rc)
		j->changed = db_get_int(&x, 0, 1) > 0;
	arena_release(&a);
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
	if (pg && !j->take_back)
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
	int64_t n = 0;
	if (!rc && j->outcome == V_OK && j->take_back)
		rc = db_exec(d, "DELETE FROM wish_votes WHERE wish_id = ? AND user_id = ?",
			     DB_ARGS(DB_INT(j->wish), DB_INT(j->user)), &n, e);
	else if (!rc && j->outcome == V_OK)
		rc = db_exec(d, "INSERT INTO wish_votes (wish_id, user_id, created_at) VALUES (?, ?, ?) "
				"ON CONFLICT (wish_id, user_id) DO NOTHING",
			     DB_ARGS(DB_INT(j->wish), DB_INT(j->user), DB_TIME(unix_now())), &n, e);
	if (!rc && n) {
		j->changed = 1;
		rc = db_exec(d, "UPDATE wishes SET votes = votes + ?, active_at = ? WHERE id = ?",
			     DB_ARGS(DB_INT(j->take_back ? -1 : 1), DB_TIME(unix_now()), DB_INT(j->wish)), NULL, e);
	}
	/* A voter hears what becomes of the wish, unless they said stop. */
	if (!rc && n && !j->take_back)
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
	*j = (struct vote_job){ .r = r, .wish = id, .user = r->user_id, .take_back = take_back };
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

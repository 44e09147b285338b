/* contest.c: the games a salon plays, kept as part of its record.
 *
 * The debate: a motion, the teams (side, captain, members), the questions
 * each team asked with the answer it got, the winner. A question an
 * organizer marks "kb" is ready to become a knowledge-base entry.
 *
 * Share-to-win prize draws: people share the salon's article and send the
 * like count with a link or screenshot note; entries with at least the
 * draw's threshold of likes take part. The winners follow from a seed
 * published with them: each eligible entry's number `no` is hashed as
 * BLAKE2b-256 of "seed:no" (what `printf '%s' 'seed:no' | b2sum -l 256`
 * prints), the lowest hashes win, the first prize going to the lowest.
 * Anyone can re-run that from the event page; drawing again with the same
 * seed gives the same winners and writes nothing. Entries are frozen once
 * drawn; an organizer may cancel a draw (audited) to redraw. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/cal.h"
#include "events/internal.h"
#include "view/i18n.h"
#include "base/banned.h"

/* ---- what the event page and the organizer's page show ---- */

/* Questions belong to teams and entries to draws: an event with neither
 * (most of them) costs two statements, not four. */
static int contest_rows(req *r, db *d, int64_t id, db_res *teams, db_res *qs, db_res *draws, db_res *entries, err *e)
{
	*qs = *entries = (db_res){ 0 };
	int rc = db_query(d, &r->a, "SELECT id, name, side, captain, members, won FROM debate_teams WHERE event_id = ? "
				    "ORDER BY id", DB_ARGS(DB_INT(id)), teams, e);
	if (!rc && teams->nrows)
		rc = db_query(d, &r->a, "SELECT q.id, q.team_id, t.name, q.question, q.answer, q.kb FROM debate_questions q "
					"JOIN debate_teams t ON t.id = q.team_id WHERE q.event_id = ? ORDER BY q.id",
			      DB_ARGS(DB_INT(id)), qs, e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT id, title, min_likes, prizes, coalesce(seed, ''), coalesce(drawn_at, created_at) "
					"FROM prize_draws WHERE event_id = ? ORDER BY id", DB_ARGS(DB_INT(id)), draws, e);
	if (!rc && draws->nrows)
		rc = db_query(d, &r->a, "SELECT p.draw_id, p.id, p.no, p.name, p.proof, p.likes, coalesce(p.rank, 0), "
					"coalesce(p.prize, ''), p.user_id IS NOT NULL FROM prize_entries p "
					"JOIN prize_draws w ON w.id = p.draw_id "
					"WHERE w.event_id = ? ORDER BY p.draw_id, p.no", DB_ARGS(DB_INT(id)), entries, e);
	return rc;
}

static json_t *debate_model(const char *motion, const db_res *t, const db_res *q)
{
	json_t *teams = json_array(), *questions = json_array(), *winner = NULL;
	for (int i = 0; i < t->nrows; i++) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)db_get_int(t, i, 0), "name",
				      db_get(t, i, 1), "side", db_get(t, i, 2), "captain", db_get(t, i, 3), "members",
				      db_get(t, i, 4), "won", (int)db_get_int(t, i, 5));
		if (db_get_int(t, i, 5))
			winner = json_string(db_get(t, i, 1));
		json_array_append_new(teams, o);
	}
	for (int i = 0; i < q->nrows; i++)
		json_array_append_new(questions, json_pack("{s:I,s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)db_get_int(q, i, 0),
							   "team_id", (json_int_t)db_get_int(q, i, 1), "team",
							   db_get(q, i, 2), "question", db_get(q, i, 3), "answer",
							   db_get(q, i, 4), "kb", (int)db_get_int(q, i, 5)));
	json_t *m = json_pack("{s:s,s:o,s:o,s:b}", "motion", motion ? motion : "", "teams", teams, "questions", questions,
			      "any", (motion && *motion) || t->nrows || q->nrows);
	if (winner)
		json_object_set_new(m, "winner", winner);
	return m;
}

/* One draw: its prizes, and when drawn its seed, winners and every entry
 * with its hash, for anyone to check; proof is for organizers only. */
static json_t *draw_model(req *r, const struct event_row *ev, const db_res *w, int i, const db_res *x, int organizer)
{
	int64_t id = db_get_int(w, i, 0), min = db_get_int(w, i, 2);
	const char *seed = db_get(w, i, 4);
	const char **prizes = arena_alloc(&r->a, sizeof(char *) * PRIZES_MAX);
	int np = draw_prizes(&r->a, db_get(w, i, 3), prizes, PRIZES_MAX);
	json_t *pz = json_array(), *entries = json_array(), *winners = json_array();
	for (int k = 0; k < np; k++)
		json_array_append_new(pz, json_pack("{s:i,s:s}", "rank", k + 1, "prize", prizes[k]));
	int total = 0, eligible = 0;
	int64_t first_no = 1; /* the example in the recipe: this draw's first entry */
	for (int k = 0; k < x->nrows; k++) {
		if (db_get_int(x, k, 0) != id)
			continue;
		int64_t no = db_get_int(x, k, 2), likes = db_get_int(x, k, 5), rank = db_get_int(x, k, 6);
		json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:b}", "id", (json_int_t)db_get_int(x, k, 1), "no", (json_int_t)no,
				      "name", db_get(x, k, 3), "likes", (json_int_t)likes, "eligible", likes >= min);
		json_object_set_new(o, "draw_id", json_integer(id));
		if (organizer) {
			json_object_set_new(o, "proof", json_string(db_get(x, k, 4)));
			json_object_set_new(o, "member", json_boolean(db_get_int(x, k, 8)));
		}
		if (*seed) {
			char hex[DRAW_HASH_HEX];
			draw_hash(seed, no, hex);
			json_object_set_new(o, "hash", json_string(hex));
		}
		if (rank) {
			json_object_set_new(o, "rank", json_integer(rank));
			json_object_set_new(o, "prize", json_string(db_get(x, k, 7)));
			json_array_append(winners, o);
		}
		json_array_append_new(entries, o);
		if (!total)
			first_no = no;
		total++;
		eligible += likes >= min;
	}
	/* Winners by rank: the entries come by number. */
	size_t nw = json_array_size(winners);
	for (size_t a = 1; a < nw; a++)
		for (size_t b = a; b > 0; b--) {
			json_t *p = json_array_get(winners, b - 1), *q = json_array_get(winners, b);
			if (json_integer_value(json_object_get(p, "rank")) <= json_integer_value(json_object_get(q, "rank")))
				break;
			json_incref(p);
			json_array_set(winners, b - 1, q);
			json_array_set_new(winners, b, p);
		}
	/* draw_id as well as id: inside {{#me}} on the page, id is the member's. */
	json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:o,s:o,s:o,s:i,s:i,s:b,s:s}", "id", (json_int_t)id, "draw_id",
			      (json_int_t)id, "title", db_get(w, i, 1),
			      "min_likes", (json_int_t)min, "prizes", pz, "entries", entries, "winners", winners, "total",
			      total, "eligible", eligible, "drawn", *seed != '\0', "seed", seed);
	if (*seed) {
		json_object_set_new(o, "drawn_date", json_string(clock_date(&r->a, ev->tz, db_get_int(w, i, 5))));
		json_object_set_new(o, "check", json_string(arena_printf(&r->a, "printf '%%s' '%s:%lld' | b2sum -l 256",
									 seed, (long long)first_no)));
	}
	return o;
}

int contest_model(req *r, db *d, const struct event_row *ev, int organizer, json_t *m, err *e)
{
	db_res t, q, w, x, mo;
	int rc = contest_rows(r, d, ev->id, &t, &q, &w, &x, e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT coalesce(debate_motion, '') FROM events WHERE id = ?", DB_ARGS(DB_INT(ev->id)),
			      &mo, e);
	if (rc)
		return rc;
	json_object_set_new(m, "debate", debate_model(mo.nrows ? db_get(&mo, 0, 0) : "", &t, &q));
	json_t *draws = json_array();
	for (int i = 0; i < w.nrows; i++)
		json_array_append_new(draws, draw_model(r, ev, &w, i, &x, organizer));
	json_object_set_new(m, "draws", draws);
	return 0;
}

int contest_mine(req *r, db *d, int64_t event_id, json_t *em, json_t *refused, err *e)
{
	db_res x;
	if (!json_array_size(json_object_get(em, "draws")))
		return 0;
	int rc = db_query(d, &r->a, "SELECT p.draw_id, p.no, p.likes, p.proof, coalesce(p.rank, 0), coalesce(p.prize, '') "
				    "FROM prize_entries p JOIN prize_draws w ON w.id = p.draw_id "
				    "WHERE w.event_id = ? AND p.user_id = ?",
			  DB_ARGS(DB_INT(event_id), DB_INT(r->user_id)), &x, e);
	if (rc)
		return rc;
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(em, "draws"), i, w) {
		json_int_t id = json_integer_value(json_object_get(w, "id"));
		for (int k = 0; k < x.nrows; k++)
			if (db_get_int(&x, k, 0) == id) {
				json_t *my = json_pack("{s:I,s:I,s:s}", "no", (json_int_t)db_get_int(&x, k, 1), "likes",
						       (json_int_t)db_get_int(&x, k, 2), "proof", db_get(&x, k, 3));
				if (db_get_int(&x, k, 4))
					json_object_set_new(my, "prize", json_string(db_get(&x, k, 5)));
				json_object_set_new(w, "my", my);
			}
		if (refused && json_integer_value(json_object_get(refused, "id")) == id)
			json_object_set(w, "refused", refused);
	}
	return 0;
}

/* ---- the organizer's page ---- */

static int contest_page(req *r, resp *out, db *d, const struct event_row *ev, unsigned status, const char *message,
			json_t *form)
{
	err e = ERR_INIT;
	json_t *m = json_pack("{s:{s:I,s:s,s:s}}", "event", "id", (json_int_t)ev->id, "title", ev->title, "when",
			      event_when(&r->a, r->lang, ev));
	int rc = contest_model(r, d, ev, 1, m, &e);
	if (rc) {
		json_decref(m);
		json_decref(form);
		return rc;
	}
	if (message)
		json_object_set_new(m, "error", json_pack("{s:s,s:s}", "code", "invalid", "message", message));
	json_object_set_new(m, "form", form ? form : json_object());
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T(*req_query(r, "saved") == 's' ? "draw.same" : "events.saved")));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/contest.html", "contest.title", m);
}

static int contest_get(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	return contest_page(r, out, d, ev, 200, NULL, NULL);
}

/* A refused change: 422 (or status) with the message, the form refilled
 * on the page, or the error for the API. */
static int refuse(req *r, resp *out, db *d, const struct event_row *ev, unsigned status, const char *message,
		  json_t *form)
{
	if (r->api) {
		json_decref(form);
		return http_error(r, out, status, status == 409 ? "conflict" : "invalid", message);
	}
	return contest_page(r, out, d, ev, status, message, form);
}

static int done(req *r, resp *out, int64_t id, const char *anchor, json_t *model)
{
	if (r->api) {
		out->model = model;
		return 0;
	}
	json_decref(model);
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/contest?saved=1#%s", (long long)id, anchor));
}

/* Runs one parameterized statement about the event and its audit line in
 * one transaction: what every simple change here is. */
struct change_ctx {
	req *r;
	const char *sql, *action, *detail;
	db_param args[8];
	int nargs;
	int64_t event_id, changed, id;
	int returning;
	const char *then; /* a second statement on the same arguments, run when the first changed a row */
	/* When set: a statement that must return a row first (the team or
	 * draw named belongs to this event, an undrawn draw); else nothing
	 * changes and missing is set. */
	const char *check;
	db_param check_args[2];
	int missing;
};

static int change_tx(db *d, void *p, err *e)
{
	struct change_ctx *c = p;
	int rc;
	if (c->check) {
		db_res k;
		if ((rc = db_query(d, &c->r->a, c->check, c->check_args, 2, &k, e)))
			return rc;
		if ((c->missing = !k.nrows))
			return 0;
	}
	if (c->returning) {
		db_res x;
		rc = db_query(d, &c->r->a, c->sql, c->args, c->nargs, &x, e);
		c->changed = !rc && x.nrows;
		if (c->changed)
			c->id = db_get_int(&x, 0, 0);
	} else {
		rc = db_exec(d, c->sql, c->args, c->nargs, &c->changed, e);
	}
	if (!rc && c->changed && c->then)
		rc = db_exec(d, c->then, c->args, c->nargs, NULL, e);
	if (!rc && c->changed)
		rc = auth_audit(d, c->r->user_id, c->action, arena_printf(&c->r->a, "event:%lld", (long long)c->event_id),
				c->detail, c->r->client, e);
	return rc;
}

static int change(db *d, struct change_ctx *c)
{
	err e = ERR_INIT;
	int rc = db_tx(d, change_tx, c, &e);
	if (rc && rc != ERR_CONSTRAINT)
		log_error("%s: %s", c->action, e.msg);
	return rc;
}

/* ---- the debate ---- */

static int motion_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *motion = trimmed(&r->a, req_form(r, "motion"));
	if (text_len(motion) > MOTION_MAX || has_control(motion))
		return refuse(r, out, d, ev, 422, T("debate.err.motion"), json_pack("{s:s}", "motion", motion));
	struct change_ctx c = { .r = r, .sql = "UPDATE events SET debate_motion = ? WHERE id = ?", .action = "event.debate",
				.detail = motion, .args = { DB_TEXT(*motion ? motion : NULL), DB_INT(ev->id) }, .nargs = 2,
				.event_id = ev->id };
	int rc = change(d, &c);
	return rc ? rc : done(r, out, ev->id, "debate", json_pack("{s:b}", "saved", 1));
}

static int team_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *name = trimmed(&r->a, req_form(r, "name")), *side = trimmed(&r->a, req_form(r, "side")),
		   *captain = trimmed(&r->a, req_form(r, "captain")), *members = trimmed(&r->a, req_form(r, "members"));
	json_t *form = json_pack("{s:s,s:s,s:s,s:s}", "team_name", name, "side", side, "captain", captain, "members", members);
	const char *why = !*name ? "debate.err.team_name" : text_len(name) > NAME_MAX_CHARS || has_control(name) ?
			  "debate.err.team_name" : text_len(side) > SIDE_MAX || has_control(side) ? "debate.err.side" :
			  text_len(captain) > NAME_MAX_CHARS || has_control(captain) ? "debate.err.captain" :
			  text_len(members) > MEMBERS_MAX || has_control(members) ? "debate.err.members" : NULL;
	if (why)
		return refuse(r, out, d, ev, 422, T(why), form);
	struct change_ctx c = { .r = r, .sql = "INSERT INTO debate_teams (event_id, name, side, captain, members, created_at) "
						"VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				.action = "event.debate_team", .detail = name,
				.args = { DB_INT(ev->id), DB_TEXT(name), DB_TEXT(side), DB_TEXT(captain), DB_TEXT(members),
					  DB_TIME(unix_now()) },
				.nargs = 6, .event_id = ev->id, .returning = 1 };
	int rc = change(d, &c);
	if (rc == ERR_CONSTRAINT)
		return refuse(r, out, d, ev, 409, T("debate.err.team_exists"), form);
	json_decref(form);
	if (rc)
		return rc;
	out->status = 201;
	return done(r, out, ev->id, "debate", json_pack("{s:I}", "id", (json_int_t)c.id));
}

/* The team that won, or none (team=0): one row at most is won, which a
 * unique index keeps true. */
struct winner_ctx {
	req *r;
	int64_t event_id, team;
	int found;
};

static int winner_tx(db *d, void *p, err *e)
{
	struct winner_ctx *c = p;
	db_res x;
	int rc = 0;
	if (c->team) {
		rc = db_query(d, &c->r->a, "SELECT 1 FROM debate_teams WHERE id = ? AND event_id = ?",
			      DB_ARGS(DB_INT(c->team), DB_INT(c->event_id)), &x, e);
		if (rc || !(c->found = x.nrows))
			return rc;
	}
	c->found = 1;
	rc = db_exec(d, "UPDATE debate_teams SET won = ? WHERE event_id = ? AND won = ?",
		     DB_ARGS(DB_BOOL(0), DB_INT(c->event_id), DB_BOOL(1)), NULL, e);
	if (!rc && c->team)
		rc = db_exec(d, "UPDATE debate_teams SET won = ? WHERE id = ?", DB_ARGS(DB_BOOL(1), DB_INT(c->team)), NULL, e);
	if (!rc)
		rc = auth_audit(d, c->r->user_id, "event.debate_winner", arena_printf(&c->r->a, "event:%lld",
										    (long long)c->event_id),
				arena_printf(&c->r->a, "team:%lld", (long long)c->team), c->r->client, e);
	return rc;
}

static int winner_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	struct winner_ctx c = { r, ev->id, 0, 0 };
	if (parse_i64(req_form(r, "team"), 0, INT64_MAX, &c.team))
		return refuse(r, out, d, ev, 422, T("debate.err.team"), NULL);
	int rc = db_tx(d, winner_tx, &c, &e);
	if (rc)
		return rc;
	if (!c.found)
		return refuse(r, out, d, ev, 422, T("debate.err.team"), NULL);
	return done(r, out, ev->id, "debate", json_pack("{s:b}", "saved", 1));
}

/* Line breaks are what questions and answers are made of; other control
 * bytes are not. */
static int bad_text(const char *s, size_t max)
{
	if (text_len(s) > max)
		return 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < ' ' && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return 1;
	return 0;
}

static int question_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *question = trimmed(&r->a, req_form(r, "question")), *answer = trimmed(&r->a, req_form(r, "answer"));
	const char *team_s = req_form(r, "team"), *kb_s = req_form(r, "kb");
	int kb = kb_s && *kb_s && strcmp(kb_s, "0");
	int64_t team = 0;
	json_t *form = json_pack("{s:s,s:s,s:s,s:b}", "question", question, "answer", answer, "team",
				 team_s ? team_s : "", "kb", kb);
	const char *why = parse_i64(team_s, 1, INT64_MAX, &team) ? "debate.err.team" :
			  !*question || bad_text(question, QUESTION_MAX) ? "debate.err.question" :
			  bad_text(answer, ANSWER_MAX) ? "debate.err.answer" : NULL;
	if (why)
		return refuse(r, out, d, ev, 422, T(why), form);
	struct change_ctx c = { .r = r, .sql = "INSERT INTO debate_questions (event_id, team_id, question, answer, kb, created_at) "
						"VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				.action = "event.debate_question", .detail = question,
				.args = { DB_INT(ev->id), DB_INT(team), DB_TEXT(question), DB_TEXT(answer), DB_BOOL(kb),
					  DB_TIME(unix_now()) },
				.nargs = 6, .event_id = ev->id, .returning = 1,
				.check = "SELECT 1 FROM debate_teams WHERE id = ? AND event_id = ?",
				.check_args = { DB_INT(team), DB_INT(ev->id) } };
	int rc = change(d, &c);
	if (!rc && c.missing)
		return refuse(r, out, d, ev, 422, T("debate.err.team"), form);
	json_decref(form);
	if (rc)
		return rc;
	out->status = 201;
	return done(r, out, ev->id, "questions", json_pack("{s:I}", "id", (json_int_t)c.id));
}

/* The one-row changes a route names by :param: 404 when the row is not
 * this event's, 409 (message conflict) when it is but may not change. */
static int row_change(req *r, resp *out, const char *param, const char *check, const char *sql, const char *then,
		      const char *action, const char *anchor, db_param extra, const char *conflict)
{
	int64_t id, what;
	if (req_id(r, &id) || parse_i64(req_param(r, param), 1, INT64_MAX, &what))
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	struct change_ctx c = { .r = r, .sql = sql, .then = then, .action = action,
				.detail = arena_printf(&r->a, "%s:%lld", param, (long long)what), .args = { extra, DB_INT(what) },
				.nargs = extra.type == DBP_NULL ? 0 : 2, .event_id = id, .check = check,
				.check_args = { DB_INT(what), DB_INT(id) } };
	if (extra.type == DBP_NULL) {
		c.args[0] = DB_INT(what);
		c.nargs = 1;
	}
	int rc = change(d, &c);
	if (rc)
		return rc;
	if (c.missing)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (!c.changed && conflict)
		return http_error(r, out, 409, "conflict", conflict);
	return done(r, out, id, anchor, json_pack("{s:b}", "saved", 1));
}

static int team_delete(req *r, resp *out)
{
	return row_change(r, out, "team", "SELECT 1 FROM debate_teams WHERE id = ? AND event_id = ?",
			  "DELETE FROM debate_teams WHERE id = ?", NULL, "event.debate_team_delete", "debate", DB_NULL, NULL);
}

static int question_delete(req *r, resp *out)
{
	return row_change(r, out, "question", "SELECT 1 FROM debate_questions WHERE id = ? AND event_id = ?",
			  "DELETE FROM debate_questions WHERE id = ?", NULL, "event.debate_question_delete", "questions", DB_NULL,
			  NULL);
}

/* Marks a question ready (kb=1) or not (kb=0) for the knowledge base. */
static int question_kb(req *r, resp *out)
{
	const char *kb = req_form(r, "kb");
	return row_change(r, out, "question", "SELECT 1 FROM debate_questions WHERE id = ? AND event_id = ?",
			  "UPDATE debate_questions SET kb = ? WHERE id = ?", NULL, "event.debate_question_kb", "questions",
			  DB_BOOL(kb && *kb && strcmp(kb, "0")), NULL);
}

/* ---- prize draws ---- */

static int draw_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *title = trimmed(&r->a, req_form(r, "title")), *min_s = trimmed(&r->a, req_form(r, "min_likes")),
		   *prizes = trimmed(&r->a, req_form(r, "prizes"));
	json_t *form = json_pack("{s:s,s:s,s:s}", "draw_title", title, "min_likes", min_s, "prizes", prizes);
	int64_t min = 0;
	const char **list = arena_alloc(&r->a, sizeof(char *) * PRIZES_MAX);
	const char *why = !*title || text_len(title) > NAME_MAX_CHARS || has_control(title) ? "draw.err.title" :
			  *min_s && parse_i64(min_s, 0, LIKES_MAX, &min) ? "draw.err.min_likes" :
			  bad_text(prizes, PRIZES_MAX * (PRIZE_LINE_MAX + 8)) || draw_prizes(&r->a, prizes, list, PRIZES_MAX) < 1 ?
			  "draw.err.prizes" : NULL;
	if (why)
		return refuse(r, out, d, ev, 422, T(why), form);
	json_decref(form);
	struct change_ctx c = { .r = r, .sql = "INSERT INTO prize_draws (event_id, title, min_likes, prizes, created_at) "
						"VALUES (?, ?, ?, ?, ?) RETURNING id",
				.action = "event.draw_create", .detail = title,
				.args = { DB_INT(ev->id), DB_TEXT(title), DB_INT(min), DB_TEXT(prizes), DB_TIME(unix_now()) },
				.nargs = 5, .event_id = ev->id, .returning = 1 };
	int rc = change(d, &c);
	if (rc)
		return rc;
	out->status = 201;
	return done(r, out, ev->id, arena_printf(&r->a, "draw-%lld", (long long)c.id), json_pack("{s:I}", "id", (json_int_t)c.id));
}

static int draw_delete(req *r, resp *out)
{
	return row_change(r, out, "draw", "SELECT 1 FROM prize_draws WHERE id = ? AND event_id = ?",
			  "DELETE FROM prize_draws WHERE id = ? AND seed IS NULL", NULL, "event.draw_delete", "draws", DB_NULL,
			  "draw.err.drawn_delete");
}

static int entry_delete(req *r, resp *out)
{
	return row_change(r, out, "entry", "SELECT 1 FROM prize_entries p JOIN prize_draws w ON w.id = p.draw_id "
					   "WHERE p.id = ? AND w.event_id = ?",
			  "DELETE FROM prize_entries WHERE id = ? AND draw_id IN (SELECT id FROM prize_draws WHERE seed IS NULL)", NULL,
			  "event.draw_entry_delete", "draws", DB_NULL, "draw.err.frozen");
}

/* One pasted entry line: "name, likes, proof", separated by tabs, commas
 * (either width) or bars; or "name likes proof" by spaces, the like count
 * being the first number. "32赞" and "32 likes" count as 32. */
static int draw_locked(db *d, arena *a, int64_t draw_id, int64_t event_id, db_res *x, err *e)
{
	return db_query(d, a, db_engine_of(d) == DB_POSTGRES ?
			"SELECT coalesce(seed, ''), min_likes, prizes FROM prize_draws WHERE id = ? AND event_id = ? FOR UPDATE" :
			"SELECT coalesce(seed, ''), min_likes, prizes FROM prize_draws WHERE id = ? AND event_id = ?",
			DB_ARGS(DB_INT(draw_id), DB_INT(event_id)), x, e);
}

struct entries_ctx {
	req *r;
	int64_t event_id, draw_id;
	struct entry_line *v;
	int n, added, updated, missing, frozen;
};

static int entries_tx(db *d, void *p, err *e)
{
	struct entries_ctx *c = p;
	db_res x;
	c->added = c->updated = c->missing = c->frozen = 0;
	int rc = draw_locked(d, &c->r->a, c->draw_id, c->event_id, &x, e);
	if (rc || (c->missing = !x.nrows) || (c->frozen = *db_get(&x, 0, 0) != '\0'))
		return rc;
	for (int i = 0; !rc && i < c->n; i++) {
		const struct entry_line *l = &c->v[i];
		if ((rc = db_query(d, &c->r->a, "SELECT id FROM prize_entries WHERE draw_id = ? AND name = ?",
				   DB_ARGS(DB_INT(c->draw_id), DB_TEXT(l->name)), &x, e)))
			break;
		if (x.nrows) {
			rc = db_exec(d, "UPDATE prize_entries SET likes = ?, proof = ? WHERE id = ?",
				     DB_ARGS(DB_INT(l->likes), DB_TEXT(l->proof), DB_INT(db_get_int(&x, 0, 0))), NULL, e);
			c->updated++;
		} else {
			rc = db_exec(d, "INSERT INTO prize_entries (draw_id, no, name, proof, likes, created_at) VALUES "
					"(?, (SELECT coalesce(max(no), 0) + 1 FROM prize_entries WHERE draw_id = ?), ?, ?, ?, ?)",
				     DB_ARGS(DB_INT(c->draw_id), DB_INT(c->draw_id), DB_TEXT(l->name), DB_TEXT(l->proof),
					     DB_INT(l->likes), DB_TIME(unix_now())),
				     NULL, e);
			c->added++;
		}
	}
	if (!rc)
		rc = auth_audit(d, c->r->user_id, "event.draw_entries", arena_printf(&c->r->a, "event:%lld",
										   (long long)c->event_id),
				arena_printf(&c->r->a, "draw:%lld added %d, updated %d", (long long)c->draw_id, c->added,
					     c->updated),
				c->r->client, e);
	return rc;
}

/* The draw :draw of event :id, checked to be a number; 0 when it is. */
static int route_draw(req *r, resp *out, int64_t *draw)
{
	if (parse_i64(req_param(r, "draw"), 1, INT64_MAX, draw)) {
		http_error(r, out, 404, "not_found", "error.not_found");
		return 1;
	}
	return 0;
}

static int entries_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	struct entries_ctx c = { r, ev->id, 0, NULL, 0, 0, 0, 0, 0 };
	if (route_draw(r, out, &c.draw_id))
		return 0;
	const char *list = req_form(r, "list");
	json_t *form = json_pack("{s:s}", "list", list ? list : "");
	/* The single-entry fields make one line of the same shape. */
	const char *name = trimmed(&r->a, req_form(r, "name"));
	if (*name)
		list = arena_printf(&r->a, "%s\t%s\t%s", name, trimmed(&r->a, req_form(r, "likes")),
				    trimmed(&r->a, req_form(r, "proof")));
	c.v = arena_alloc(&r->a, sizeof(*c.v) * ENTRIES_MAX);
	const char *s = list ? list : "";
	int line = 0;
	const char *text;
	while ((text = draw_next_line(&r->a, &s))) {
		line++;
		if (!*text)
			continue;
		if (c.n == ENTRIES_MAX)
			return refuse(r, out, d, ev, 422, T("draw.err.too_many"), form);
		if (draw_entry_parse(&r->a, text, &c.v[c.n]))
			return refuse(r, out, d, ev, 422, arena_printf(&r->a, T("draw.err.line"), line, text), form);
		int dup = 0;
		for (int k = 0; k < c.n; k++)
			if (!strcmp(c.v[k].name, c.v[c.n].name)) {
				c.v[k] = c.v[c.n]; /* the later line is the newer count */
				dup = 1;
			}
		c.n += !dup;
	}
	if (!c.n)
		return refuse(r, out, d, ev, 422, T("draw.err.no_entries"), form);
	int rc = db_tx(d, entries_tx, &c, &e);
	if (rc) {
		json_decref(form);
		log_error("draw entries: %s", e.msg);
		return rc;
	}
	if (c.missing) {
		json_decref(form);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (c.frozen)
		return refuse(r, out, d, ev, 409, T("draw.err.frozen"), form);
	json_decref(form);
	return done(r, out, ev->id, arena_printf(&r->a, "draw-%lld", (long long)c.draw_id),
		    json_pack("{s:i,s:i}", "added", c.added, "updated", c.updated));
}

/* ---- members entering a draw themselves ---- */

/* A signed-in member enters under their display name with their proof
 * and like count, or changes them, or withdraws, until the draw is made.
 * One entry per member (a partial unique index); a name an organizer
 * already pasted is not claimed, the member is told to ask them. */
struct enter_ctx {
	req *r;
	int64_t event_id, draw_id, likes, no;
	const char *proof;
	int withdraw, missing, frozen, taken, none;
};

static int enter_tx(db *d, void *p, err *e)
{
	struct enter_ctx *c = p;
	arena *a = &c->r->a;
	db_res x, mine;
	c->missing = c->frozen = c->taken = c->none = 0;
	int rc = draw_locked(d, a, c->draw_id, c->event_id, &x, e);
	if (rc || (c->missing = !x.nrows) || (c->frozen = *db_get(&x, 0, 0) != '\0'))
		return rc;
	if ((rc = db_query(d, a, "SELECT id, no FROM prize_entries WHERE draw_id = ? AND user_id = ?",
			   DB_ARGS(DB_INT(c->draw_id), DB_INT(c->r->user_id)), &mine, e)))
		return rc;
	const char *action = "event.draw_enter";
	if (c->withdraw) {
		if ((c->none = !mine.nrows))
			return 0;
		c->no = db_get_int(&mine, 0, 1);
		action = "event.draw_withdraw";
		rc = db_exec(d, "DELETE FROM prize_entries WHERE id = ?", DB_ARGS(DB_INT(db_get_int(&mine, 0, 0))), NULL, e);
	} else if (mine.nrows) {
		c->no = db_get_int(&mine, 0, 1);
		rc = db_exec(d, "UPDATE prize_entries SET likes = ?, proof = ? WHERE id = ?",
			     DB_ARGS(DB_INT(c->likes), DB_TEXT(c->proof), DB_INT(db_get_int(&mine, 0, 0))), NULL, e);
	} else {
		if ((rc = db_query(d, a, "SELECT 1 FROM prize_entries WHERE draw_id = ? AND name = ?",
				   DB_ARGS(DB_INT(c->draw_id), DB_TEXT(c->r->user_name)), &x, e)) ||
		    (c->taken = x.nrows > 0))
			return rc;
		rc = db_query(d, a, "INSERT INTO prize_entries (draw_id, no, user_id, name, proof, likes, created_at) VALUES "
				    "(?, (SELECT coalesce(max(no), 0) + 1 FROM prize_entries WHERE draw_id = ?), ?, ?, ?, ?, ?) "
				    "RETURNING no",
			      DB_ARGS(DB_INT(c->draw_id), DB_INT(c->draw_id), DB_INT(c->r->user_id), DB_TEXT(c->r->user_name),
				      DB_TEXT(c->proof), DB_INT(c->likes), DB_TIME(unix_now())),
			      &x, e);
		if (!rc)
			c->no = db_get_int(&x, 0, 0);
	}
	if (!rc)
		rc = auth_audit(d, c->r->user_id, action, arena_printf(a, "event:%lld", (long long)c->event_id),
				c->withdraw ? arena_printf(a, "draw:%lld no %lld", (long long)c->draw_id, (long long)c->no)
					    : arena_printf(a, "draw:%lld no %lld, %lld likes", (long long)c->draw_id,
							   (long long)c->no, (long long)c->likes),
				c->r->client, e);
	return rc;
}

/* The event page again, the member's entry form refilled with why it was
 * refused (or the API's error). */
static int enter_refused(req *r, resp *out, db *d, const struct enter_ctx *c, unsigned status, const char *key,
			 const char *proof, const char *likes)
{
	const char *message = arena_printf(&r->a, T(key), r->user_name);
	if (r->api)
		return http_error(r, out, status, status == 409 ? "conflict" : "invalid", message);
	json_t *errors = json_pack("{s:{s:I,s:s,s:s,s:s}}", "draw", "id", (json_int_t)c->draw_id, "message", message,
				   "proof", proof, "likes", likes);
	return event_page(r, out, d, c->event_id, status, NULL, errors);
}

static int enter_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	struct enter_ctx c = { .r = r, .event_id = ev->id, .withdraw = strstr(r->path, "/withdraw") != NULL };
	if (route_draw(r, out, &c.draw_id))
		return 0;
	if (!strcmp(ev->status, "draft") && auth_allowed(ALLOW(ROLE_ORGANIZER), r->role))
		return http_error(r, out, 404, "not_found", "error.not_found");
	const char *proof = trimmed(&r->a, req_form(r, "proof")), *likes = trimmed(&r->a, req_form(r, "likes"));
	c.proof = proof;
	if (!c.withdraw) {
		const char *why = !*proof || text_len(proof) > PROOF_MAX || has_control(proof) ? "draw.err.my_proof" :
				  draw_likes(&r->a, likes, &c.likes) ? "draw.err.my_likes" : NULL;
		if (why)
			return enter_refused(r, out, d, &c, 422, why, proof, likes);
	}
	int rc = db_tx(d, enter_tx, &c, &e);
	if (rc) {
		log_error("draw entry: %s", e.msg);
		return rc;
	}
	if (c.missing || c.none)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (c.frozen || c.taken)
		return enter_refused(r, out, d, &c, 409, c.frozen ? "draw.err.my_frozen" : "draw.err.name_taken", proof,
				     likes);
	if (r->api) {
		out->model = c.withdraw ? json_pack("{s:b}", "withdrawn", 1)
					: json_pack("{s:I,s:I}", "no", (json_int_t)c.no, "likes", (json_int_t)c.likes);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld?%s=%lld#draw-%lld", (long long)ev->id,
						  c.withdraw ? "withdrawn" : "entered", (long long)c.no, (long long)c.draw_id));
}

/* ---- drawing ---- */

struct drawing_ctx {
	req *r;
	int64_t event_id, draw_id, min_likes;
	const char *seed;
	int missing, eligible, winners, same, other_seed;
	const char *drawn_seed;
};

static int drawing_tx(db *d, void *p, err *e)
{
	struct drawing_ctx *c = p;
	db_res w, x;
	c->missing = c->same = c->other_seed = c->eligible = c->winners = 0;
	int rc = draw_locked(d, &c->r->a, c->draw_id, c->event_id, &w, e);
	if (rc || (c->missing = !w.nrows))
		return rc;
	c->drawn_seed = db_get(&w, 0, 0);
	c->min_likes = db_get_int(&w, 0, 1);
	const char **prizes = arena_alloc(&c->r->a, sizeof(char *) * PRIZES_MAX);
	int np = draw_prizes(&c->r->a, db_get(&w, 0, 2), prizes, PRIZES_MAX);
	if ((rc = db_query(d, &c->r->a, "SELECT id, no, likes, coalesce(rank, 0) FROM prize_entries WHERE draw_id = ? "
					"ORDER BY no", DB_ARGS(DB_INT(c->draw_id)), &x, e)))
		return rc;
	struct draw_entry *v = arena_alloc(&c->r->a, sizeof(*v) * (size_t)(x.nrows ? x.nrows : 1));
	for (int i = 0; i < x.nrows; i++) {
		v[i].id = db_get_int(&x, i, 0);
		v[i].no = db_get_int(&x, i, 1);
		v[i].likes = db_get_int(&x, i, 2);
	}
	c->winners = draw_pick(&c->r->a, c->seed, v, x.nrows, c->min_likes, np < 0 ? 0 : np, &c->eligible);
	if (*c->drawn_seed) {
		/* Drawn already: the same seed must give the winners on record. */
		if (strcmp(c->drawn_seed, c->seed)) {
			c->other_seed = 1;
			return 0;
		}
		c->same = 1;
		for (int i = 0; i < x.nrows; i++)
			if (v[i].rank != db_get_int(&x, i, 3)) {
				log_error("draw %lld: the winners on record do not follow from its seed", (long long)c->draw_id);
				c->same = 0;
			}
		return 0;
	}
	if (!c->eligible)
		return 0;
	for (int i = 0; !rc && i < x.nrows; i++)
		if (v[i].rank)
			rc = db_exec(d, "UPDATE prize_entries SET rank = ?, prize = ? WHERE id = ?",
				     DB_ARGS(DB_INT(v[i].rank), DB_TEXT(prizes[v[i].rank - 1]), DB_INT(v[i].id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "UPDATE prize_draws SET seed = ?, drawn_at = ?, drawn_by = ? WHERE id = ?",
			     DB_ARGS(DB_TEXT(c->seed), DB_TIME(unix_now()), DB_INT(c->r->user_id), DB_INT(c->draw_id)), NULL, e);
	if (!rc) {
		buf b = BUF_INIT;
		for (int i = 0; i < x.nrows; i++)
			if (v[i].rank)
				buf_addf(&b, " %d:#%lld", v[i].rank, (long long)v[i].no);
		rc = auth_audit(d, c->r->user_id, "event.draw", arena_printf(&c->r->a, "event:%lld", (long long)c->event_id),
				arena_printf(&c->r->a, "draw:%lld seed=%s eligible=%d winners%s", (long long)c->draw_id,
					     c->seed, c->eligible, b.s ? b.s : ""),
				c->r->client, e);
		buf_release(&b);
	}
	return rc;
}

static int drawing_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	struct drawing_ctx c = { .r = r, .event_id = ev->id, .seed = trimmed(&r->a, req_form(r, "seed")) };
	if (route_draw(r, out, &c.draw_id))
		return 0;
	json_t *form = json_pack("{s:s}", "seed", c.seed);
	if (text_len(c.seed) > SEED_MAX || has_control(c.seed) || strchr(c.seed, '\''))
		return refuse(r, out, d, ev, 422, T("draw.err.seed"), form);
	if (!*c.seed) {
		/* No seed given: pgherd picks one and publishes it with the winners. */
		unsigned char raw[16];
		char *hex = arena_alloc(&r->a, sizeof(raw) * 2 + 1);
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(hex, sizeof(raw) * 2 + 1, raw, sizeof(raw));
		c.seed = hex;
	}
	int rc = db_tx(d, drawing_tx, &c, &e);
	if (rc) {
		json_decref(form);
		log_error("draw: %s", e.msg);
		return rc;
	}
	if (c.missing) {
		json_decref(form);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (c.other_seed)
		return refuse(r, out, d, ev, 409, arena_printf(&r->a, T("draw.err.drawn"), c.drawn_seed), form);
	if (!c.eligible)
		return refuse(r, out, d, ev, 422, arena_printf(&r->a, T("draw.err.none_eligible"), (long long)c.min_likes), form);
	json_decref(form);
	if (r->api) {
		json_t *m = json_pack("{s:s,s:b,s:i,s:i}", "seed", c.seed, "same", c.same, "eligible", c.eligible, "winners",
				      c.winners);
		json_t *mm = json_object();
		if (!(rc = contest_model(r, d, ev, 1, mm, &e))) {
			json_t *draws = json_object_get(mm, "draws");
			for (size_t i = 0; i < json_array_size(draws); i++)
				if (json_integer_value(json_object_get(json_array_get(draws, i), "id")) == c.draw_id)
					json_object_set(m, "draw", json_array_get(draws, i));
		}
		json_decref(mm);
		out->model = m;
		return rc;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/contest?saved=%s#draw-%lld", (long long)ev->id,
						  c.same ? "same" : "1", (long long)c.draw_id));
}

/* Undoes a draw (the audit log keeps the seed it had), so entries can be
 * corrected and the draw made again. */
static int draw_cancel(req *r, resp *out)
{
	return row_change(r, out, "draw", "SELECT 1 FROM prize_draws WHERE id = ? AND event_id = ?",
			  "UPDATE prize_draws SET seed = NULL, drawn_at = NULL, drawn_by = NULL WHERE id = ? AND seed IS NOT NULL",
			  "UPDATE prize_entries SET rank = NULL, prize = NULL WHERE draw_id = ?", "event.draw_cancel", "draws",
			  DB_NULL, "draw.err.not_drawn");
}

static const struct route routes[] = {
	{ M_GET, "/events/:id/contest", contest_get, ORGANIZER, 0, "event-contest", .load = &event_loader },
	{ M_POST, "/events/:id/debate", motion_post, ORGANIZER, 1, "event-debate", .load = &event_loader },
	{ M_POST, "/events/:id/teams", team_post, ORGANIZER, 1, "event-team-add", .load = &event_loader },
	{ M_POST, "/events/:id/teams/:team/delete", team_delete, ORGANIZER, 1, "event-team-delete" },
	{ M_POST, "/events/:id/winner", winner_post, ORGANIZER, 1, "event-debate-winner", .load = &event_loader },
	{ M_POST, "/events/:id/questions", question_post, ORGANIZER, 1, "event-question-add", .load = &event_loader },
	{ M_POST, "/events/:id/questions/:question/delete", question_delete, ORGANIZER, 1, "event-question-delete" },
	{ M_POST, "/events/:id/questions/:question/kb", question_kb, ORGANIZER, 1, "event-question-kb" },
	{ M_POST, "/events/:id/draws", draw_post, ORGANIZER, 1, "event-draw-add", .load = &event_loader },
	{ M_POST, "/events/:id/draws/:draw/delete", draw_delete, ORGANIZER, 1, "event-draw-delete" },
	{ M_POST, "/events/:id/draws/:draw/entries", entries_post, ORGANIZER, 1, "event-draw-entries", .load = &event_loader },
	{ M_POST, "/events/:id/draws/:draw/entries/:entry/delete", entry_delete, ORGANIZER, 1, "event-draw-entry-delete" },
	{ M_POST, "/events/:id/draws/:draw/draw", drawing_post, ORGANIZER, 1, "event-draw", .load = &event_loader },
	{ M_POST, "/events/:id/draws/:draw/enter", enter_post, SIGNED_IN, 1, "event-draw-enter", .load = &event_loader },
	{ M_POST, "/events/:id/draws/:draw/withdraw", enter_post, SIGNED_IN, 1, "event-draw-withdraw", .load = &event_loader },
	{ M_POST, "/events/:id/draws/:draw/cancel", draw_cancel, ORGANIZER, 1, "event-draw-cancel" },
};

const struct route_table contest_routes = { routes, COUNT(routes) };

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

#include "events/contest.h"

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
					"coalesce(p.prize, ''), p.user_id IS NOT NULL, CASE WHEN p.name_public THEN 1 ELSE 0 END "
					"FROM prize_entries p "
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

/* A name as a public draw list shows it unless its entrant agreed to more:
 * the first character and a star for each of the next (three at most),
 * "张**", "J***"; a one-character name is one star. */
static const char *name_masked(arena *a, const char *name)
{
	size_t n = strlen(name), first = 1;
	while (first < n && ((unsigned char)name[first] & 0xC0) == 0x80)
		first++;
	size_t rest = utf8_len(name + first, n - first);
	if (!rest)
		return "*";
	return arena_printf(a, "%.*s%.*s", (int)first, name, (int)(rest > 3 ? 3 : rest), "***");
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
		/* Organizers see who entered; everyone else the name as its
		 * entrant agreed (pasted entries never agreed: masked). */
		const char *name = organizer || db_get_int(x, k, 9) ? db_get(x, k, 3) : name_masked(&r->a, db_get(x, k, 3));
		json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:b}", "id", (json_int_t)db_get_int(x, k, 1), "no", (json_int_t)no,
				      "name", name, "likes", (json_int_t)likes, "eligible", likes >= min);
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
	int rc = db_query(d, &r->a, "SELECT p.draw_id, p.no, p.likes, p.proof, coalesce(p.rank, 0), coalesce(p.prize, ''), "
				    "CASE WHEN p.name_public THEN 1 ELSE 0 END "
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
				json_t *my = json_pack("{s:I,s:I,s:s,s:b}", "no", (json_int_t)db_get_int(&x, k, 1), "likes",
						       (json_int_t)db_get_int(&x, k, 2), "proof", db_get(&x, k, 3), "name_public",
						       (int)db_get_int(&x, k, 6));
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

int contest_page(req *r, resp *out, db *d, const struct event_row *ev, unsigned status, const char *message,
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
	/* A refused change to one draw says so beside that draw's form, where
	 * the organizer is looking (the form's address ends in #draw-ID). */
	int64_t draw_id;
	if (message && !parse_i64(req_param(r, "draw"), 1, INT64_MAX, &draw_id)) {
		size_t i;
		json_t *w;
		json_array_foreach(json_object_get(m, "draws"), i, w)
			if (json_integer_value(json_object_get(w, "id")) == draw_id)
				json_object_set_new(w, "error_here", json_string(message));
	}
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
int contest_refuse(req *r, resp *out, db *d, const struct event_row *ev, unsigned status, const char *message,
		  json_t *form)
{
	if (r->api) {
		json_decref(form);
		return http_error(r, out, status, status == 409 ? "conflict" : "invalid", message);
	}
	return contest_page(r, out, d, ev, status, message, form);
}

int contest_invalid(req *r, resp *out, json_t *form)
{
	const char *why = inputs_first_error(r);
	return contest_refuse(r, out, r->db, r->row, 422, why ? why : i18n_get(r->lang, "form.fix_errors"), form);
}

int contest_done(req *r, resp *out, int64_t id, const char *anchor, json_t *model)
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

int contest_change(db *d, struct change_ctx *c)
{
	err e = ERR_INIT;
	int rc = db_tx(d, change_tx, c, &e);
	if (rc && rc != ERR_CONSTRAINT)
		log_error("%s: %s", c->action, e.msg);
	return rc;
}


int contest_row_change(req *r, resp *out, const char *param, const char *check, const char *sql, const char *then,
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
	int rc = contest_change(d, &c);
	if (rc)
		return rc;
	if (c.missing)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (!c.changed && conflict)
		return http_error(r, out, 409, "conflict", conflict);
	return contest_done(r, out, id, anchor, json_pack("{s:b}", "saved", 1));
}

static const struct route routes[] = {
	{ M_GET, "/events/:id/contest", contest_get, ORGANIZER, 0, "event-contest", .load = &event_loader },
};

const struct route_table contest_routes = { routes, COUNT(routes) };

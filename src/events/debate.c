/* debate.c: a salon's debate as organizers record it: the motion, the
 * teams (side, captain, members), the winner, the questions each team
 * asked with their answers, marked for the knowledge base. */
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

/* ---- the debate ---- */

static const char *or_empty(const char *s) { return s ? s : ""; }

static const char *sent_text(const req *r, const char *name)
{
	return or_empty(json_string_value(json_object_get(r->form, name)));
}

/* The team form as sent; its name field is team_name on the page. */
static json_t *team_form(const req *r)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "team_name", sent_text(r, "name"), "side", sent_text(r, "side"),
			 "captain", sent_text(r, "captain"), "members", sent_text(r, "members"));
}

static json_t *question_form(const req *r)
{
	return json_pack("{s:s,s:s,s:s,s:b}", "question", sent_text(r, "question"), "answer", sent_text(r, "answer"),
			 "team", sent_text(r, "team"), "kb", (int)in_num(r, "kb", 0));
}

static int motion_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *motion = in_text(r, "motion");
	struct change_ctx c = { .r = r, .sql = "UPDATE events SET debate_motion = ? WHERE id = ?", .action = "event.debate",
				.detail = motion ? motion : "", .args = { DB_TEXT(motion), DB_INT(ev->id) }, .nargs = 2,
				.event_id = ev->id };
	int rc = contest_change(d, &c);
	return rc ? rc : contest_done(r, out, ev->id, "debate", json_pack("{s:b}", "saved", 1));
}

static int team_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *name = in_text(r, "name"), *side = or_empty(in_text(r, "side"));
	const char *captain = or_empty(in_text(r, "captain")), *members = or_empty(in_text(r, "members"));
	json_t *form = team_form(r);
	struct change_ctx c = { .r = r, .sql = "INSERT INTO debate_teams (event_id, name, side, captain, members, created_at) "
						"VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				.action = "event.debate_team", .detail = name,
				.args = { DB_INT(ev->id), DB_TEXT(name), DB_TEXT(side), DB_TEXT(captain), DB_TEXT(members),
					  DB_TIME(unix_now()) },
				.nargs = 6, .event_id = ev->id, .returning = 1 };
	int rc = contest_change(d, &c);
	if (rc == ERR_CONSTRAINT)
		return contest_refuse(r, out, d, ev, 409, T("debate.err.team_exists"), form);
	json_decref(form);
	if (rc)
		return rc;
	out->status = 201;
	return contest_done(r, out, ev->id, "debate", json_pack("{s:I}", "id", (json_int_t)c.id));
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
	struct winner_ctx c = { r, ev->id, in_num(r, "team", 0), 0 };
	int rc = db_tx(d, winner_tx, &c, &e);
	if (rc)
		return rc;
	if (!c.found)
		return contest_refuse(r, out, d, ev, 422, T("debate.err.team"), NULL);
	return contest_done(r, out, ev->id, "debate", json_pack("{s:b}", "saved", 1));
}

/* A question and its answer: text of several lines. */
static int question_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *question = in_text(r, "question"), *answer = or_empty(in_text(r, "answer"));
	int kb = (int)in_num(r, "kb", 0);
	int64_t team = in_num(r, "team", 0);
	json_t *form = question_form(r);
	struct change_ctx c = { .r = r, .sql = "INSERT INTO debate_questions (event_id, team_id, question, answer, kb, created_at) "
						"VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				.action = "event.debate_question", .detail = question,
				.args = { DB_INT(ev->id), DB_INT(team), DB_TEXT(question), DB_TEXT(answer), DB_BOOL(kb),
					  DB_TIME(unix_now()) },
				.nargs = 6, .event_id = ev->id, .returning = 1,
				.check = "SELECT 1 FROM debate_teams WHERE id = ? AND event_id = ?",
				.check_args = { DB_INT(team), DB_INT(ev->id) } };
	int rc = contest_change(d, &c);
	if (!rc && c.missing)
		return contest_refuse(r, out, d, ev, 422, T("debate.err.team"), form);
	json_decref(form);
	if (rc)
		return rc;
	out->status = 201;
	return contest_done(r, out, ev->id, "questions", json_pack("{s:I}", "id", (json_int_t)c.id));
}

/* The one-row changes a route names by :param: 404 when the row is not
 * this event's, 409 (message conflict) when it is but may not change. */

static int team_delete(req *r, resp *out)
{
	return contest_row_change(r, out, "team", "SELECT 1 FROM debate_teams WHERE id = ? AND event_id = ?",
			  "DELETE FROM debate_teams WHERE id = ?", NULL, "event.debate_team_delete", "debate", DB_NULL, NULL);
}

static int question_delete(req *r, resp *out)
{
	return contest_row_change(r, out, "question", "SELECT 1 FROM debate_questions WHERE id = ? AND event_id = ?",
			  "DELETE FROM debate_questions WHERE id = ?", NULL, "event.debate_question_delete", "questions", DB_NULL,
			  NULL);
}

/* Marks a question ready (kb=1) or not (kb=0) for the knowledge base. */
static int question_kb(req *r, resp *out)
{
	int kb = (int)in_num(r, "kb", 0);
	return contest_row_change(r, out, "question", "SELECT 1 FROM debate_questions WHERE id = ? AND event_id = ?",
			  "UPDATE debate_questions SET kb = ? WHERE id = ?", NULL, "event.debate_question_kb", "questions",
			  DB_BOOL(kb), NULL);
}

static const struct input motion_inputs[] = {
	{ "motion", IN_LINE, 0, 0, MOTION_MAX, "debate.err.motion", NULL },
	{ NULL },
};
static const struct input team_inputs[] = {
	{ "name", IN_LINE, IN_REQUIRED, 0, NAME_MAX_CHARS, "debate.err.team_name", "debate.err.team_name" },
	{ "side", IN_LINE, 0, 0, SIDE_MAX, "debate.err.side", NULL },
	{ "captain", IN_LINE, 0, 0, NAME_MAX_CHARS, "debate.err.captain", NULL },
	{ "members", IN_LINE, 0, 0, MEMBERS_MAX, "debate.err.members", NULL },
	{ NULL },
};
static const struct input winner_inputs[] = {
	{ "team", IN_INT, IN_REQUIRED, 0, INT64_MAX, "debate.err.team", "debate.err.team" }, /* 0: no winner */
	{ NULL },
};
static const struct input question_inputs[] = {
	{ "team", IN_INT, IN_REQUIRED, 1, INT64_MAX, "debate.err.team", "debate.err.team" },
	{ "question", IN_TEXT, IN_REQUIRED, 0, QUESTION_MAX, "debate.err.question", "debate.err.question" },
	{ "answer", IN_TEXT, 0, 0, ANSWER_MAX, "debate.err.answer", NULL },
	{ "kb", IN_FLAG },
	{ NULL },
};

static int motion_invalid(req *r, resp *out)
{
	return contest_invalid(r, out, json_incref(r->form));
}

static int team_invalid(req *r, resp *out)
{
	return contest_invalid(r, out, team_form(r));
}

static int winner_invalid(req *r, resp *out)
{
	return contest_invalid(r, out, NULL);
}

static int question_invalid(req *r, resp *out)
{
	return contest_invalid(r, out, question_form(r));
}
static const struct input kb_inputs[] = { { "kb", IN_FLAG, 0, 0, 0, NULL, NULL }, { NULL } };

static const struct route routes[] = {
	{ M_POST, "/events/:id/debate", motion_post, ORGANIZER, 1, "event-debate", .load = &event_loader, .inputs = motion_inputs,
	  .invalid = motion_invalid },
	{ M_POST, "/events/:id/teams", team_post, ORGANIZER, 1, "event-team-add", .load = &event_loader, .inputs = team_inputs,
	  .invalid = team_invalid },
	{ M_POST, "/events/:id/teams/:team/delete", team_delete, ORGANIZER, 1, "event-team-delete", .inputs = no_inputs },
	{ M_POST, "/events/:id/winner", winner_post, ORGANIZER, 1, "event-debate-winner", .load = &event_loader, .inputs = winner_inputs,
	  .invalid = winner_invalid },
	{ M_POST, "/events/:id/questions", question_post, ORGANIZER, 1, "event-question-add", .load = &event_loader, .inputs = question_inputs,
	  .invalid = question_invalid },
	{ M_POST, "/events/:id/questions/:question/delete", question_delete, ORGANIZER, 1, "event-question-delete", .inputs = no_inputs },
	{ M_POST, "/events/:id/questions/:question/kb", question_kb, ORGANIZER, 1, "event-question-kb", .inputs = kb_inputs },
};

const struct route_table debate_routes = { routes, COUNT(routes) };

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

static int motion_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *motion = trimmed(&r->a, req_form(r, "motion"));
	if (text_len(motion) > MOTION_MAX || has_control(motion))
		return contest_refuse(r, out, d, ev, 422, T("debate.err.motion"), json_pack("{s:s}", "motion", motion));
	struct change_ctx c = { .r = r, .sql = "UPDATE events SET debate_motion = ? WHERE id = ?", .action = "event.debate",
				.detail = motion, .args = { DB_TEXT(*motion ? motion : NULL), DB_INT(ev->id) }, .nargs = 2,
				.event_id = ev->id };
	int rc = contest_change(d, &c);
	return rc ? rc : contest_done(r, out, ev->id, "debate", json_pack("{s:b}", "saved", 1));
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
		return contest_refuse(r, out, d, ev, 422, T(why), form);
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
	struct winner_ctx c = { r, ev->id, 0, 0 };
	if (parse_i64(req_form(r, "team"), 0, INT64_MAX, &c.team))
		return contest_refuse(r, out, d, ev, 422, T("debate.err.team"), NULL);
	int rc = db_tx(d, winner_tx, &c, &e);
	if (rc)
		return rc;
	if (!c.found)
		return contest_refuse(r, out, d, ev, 422, T("debate.err.team"), NULL);
	return contest_done(r, out, ev->id, "debate", json_pack("{s:b}", "saved", 1));
}

/* A question and its answer: text of several lines (IN_TEXT). */
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
			  !*question || input_valid(IN_TEXT, question, QUESTION_MAX) ? "debate.err.question" :
			  input_valid(IN_TEXT, answer, ANSWER_MAX) ? "debate.err.answer" : NULL;
	if (why)
		return contest_refuse(r, out, d, ev, 422, T(why), form);
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
	const char *kb = req_form(r, "kb");
	return contest_row_change(r, out, "question", "SELECT 1 FROM debate_questions WHERE id = ? AND event_id = ?",
			  "UPDATE debate_questions SET kb = ? WHERE id = ?", NULL, "event.debate_question_kb", "questions",
			  DB_BOOL(kb && *kb && strcmp(kb, "0")), NULL);
}

static const struct input motion_inputs[] = { IN_FIELD("motion"), { NULL } };
static const struct input team_inputs[] = { IN_FIELD("name"), IN_FIELD("side"), IN_FIELD("captain"), IN_FIELD("members"),
					    { NULL } };
static const struct input winner_inputs[] = { IN_FIELD("team"), { NULL } };
static const struct input question_inputs[] = { IN_FIELD("question"), IN_FIELD("answer"), IN_FIELD("team"),
						IN_FIELD("kb"), { NULL } };
static const struct input kb_inputs[] = { IN_FIELD("kb"), { NULL } };

static const struct route routes[] = {
	{ M_POST, "/events/:id/debate", motion_post, ORGANIZER, 1, "event-debate", .load = &event_loader, .inputs = motion_inputs },
	{ M_POST, "/events/:id/teams", team_post, ORGANIZER, 1, "event-team-add", .load = &event_loader, .inputs = team_inputs },
	{ M_POST, "/events/:id/teams/:team/delete", team_delete, ORGANIZER, 1, "event-team-delete", .inputs = no_inputs },
	{ M_POST, "/events/:id/winner", winner_post, ORGANIZER, 1, "event-debate-winner", .load = &event_loader, .inputs = winner_inputs },
	{ M_POST, "/events/:id/questions", question_post, ORGANIZER, 1, "event-question-add", .load = &event_loader, .inputs = question_inputs },
	{ M_POST, "/events/:id/questions/:question/delete", question_delete, ORGANIZER, 1, "event-question-delete", .inputs = no_inputs },
	{ M_POST, "/events/:id/questions/:question/kb", question_kb, ORGANIZER, 1, "event-question-kb", .inputs = kb_inputs },
};

const struct route_table debate_routes = { routes, COUNT(routes) };

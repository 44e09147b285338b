/* contest.h: what the debate (debate.c) and the draws (draws.c) share
 * with their organizer's page (contest.c). */
#ifndef PGHERD_EVENTS_CONTEST_H
#define PGHERD_EVENTS_CONTEST_H

#include "events/internal.h"

/* The organizer's page of the event's debate and draws, with a message
 * and the form refilled when a change was refused. */
int contest_page(req *r, resp *out, db *d, const struct event_row *ev, unsigned status, const char *message,
		 json_t *form);
/* A refused change: status with the message, the form refilled on the
 * page, or the error for the API. */
int contest_refuse(req *r, resp *out, db *d, const struct event_row *ev, unsigned status, const char *message,
		   json_t *form);
/* The contest page again, 422, with the first wrong input's message (in
 * the route's order) and form (ownership passes): a form's `invalid`. */
int contest_invalid(req *r, resp *out, json_t *form);
/* A change made: the model for the API, else back to the page at #anchor. */
int contest_done(req *r, resp *out, int64_t id, const char *anchor, json_t *model);

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
int contest_change(db *d, struct change_ctx *c);
/* A change to the row the route's `param` names (a team, a question, a
 * draw), checked to belong to the route's event by `check`. */
int contest_row_change(req *r, resp *out, const char *param, const char *check, const char *sql, const char *then,
		       const char *action, const char *anchor, db_param extra, const char *conflict);

#endif

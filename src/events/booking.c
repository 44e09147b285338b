/* booking.c: registration, the waitlist, tickets, calendars and check-in.
 *
 * Seats: every change to who holds a seat (registering, cancelling, an
 * organizer adding a guest) runs in the group-commit writer (db/batch.h):
 * the event's row is locked first, the seat is taken by
 * UPDATE ... SET confirmed = confirmed + 1 WHERE confirmed < capacity, and
 * the registration row is written in the same transaction. A CHECK
 * constraint (confirmed <= capacity) backs it. So no interleaving of
 * requests, threads or processes can oversell, and the counters always
 * match the rows. The request sleeps (http_suspend) until its batch has
 * committed; only then is the member told they have a seat. */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "db/batch.h"
#include "events/cal.h"
#include "events/internal.h"
#include "mail/outbox.h"
#include "view/i18n.h"
#include "view/qr.h"
#include "people/people.h"
#include "base/banned.h"


/* The writer; set at startup, before the server takes requests. */
static struct db_batch *writer;

int events_start(const config *cfg, err *e)
{
	return db_batch_start(cfg->val[CFG_DATABASE], &writer, e);
}

void events_stop(void)
{
	db_batch_stop(writer);
}

void events_free(void)
{
	db_batch_free(writer);
	writer = NULL;
}

/* ---- the seat transactions (run by the writer) ---- */

enum outcome {
	OUT_NONE, OUT_CONFIRMED, OUT_WAITLISTED, OUT_ALREADY, OUT_NOT_FOUND, OUT_CLOSED, OUT_CANCELLED_OK,
	OUT_TOO_LATE, OUT_NOTHING,
};

struct seat_job {
	struct db_job job;
	req *r;
	int lang;
	const char *base_url;
	/* registering */
	int64_t event_id, user_id, added_by, reg_id; /* reg_id: cancel this registration */
	const char *name, *org, *title, *phone, *email, *via;
	/* results */
	enum outcome outcome;
	const char *closed_key;  /* why registration is closed */
	const char *ticket, *status;
	int promoted;            /* people moved up from the waitlist */
};

static const char *new_ticket(arena *a)
{
	unsigned char raw[TICKET_BYTES];
	char text[sodium_base64_ENCODED_LEN(TICKET_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, sizeof(text), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return arena_strdup(a, text);
}

/* A ticket mail: what, when, where, and the ticket's address; with a seat,
 * also the ticket's QR code to show at the door. */
struct ticket_mail {
	const char *subject, *body, *qr;
};

/* The mail a ticket's holder gets, in their language. */
static void ticket_mail(arena *a, int lang, const char *base_url, const struct event_row *ev, const char *name,
			const char *ticket, const char *intro_key, int seat, struct ticket_mail *m)
{
	m->body = arena_printf(
		a, "%s\n\n%s\n\n%s: %s\n%s: %s\n%s: %s%s%s\n%s: %s/t/%s\n%s: %s/t/%s/event.ics\n\n%s\n", name,
		i18n_get(lang, intro_key), i18n_get(lang, "events.event"), ev->title, i18n_get(lang, "events.when"),
		event_when(a, lang, ev), i18n_get(lang, "events.where"), event_venue(lang, ev), *ev->address ? ", " : "",
		event_address(lang, ev), i18n_get(lang, "ticket.title"), base_url, ticket, i18n_get(lang, "ticket.calendar"),
		base_url, ticket, i18n_get(lang, "ticket.mail.outro"));
	/* The subject says what the mail is: a seat, the waitlist, a seat at last. */
	const char *what = i18n_get(lang, arena_printf(a, "%s.subject", intro_key));
	m->subject = arena_printf(a, "%s%s%s", what, i18n_get(lang, "punct.colon"), ev->title);
	m->qr = seat ? arena_printf(a, "%s/t/%s", base_url, ticket) : NULL;
}

static int queue_ticket_mail(db *d, arena *a, int lang, const char *base_url, const struct event_row *ev,
			     const char *to, const char *name, const char *ticket, const char *intro_key, int seat,
			     err *e)
{
	if (!to || !*to)
		return 0;
	struct ticket_mail m;
	ticket_mail(a, lang, base_url, ev, name, ticket, intro_key, seat, &m);
	return outbox_add(d, to, m.subject, m.body, m.qr, e);
}

/* PostgreSQL: the registration, its seat or place in line and its mail in
 * one statement (one round trip of the writer's four), taken only when
 * the insert went in; *id 0 when the member was registered before. */
static int register_at_once(db *d, struct seat_job *j, const struct event_row *ev, int seat, int64_t link_id,
			    int64_t now, int64_t *id, err *e)
{
	arena *a = &j->r->a;
	struct ticket_mail m = { "", "", NULL };
	int mail = j->email && *j->email;
	if (mail)
		ticket_mail(a, j->lang, j->base_url, ev, j->name, j->ticket, seat ? "ticket.mail.confirmed" : "ticket.mail.waitlisted",
			    seat, &m);
	db_res x;
	int rc = db_query(d, a, "WITH ins AS (INSERT INTO registrations (event_id, user_id, name, org, title, phone, email, "
				"status, link_id, ticket, added_by, created_at, updated_at) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) DO NOTHING RETURNING id), "
				"counted AS (UPDATE events SET confirmed = confirmed + CASE WHEN ? THEN 1 ELSE 0 END, "
				"waitlisted = waitlisted + CASE WHEN ? THEN 0 ELSE 1 END "
				"WHERE id = ? AND (NOT ? OR confirmed < capacity) AND EXISTS (SELECT 1 FROM ins) RETURNING id), "
				"mailed AS (" OUTBOX_INSERT_SQL "SELECT ?, ?, ?, ?, ? WHERE ? AND EXISTS (SELECT 1 FROM ins)) "
				"SELECT coalesce((SELECT id FROM ins), 0), (SELECT count(*) FROM counted)",
			  DB_ARGS(DB_INT(ev->id), j->user_id ? DB_INT(j->user_id) : DB_NULL, DB_TEXT(j->name), DB_TEXT(j->org),
				  DB_TEXT(j->title), DB_TEXT(j->phone), DB_TEXT(j->email), DB_TEXT(j->status),
				  link_id ? DB_INT(link_id) : DB_NULL, DB_TEXT(j->ticket), j->added_by ? DB_INT(j->added_by) : DB_NULL,
				  DB_TIME(now), DB_TIME(now), DB_BOOL(seat), DB_BOOL(seat), DB_INT(ev->id), DB_BOOL(seat),
				  DB_TEXT(mail ? j->email : ""), DB_TEXT(m.subject), DB_TEXT(m.body), m.qr ? DB_TEXT(m.qr) : DB_NULL,
				  DB_TIME(now), DB_BOOL(mail)),
			  &x, e);
	if (rc)
		return rc;
	*id = db_get_int(&x, 0, 0);
	if (*id && db_get_int(&x, 0, 1) != 1)
		return err_set(e, ERR_FAIL, "event %lld: the locked counters moved", (long long)ev->id);
	return 0;
}

/* Moves people up from the waitlist, first come first served, while seats
 * are free; mails each their ticket. The event's row is locked. */
int events_promote(db *d, arena *a, const char *base_url, struct event_row *ev, int *promoted, err *e)
{
	if (strcmp(ev->status, "open") && strcmp(ev->status, "closed") && strcmp(ev->status, "published"))
		return 0;
	while (ev->confirmed < ev->capacity && ev->waitlisted > 0) {
		db_res w;
		int rc = db_query(d, a, "SELECT r.id, r.name, r.ticket, coalesce(r.email, u.email) AS email, "
					"coalesce(u.lang, 'zh') AS lang FROM registrations r" PEOPLE_JOIN("u", "r.user_id")
					"WHERE r.event_id = ? AND r.status = 'waitlisted' ORDER BY r.id LIMIT 1",
				  DB_ARGS(DB_INT(ev->id)), &w, e);
		if (rc)
			return rc;
		if (!w.nrows)
			return err_set(e, ERR_FAIL, "event %lld counts %lld waitlisted but has none", (long long)ev->id,
				       (long long)ev->waitlisted);
		if ((rc = db_exec(d, "UPDATE registrations SET status = 'confirmed', updated_at = ? WHERE id = ?",
				  DB_ARGS(DB_TIME(unix_now()), DB_INT(db_get_int(&w, 0, 0))), NULL, e)) ||
		    (rc = db_exec(d, "UPDATE events SET confirmed = confirmed + 1, waitlisted = waitlisted - 1 WHERE id = ?",
				  DB_ARGS(DB_INT(ev->id)), NULL, e)))
			return rc;
		ev->confirmed++;
		ev->waitlisted--;
		(*promoted)++;
		int lang = lang_parse(db_get(&w, 0, 4));
		if ((rc = queue_ticket_mail(d, a, lang < 0 ? LANG_ZH : lang, base_url, ev, db_get(&w, 0, 3),
					    db_get(&w, 0, 1), db_get(&w, 0, 2), "ticket.mail.promoted", 1, e)))
			return rc;
	}
	return 0;
}

/* The member's own registration for the event, when they have one. */
static int find_mine(db *d, arena *a, int64_t event, int64_t user, db_res *mine, err *e)
{
	return db_query(d, a, "SELECT id, status, ticket FROM registrations WHERE event_id = ? AND user_id = ?",
			DB_ARGS(DB_INT(event), DB_INT(user)), mine, e);
}

static int insert_registration(db *d, struct seat_job *j, int64_t event, int64_t link_id, int64_t now, db_res *out,
			       err *e)
{
	return db_query(d, &j->r->a, "INSERT INTO registrations (event_id, user_id, name, org, title, phone, email, status, "
				     "link_id, ticket, added_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				     "ON CONFLICT (event_id, user_id) DO NOTHING RETURNING id",
			DB_ARGS(DB_INT(event), j->user_id ? DB_INT(j->user_id) : DB_NULL, DB_TEXT(j->name), DB_TEXT(j->org),
				DB_TEXT(j->title), DB_TEXT(j->phone), DB_TEXT(j->email), DB_TEXT(j->status),
				link_id ? DB_INT(link_id) : DB_NULL, DB_TEXT(j->ticket), j->added_by ? DB_INT(j->added_by) : DB_NULL,
				DB_TIME(now), DB_TIME(now)),
			out, e);
}

/* Four statements on the common path (lock and read the event, insert,
 * count, queue the mail): the writer runs them back to back for a whole
 * batch, so each one saved is felt in a popular salon's first minute. */
static int register_tx(db *d, void *p, err *e)
{
	struct seat_job *j = p;
	arena *a = &j->r->a;
	struct event_row ev;
	int found, rc;
	int64_t now = unix_now();
	db_res mine, ins;
	j->outcome = OUT_NONE;
	j->ticket = j->status = NULL;
	j->closed_key = NULL;
	if ((rc = events_lock(d, a, j->event_id, j->lang, &ev, &found, e)))
		return rc;
	if (!found || !strcmp(ev.status, "draft")) {
		j->outcome = OUT_NOT_FOUND;
		return 0;
	}
	/* Members register while registration is open; organizers may add
	 * guests until the event ends, but never past its capacity. */
	j->closed_key = j->added_by ? (!strcmp(ev.status, "cancelled") ? "events.closed.cancelled"
				       : (!strcmp(ev.status, "finished") || now >= ev.ends_at) ? "events.closed.over"
											: NULL)
				    : event_closed_reason(&ev, now);
	if (j->closed_key) {
		/* Closed now, but a member who registered in time keeps their ticket. */
		if (j->user_id && (rc = find_mine(d, a, ev.id, j->user_id, &mine, e)))
			return rc;
		if (j->user_id && mine.nrows && strcmp(db_get(&mine, 0, 1), "cancelled")) {
			j->outcome = OUT_ALREADY;
			j->status = db_get(&mine, 0, 1);
			j->ticket = db_get(&mine, 0, 2);
		} else {
			j->outcome = OUT_CLOSED;
		}
		return 0;
	}
	/* The row is locked: the counters read with it are the truth. Nobody
	 * jumps the waitlist: a seat goes to a newcomer only when none wait. */
	int seat = !ev.waitlisted && ev.confirmed < ev.capacity;
	j->status = seat ? "confirmed" : "waitlisted";
	j->ticket = new_ticket(a);
	int64_t link_id = 0;
	if (j->via && *j->via) {
		db_res link;
		if ((rc = db_query(d, a, "SELECT id FROM event_links WHERE code = ? AND event_id = ?",
				   DB_ARGS(DB_TEXT(j->via), DB_INT(ev.id)), &link, e)))
			return rc;
		link_id = link.nrows ? db_get_int(&link, 0, 0) : 0;
	}
	if (db_engine_of(d) == DB_POSTGRES) {
		int64_t id;
		if ((rc = register_at_once(d, j, &ev, seat, link_id, now, &id, e)))
			return rc;
		if (id) {
			j->outcome = seat ? OUT_CONFIRMED : OUT_WAITLISTED;
			return 0;
		}
		ins.nrows = 0; /* registered before: the path below, as on SQLite */
	} else if ((rc = insert_registration(d, j, ev.id, link_id, now, &ins, e))) {
		return rc;
	}
	if (!ins.nrows) {
		/* Registered before: a second click (or tab) gets the first
		 * ticket; after a cancellation, the end of the line. */
		if ((rc = find_mine(d, a, ev.id, j->user_id, &mine, e)))
			return rc;
		if (!mine.nrows)
			return err_set(e, ERR_BUSY, "registration of user %lld vanished", (long long)j->user_id);
		if (strcmp(db_get(&mine, 0, 1), "cancelled")) {
			j->outcome = OUT_ALREADY;
			j->status = db_get(&mine, 0, 1);
			j->ticket = db_get(&mine, 0, 2);
			return 0;
		}
		if ((rc = db_exec(d, "DELETE FROM registrations WHERE id = ?", DB_ARGS(DB_INT(db_get_int(&mine, 0, 0))),
				  NULL, e)) ||
		    (rc = insert_registration(d, j, ev.id, link_id, now, &ins, e)))
			return rc;
		if (!ins.nrows)
			return err_set(e, ERR_FAIL, "registration of user %lld refused twice", (long long)j->user_id);
	}
	int64_t changed = 0;
	if ((rc = db_exec(d, seat ? "UPDATE events SET confirmed = confirmed + 1 WHERE id = ? AND confirmed < capacity"
				  : "UPDATE events SET waitlisted = waitlisted + 1 WHERE id = ?",
			  DB_ARGS(DB_INT(ev.id)), &changed, e)))
		return rc;
	if (!changed)
		return err_set(e, ERR_FAIL, "event %lld: the locked counters moved", (long long)ev.id);
	j->outcome = seat ? OUT_CONFIRMED : OUT_WAITLISTED;
	return queue_ticket_mail(d, a, j->lang, j->base_url, &ev, j->email, j->name, j->ticket,
				 seat ? "ticket.mail.confirmed" : "ticket.mail.waitlisted", seat, e);
}

static int cancel_tx(db *d, void *p, err *e)
{
	struct seat_job *j = p;
	arena *a = &j->r->a;
	struct event_row ev;
	int found, rc;
	j->outcome = OUT_NONE;
	j->promoted = 0;
	if ((rc = events_lock(d, a, j->event_id, j->lang, &ev, &found, e)))
		return rc;
	if (!found) {
		j->outcome = OUT_NOT_FOUND;
		return 0;
	}
	db_res reg;
	if ((rc = db_query(d, a, "SELECT id, status, checked_in_at FROM registrations WHERE event_id = ? AND "
				 "(id = ? OR (? = 0 AND user_id = ?))",
			   DB_ARGS(DB_INT(ev.id), DB_INT(j->reg_id), DB_INT(j->reg_id), DB_INT(j->user_id)), &reg, e)))
		return rc;
	if (!reg.nrows || !strcmp(db_get(&reg, 0, 1), "cancelled")) {
		j->outcome = OUT_NOTHING;
		return 0;
	}
	/* Members may cancel until the event starts; organizers until it ends. */
	int64_t now = unix_now();
	if (db_get(&reg, 0, 2) || now >= (j->added_by ? ev.ends_at : ev.starts_at)) {
		j->outcome = OUT_TOO_LATE;
		return 0;
	}
	int was_confirmed = !strcmp(db_get(&reg, 0, 1), "confirmed");
	if ((rc = db_exec(d, "UPDATE registrations SET status = 'cancelled', updated_at = ? WHERE id = ?",
			  DB_ARGS(DB_TIME(now), DB_INT(db_get_int(&reg, 0, 0))), NULL, e)) ||
	    (rc = db_exec(d, was_confirmed ? "UPDATE events SET confirmed = confirmed - 1 WHERE id = ?"
					   : "UPDATE events SET waitlisted = waitlisted - 1 WHERE id = ?",
			  DB_ARGS(DB_INT(ev.id)), NULL, e)))
		return rc;
	if (was_confirmed)
		ev.confirmed--;
	else
		ev.waitlisted--;
	j->outcome = OUT_CANCELLED_OK;
	return events_promote(d, a, j->base_url, &ev, &j->promoted, e);
}

static void seat_done(struct db_job *job, int rc)
{
	struct seat_job *j = (struct seat_job *)job;
	j->job.rc = rc;
	if (rc)
		log_error("registration: %s", j->job.e.msg);
	http_resume(j->r);
}

/* Hands the job to the writer; the request sleeps until it is done. */
static int submit(req *r, struct seat_job *j, db_tx_fn fn, handler_fn then)
{
	j->r = r;
	r->pending = j;
	/* A member's own mail is in their language, whatever page they
	 * clicked on; a guest's in the organizer's page language. */
	j->lang = j->user_id && j->user_id == r->user_id && r->user_lang >= 0 ? r->user_lang : r->lang;
	j->base_url = r->cfg->val[CFG_BASE_URL];
	j->job.fn = fn;
	j->job.done = seat_done;
	j->job.ctx = j;
	j->job.lock_order = j->event_id; /* every seat change locks its event's row first */
	http_suspend(r, then);
	if (!writer || db_batch_submit(writer, &j->job)) {
		j->job.rc = ERR_UNAVAILABLE;
		http_resume(r);
	}
	return 0;
}

/* The job of the request now answering (set before suspending). */
#define JOB(r) ((struct seat_job *)(r)->pending)

/* ---- registering ---- */

/* The details a registration carries, as a route declares them; a guest
 * an organizer adds must be named, a member's name comes from their
 * account. "via" (the channel link's label) is dropped when unusable. */
#define DETAILS(name_flags) \
	{ "name", IN_LINE, name_flags, 0, 100, "events.err.name", "events.err.name" }, \
	{ "org", IN_LINE, 0, 0, 100, "events.err.org", NULL }, \
	{ "title", IN_LINE, 0, 0, 100, "events.err.title", NULL }, \
	{ "phone", IN_PHONE, 0, 0, 0, "events.err.phone", NULL }, \
	{ "email", IN_EMAIL, 0, 0, 0, "events.err.email", NULL }, \
	{ "via", IN_TEXT, 0, 0, 0, NULL, NULL }
static const struct input member_details[] = { DETAILS(0), { NULL } };
static const struct input guest_details[] = { DETAILS(IN_REQUIRED), { NULL } };

static const char *text_or_empty(const req *r, const char *name)
{
	const char *s = in_text(r, name);
	return s ? s : "";
}

/* The declared details, checked by the dispatcher, into j. */
static void read_details(req *r, struct seat_job *j)
{
	j->name = text_or_empty(r, "name");
	j->org = text_or_empty(r, "org");
	j->title = text_or_empty(r, "title");
	j->phone = text_or_empty(r, "phone");
	j->email = in_text(r, "email");
	j->via = text_or_empty(r, "via");
	if (text_len(j->via) > 40 || has_control(j->via))
		j->via = "";
}

static json_t *details_form(const struct seat_job *j)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", j->name, "org", j->org, "title", j->title, "phone",
			 j->phone, "email", j->email ? j->email : "", "via", j->via);
}

static int registered(req *r, resp *out);

/* The event page again with the details as sent and what is wrong. */
static int register_invalid(req *r, resp *out)
{
	int64_t id = req_num(r, "id");
	return event_page(r, out, r->db, id, 422, json_incref(r->form), json_incref(r->errors));
}

static int register_(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id = req_num(r, "id");
	struct seat_job *j = arena_alloc(&r->a, sizeof(*j));
	memset(j, 0, sizeof(*j));
	read_details(r, j);
	db *d = r->db;
	/* What the member left out comes from their account and profile. */
	struct person_contact u;
	int rc = people_contact(d, &r->a, r->user_id, &u, &e);
	if (rc)
		return rc == ERR_NOTFOUND ? http_error(r, out, 401, "sign_in", "error.sign_in") : rc;
	if (!*j->name)
		j->name = u.name;
	if (!req_form(r, "org"))
		j->org = u.org;
	if (!req_form(r, "title"))
		j->title = u.title;
	if (!req_form(r, "phone"))
		j->phone = u.phone;
	j->email = u.email;
	j->event_id = id;
	j->user_id = r->user_id;
	return submit(r, j, register_tx, registered);
}

static int refused(req *r, resp *out, struct seat_job *j)
{
	if (j->outcome == OUT_NOT_FOUND)
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	json_t *errors = json_pack("{s:s}", "registration", T(j->closed_key ? j->closed_key : "events.closed.over"));
	return event_page(r, out, d, j->event_id, 409, details_form(j), errors);
}

static int registered(req *r, resp *out)
{
	struct seat_job *j = JOB(r);
	if (j->job.rc)
		return j->job.rc;
	outbox_kick();
	if (j->outcome != OUT_CONFIRMED && j->outcome != OUT_WAITLISTED && j->outcome != OUT_ALREADY)
		return refused(r, out, j);
	if (r->api) {
		out->status = j->outcome == OUT_ALREADY ? 200 : 201;
		out->model = json_pack("{s:s,s:s,s:b}", "status", j->status, "ticket", j->ticket, "already",
				       j->outcome == OUT_ALREADY);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/t/%s", j->ticket));
}

/* ---- cancelling ---- */

static int cancelled(req *r, resp *out)
{
	struct seat_job *j = JOB(r);
	if (j->job.rc)
		return j->job.rc;
	if (j->promoted)
		outbox_kick();
	if (j->outcome == OUT_NOT_FOUND || j->outcome == OUT_NOTHING)
		return http_error(r, out, 404, "not_found", "events.err.no_registration");
	if (j->outcome == OUT_TOO_LATE)
		return http_error(r, out, 409, "too_late", "events.err.too_late");
	if (r->api) {
		out->model = json_pack("{s:s,s:i}", "status", "cancelled", "promoted", j->promoted);
		return 0;
	}
	return http_redirect(r, out, j->added_by ? arena_printf(&r->a, "/events/%lld/registrations?saved=1", (long long)j->event_id)
					      : arena_printf(&r->a, "/events/%lld?cancelled=1", (long long)j->event_id));
}

static int cancel_own(req *r, resp *out)
{
	(void)out; /* answered by the continuation */
	int64_t id = req_num(r, "id");
	struct seat_job *j = arena_alloc(&r->a, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->event_id = id;
	j->user_id = r->user_id;
	return submit(r, j, cancel_tx, cancelled);
}

static int cancel_other(req *r, resp *out)
{
	int64_t id, rid;
	if (req_id(r, &id) || parse_i64(req_param(r, "rid"), 1, INT64_MAX, &rid))
		return http_error(r, out, 404, "not_found", "error.not_found");
	struct seat_job *j = arena_alloc(&r->a, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->event_id = id;
	j->reg_id = rid;
	j->added_by = r->user_id;
	return submit(r, j, cancel_tx, cancelled);
}

static int guest_added(req *r, resp *out)
{
	struct seat_job *j = JOB(r);
	if (j->job.rc)
		return j->job.rc;
	outbox_kick();
	if (j->outcome == OUT_NOT_FOUND)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (j->outcome == OUT_CLOSED)
		return http_error(r, out, 409, "closed", j->closed_key);
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:s,s:s}", "status", j->status, "ticket", j->ticket);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/registrations?added=%s", (long long)j->event_id,
						 j->status));
}



static int add_guest_invalid(req *r, resp *out)
{
	return registrations_page(r, out, 422, REG_FORM_GUEST, json_incref(r->form), json_incref(r->errors));
}

static int add_guest(req *r, resp *out)
{
	(void)out; /* answered by the continuation */
	int64_t id = req_num(r, "id");
	struct seat_job *j = arena_alloc(&r->a, sizeof(*j));
	memset(j, 0, sizeof(*j));
	read_details(r, j);
	j->event_id = id;
	j->added_by = r->user_id;
	return submit(r, j, register_tx, guest_added);
}

static const struct route routes[] = {
	{ M_POST, "/events/:id/register", register_, SIGNED_IN, 1, "event-register", .inputs = member_details,
	  .invalid = register_invalid },
	{ M_POST, "/events/:id/cancel", cancel_own, SIGNED_IN, 1, "event-cancel", .inputs = no_inputs },
	{ M_POST, "/events/:id/registrations", add_guest, ORGANIZER, 1, "event-add-guest", .inputs = guest_details,
	  .invalid = add_guest_invalid },
	{ M_POST, "/events/:id/registrations/:rid/cancel", cancel_other, ORGANIZER, 1, "event-cancel-other", .inputs = no_inputs },
};

const struct route_table booking_routes = { routes, COUNT(routes) };

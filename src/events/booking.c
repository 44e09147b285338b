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
#include "base/banned.h"

enum { TICKET_BYTES = 16, DOOR_LIST = 50, CSV_MAX = 100000, LIST_PAGE = 100 };

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
static int queue_ticket_mail(db *d, arena *a, int lang, const char *base_url, const struct event_row *ev,
			     const char *to, const char *name, const char *ticket, const char *intro_key, int seat,
			     err *e)
{
	if (!to || !*to)
		return 0;
	const char *body = arena_printf(
		a, "%s\n\n%s\n\n%s: %s\n%s: %s\n%s: %s%s%s\n%s: %s/t/%s\n%s: %s/t/%s/event.ics\n\n%s\n", name,
		i18n_get(lang, intro_key), i18n_get(lang, "events.event"), ev->title, i18n_get(lang, "events.when"),
		event_when(a, lang, ev), i18n_get(lang, "events.where"), ev->venue, *ev->address ? ", " : "",
		ev->address, i18n_get(lang, "ticket.title"), base_url, ticket, i18n_get(lang, "ticket.calendar"),
		base_url, ticket, i18n_get(lang, "ticket.mail.outro"));
	return outbox_add(d, to, arena_printf(a, "%s: %s", i18n_get(lang, "ticket.mail.subject"), ev->title), body,
			  seat ? arena_printf(a, "%s/t/%s", base_url, ticket) : NULL, e);
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
					"coalesce(u.lang, 'zh') AS lang FROM registrations r LEFT JOIN users u ON u.id = r.user_id "
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
	if ((rc = insert_registration(d, j, ev.id, link_id, now, &ins, e)))
		return rc;
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
	j->lang = r->lang;
	j->base_url = r->cfg->val[CFG_BASE_URL];
	j->job.fn = fn;
	j->job.done = seat_done;
	j->job.ctx = j;
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
	int64_t id;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	return event_page(r, out, r->db, id, 422, json_incref(r->form), json_incref(r->errors));
}

static int register_(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	struct seat_job *j = arena_alloc(&r->a, sizeof(*j));
	memset(j, 0, sizeof(*j));
	read_details(r, j);
	db *d = r->db;
	/* What the member left out comes from their account and profile. */
	db_res u;
	int rc = db_query(d, &r->a, "SELECT u.display_name, coalesce(o.name_zh, ''), coalesce(u.title, ''), "
				    "coalesce(u.phone, ''), u.email FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = ?",
			  DB_ARGS(DB_INT(r->user_id)), &u, &e);
	if (rc || !u.nrows)
		return rc ? rc : http_error(r, out, 401, "sign_in", "error.sign_in");
	if (!*j->name)
		j->name = db_get(&u, 0, 0);
	if (!req_form(r, "org"))
		j->org = db_get(&u, 0, 1);
	if (!req_form(r, "title"))
		j->title = db_get(&u, 0, 2);
	if (!req_form(r, "phone"))
		j->phone = db_get(&u, 0, 3);
	j->email = db_get(&u, 0, 4);
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
	int64_t id;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
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

static int list_page(req *r, resp *out, unsigned status, json_t *form, json_t *errors);

static int add_guest_invalid(req *r, resp *out)
{
	return list_page(r, out, 422, json_incref(r->form), json_incref(r->errors));
}

static int add_guest(req *r, resp *out)
{
	int64_t id;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	struct seat_job *j = arena_alloc(&r->a, sizeof(*j));
	memset(j, 0, sizeof(*j));
	read_details(r, j);
	j->event_id = id;
	j->added_by = r->user_id;
	return submit(r, j, register_tx, guest_added);
}

/* ---- tickets ---- */

static int valid_ticket(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	return n == 22 && strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

struct ticket {
	int64_t id, event_id, user_id, checked_in_at;
	const char *code, *name, *org, *title, *status, *checked_in_by;
	struct event_row ev;
};

static int ticket_get(req *r, db *d, const char *code, struct ticket *t, int *found, err *e)
{
	db_res x;
	*found = 0;
	if (!valid_ticket(code))
		return 0;
	int rc = db_query(d, &r->a, "SELECT r.id, r.event_id, coalesce(r.user_id, 0), r.name, r.org, r.title, r.status, "
				    "r.checked_in_at, coalesce(u.display_name, '') FROM registrations r "
				    "LEFT JOIN users u ON u.id = r.checked_in_by WHERE r.ticket = ?",
			  DB_ARGS(DB_TEXT(code)), &x, e);
	if (rc || !x.nrows)
		return rc;
	t->id = db_get_int(&x, 0, 0);
	t->event_id = db_get_int(&x, 0, 1);
	t->user_id = db_get_int(&x, 0, 2);
	t->name = db_get(&x, 0, 3);
	t->org = db_get(&x, 0, 4);
	t->title = db_get(&x, 0, 5);
	t->status = db_get(&x, 0, 6);
	t->checked_in_at = db_get(&x, 0, 7) ? db_get_int(&x, 0, 7) : 0;
	t->checked_in_by = db_get(&x, 0, 8);
	t->code = code;
	return event_get(d, &r->a, t->event_id, r->lang, &t->ev, found, e);
}

/* The ticket the route's :code names, with its event: the loader of the
 * /t/:code routes; an unknown or forged code is 404. */
static int load_ticket(req *r, err *e)
{
	struct ticket *t = arena_alloc(&r->a, sizeof(*t));
	int found;
	int rc = ticket_get(r, r->db, req_param(r, "code"), t, &found, e);
	if (!rc && !found)
		return ERR_NOTFOUND;
	r->row = t;
	return rc;
}

static const struct loader ticket_loader = { "ticket", load_ticket, "no_ticket", "ticket.err.unknown" };

static json_t *ticket_model(req *r, db *d, const struct ticket *t, err *e, int *rc)
{
	json_t *m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:I,s:s,s:s,s:s,s:s,s:s}}", "code", t->code, "name",
			      t->name, "org", t->org, "title", t->title, "status", t->status, "status_text",
			      T(arena_printf(&r->a, "reg.status.%s", t->status)), "event", "id",
			      (json_int_t)t->event_id, "title", t->ev.title, "when", event_when(&r->a, r->lang, &t->ev),
			      "venue", t->ev.venue, "address", t->ev.address, "city", t->ev.city ? t->ev.city : "");
	*rc = 0;
	if (!strcmp(t->status, "waitlisted")) {
		db_res pos;
		*rc = db_query(d, &r->a, "SELECT count(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted' AND id <= ?",
			       DB_ARGS(DB_INT(t->event_id), DB_INT(t->id)), &pos, e);
		if (!*rc)
			json_object_set_new(m, "position", json_integer(db_get_int(&pos, 0, 0)));
	}
	if (t->checked_in_at)
		json_object_set_new(m, "checked_in", json_pack("{s:s,s:s,s:s}", "at",
							      clock_hm(&r->a, t->ev.tz, t->checked_in_at), "date",
							      clock_date(&r->a, t->ev.tz, t->checked_in_at), "by",
							      t->checked_in_by));
	json_object_set_new(m, "confirmed", json_boolean(!strcmp(t->status, "confirmed")));
	return m;
}

static int ticket_page(req *r, resp *out, unsigned status, const struct ticket *t, const char *notice_key)
{
	err e = ERR_INIT;
	db *d = r->db;
	int rc;
	json_t *tk = ticket_model(r, d, t, &e, &rc);
	if (rc) {
		json_decref(tk);
		return rc;
	}
	int organizer = !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role);
	int64_t now = unix_now();
	json_t *m = json_pack("{s:o,s:b,s:b,s:b}", "ticket", tk, "organizer", organizer, "can_checkin",
			      organizer && !strcmp(t->status, "confirmed") && !t->checked_in_at,
			      "mine", r->user_id && r->user_id == t->user_id && strcmp(t->status, "cancelled") &&
					      !t->checked_in_at && now < t->ev.starts_at);
	if (notice_key)
		json_object_set_new(m, "notice", json_string(T(notice_key)));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/ticket.html", "ticket.title", m);
}

static int ticket(req *r, resp *out)
{
	return ticket_page(r, out, 200, r->row, req_query(r, "checked") ? "ticket.checked_in" : NULL);
}

/* A QR code of url as an SVG answer. */
static int qr_answer(resp *out, const char *url, const char *cache_control)
{
	err e = ERR_INIT;
	buf b = BUF_INIT;
	int rc = qr_svg(url, &b, &e);
	if (rc) {
		buf_release(&b);
		log_error("qr: %s", e.msg);
		return rc;
	}
	out->body = buf_detach(&b, &out->body_len);
	out->body_owned = 1;
	out->content_type = "image/svg+xml";
	out->cache_control = cache_control;
	return 0;
}

static int ticket_qr(req *r, resp *out)
{
	const char *code = req_param(r, "code");
	if (!valid_ticket(code))
		return http_error(r, out, 404, "no_ticket", "ticket.err.unknown");
	/* The QR carries the ticket's address: a phone camera opens it, and an
	 * organizer signed in on that phone checks the ticket in from there. */
	return qr_answer(out, arena_printf(&r->a, "%s/t/%s", r->cfg->val[CFG_BASE_URL], code), "private, max-age=86400");
}

/* Fills a cal_event for ev. */
static void cal_of(req *r, const struct event_row *ev, struct cal_event *c)
{
	const char *host = r->cfg->val[CFG_BASE_URL];
	const char *slash = strstr(host, "//");
	*c = (struct cal_event){
		.id = ev->id, .title = ev->title,
		.location = *ev->address ? arena_printf(&r->a, "%s, %s", ev->venue, ev->address) : ev->venue,
		.url = arena_printf(&r->a, "%s/events/%lld", host, (long long)ev->id),
		.host = slash ? slash + 2 : host, .starts_at = ev->starts_at, .ends_at = ev->ends_at,
		.stamp = unix_now(), .cancelled = !strcmp(ev->status, "cancelled"),
	};
}

static int ics_answer(req *r, resp *out, const struct cal_event *c, int n, const char *name, const char *filename)
{
	err e = ERR_INIT;
	buf b = BUF_INIT;
	int rc = cal_ics(c, n, name, &b, &e);
	if (rc) {
		buf_release(&b);
		log_error("ics: %s", e.msg);
		return rc;
	}
	http_download(r, out, &b, "text/calendar; charset=utf-8", filename);
	out->cache_control = "public, max-age=300";
	return 0;
}

static int ticket_ics(req *r, resp *out)
{
	const struct ticket *t = r->row;
	struct cal_event c;
	cal_of(r, &t->ev, &c);
	c.description = arena_printf(&r->a, "%s: %s/t/%s", T("ticket.title"), r->cfg->val[CFG_BASE_URL], t->code);
	return ics_answer(r, out, &c, 1, NULL, "event.ics");
}

static int event_ics(req *r, resp *out)
{
	struct event_row *ev = r->row;
	if (!strcmp(ev->status, "draft"))
		return http_error(r, out, 404, "not_found", "error.not_found");
	struct cal_event c;
	cal_of(r, ev, &c);
	return ics_answer(r, out, &c, 1, NULL, "event.ics");
}

/* A series' calendar feed: every published event, for calendar apps to
 * subscribe to. */
static int series_ics(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res s, ids;
	int rc = db_query(d, &r->a, "SELECT id, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END FROM event_series WHERE slug = ?",
			  DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_TEXT(req_param(r, "slug"))), &s, &e);
	if (rc || !s.nrows)
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	if ((rc = db_query(d, &r->a, "SELECT id FROM events WHERE series_id = ? AND status <> 'draft' ORDER BY starts_at DESC LIMIT 200",
			   DB_ARGS(DB_INT(db_get_int(&s, 0, 0))), &ids, &e)))
		return rc;
	struct cal_event *c = arena_alloc(&r->a, sizeof(*c) * (size_t)(ids.nrows + 1));
	for (int i = 0; i < ids.nrows; i++) {
		struct event_row ev;
		int found;
		if ((rc = event_get(d, &r->a, db_get_int(&ids, i, 0), r->lang, &ev, &found, &e)))
			return rc;
		cal_of(r, &ev, &c[i]);
	}
	return ics_answer(r, out, c, ids.nrows, db_get(&s, 0, 1), "calendar.ics");
}

/* ---- at the door ---- */

struct checkin_ctx {
	const char *code;
	int64_t by, event_id, at;
	int done;          /* 1: checked in now */
};

static int checkin_tx(db *d, void *p, err *e)
{
	struct checkin_ctx *c = p;
	arena a = ARENA_INIT;
	db_res x;
	int64_t changed = 0;
	c->done = 0;
	/* The event's row first, as every seat transaction takes it. */
	int rc = db_query(d, &a, db_engine_of(d) == DB_POSTGRES ? "SELECT id FROM events WHERE id = ? FOR UPDATE"
								 : "SELECT id FROM events WHERE id = ?",
			  DB_ARGS(DB_INT(c->event_id)), &x, e);
	if (!rc)
		rc = db_exec(d, "UPDATE registrations SET checked_in_at = ?, checked_in_by = ? WHERE ticket = ? AND "
				"status = 'confirmed' AND checked_in_at IS NULL",
			     DB_ARGS(DB_TIME(c->at), DB_INT(c->by), DB_TEXT(c->code)), &changed, e);
	if (!rc && changed)
		rc = db_exec(d, "UPDATE events SET checked_in = checked_in + 1 WHERE id = ?", DB_ARGS(DB_INT(c->event_id)),
			     NULL, e);
	if (!rc && changed)
		rc = auth_audit(d, c->by, "event.checkin", arena_printf(&a, "event:%lld", (long long)c->event_id), c->code,
				NULL, e);
	c->done = !rc && changed;
	arena_release(&a);
	return rc;
}

static int checkin(req *r, resp *out)
{
	err e = ERR_INIT;
	struct ticket t = *(const struct ticket *)r->row;
	int found;
	db *d = r->db;
	const char *code = req_param(r, "code");
	struct checkin_ctx c = { code, r->user_id, t.event_id, unix_now(), 0 };
	int rc;
	if ((rc = db_tx(d, checkin_tx, &c, &e))) {
		log_error("check-in: %s", e.msg);
		return rc;
	}
	if ((rc = ticket_get(r, d, code, &t, &found, &e)))
		return rc;
	const char *back = http_local_path(req_form(r, "next"), NULL);
	if (!c.done) {
		/* Scanned twice, or not a seat: say so, with when and by whom. */
		unsigned status = strcmp(t.status, "confirmed") ? 409 : 200;
		if (r->api) {
			out->status = status;
			out->model = json_pack("{s:s,s:b,s:I}", "status", t.status, "checked_in", 0, "checked_in_at",
					       (json_int_t)t.checked_in_at);
			if (t.checked_in_at)
				json_object_set_new(out->model, "checked_in_by", json_string(t.checked_in_by));
			return 0;
		}
		return ticket_page(r, out, status, &t, strcmp(t.status, "confirmed") ? "ticket.err.not_seat"
										  : "ticket.err.already");
	}
	if (r->api) {
		out->model = json_pack("{s:s,s:b,s:I}", "status", t.status, "checked_in", 1, "checked_in_at",
				       (json_int_t)t.checked_in_at);
		return 0;
	}
	if (back)
		return http_redirect(r, out, back);
	return http_redirect(r, out, arena_printf(&r->a, "/t/%s?checked=1", code));
}

static json_t *counts(const struct event_row *ev)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "capacity", (json_int_t)ev->capacity, "confirmed",
			 (json_int_t)ev->confirmed, "waitlisted", (json_int_t)ev->waitlisted, "checked_in",
			 (json_int_t)ev->checked_in);
}

static int door(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	int rc;
	int64_t id = ev->id;
	const char *q = trimmed(&r->a, req_query(r, "q"));
	if (text_len(q) > 100)
		return http_error(r, out, 400, "bad_filter", "orgs.err.filter");
	db_res x;
	if (*q)
		rc = db_query(d, &r->a, "SELECT id, name, org, phone, status, ticket, checked_in_at FROM registrations "
					"WHERE event_id = ? AND status <> 'cancelled' AND (lower(name) LIKE '%' || lower(?) || '%' ESCAPE '\\' OR "
					"phone LIKE '%' || ? || '%' ESCAPE '\\' OR ticket = ?) ORDER BY name LIMIT ?",
			      DB_ARGS(DB_INT(id), DB_TEXT(like_literal(&r->a, q)), DB_TEXT(like_literal(&r->a, q)), DB_TEXT(q),
				      DB_INT(DOOR_LIST)), &x, &e);
	else
		rc = db_query(d, &r->a, "SELECT id, name, org, phone, status, ticket, checked_in_at FROM registrations "
					"WHERE event_id = ? AND checked_in_at IS NOT NULL ORDER BY checked_in_at DESC, id DESC LIMIT 20",
			      DB_ARGS(DB_INT(id)), &x, &e);
	if (rc)
		return rc;
	json_t *people = json_array();
	for (int i = 0; i < x.nrows; i++) {
		json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "name", db_get(&x, i, 1), "org", db_get(&x, i, 2),
				      "phone", db_get(&x, i, 3), "ticket", db_get(&x, i, 5), "status_text",
				      T(arena_printf(&r->a, "reg.status.%s", db_get(&x, i, 4))), "can_checkin",
				      !strcmp(db_get(&x, i, 4), "confirmed") && !db_get(&x, i, 6));
		if (db_get(&x, i, 6))
			json_object_set_new(p, "checked_in_at", json_string(clock_hm(&r->a, ev->tz, db_get_int(&x, i, 6))));
		json_array_append_new(people, p);
	}
	buf qu = BUF_INIT;
	buf_url_arg(&qu, q);
	json_t *m = json_pack("{s:{s:I,s:s,s:s},s:o,s:s,s:s,s:o,s:b}", "event", "id", (json_int_t)id, "title", ev->title,
			      "when", event_when(&r->a, r->lang, ev), "counts", counts(ev), "q", q, "q_url", qu.s,
			      "people", people, "searched", *q != 0);
	buf_release(&qu);
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "events/door.html", "door.title", m);
}

static int live_counts(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	(void)r;
	(void)d;
	out->model = counts(ev);
	out->cache_control = "no-store";
	return 0;
}

/* ---- the organizer's list ---- */

struct reg_filter {
	const char *status, *q;
	int64_t link;
	int checked; /* -1 any, 0 not yet, 1 checked in */
};

static const char *const statuses[] = { "confirmed", "waitlisted", "cancelled" };

static int read_filter(req *r, struct reg_filter *f)
{
	f->status = trimmed(&r->a, req_query(r, "status"));
	f->q = trimmed(&r->a, req_query(r, "q"));
	const char *link = req_query(r, "link"), *ch = req_query(r, "checked");
	f->link = 0;
	f->checked = -1;
	int ok = !*f->status;
	for (size_t i = 0; i < COUNT(statuses); i++)
		ok |= !strcmp(f->status, statuses[i]);
	if (link && *link && parse_i64(link, 1, INT64_MAX, &f->link))
		ok = 0;
	if (ch && *ch) {
		int64_t v;
		if (parse_i64(ch, 0, 1, &v))
			ok = 0;
		else
			f->checked = (int)v;
	}
	return ok && text_len(f->q) <= 100 ? 0 : -1;
}

#define REG_COLS "SELECT r.id, r.name, r.org, r.title, r.phone, coalesce(r.email, u.email, '') AS email, r.status, " \
	"coalesce(l.label, '') AS channel, r.created_at, r.checked_in_at, r.ticket, r.user_id " \
	"FROM registrations r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN event_links l ON l.id = r.link_id " \
	"WHERE r.event_id = ? AND (? = '' OR r.status = ?) AND (CAST(? AS BIGINT) = 0 OR r.link_id = ?) " \
	"AND (CAST(? AS BIGINT) < 0 OR (CAST(? AS BIGINT) = 1) = (r.checked_in_at IS NOT NULL)) " \
	"AND (? = '' OR lower(r.name) LIKE '%' || lower(?) || '%' ESCAPE '\\' OR r.phone LIKE '%' || ? || '%' ESCAPE '\\' " \
	"OR lower(r.org) LIKE '%' || lower(?) || '%' ESCAPE '\\') " \
	"ORDER BY r.id LIMIT ? OFFSET ?"

static int reg_query(req *r, db *d, int64_t id, const struct reg_filter *f, int64_t limit, int64_t offset, db_res *res,
		     err *e)
{
	const char *like = like_literal(&r->a, f->q);
	return db_query(d, &r->a, REG_COLS,
			DB_ARGS(DB_INT(id), DB_TEXT(f->status), DB_TEXT(f->status), DB_INT(f->link), DB_INT(f->link),
				DB_INT(f->checked), DB_INT(f->checked), DB_TEXT(f->q), DB_TEXT(like), DB_TEXT(like),
				DB_TEXT(like), DB_INT(limit), DB_INT(offset)),
			res, e);
}

static int list_page(req *r, resp *out, unsigned status, json_t *form, json_t *errors)
{
	err e = ERR_INIT;
	int64_t id, page = 1;
	int found;
	struct event_row ev;
	struct reg_filter f;
	if (req_id(r, &id)) {
		json_decref(form);
		json_decref(errors);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (read_filter(r, &f)) {
		json_decref(form);
		json_decref(errors);
		return http_error(r, out, 400, "bad_filter", "orgs.err.filter");
	}
	if (parse_i64(req_query(r, "page"), 1, 100000, &page))
		page = 1;
	db *d = r->db;
	db_res res, links;
	int rc = event_get(d, &r->a, id, r->lang, &ev, &found, &e);
	if (!rc && found)
		rc = reg_query(r, d, id, &f, LIST_PAGE + 1, (page - 1) * LIST_PAGE, &res, &e);
	if (!rc && found)
		rc = db_query(d, &r->a, "SELECT l.id, l.label, l.code, (SELECT count(*) FROM registrations g WHERE g.link_id = l.id "
					"AND g.status <> 'cancelled') AS registered, (SELECT count(*) FROM registrations g WHERE "
					"g.link_id = l.id AND g.checked_in_at IS NOT NULL) AS checked_in FROM event_links l "
					"WHERE l.event_id = ? ORDER BY l.id",
			      DB_ARGS(DB_INT(id)), &links, &e);
	if (rc || !found) {
		json_decref(form);
		json_decref(errors);
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	}
	json_t *items = json_array();
	for (int i = 0; i < res.nrows && i < LIST_PAGE; i++) {
		json_t *x = db_row_json(&res, i);
		json_object_set_new(x, "status_text", json_string(T(arena_printf(&r->a, "reg.status.%s", db_get(&res, i, 6)))));
		json_object_set_new(x, "registered", json_string(arena_printf(&r->a, "%s %s",
			clock_date(&r->a, ev.tz, db_get_int(&res, i, 8)), clock_hm(&r->a, ev.tz, db_get_int(&res, i, 8)))));
		if (db_get(&res, i, 9))
			json_object_set_new(x, "checked_in", json_string(clock_hm(&r->a, ev.tz, db_get_int(&res, i, 9))));
		json_object_set_new(x, "can_cancel", json_boolean(strcmp(db_get(&res, i, 6), "cancelled") && !db_get(&res, i, 9)));
		json_array_append_new(items, x);
	}
	json_t *lk = db_rows_json(&links);
	size_t i;
	json_t *v;
	json_array_foreach(lk, i, v) {
		json_object_set_new(v, "selected", json_boolean(json_integer_value(json_object_get(v, "id")) == f.link));
		json_object_set_new(v, "url", json_string(arena_printf(&r->a, "%s/e/%s", r->cfg->val[CFG_BASE_URL],
								      json_string_value(json_object_get(v, "code")))));
	}
	json_t *st = json_array();
	for (size_t k = 0; k < COUNT(statuses); k++)
		json_array_append_new(st, json_pack("{s:s,s:s,s:b}", "value", statuses[k], "label",
						    T(arena_printf(&r->a, "reg.status.%s", statuses[k])), "selected",
						    !strcmp(f.status, statuses[k])));
	buf qs = BUF_INIT;
	buf_adds(&qs, "q=");
	buf_url_arg(&qs, f.q);
	buf_addf(&qs, "&status=%s&link=%lld&checked=%s", f.status, (long long)f.link,
		 f.checked < 0 ? "" : f.checked ? "1" : "0");
	json_t *m = json_pack("{s:{s:I,s:s,s:s},s:o,s:o,s:o,s:{s:s,s:b,s:b},s:s,s:o,s:o}", "event", "id", (json_int_t)id,
			      "title", ev.title, "when", event_when(&r->a, r->lang, &ev), "counts", counts(&ev),
			      "registrations", items, "links", lk, "filter", "q", f.q, "checked_yes", f.checked == 1,
			      "checked_no", f.checked == 0, "query", qs.s, "statuses", st, "form",
			      form ? form : json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "", "org", "", "title", "", "phone", "",
						      "email", ""));
	buf_release(&qs);
	json_object_set_new(m, "errors", errors ? errors : json_object());
	if (errors && json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
							 T("form.fix_errors"), "fields", errors));
	const char *added = req_query(r, "added");
	if (added && (!strcmp(added, "confirmed") || !strcmp(added, "waitlisted")))
		json_object_set_new(m, "notice", json_string(T(arena_printf(&r->a, "events.added.%s", added))));
	else if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("events.saved")));
	else if (req_query(r, "sent"))
		json_object_set_new(m, "notice", json_string(T("events.message.sent")));
	http_pager(m, page, res.nrows > LIST_PAGE);
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/registrations.html", "events.registrations", m);
}

static int registrations(req *r, resp *out)
{
	return list_page(r, out, 200, NULL, NULL);
}

static int registrations_csv(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id;
	int found;
	struct event_row ev;
	struct reg_filter f;
	if (req_id(r, &id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (read_filter(r, &f))
		return http_error(r, out, 400, "bad_filter", "orgs.err.filter");
	db *d = r->db;
	db_res res;
	int rc = event_get(d, &r->a, id, r->lang, &ev, &found, &e);
	if (!rc && found)
		rc = reg_query(r, d, id, &f, CSV_MAX, 0, &res, &e);
	if (rc || !found)
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	static const char *const heads[] = { "reg.number", "profile.name", "profile.org", "profile.title",
					     "account.phone", "subscribe.email", "reg.status", "reg.channel",
					     "reg.registered", "reg.checked_in" };
	buf b = BUF_INIT;
	buf_csv_start(&b);
	for (size_t c = 0; c < COUNT(heads); c++)
		buf_csv_field(&b, c, T(heads[c]));
	buf_adds(&b, "\r\n");
	for (int i = 0; i < res.nrows; i++) {
		for (int c = 0; c < 10; c++) {
			const char *v = db_get(&res, i, c);
			if (c == 6)
				v = T(arena_printf(&r->a, "reg.status.%s", v));
			else if ((c == 8 || c == 9) && v)
				v = arena_printf(&r->a, "%s %s", clock_date(&r->a, ev.tz, db_get_int(&res, i, c)),
						 clock_hm(&r->a, ev.tz, db_get_int(&res, i, c)));
			buf_csv_field(&b, (size_t)c, v ? v : "");
		}
		buf_adds(&b, "\r\n");
	}
	http_download(r, out, &b, "text/csv; charset=utf-8", arena_printf(&r->a, "registrations-%lld.csv", (long long)id));
	return 0;
}

/* Writes a message to everyone registered into the outbox, in one
 * transaction: all of them get it, or (on failure) none. */
struct message_ctx {
	int64_t event_id, by;
	const char *subject, *body, *to;
	int64_t queued;
	req *r;
};

static int message_tx(db *d, void *p, err *e)
{
	struct message_ctx *m = p;
	int64_t now = unix_now();
	int rc = db_exec(d, "INSERT INTO outbox (to_addr, subject, body, created_at) SELECT coalesce(r.email, u.email), ?, "
			    "r.name || ?, ? FROM registrations r LEFT JOIN users u ON u.id = r.user_id "
			    "WHERE r.event_id = ? AND coalesce(r.email, u.email) IS NOT NULL AND "
			    "(r.status = 'confirmed' OR (? = 'all' AND r.status = 'waitlisted'))",
			 DB_ARGS(DB_TEXT(m->subject), DB_TEXT(arena_printf(&m->r->a, ":\n\n%s", m->body)), DB_TIME(now), DB_INT(m->event_id), DB_TEXT(m->to)),
			 &m->queued, e);
	if (!rc)
		rc = auth_audit(d, m->by, "event.message", arena_printf(&m->r->a, "event:%lld", (long long)m->event_id),
				arena_printf(&m->r->a, "%lld: %s", (long long)m->queued, m->subject), m->r->client, e);
	return rc;
}

static int message(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	int rc;
	int64_t id = ev->id;
	struct message_ctx m = { id, r->user_id, trimmed(&r->a, req_form(r, "subject")),
				 trimmed(&r->a, req_form(r, "body")), trimmed(&r->a, req_form(r, "to")), 0, r };
	if (!*m.subject || text_len(m.subject) > 200 || has_control(m.subject) || !*m.body || text_len(m.body) > 10000 ||
	    (strcmp(m.to, "all") && strcmp(m.to, "confirmed")))
		return http_error(r, out, 422, "invalid", "events.err.message");
	if ((rc = db_tx(d, message_tx, &m, &e))) {
		log_error("message: %s", e.msg);
		return rc;
	}
	outbox_kick();
	if (r->api) {
		out->model = json_pack("{s:I}", "queued", (json_int_t)m.queued);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/registrations?sent=1", (long long)id));
}

/* A channel's link: counts nothing by itself, carries the channel into
 * the event page's registration form. */
static int channel_link(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *code = req_param(r, "code");
	db *d = r->db;
	db_res x;
	int rc = db_query(d, &r->a, "SELECT event_id FROM event_links WHERE code = ?", DB_ARGS(DB_TEXT(code)), &x, &e);
	if (rc || !x.nrows)
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	buf b = BUF_INIT;
	buf_url_arg(&b, code);
	http_redirect(r, out, arena_printf(&r->a, "/events/%lld?via=%s", (long long)db_get_int(&x, 0, 0), b.s));
	buf_release(&b);
	return 0;
}

static int link_qr(req *r, resp *out)
{
	const char *code = req_param(r, "code");
	if (strlen(code) > 40)
		return http_error(r, out, 404, "not_found", "error.not_found");
	buf u = BUF_INIT;
	buf_url_arg(&u, code);
	const char *url = arena_printf(&r->a, "%s/e/%s", r->cfg->val[CFG_BASE_URL], u.s);
	buf_release(&u);
	return qr_answer(out, url, "public, max-age=86400");
}


static const struct route routes[] = {
	{ M_POST, "/events/:id/register", register_, SIGNED_IN, 1, "event-register", .inputs = member_details,
	  .invalid = register_invalid },
	{ M_POST, "/events/:id/cancel", cancel_own, SIGNED_IN, 1, "event-cancel" },
	{ M_GET, "/events/:id/event.ics", event_ics, EVERYONE, 0, "event-ics", .load = &event_loader },
	{ M_GET, "/events/:id/checkin", door, ORGANIZER, 0, "event-door", .load = &event_loader },
	{ M_GET, "/events/:id/counts", live_counts, ORGANIZER, 0, "event-counts", .load = &event_loader },
	{ M_GET, "/events/:id/registrations", registrations, ORGANIZER, 0, "event-registrations" },
	{ M_POST, "/events/:id/registrations", add_guest, ORGANIZER, 1, "event-add-guest", .inputs = guest_details,
	  .invalid = add_guest_invalid },
	{ M_GET, "/events/:id/registrations.csv", registrations_csv, ORGANIZER, 0, "event-registrations-csv" },
	{ M_POST, "/events/:id/registrations/:rid/cancel", cancel_other, ORGANIZER, 1, "event-cancel-other" },
	{ M_POST, "/events/:id/message", message, ORGANIZER, 1, "event-message", .load = &event_loader },
	{ M_GET, "/t/:code", ticket, EVERYONE, 0, "ticket", .load = &ticket_loader },
	{ M_GET, "/t/:code/qr.svg", ticket_qr, EVERYONE, 0, "ticket-qr" },
	{ M_GET, "/t/:code/event.ics", ticket_ics, EVERYONE, 0, "ticket-ics", .load = &ticket_loader },
	{ M_POST, "/t/:code/checkin", checkin, ORGANIZER, 1, "ticket-checkin", .load = &ticket_loader },
	{ M_GET, "/e/:code", channel_link, EVERYONE, 0, "channel-link" },
	{ M_GET, "/e/:code/qr.svg", link_qr, EVERYONE, 0, "channel-link-qr" },
	{ M_GET, "/series/:slug/calendar.ics", series_ics, EVERYONE, 0, "series-ics" },
};

const struct route_table booking_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

/* registrations.c: the organizer's list of who registered (filters,
 * paging, CSV for Excel), a message to everyone, and the per-channel
 * registration links with their QR codes. */
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
	"FROM registrations r" PEOPLE_JOIN("u", "r.user_id") "LEFT JOIN event_links l ON l.id = r.link_id " \
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

int registrations_page(req *r, resp *out, unsigned status, int which, json_t *form, json_t *errors)
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
			      "title", ev.title, "when", event_when(&r->a, r->lang, &ev), "counts", event_counts(&ev),
			      "registrations", items, "links", lk, "filter", "q", f.q, "checked_yes", f.checked == 1,
			      "checked_no", f.checked == 0, "query", qs.s, "statuses", st, "form",
			      form && which == REG_FORM_GUEST ? form : json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "", "org", "", "title", "", "phone", "",
						      "email", ""));
	buf_release(&qs);
	if (which == REG_FORM_MESSAGE) {
		/* The message sent back: as typed, its wrong fields marked. */
		const char *to = json_string_value(json_object_get(form, "to"));
		json_object_set_new(form, "to_all", json_boolean(to && !strcmp(to, "all")));
		json_object_set_new(form, "errors", errors);
		json_object_set_new(m, "message", form);
		errors = NULL;
	}
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
	return registrations_page(r, out, 200, REG_FORM_GUEST, NULL, NULL);
}

static int registrations_csv(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id;
	int found;
	struct event_row ev;
	struct reg_filter f;
	id = req_num(r, "id");
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
	db_res to;
	int rc = db_query(d, &m->r->a, "SELECT coalesce(r.email, u.email) AS email, r.name FROM registrations r "
				       PEOPLE_JOIN("u", "r.user_id") "WHERE r.event_id = ? AND "
				       "coalesce(r.email, u.email) IS NOT NULL AND "
				       "(r.status = 'confirmed' OR (? = 'all' AND r.status = 'waitlisted')) ORDER BY r.id",
			  DB_ARGS(DB_INT(m->event_id), DB_TEXT(m->to)), &to, e);
	/* Through the outbox's own door, one mail each, in this transaction. */
	for (int i = 0; !rc && i < to.nrows; i++)
		rc = outbox_add(d, db_text(&to, i, "email"), m->subject,
				arena_printf(&m->r->a, "%s:\n\n%s", db_text(&to, i, "name"), m->body), NULL, e);
	m->queued = rc ? 0 : to.nrows;
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
	struct message_ctx m = { id, r->user_id, in_text(r, "subject"), in_text(r, "body"), in_text(r, "to"), 0, r };
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

static int message_invalid(req *r, resp *out)
{
	if (r->api)
		return http_invalid(r, out, "events.err.message");
	return registrations_page(r, out, 422, REG_FORM_MESSAGE, json_incref(r->form), json_incref(r->errors));
}

static const char *const message_to[] = { "confirmed", "all", NULL };
static const struct input message_inputs[] = {
	{ "subject", IN_LINE, IN_REQUIRED, 0, 200, "events.err.message_subject", "events.err.message_subject" },
	{ "body", IN_TEXT, IN_REQUIRED, 0, 10000, "events.err.message_body", "events.err.message_body" },
	{ "to", IN_CHOICE, IN_REQUIRED, 0, 0, "events.err.message_to", "events.err.message_to", message_to },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/events/:id/registrations", registrations, ORGANIZER, 0, "event-registrations" },
	{ M_GET, "/events/:id/registrations.csv", registrations_csv, ORGANIZER, 0, "event-registrations-csv" },
	{ M_POST, "/events/:id/message", message, ORGANIZER, 1, "event-message", .load = &event_loader, .inputs = message_inputs,
	  .invalid = message_invalid },
	{ M_GET, "/e/:code", channel_link, EVERYONE, 0, "channel-link" },
	{ M_GET, "/e/:code/qr.svg", link_qr, EVERYONE, 0, "channel-link-qr" },
};

const struct route_table registrations_routes = { routes, COUNT(routes) };

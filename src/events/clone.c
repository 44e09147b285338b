/* clone.c: a new event cloned from a template event (its agenda shifted
 * to the new day, its texts and organizations), channel links and the
 * cover image. */
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/cal.h"
#include "events/internal.h"
#include "files/files.h"
#include "mail/outbox.h"
#include "orgs/orgs.h"
#include "view/i18n.h"
#include "view/markdown.h"
#include "base/banned.h"

/* ---- cloning a template event ---- */

struct clone_ctx {
	req *r;
	int64_t from, to, shift;
	const char *title_zh, *title_en; /* "": the template's */
};

static int clone_tx(db *d, void *p, err *e)
{
	struct clone_ctx *c = p;
	db_res x;
	int64_t now = unix_now();
	/* Texts, place, capacity, checklist and organizations come along; the
	 * new event starts as a draft with no registrations, its dates and its
	 * agenda moved by whole days, its titles as the organizer gave them,
	 * and, in a numbered series, the next number. */
	int rc = db_query(d, &c->r->a, "INSERT INTO events (series_id, seq, title_zh, title_en, city_id, venue, venue_en, address, address_en, tz, "
				       "starts_at, ends_at, status, capacity, description, description_en, checklist, reg_opens_at, reg_closes_at, "
				       "created_at, updated_at) SELECT series_id, CASE WHEN seq IS NULL OR series_id IS NULL THEN NULL "
				       "ELSE (SELECT max(n.seq) + 1 FROM events n WHERE n.series_id = t.series_id) END, "
				       "CASE WHEN ? = '' THEN title_zh ELSE ? END, CASE WHEN ? = '' THEN title_en ELSE ? END, "
				       "city_id, venue, venue_en, address, address_en, tz, "
				       "starts_at + ?, ends_at + ?, 'draft', capacity, description, description_en, checklist, NULL, NULL, ?, ? "
				       "FROM events t WHERE id = ? RETURNING id",
			  DB_ARGS(DB_TEXT(c->title_zh), DB_TEXT(c->title_zh), DB_TEXT(c->title_en), DB_TEXT(c->title_en),
				  DB_INT(c->shift), DB_INT(c->shift), DB_TIME(now), DB_TIME(now), DB_INT(c->from)), &x, e);
	if (rc)
		return rc;
	if (!x.nrows)
		return ERR_NOTFOUND;
	c->to = db_get_int(&x, 0, 0);
	db_res items;
	if ((rc = db_query(d, &c->r->a, "SELECT id FROM event_items WHERE event_id = ? ORDER BY starts_at, id",
			   DB_ARGS(DB_INT(c->from)), &items, e)))
		return rc;
	for (int i = 0; i < items.nrows; i++) {
		db_res n;
		if ((rc = db_query(d, &c->r->a, "INSERT INTO event_items (event_id, starts_at, ends_at, kind, title, title_en) SELECT ?, "
						"starts_at + ?, ends_at + ?, kind, title, title_en FROM event_items WHERE id = ? RETURNING id",
				   DB_ARGS(DB_INT(c->to), DB_INT(c->shift), DB_INT(c->shift), DB_INT(db_get_int(&items, i, 0))),
				   &n, e)))
			return rc;
		/* Recurring parts keep their people (the host's opening); talks
		 * and cases get new speakers. */
		if ((rc = db_exec(d, "INSERT INTO item_speakers (item_id, pos, user_id, name, org_id, org_name) SELECT ?, s.pos, "
				     "s.user_id, s.name, s.org_id, s.org_name FROM item_speakers s JOIN event_items i ON i.id = s.item_id "
				     "WHERE s.item_id = ? AND i.kind IN ('opening', 'debate', 'prize', 'signin', 'photo')",
				  DB_ARGS(DB_INT(db_get_int(&n, 0, 0)), DB_INT(db_get_int(&items, i, 0))), NULL, e)))
			return rc;
	}
	if ((rc = db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) SELECT ?, org_id, role FROM event_orgs "
			     "WHERE event_id = ? AND role IN ('host', 'sponsor', 'venue', 'media')",
			  DB_ARGS(DB_INT(c->to), DB_INT(c->from)), NULL, e)))
		return rc;
	return auth_audit(d, c->r->user_id, "event.clone", arena_printf(&c->r->a, "event:%lld", (long long)c->to),
			  arena_printf(&c->r->a, "from event:%lld", (long long)c->from), c->r->client, e);
}

static int clone(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	int rc;
	int64_t id = ev->id;
	/* The shift is measured between local midnights, so a template's 09:00
	 * stays 09:00 on the new day. */
	int64_t day = clock_parse(ev->tz, in_text(r, "date"), "00:00");
	int64_t old = clock_parse(ev->tz, clock_date(&r->a, ev->tz, ev->starts_at), "00:00");
	if (day < 0)
		return http_error(r, out, 422, "invalid", "events.err.clone_date");
	const char *zh = in_text(r, "title_zh"), *en = in_text(r, "title_en");
	if (!zh)
		zh = "";
	if (!en)
		en = "";
	struct clone_ctx c = { r, id, 0, day - old, zh, en };
	if ((rc = db_tx(d, clone_tx, &c, &e))) {
		log_error("clone: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)c.to);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/edit", (long long)c.to));
}

/* ---- channel links ---- */

static int link_invalid(req *r, resp *out)
{
	return http_error(r, out, 422, "invalid", "events.err.link");
}

static int add_link(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct event_row *ev = r->row;
	int64_t id = ev->id, channel = in_num(r, "channel", 0);
	const char *label = in_text(r, "label");
	db *d = r->db;
	int rc;
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	auth_new_token(token, hash);
	token[10] = '\0'; /* a short code is enough: it is a label, not a secret */
	rc = db_exec(d, "INSERT INTO event_links (event_id, code, channel_id, label, created_at) VALUES (?, ?, ?, ?, ?)",
		     DB_ARGS(DB_INT(id), DB_TEXT(token), channel ? DB_INT(channel) : DB_NULL, DB_TEXT(label),
			     DB_TIME(unix_now())),
		     NULL, &e);
	if (rc == ERR_CONSTRAINT)
		return http_error(r, out, 422, "invalid", "events.err.link");
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:s,s:s}", "code", token, "url",
				       arena_printf(&r->a, "%s/e/%s", r->cfg->val[CFG_BASE_URL], token));
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/registrations?saved=1", (long long)id));
}

static int cover(req *r, resp *out)
{
	return files_attach_route(r, out, "cover", FILE_IMAGE, "UPDATE events SET cover_file_id = ? WHERE id = ?", "event.cover",
				  "event", "/events");
}

static const struct input cover_inputs[] = { IN_UPLOAD("cover"), { NULL } };
static const struct input clone_inputs[] = {
	{ "date", IN_DATE, IN_REQUIRED, 0, 0, "events.err.clone_date", "events.err.clone_date" },
	{ "title_zh", IN_LINE, 0, 0, 200, "events.err.title_text", NULL },
	{ "title_en", IN_LINE, 0, 0, 200, "events.err.title_text", NULL },
	{ NULL },
};

/* A wrong date says so first; the titles' message otherwise. */
static int clone_invalid(req *r, resp *out)
{
	return http_invalid(r, out, json_object_get(r->errors, "date") ? "events.err.clone_date" : "events.err.title_text");
}
static const struct input link_inputs[] = {
	{ "label", IN_LINE, IN_REQUIRED, 0, 60, "events.err.link", "events.err.link" },
	{ "channel", IN_INT, 0, 1, INT64_MAX, "events.err.link", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_POST, "/events/:id/cover", cover, ORGANIZER, 1, "event-cover", .inputs = cover_inputs },
	{ M_POST, "/events/:id/clone", clone, ORGANIZER, 1, "event-clone", .load = &event_loader, .inputs = clone_inputs,
	  .invalid = clone_invalid },
	{ M_POST, "/events/:id/links", add_link, ORGANIZER, 1, "event-link-add", .load = &event_loader,
	  .inputs = link_inputs, .invalid = link_invalid },
};

const struct route_table clone_routes = { routes, COUNT(routes) };

/* page.c: the event page (GET /events/:id): its agenda with speakers, the
 * organizations by role and those that came, seats, and the sections other
 * features add (the record, the debate and draws); for a signed-in member
 * also where they stand and the registration form filled from their
 * profile. Kept per reader in the page cache. */
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
#include "people/people.h"
#include "base/banned.h"

int event_agenda(req *r, db *d, const struct event_row *ev, json_t **out, err *e)
{
	db_res it, sp;
	const char *l = lang_code(r->lang);
	int rc = db_query(d, &r->a, "SELECT id, starts_at, ends_at, kind, " DB_IN_LANG("title", "title_en") " AS title, "
				    "coalesce(slides_url, '') AS slides_url, coalesce(topic_id, 0), time_known, "
				    DB_ZH_ONLY("title_en") " AS zh_only, title AS title_zh, title_en "
				    "FROM event_items WHERE event_id = ? ORDER BY starts_at, id",
			  DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_INT(ev->id)), &it, e);
	if (!rc)
		rc = db_query(d, &r->a, "SELECT s.item_id, s.pos, coalesce(s.user_id, 0), s.name, coalesce(s.org_id, 0), "
					"CASE WHEN o.id IS NULL THEN s.org_name WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) "
					"ELSE o.name_zh END FROM item_speakers s JOIN event_items i ON i.id = s.item_id "
					"LEFT JOIN orgs o ON o.id = s.org_id WHERE i.event_id = ? ORDER BY s.item_id, s.pos",
			      DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_INT(ev->id)), &sp, e);
	*out = NULL;
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < it.nrows; i++) {
		int64_t item = db_get_int(&it, i, 0);
		json_t *speakers = json_array();
		buf names = BUF_INIT;
		/* Items come in time order, speakers in item order: a day's
		 * agenda is short enough to match them by scanning. */
		for (int k = 0; k < sp.nrows; k++) {
			if (db_get_int(&sp, k, 0) != item)
				continue;
			/* Names written in characters, marked so on an English page. */
			json_t *s = json_pack("{s:s,s:s,s:b,s:b}", "name", db_get(&sp, k, 3), "org", db_get(&sp, k, 5), "name_zh",
					      r->lang == LANG_EN && text_han(db_get(&sp, k, 3)), "org_zh",
					      r->lang == LANG_EN && text_han(db_get(&sp, k, 5)));
			if (db_get_int(&sp, k, 2))
				json_object_set_new(s, "user_id", json_integer(db_get_int(&sp, k, 2)));
			if (db_get_int(&sp, k, 4))
				json_object_set_new(s, "org_id", json_integer(db_get_int(&sp, k, 4)));
			json_array_append_new(speakers, s);
			buf_addf(&names, "%s%s%s%s", names.len ? "\n" : "", db_get(&sp, k, 3), *db_get(&sp, k, 5) ? " / " : "",
				 db_get(&sp, k, 5));
		}
		/* Imported past items may have no recorded time. */
		int timed = (int)db_get_int(&it, i, 7);
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s}", "id", (json_int_t)item,
						       "start", timed ? clock_hm(&r->a, ev->tz, db_get_int(&it, i, 1)) : "", "end",
						       timed ? clock_hm(&r->a, ev->tz, db_get_int(&it, i, 2)) : "", "kind", db_get(&it, i, 3),
						       "kind_text", T(arena_printf(&r->a, "kind.%s", db_get(&it, i, 3))),
						       "title", db_get(&it, i, 4), "slides_url", db_get(&it, i, 5),
						       "speakers", speakers, "speakers_text", names.len ? names.s : ""));
		json_t *o = json_array_get(items, json_array_size(items) - 1);
		json_object_set_new(o, "date", json_string(clock_date(&r->a, ev->tz, db_get_int(&it, i, 1))));
		json_object_set_new(o, "title_zh_only", json_boolean(db_get_int(&it, i, 8)));
		json_object_set_new(o, "title_zh", json_string(db_get(&it, i, 9)));
		json_object_set_new(o, "title_en", json_string(db_get(&it, i, 10)));
		buf_release(&names);
	}
	*out = items;
	return 0;
}

/* The event as the page and the API show it. */
static int event_model(req *r, db *d, const struct event_row *ev, json_t **out, err *e)
{
	db_res orgs;
	json_t *items;
	int rc = event_agenda(r, d, ev, &items, e);
	if (!rc)
		/* Hosts and partners, then who came: the organizations named as
		 * attending and those of checked-in people, matched to the
		 * directory by any name or alias. Names are read by key, one
		 * row per organization found: a join here lets PostgreSQL hash
		 * the whole directory. */
		rc = db_query(d, &r->a, "WITH came AS (SELECT DISTINCT 'attendee' AS k, lower(org) AS name FROM registrations "
					"WHERE event_id = ? AND checked_in_at IS NOT NULL AND org <> '') "
					"SELECT x.role, x.org_id, (SELECT " DB_IN_LANG("o.name_zh", "o.name_en") " FROM orgs o "
					"WHERE o.id = x.org_id), (SELECT " DB_ZH_ONLY("o.name_en") " FROM orgs o WHERE o.id = x.org_id) "
					"FROM (SELECT role, org_id FROM event_orgs WHERE event_id = ? UNION "
					ORGS_MATCH_SQL("came") ") x "
					"ORDER BY CASE x.role WHEN 'host' THEN 1 WHEN 'sponsor' THEN 2 "
					"WHEN 'venue' THEN 3 WHEN 'media' THEN 4 ELSE 5 END, x.org_id",
			      DB_ARGS(DB_INT(ev->id), DB_TEXT(lang_code(r->lang)), DB_TEXT(lang_code(r->lang)), DB_INT(ev->id)),
			      &orgs, e);
	*out = NULL;
	if (rc) {
		json_decref(items);
		return rc;
	}
	json_t *groups = json_array(), *g = NULL, *came = json_array();
	for (int i = 0; i < orgs.nrows; i++) {
		if (!strcmp(db_get(&orgs, i, 0), "attendee")) {
			json_array_append_new(came, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)db_get_int(&orgs, i, 1), "name",
							      db_get(&orgs, i, 2), "zh_only", (int)db_get_int(&orgs, i, 3)));
			continue;
		}
		if (!g || strcmp(json_string_value(json_object_get(g, "role")), db_get(&orgs, i, 0))) {
			g = json_pack("{s:s,s:s,s:[]}", "role", db_get(&orgs, i, 0), "role_text",
				      T(arena_printf(&r->a, "orgs.role.%s", db_get(&orgs, i, 0))), "list");
			json_array_append_new(groups, g);
		}
		json_array_append_new(json_object_get(g, "list"), json_pack("{s:I,s:s,s:b}", "id",
						(json_int_t)db_get_int(&orgs, i, 1), "name", db_get(&orgs, i, 2),
						"zh_only", (int)db_get_int(&orgs, i, 3)));
	}
	buf html = BUF_INIT;
	/* The English description when written; else the Chinese, marked. */
	int desc_zh_only = r->lang == LANG_EN && !*ev->description_en;
	markdown_html(r->lang == LANG_EN && *ev->description_en ? ev->description_en : ev->description, &html);
	int64_t now = unix_now();
	const char *why = event_closed_reason(ev, now);
	int64_t left = ev->capacity - ev->confirmed;
	json_t *m = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:b,s:b,s:o,s:o}",
			      "id", (json_int_t)ev->id, "title", ev->title, "title_zh", ev->title_zh, "title_en",
			      ev->title_en, "series", ev->series ? ev->series : "", "city", ev->city ? ev->city : "",
			      "venue", event_venue(r->lang, ev), "address", event_address(r->lang, ev), "tz", ev->tz, "when",
			      event_when(&r->a, r->lang, ev), "date", clock_date(&r->a, ev->tz, ev->starts_at), "status",
			      ev->status, "status_text", T(arena_printf(&r->a, "event.status.%s", ev->status)),
			      "description_html", html.s, "capacity", (json_int_t)ev->capacity, "confirmed",
			      (json_int_t)ev->confirmed, "waitlisted", (json_int_t)ev->waitlisted, "checked_in",
			      (json_int_t)ev->checked_in, "seats_left", (json_int_t)(left > 0 ? left : 0), "open", !why,
			      "full", !why && left <= 0, "agenda", items, "orgs", groups);
	json_object_set_new(m, "attending", came);
	json_object_set_new(m, "description_zh_only", json_boolean(desc_zh_only && *ev->description));
	json_object_set_new(m, "title_zh_only", json_boolean(r->lang == LANG_EN && !*ev->title_en));
	json_object_set_new(m, "venue_zh_only", json_boolean(r->lang == LANG_EN && *ev->venue && !*ev->venue_en));
	json_object_set_new(m, "address_zh_only", json_boolean(r->lang == LANG_EN && *ev->address && !*ev->address_en));
	json_object_set_new(m, "venue_zh", json_string(ev->venue));
	json_object_set_new(m, "venue_en", json_string(ev->venue_en));
	json_object_set_new(m, "address_zh", json_string(ev->address));
	json_object_set_new(m, "address_en", json_string(ev->address_en));
	json_object_set_new(m, "attending_count", json_integer((json_int_t)json_array_size(came)));
	buf_release(&html);
	if (why)
		json_object_set_new(m, "closed_text", json_string(T(why)));
	if (*ev->cover_key) {
		json_object_set_new(m, "cover", json_string(ev->cover_key));
		json_object_set_new(m, "page_image", json_string(arena_printf(&r->a, "/files/%s/m", ev->cover_key)));
	} else {
		const char *card = event_card_path(r, ev); /* drawn from its title, when and where */
		if (card)
			json_object_set_new(m, "page_image", json_string(card));
	}
	/* A shared link's card: when, where, and whether there is a seat. */
	const char *place = arena_printf(&r->a, "%s%s%s", ev->city ? ev->city : "", ev->city && *ev->city && *ev->venue ? " · " : "",
					 event_venue(r->lang, ev));
	json_object_set_new(m, "page_description",
			    json_string(arena_printf(&r->a, "%s%s%s · %s%s", event_when(&r->a, r->lang, ev), *place ? " · " : "", place,
						     T(arena_printf(&r->a, "event.status.%s", ev->status)),
						     !why ? arena_printf(&r->a, T("events.card_seats"), (long long)(left > 0 ? left : 0)) : "")));
	/* The address opens a map: Amap on a Chinese page, OpenStreetMap on an
	 * English one (a link only: no map script runs on this site). */
	if (*ev->address) {
		buf q = BUF_INIT;
		buf_url_arg(&q, arena_printf(&r->a, "%s %s", ev->city ? ev->city : "", ev->address));
		json_object_set_new(m, "map_url", json_string(arena_printf(&r->a, r->lang == LANG_ZH
								? "https://uri.amap.com/search?keyword=%s"
								: "https://www.openstreetmap.org/search?query=%s", q.s)));
		buf_release(&q);
	}
	if (ev->reg_opens_at && now < ev->reg_opens_at)
		json_object_set_new(m, "opens", json_string(arena_printf(&r->a, "%s %s", clock_date(&r->a, ev->tz, ev->reg_opens_at),
									 clock_hm(&r->a, ev->tz, ev->reg_opens_at))));
	json_object_set_new(m, "series_slug", json_string(ev->series_slug));
	json_object_set_new(m, "starts_at", json_integer(ev->starts_at));
	json_object_set_new(m, "ends_at", json_integer(ev->ends_at));
	json_object_set_new(m, "past", json_boolean(ev->ends_at < now || !strcmp(ev->status, "finished")));
	/* The record, the debate and the draws: what other features show here. */
	if ((rc = features_sections("event", r, d, ev, m, e))) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

int event_page(req *r, resp *out, db *d, int64_t id, unsigned status, json_t *form, json_t *errors)
{
	err e = ERR_INIT;
	struct event_row ev;
	int found, rc;
	int organizer = !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role);
	static const char *const args[] = { "via", "cancelled", NULL };
	int64_t version = 0;
	int sent_back = form != NULL; /* a refused form is answered, never kept */
	if (!sent_back && (rc = http_cache_lookup(r, out, d, "events", args, &version, &e)))
		return rc > 0 ? 0 : rc;
	if ((rc = event_get(d, &r->a, id, r->lang, &ev, &found, &e)) || !found || (!strcmp(ev.status, "draft") && !organizer)) {
		json_decref(form);
		json_decref(errors);
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	}
	json_t *em;
	if ((rc = event_model(r, d, &ev, &em, &e))) {
		json_decref(form);
		json_decref(errors);
		return rc;
	}
	json_t *m = json_pack("{s:o,s:b,s:s}", "event", em, "organizer", organizer, "via",
			      form ? json_string_value(json_object_get(form, "via")) : "");
	/* The link card's description and picture are the layout's, at the top. */
	static const char *const card[] = { "page_description", "page_image" };
	for (size_t k = 0; k < COUNT(card); k++)
		if (json_object_get(em, card[k])) {
			json_object_set(m, card[k], json_object_get(em, card[k]));
			json_object_del(em, card[k]);
		}
	const char *via = req_query(r, "via");
	if (!form && via && text_len(via) <= 40 && !has_control(via))
		json_object_set_new(m, "via", json_string(via));
	/* A member sees where they stand, and the form prefilled from their profile. */
	if (r->user_id) {
		db_res mine;
		rc = db_query(d, &r->a, "SELECT status, ticket, (SELECT count(*) FROM registrations w WHERE w.event_id = r.event_id "
					"AND w.status = 'waitlisted' AND w.id <= r.id) FROM registrations r WHERE r.event_id = ? "
					"AND r.user_id = ? AND r.status <> 'cancelled'",
			      DB_ARGS(DB_INT(id), DB_INT(r->user_id)), &mine, &e);
		struct person_contact u = { 0 };
		if (!rc && !form && (rc = people_contact(d, &r->a, r->user_id, &u, &e)) == ERR_NOTFOUND)
			rc = 0;
		if (rc) {
			json_decref(m);
			json_decref(form);
			json_decref(errors);
			return rc;
		}
		if (mine.nrows)
			json_object_set_new(m, "mine", json_pack("{s:s,s:s,s:s,s:s,s:b,s:I}", "status", db_get(&mine, 0, 0),
								 "status_text", T(arena_printf(&r->a, "reg.status.%s", db_get(&mine, 0, 0))),
								 "status_sentence",
								 T(arena_printf(&r->a, "events.you_are.%s", db_get(&mine, 0, 0))),
								 "ticket", db_get(&mine, 0, 1), "waitlisted",
								 !strcmp(db_get(&mine, 0, 0), "waitlisted"), "position",
								 (json_int_t)db_get_int(&mine, 0, 2)));
		if (!form && u.name)
			form = json_pack("{s:s,s:s,s:s,s:s}", "name", u.name, "org", u.org, "title", u.title, "phone", u.phone);
		/* Their entries in the prize draws; a refused entry comes back
		 * to its draw, not to the registration form. */
		json_t *refused = errors ? json_object_get(errors, "draw") : NULL;
		struct event_member v = { &ev, em, refused };
		if ((rc = features_sections("event.member", r, d, &v, m, &e))) {
			json_decref(m);
			json_decref(form);
			json_decref(errors);
			return rc;
		}
		if (refused) {
			json_decref(errors);
			errors = NULL;
		}
	}
	if (form)
		json_object_set_new(m, "form", form);
	if (errors) {
		json_object_set_new(m, "errors", errors);
		if (json_object_size(errors))
			json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", status == 409 ? "closed" : "invalid",
								 "message", json_object_get(errors, "registration") ?
								 json_string_value(json_object_get(errors, "registration")) :
								 T("form.fix_errors"), "fields", errors));
	}
	if (req_query(r, "cancelled"))
		json_object_set_new(m, "notice", json_string(T("events.cancelled")));
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("events.saved")));
	int64_t no;
	if (!parse_i64(req_query(r, "entered"), 1, INT64_MAX, &no))
		json_object_set_new(m, "notice", json_string(arena_printf(&r->a, T("draw.entered"), (long long)no)));
	if (req_query(r, "withdrawn"))
		json_object_set_new(m, "notice", json_string(T("draw.withdrawn")));
	http_page(r, out, status, "events/show.html", NULL, m);
	out->title_text = ev.title;
	if (!sent_back)
		http_cache_store(r, out, "events", version, EVENTS_TTL);
	return 0;
}

static int show(req *r, resp *out)
{
	int64_t id = req_num(r, "id");
	return event_page(r, out, r->db, id, 200, NULL, NULL);
}

static const struct route routes[] = {
	{ M_GET, "/events/:id", show, EVERYONE, 0, "event" },
};

const struct route_table event_page_routes = { routes, COUNT(routes) };

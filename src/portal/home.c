/* home.c: the home page (what is coming, what happened, who takes part,
 * where to join) and the announcement subscription form on it. */
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/events.h"
#include "portal/portal.h"
#include "base/clock.h"
#include "view/i18n.h"
#include "files/files.h"
#include "http/feature.h"
#include "base/banned.h"

/* Adds date, day, month, weekday and time fields for a Unix time, in the
 * event's own time zone. */
static void add_date(req *r, json_t *o, const char *key, const char *tz, int64_t t)
{
	struct clock_local l;
	char iso[32];
	clock_local(tz, t, &l);
	json_object_set_new(o, key, json_string(clock_day(&r->a, r->lang, tz, t)));
	time_iso(t, iso);
	json_object_set_new(o, "starts_at", json_string(iso));
	json_object_set_new(o, "day", json_string(arena_printf(&r->a, "%d", l.day)));
	json_object_set_new(o, "month", json_string(clock_month(&r->a, r->lang, &l)));
	json_object_set_new(o, "year", json_string(arena_printf(&r->a, "%04d", l.year)));
	/* The community meets in China: a time elsewhere names its zone. */
	const char *hm = clock_hm(&r->a, tz, t);
	json_object_set_new(o, "time", json_string(strcmp(tz, CLOCK_COMMUNITY_TZ) ? arena_printf(&r->a, "%s (%s)", hm, tz)
										  : hm));
}

static const char sql_stats[] =
	"SELECT (SELECT count(*) FROM orgs) AS orgs, "
	"(SELECT count(*) FROM events WHERE status = 'finished') AS events_held, "
	"(SELECT count(DISTINCT city_id) FROM events) AS cities, "
	"(SELECT coalesce(sum(followers), 0) FROM channels) AS followers";

static const char sql_upcoming[] =
	"SELECT e.id, " DB_IN_LANG("e.title_zh", "e.title_en") " AS title, " DB_ZH_ONLY("e.title_en") " AS title_zh_only, "
	"CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END AS city, " DB_IN_LANG("e.venue", "e.venue_en") " AS venue, "
	"CASE WHEN ? = 'en' AND e.venue <> '' AND e.venue_en = '' THEN 1 ELSE 0 END AS venue_zh_only, "
	"e.starts_at, e.status, e.capacity, e.tz, "
	"CASE WHEN ? = 'en' THEN s.name_en ELSE s.name_zh END AS series "
	"FROM events e LEFT JOIN cities c ON c.id = e.city_id "
	"LEFT JOIN event_series s ON s.id = e.series_id "
	"WHERE e.starts_at >= ? AND e.status IN ('published', 'open', 'closed') "
	"ORDER BY e.starts_at LIMIT 4";

static const char sql_past[] =
	"SELECT e.id, " DB_IN_LANG("e.title_zh", "e.title_en") " AS title, " DB_ZH_ONLY("e.title_en") " AS title_zh_only, "
	"CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END AS city, e.starts_at, e.tz, "
	"e.registered_text AS registered_text, e.reach_text AS reach_text, e.confirmed, e.checked_in, "
	"(SELECT count(*) FROM event_topics t WHERE t.event_id = e.id) AS topics "
	"FROM events e LEFT JOIN cities c ON c.id = e.city_id "
	"WHERE e.status = 'finished' ORDER BY e.starts_at DESC LIMIT 6";

static const char sql_past_hosts[] =
	"SELECT eo.event_id, CASE WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) "
	"ELSE o.name_zh END AS name FROM event_orgs eo JOIN orgs o ON o.id = eo.org_id "
	"WHERE eo.role = 'host' AND eo.event_id IN (SELECT id FROM events "
	"WHERE status = 'finished' ORDER BY starts_at DESC LIMIT 6) ORDER BY eo.event_id, o.id";

static const char sql_orgs[] =
	"SELECT o.id, CASE WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh) ELSE o.name_zh END "
	"AS name, o.category, count(*) AS events FROM event_orgs eo JOIN orgs o ON o.id = eo.org_id "
	"GROUP BY o.id, o.name_zh, o.name_en, o.category ORDER BY count(*) DESC, o.id LIMIT 30";

/* The channels to join, with a QR to scan from a computer's screen: the
 * one uploaded, else drawn from the join link (numbers/channels.c). */
static const char sql_channels[] =
	"SELECT id, kind, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END AS name, url, followers, "
	FILE_KEY("qr_file_id") " AS qr, (coalesce(url NOT LIKE 'mailto:%', false) OR slug IS NOT NULL) AS drawn "
	"FROM channels ORDER BY pos, id";

static const char sql_cities[] =
	"SELECT id, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END AS name FROM cities ORDER BY id";

/* The page's data, the same for the HTML page and /api/v1/. */
static int home_model(req *r, db *d, json_t **out, err *e)
{
	const char *lang = lang_code(r->lang);
	db_res st, up, past, hosts, orgs, ch, cities;
	int rc;
	if ((rc = db_query(d, &r->a, sql_stats, DB_NOARGS, &st, e)) ||
	    (rc = db_query(d, &r->a, sql_upcoming,
			   DB_ARGS(DB_TEXT(lang), DB_TEXT(lang), DB_TEXT(lang), DB_TEXT(lang), DB_TEXT(lang), DB_TEXT(lang),
				   DB_TIME(unix_now() - 86400)),
			   &up, e)) ||
	    (rc = db_query(d, &r->a, sql_past, DB_ARGS(DB_TEXT(lang), DB_TEXT(lang), DB_TEXT(lang)), &past, e)) ||
	    (rc = db_query(d, &r->a, sql_past_hosts, DB_ARGS(DB_TEXT(lang)), &hosts, e)) ||
	    (rc = db_query(d, &r->a, sql_orgs, DB_ARGS(DB_TEXT(lang)), &orgs, e)) ||
	    (rc = db_query(d, &r->a, sql_channels, DB_ARGS(DB_TEXT(lang)), &ch, e)) ||
	    (rc = db_query(d, &r->a, sql_cities, DB_ARGS(DB_TEXT(lang)), &cities, e)))
		return rc;

	json_t *m = json_object();
	json_object_set_new(m, "stats", db_row_json(&st, 0));

	json_t *upcoming = json_array();
	for (int i = 0; i < up.nrows; i++) {
		json_t *o = db_row_json(&up, i);
		add_date(r, o, "date", db_text(&up, i, "tz"), db_int(&up, i, "starts_at"));
		const char *status = db_text(&up, i, "status");
		json_object_set_new(o, "status_text",
				    json_string(i18n_get(r->lang, arena_printf(&r->a, "event.status.%s", status))));
		json_object_set_new(o, "registration_open", json_boolean(!strcmp(status, "open")));
		json_array_append_new(upcoming, o);
	}
	json_object_set_new(m, "upcoming", upcoming);

	json_t *pastj = json_array();
	for (int i = 0; i < past.nrows; i++) {
		json_t *o = db_row_json(&past, i);
		add_date(r, o, "date", db_text(&past, i, "tz"), db_int(&past, i, "starts_at"));
		/* The same numbers as the event page: counted where pgherd took the
		 * registrations, else as published, in this page's language. */
		int counted = db_int(&past, i, "confirmed") > 0 || db_int(&past, i, "checked_in") > 0;
		const char *reg = events_figure_text(&r->a, r->lang, db_text(&past, i, "registered_text"),
						     counted ? db_int(&past, i, "confirmed") : -1);
		const char *reach = events_figure_text(&r->a, r->lang, db_text(&past, i, "reach_text"), -1);
		json_object_set_new(o, "registered", reg ? json_string(reg) : json_null());
		json_object_set_new(o, "reach", reach ? json_string(reach) : json_null());
		/* The hosts as data, and as the page shows them: a name in
		 * characters marked Chinese on an English page. */
		json_t *hl = json_array(), *shown = json_array();
		for (int h = 0; h < hosts.nrows; h++)
			if (!strcmp(db_text(&hosts, h, "event_id"), db_text(&past, i, "id"))) {
				const char *name = db_text(&hosts, h, "name");
				json_array_append_new(hl, json_string(name));
				json_array_append_new(shown, json_pack("{s:s,s:b}", "name", name, "zh",
								       r->lang == LANG_EN && text_han(name)));
			}
		json_object_set_new(o, "hosts", hl);
		json_object_set_new(o, "hosts_shown", shown);
		json_array_append_new(pastj, o);
	}
	json_object_set_new(m, "past", pastj);
	json_object_set_new(m, "orgs", db_rows_json(&orgs));
	json_object_set_new(m, "channels", db_rows_json(&ch));
	json_object_set_new(m, "cities", db_rows_json(&cities));
	/* What other features add: the ad of the day in the home page's place. */
	if ((rc = features_sections("home", r, d, NULL, m, e))) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

enum { HOME_TTL = 60 }; /* "coming" events depend on the clock too */

/* The home page; cached for visitors and checked against the data version
 * on every request (http_cache_lookup). */
static int home(req *r, resp *out)
{
	static const char *const args[] = { "subscribed", "account_deleted", "signed_out", NULL };
	err e = ERR_INIT;
	db *d = r->db;
	json_t *m;
	int64_t version = 0;
	int rc;
	if ((rc = http_cache_lookup(r, out, d, "home", args, &version, &e)))
		return rc > 0 ? 0 : rc;
	if ((rc = home_model(r, d, &m, &e))) {
		log_error("home: %s", e.msg);
		return rc;
	}
	const char *done = req_query(r, "subscribed");
	const char *notice = done ? (!strcmp(done, "already") ? "subscribe.already" : "subscribe.thanks")
			     : req_query(r, "account_deleted") ? "delete.done"
			     : req_query(r, "signed_out") ? "home.signed_out" : NULL;
	if (notice)
		json_object_set_new(m, "notice", json_string(i18n_get(r->lang, notice)));
	json_object_set_new(m, "subscribe", json_pack("{s:s,s:s,s:{}}", "email", "", "name", "", "errors"));
	http_page(r, out, 200, "home/index.html", NULL, m);
	http_cache_store(r, out, "home", version, HOME_TTL);
	return 0;
}

/* ---- subscribing to announcements ---- */

/* A city chosen from the list names a row of cities; else the field's
 * message joins r->errors. */
static int check_city(req *r, int64_t city_id, err *e)
{
	db_res cr;
	if (!city_id || json_object_get(r->errors, "city"))
		return 0;
	int rc = db_query(r->db, &r->a, "SELECT id FROM cities WHERE id = ?", DB_ARGS(DB_INT(city_id)), &cr, e);
	if (!rc && !cr.nrows) {
		if (!r->errors)
			r->errors = json_object();
		json_object_set_new(r->errors, "city", json_string(i18n_get(r->lang, "subscribe.err.city")));
	}
	return rc;
}

/* The home page again with the subscription form refilled and each
 * problem by its field (r->form, r->errors), answering 422. */
static int subscribe_again(req *r, resp *out)
{
	err e = ERR_INIT;
	json_t *m;
	int rc = check_city(r, in_num(r, "city", 0), &e);
	if (!rc)
		rc = home_model(r, r->db, &m, &e);
	if (rc) {
		log_error("subscribe: %s", e.msg);
		return rc;
	}
	int64_t city_id = in_num(r, "city", 0);
	json_t *cities = json_object_get(m, "cities");
	size_t i;
	json_t *c;
	json_array_foreach(cities, i, c)
		json_object_set_new(c, "selected", json_boolean(json_integer_value(json_object_get(c, "id")) == city_id));
	json_t *form = r->form ? r->form : json_object();
	const char *email = json_string_value(json_object_get(form, "email"));
	const char *name = json_string_value(json_object_get(form, "name"));
	json_object_set_new(m, "subscribe", json_pack("{s:s,s:s,s:O}", "email", email ? email : "", "name",
						     name ? name : "", "errors", r->errors));
	if (!r->form)
		json_decref(form);
	return http_form_again(r, out, "home/index.html", NULL, m);
}

static int subscribe(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *email = in_text(r, "email"), *name = in_text(r, "name");
	int64_t city_id = in_num(r, "city", 0);
	db *d = r->db;
	int rc = check_city(r, city_id, &e);
	if (rc) {
		log_error("subscribe: %s", e.msg);
		return rc;
	}
	if (r->errors)
		return subscribe_again(r, out);
	int64_t added = 0;
	rc = db_exec(d, "INSERT INTO subscribers (email, name, city_id, lang, created_at) "
			    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING",
			 DB_ARGS(DB_TEXT(email), DB_TEXT(name), city_id ? DB_INT(city_id) : DB_NULL,
				 DB_TEXT(lang_code(r->lang)), DB_TIME(unix_now())),
			 &added, &e);
	if (rc) {
		log_error("subscribe: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->status = added ? 201 : 200;
		out->model = json_pack("{s:b,s:b}", "subscribed", 1, "already", added == 0);
		return 0;
	}
	return http_redirect(r, out, added ? "/?subscribed=1#join" : "/?subscribed=already#join");
}

static const struct input subscribe_inputs[] = {
	{ "email", IN_EMAIL, IN_REQUIRED, 0, 254, "subscribe.err.email_shape", "subscribe.err.email_required" },
	{ "name", IN_LINE, 0, 0, 64, "subscribe.err.name", NULL },
	{ "city", IN_INT, 0, 1, INT32_MAX, "subscribe.err.city", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/", home, EVERYONE, 0, "home" },
	{ M_POST, "/subscribe", subscribe, EVERYONE, 1, "subscribe", .inputs = subscribe_inputs,
	  .invalid = subscribe_again },
};

const struct route_table portal_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

const struct feature portal_feature = {
	.name = "portal",
	.routes = { &portal_routes },
	.demo = portal_demo,
	.nav = { { 10, "/", "nav.home" }, { 90, "/#join", "nav.join", NAV_VISITORS } }, /* a member has joined */
};

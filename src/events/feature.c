/* feature.c: the events folder's features as the feature table sees
 * them, and the sections record and contest add to the event page. */
#include "events/internal.h"
#include "base/banned.h"

static int record_section(req *r, db *d, const void *row, json_t *m, err *e)
{
	return record_model(r, d, row, m, e);
}

static int contest_section(req *r, db *d, const void *row, json_t *m, err *e)
{
	return contest_model(r, d, row, 0, m, e);
}

static int contest_member_section(req *r, db *d, const void *row, json_t *m, err *e)
{
	const struct event_member *v = row;
	(void)m;
	return contest_mine(r, d, v->ev->id, v->event, v->refused, e);
}

/* The public events' pages, for /sitemap.xml. */
static int events_sitemap(req *r, db *d, buf *out, err *e)
{
	db_res x;
	sitemap_url(r, out, "/events", 0);
	sitemap_url(r, out, "/series", 0);
	int rc = db_query(d, &r->a, "SELECT id, coalesce(updated_at, starts_at) AS at FROM events WHERE status <> 'draft' "
				    "ORDER BY id", DB_NOARGS, &x, e);
	for (int i = 0; !rc && i < x.nrows; i++)
		sitemap_url(r, out, arena_printf(&r->a, "/events/%lld", (long long)db_int(&x, i, "id")), db_int(&x, i, "at"));
	return rc;
}

/* A public event's text for the search: titles, where, and what it is. */
static int events_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT e.title_zh AS title_zh, e.title_en AS title_en, coalesce(c.name_zh, '') || ' ' || "
				"coalesce(c.name_en, '') || ' ' || e.venue || ' ' || e.venue_en || ' ' || e.description || ' ' || "
				"e.description_en AS body, e.starts_at AS at FROM events e LEFT JOIN cities c ON c.id = e.city_id "
				"WHERE e.id = ? AND e.status <> 'draft'", DB_ARGS(DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		*out = (struct search_doc){ db_text(&x, 0, "title_zh"), db_text(&x, 0, "title_en"), db_text(&x, 0, "body"),
					    db_int(&x, 0, "at"), 0 };
	return rc;
}

const struct feature events_feature = {
	.name = "events",
	.routes = { &event_form_routes, &events_list_routes, &event_page_routes, &agenda_routes, &clone_routes,
		    &topics_routes, &series_routes, &archive_routes, &share_routes },
	.demo = events_demo,
	.sitemap = events_sitemap,
	.search = { { "event", "/events/%lld", events_search_doc } },
	.nav = { { 20, "/events", "nav.events" }, { 90, "/account/events", "nav.my_events", NAV_MEMBERS } },
};

/* Past events brought in from the community's records, and the numbers. */
const struct feature import_feature = { .name = "import", .routes = { &import_routes } };
const struct feature metrics_feature = { .name = "metrics", .routes = { &metrics_routes } };

const struct feature booking_feature = {
	.name = "booking",
	.routes = { &booking_routes, &registrations_routes, &door_routes, &tickets_routes, &mine_routes },
	.start = events_start,
	.stop = events_stop,
	.release = events_free,
};

const struct feature record_feature = {
	.name = "record",
	.routes = { &record_routes },
	.sections = { { "event", record_section } },
};

const struct feature contest_feature = {
	.name = "contest",
	.routes = { &contest_routes, &debate_routes, &draws_routes },
	.sections = { { "event", contest_section }, { "event.member", contest_member_section } },
};

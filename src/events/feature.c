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

const struct feature events_feature = {
	.name = "events",
	.routes = { &event_form_routes, &events_list_routes, &event_page_routes, &agenda_routes, &clone_routes,
		    &topics_routes, &series_routes, &archive_routes, &share_routes },
	.demo = events_demo,
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

/* event.c: one event as every page about it reads it: its row (read by
 * column name), the loader of the routes about one event, whether it takes
 * registrations now, and the lists of statuses, kinds and roles the forms
 * offer. */
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

/* NULL-ended: the forms declare them as their inputs' choices. */
const char *const event_statuses[] = { "draft", "published", "open", "closed", "finished", "cancelled", NULL };
const char *const item_kinds[] = { "signin", "opening", "talk", "panel", "case", "debate",
				     "closed", "break", "photo", "prize", NULL };
const char *const org_roles[] = { "host", "sponsor", "venue", "media" };
const size_t n_event_statuses = COUNT(event_statuses) - 1, n_item_kinds = COUNT(item_kinds) - 1, n_org_roles = COUNT(org_roles);

json_t *options(req *r, const char *prefix, const char *const *list, size_t n, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", list[i], "label",
						   prefix ? T(arena_printf(&r->a, "%s.%s", prefix, list[i])) : list[i],
						   "selected", selected && !strcmp(selected, list[i])));
	return a;
}

/* ---- reading an event ---- */

void event_from_row(const db_res *x, int i, struct event_row *ev)
{
	ev->id = db_int(x, i, "id");
	ev->series_id = db_int(x, i, "series_id");
	ev->city_id = db_int(x, i, "city_id");
	ev->cover_key = db_text(x, i, "cover_key");
	ev->title = db_text(x, i, "title");
	ev->title_zh = db_text(x, i, "title_zh");
	ev->title_en = db_text(x, i, "title_en");
	ev->tz = db_text(x, i, "tz");
	ev->status = db_text(x, i, "status");
	ev->venue = db_text(x, i, "venue");
	ev->venue_en = db_text(x, i, "venue_en");
	ev->address = db_text(x, i, "address");
	ev->address_en = db_text(x, i, "address_en");
	ev->city = db_text(x, i, "city");
	ev->series = db_text(x, i, "series");
	ev->description_en = db_text(x, i, "description_en");
	ev->description = db_text(x, i, "description");
	ev->starts_at = db_int(x, i, "starts_at");
	ev->ends_at = db_int(x, i, "ends_at");
	ev->reg_opens_at = db_int(x, i, "reg_opens_at"); /* NULL reads as 0: no limit */
	ev->reg_closes_at = db_int(x, i, "reg_closes_at");
	ev->capacity = db_int(x, i, "capacity");
	ev->confirmed = db_int(x, i, "confirmed");
	ev->waitlisted = db_int(x, i, "waitlisted");
	ev->checked_in = db_int(x, i, "checked_in");
	ev->series_slug = db_text(x, i, "series_slug");
	ev->time_known = (int)db_int(x, i, "time_known");
	static const char *const figures[FIGURES] = { "registered_text", "checked_in_text", "online_text", "reach_text" };
	for (int k = 0; k < FIGURES; k++)
		ev->figure[k] = db_text(x, i, figures[k]);
}

static int event_read(db *d, arena *a, int64_t id, int lang, int lock, struct event_row *ev, int *found, err *e)
{
	db_res x;
	const char *l = lang_code(lang);
	/* SQLite has no row locks: its writer holds the whole database. */
	int rc = db_query(d, a, lock && db_engine_of(d) == DB_POSTGRES ? EVENT_COLS "WHERE e.id = ? FOR UPDATE OF e"
								      : EVENT_COLS "WHERE e.id = ?",
			  DB_ARGS(DB_TEXT(l), DB_TEXT(l), DB_TEXT(l), DB_INT(id)), &x, e);
	*found = !rc && x.nrows;
	if (*found)
		event_from_row(&x, 0, ev);
	return rc;
}

int event_get(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e)
{
	return event_read(d, a, id, lang, 0, ev, found, e);
}

int events_lock(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e)
{
	return event_read(d, a, id, lang, 1, ev, found, e);
}

/* The route's :id as an event: the loader of every route about one event. */
static int load_event(req *r, err *e)
{
	int64_t id;
	int found;
	if (req_id(r, &id))
		return ERR_NOTFOUND;
	struct event_row *ev = arena_alloc(&r->a, sizeof(*ev));
	int rc = event_get(r->db, &r->a, id, r->lang, ev, &found, e);
	if (!rc && !found)
		return ERR_NOTFOUND;
	r->row = ev;
	return rc;
}

const struct loader event_loader = { "event", load_event, NULL, NULL };

int events_public_title(db *d, arena *a, int64_t id, int lang, const char **title, err *e)
{
	struct event_row ev;
	int found, rc = event_get(d, a, id, lang, &ev, &found, e);
	if (rc)
		return rc;
	if (!found || !strcmp(ev.status, "draft"))
		return ERR_NOTFOUND;
	*title = ev.title;
	return 0;
}

int64_t events_row_id(const void *row)
{
	return ((const struct event_row *)row)->id;
}

const char *event_venue(int lang, const struct event_row *ev)
{
	return lang == LANG_EN && ev->venue_en && *ev->venue_en ? ev->venue_en : ev->venue;
}

const char *event_address(int lang, const struct event_row *ev)
{
	return lang == LANG_EN && ev->address_en && *ev->address_en ? ev->address_en : ev->address;
}

const char *event_when(arena *a, int lang, const struct event_row *ev)
{
	if (!ev->time_known) /* a date, not an invented time of day */
		return clock_date_span(a, lang, ev->tz, ev->starts_at, ev->ends_at);
	return clock_span(a, lang, ev->tz, ev->starts_at, ev->ends_at);
}

const char *event_closed_reason(const struct event_row *ev, int64_t now)
{
	if (!strcmp(ev->status, "cancelled"))
		return "events.closed.cancelled";
	if (!strcmp(ev->status, "finished") || now >= ev->ends_at)
		return "events.closed.over";
	if (!strcmp(ev->status, "closed") || (ev->reg_closes_at && now >= ev->reg_closes_at))
		return "events.closed.closed";
	if (strcmp(ev->status, "open") || (ev->reg_opens_at && now < ev->reg_opens_at))
		return "events.closed.not_yet";
	return NULL;
}

/* The agenda, with each item's speakers, as the page and the API show it. */

/* internal.h: what plan.c and booking.c share inside events/. */
#ifndef PGHERD_EVENTS_INTERNAL_H
#define PGHERD_EVENTS_INTERNAL_H

#include "events/events.h"

struct event_row {
	int64_t id, series_id, city_id, cover_file_id;
	const char *title, *title_zh, *title_en, *tz, *status, *venue, *address, *city, *series, *description;
	const char *series_slug; /* "" outside a series */
	int64_t starts_at, ends_at, reg_opens_at, reg_closes_at; /* 0: no limit */
	int64_t capacity, confirmed, waitlisted, checked_in;
};

/* *found is 0 when there is no such event (drafts count as events here). */
int event_get(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e);
/* The event the route's :id names, on the thread's connection: 0 when it
 * is there; 1 when out already answers 404; else a negative error code. */
int event_route(req *r, resp *out, db **d, struct event_row *ev);
/* Runs fn on the event the route's :id names, or answers 404: the start
 * of every handler about one event. */
typedef int (*events_fn)(req *r, resp *out, db *d, struct event_row *ev);
int events_on_route(req *r, resp *out, events_fn fn);
/* "2026-12-19 周六 09:00–17:30" in the event's time zone. */
const char *event_when(arena *a, int lang, const struct event_row *ev);
/* The event page, with the registration form's values and errors when a
 * registration was refused (both may be NULL). */
int event_page(req *r, resp *out, db *d, int64_t id, unsigned status, json_t *form, json_t *errors);
/* The events list (GET /events); on /series/:slug, the series' page: its
 * name, kind and summary over its own events, 404 for an unknown slug. */
int events_list(req *r, resp *out);
/* What the status means to a member: may they register now? NULL when yes,
 * else the i18n key saying why not. */
const char *event_closed_reason(const struct event_row *ev, int64_t now);

/* Locks the event's row for the rest of the transaction and reads it: the
 * first step of every transaction that changes seats. */
int events_lock(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e);
/* Moves people up from the waitlist while seats are free, mailing each;
 * the event's row is locked and ev is current. */
int events_promote(db *d, arena *a, const char *base_url, struct event_row *ev, int *promoted, err *e);

#define T(key) i18n_get(r->lang, key)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif

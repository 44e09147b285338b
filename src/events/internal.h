/* internal.h: what plan.c and booking.c share inside events/. */
#ifndef PGHERD_EVENTS_INTERNAL_H
#define PGHERD_EVENTS_INTERNAL_H

#include "events/events.h"

extern const struct route_table events_routes;  /* plan.c */
extern const struct route_table booking_routes; /* booking.c */
extern const struct route_table series_routes;  /* series.c */
extern const struct route_table record_routes;  /* record.c */
extern const struct route_table archive_routes; /* archive.c */
extern const struct route_table import_routes;  /* import.c */
extern const struct route_table contest_routes; /* contest.c */
extern const struct route_table metrics_routes; /* metrics.c */

/* Loads the time zones and starts the registration writer (group commit). */
int events_start(const config *cfg, err *e);
/* Finishes queued registrations and stops the writer (before server_stop;
 * registrations after it are answered 503), then frees it (after). */
void events_stop(void);
void events_free(void);

/* The figures an event's record publishes, in this order; each may be
 * exact, approximate or unknown, kept as the organizers wrote it. */
enum { FIG_REGISTERED, FIG_CHECKED_IN, FIG_ONLINE, FIG_REACH, FIGURES };

struct event_row {
	int64_t id, series_id, city_id, cover_file_id;
	const char *title, *title_zh, *title_en, *tz, *status, *venue, *address, *city, *series, *description;
	const char *series_slug; /* "" outside a series */
	int64_t starts_at, ends_at, reg_opens_at, reg_closes_at; /* 0: no limit */
	int64_t capacity, confirmed, waitlisted, checked_in;
	const char *figure[FIGURES]; /* as entered; NULL when not */
};

/* *found is 0 when there is no such event (drafts count as events here). */
int event_get(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e);
/* The event the route's :id names (drafts included), loaded into r->row
 * before the handler runs; 404 when there is none. */
extern const struct loader event_loader;
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

/* A figure as organizers publish it: "80" (exact), "1xx", "about 100",
 * "约100", "100左右" (about), "2200+", "2200多", "more than 2200" (at
 * least); "" is unknown. value is the number written (100 for "1xx"). */
enum { FIGURE_UNKNOWN, FIGURE_EXACT, FIGURE_ABOUT, FIGURE_AT_LEAST };
struct figure {
	int kind;
	int64_t value;
};
/* 0 when text reads as a figure (or is empty), -1 otherwise. */
int figure_parse(const char *text, struct figure *f);
/* The event's figures as pages show them: counted by pgherd where it took
 * the registrations, else as published, else "not recorded". */
json_t *record_figures(req *r, const struct event_row *ev);
/* Adds the event's record to its page model m: "figures" and "media". */
int record_model(req *r, db *d, const struct event_row *ev, json_t *m, err *e);

/* What the event page's "event.member" sections see for a signed-in
 * member: the event, its page model, and a refused draw entry to show
 * on its draw ({id, message, proof, likes}) or NULL. The "event"
 * sections see the struct event_row itself. */
struct event_member {
	const struct event_row *ev;
	json_t *event;
	json_t *refused;
};

/* The debate and prize draws (contest.c) into the event's page model m:
 * "debate" and "draws"; organizer adds each entry's proof. */
int contest_model(req *r, db *d, const struct event_row *ev, int organizer, json_t *m, err *e);
/* The signed-in member's own entries in the event's draws, set as "my" on
 * each draw of the event model em (contest.c); refused, when not NULL, is
 * a refused entry ({id, message, proof, likes}) shown on its draw. */
int contest_mine(req *r, db *d, int64_t event_id, json_t *em, json_t *refused, err *e);

/* A prize draw's entry as the draw sees it. hash is BLAKE2b-256 of
 * "seed:no" in hex; rank is 1 for the first prize, 0 for no prize. */
enum { DRAW_HASH_HEX = 65 };
struct draw_entry {
	int64_t id, no, likes;
	int eligible, rank;
	char hash[DRAW_HASH_HEX];
};
void draw_hash(const char *seed, int64_t no, char hex[DRAW_HASH_HEX]);
/* Ranks the entries with at least min_likes by hash, lowest first, and
 * gives ranks 1..prizes to the first; *eligible counts them. Returns the
 * number of winners. The same seed and entries always give the same. */
int draw_pick(arena *a, const char *seed, struct draw_entry *v, int n, int64_t min_likes, int prizes, int *eligible);
/* The prizes of a draw, one per line ("T恤 ×3" is three); how many, or -1
 * when a line is too long or there are more than max. */
int draw_prizes(arena *a, const char *text, const char **out, int max);
/* One pasted entry: "name, likes, proof" (tabs, commas or bars), or
 * "name likes proof" by spaces; "32赞" counts 32. 0, or -1 when it is not. */
struct entry_line {
	const char *name, *proof;
	int64_t likes;
};
int draw_entry_parse(arena *a, const char *line, struct entry_line *out);

/* Who plans events and keeps their record. */
#define ORGANIZER ALLOW(ROLE_ORGANIZER)
#define T(key) i18n_get(r->lang, key)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif

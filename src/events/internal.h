/* internal.h: what plan.c and booking.c share inside events/. */
#ifndef PGHERD_EVENTS_INTERNAL_H
#define PGHERD_EVENTS_INTERNAL_H

#include "events/events.h"
#include "files/files.h"

/* The route tables, one per page or resource (matched in this order:
 * /events/new before /events/:id). */
extern const struct route_table event_form_routes;  /* form.c */
extern const struct route_table events_list_routes; /* list.c */
extern const struct route_table event_page_routes;  /* page.c */
extern const struct route_table agenda_routes;      /* agenda.c */
extern const struct route_table clone_routes;       /* clone.c */
extern const struct route_table topics_routes;      /* topics.c */
extern const struct route_table booking_routes; /* booking.c */
extern const struct route_table tickets_routes; /* tickets.c */
extern const struct route_table mine_routes;    /* mine.c: a member's own events */
extern const struct route_table door_routes;    /* door.c */
extern const struct route_table registrations_routes; /* registrations.c */
extern const struct route_table series_routes;  /* series.c */
extern const struct route_table record_routes;  /* record.c */
extern const struct route_table archive_routes; /* archive.c */
extern const struct route_table import_routes;  /* import.c */
extern const struct route_table contest_routes; /* contest.c */
extern const struct route_table debate_routes;  /* debate.c */
extern const struct route_table draws_routes;   /* draws.c */
extern const struct route_table metrics_routes; /* metrics.c */
extern const struct route_table share_routes;   /* share.c: the link card */

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
	int64_t id, series_id, city_id;
	const char *cover_key; /* "" when there is no cover */
	const char *title, *title_zh, *title_en, *tz, *status, *venue, *venue_en, *address, *address_en, *city, *series, *description;
	const char *description_en; /* "": not written */
	const char *series_slug; /* "" outside a series */
	int64_t starts_at, ends_at, reg_opens_at, reg_closes_at; /* 0: no limit */
	int time_known;       /* 0: only the date is known (an imported salon) */
	int64_t capacity, confirmed, waitlisted, checked_in;
	const char *figure[FIGURES]; /* as entered; NULL when not */
};

/* What every reading of an event selects (three ? for the language code),
 * each column named as event_from_row reads it; add FROM's WHERE after. */
#define EVENT_COLS "SELECT e.id, coalesce(e.series_id, 0) AS series_id, coalesce(e.city_id, 0) AS city_id, " \
	FILE_KEY("e.cover_file_id") " AS cover_key, " \
	DB_IN_LANG("e.title_zh", "e.title_en") " AS title, e.title_zh, e.title_en, e.tz, e.status, " \
	"e.venue, e.venue_en, e.address, e.address_en, CASE WHEN ? = 'en' THEN c.name_en ELSE c.name_zh END AS city, " \
	"CASE WHEN ? = 'en' THEN s.name_en ELSE s.name_zh END AS series, e.description, e.description_en, e.starts_at, e.ends_at, " \
	"e.reg_opens_at, e.reg_closes_at, e.capacity, e.confirmed, e.waitlisted, e.checked_in, " \
	"coalesce(s.slug, '') AS series_slug, e.registered_text, e.checked_in_text, e.online_text, e.reach_text, " \
	"CASE WHEN e.time_known THEN 1 ELSE 0 END AS time_known " \
	"FROM events e LEFT JOIN cities c ON c.id = e.city_id LEFT JOIN event_series s ON s.id = e.series_id "
/* Row i of a query that selected EVENT_COLS, by column name. */
void event_from_row(const db_res *x, int i, struct event_row *ev);
/* *found is 0 when there is no such event (drafts count as events here). */
int event_get(db *d, arena *a, int64_t id, int lang, struct event_row *ev, int *found, err *e);
/* The event the route's :id names (drafts included), loaded into r->row
 * before the handler runs; 404 when there is none. */
extern const struct loader event_loader;
/* "2026-12-19 周六 09:00–17:30" in the event's time zone. */
const char *event_when(arena *a, int lang, const struct event_row *ev);
/* The venue in the page's language: the English one when written, else
 * the Chinese. */
const char *event_venue(int lang, const struct event_row *ev);
/* The address, likewise. */
const char *event_address(int lang, const struct event_row *ev);
/* The agenda with each item's speakers, as the page and the API show it. */
int event_agenda(req *r, db *d, const struct event_row *ev, json_t **out, err *e);
/* The event page, with the registration form's values and errors when a
 * registration was refused (both may be NULL). */
int event_page(req *r, resp *out, db *d, int64_t id, unsigned status, json_t *form, json_t *errors);
/* The address of the event's drawn link card (its text's hash in it), or
 * NULL when cards are off (share.c). */
const char *event_card_path(req *r, const struct event_row *ev);
/* The events list (GET /events); on /series/:slug, the series' page: its
 * name, kind and summary over its own events, 404 for an unknown slug. */
int events_list(req *r, resp *out);
enum { TICKET_BYTES = 16, DOOR_LIST = 50, CSV_MAX = 100000, LIST_PAGE = 100 };
/* An event's seat counters as the door and the list show them (door.c). */
json_t *event_counts(const struct event_row *ev);
/* The organizer's list of an event's registrations (registrations.c),
 * with the add-a-guest form's values and errors when one was refused. */
/* The organizer's list of an event's registrations, with a form sent back
 * refilled (form and errors are taken; NULL: none): the guest form or the
 * message to the registered. */
enum { REG_FORM_GUEST, REG_FORM_MESSAGE };
int registrations_page(req *r, resp *out, unsigned status, int which, json_t *form, json_t *errors);
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

/* The limits of the debate and the draws, in characters unless named. */
enum {
	MOTION_MAX = 300, NAME_MAX_CHARS = 100, SIDE_MAX = 50, MEMBERS_MAX = 500, QUESTION_MAX = 1000,
	ANSWER_MAX = 4000, PROOF_MAX = 500, PRIZE_LINE_MAX = 100, PRIZES_MAX = 100, SEED_MAX = 200,
	ENTRIES_MAX = 2000, LIKES_MAX = 100000000,
};

/* The next line of *s (without its end), into the arena; NULL at the end. */
char *draw_next_line(arena *a, const char **s);
/* A like count as people write it ("32", "32赞", "32 likes"); 0 or -1. */
int draw_likes(arena *a, const char *s, int64_t *out);

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

/* What the forms offer (event.c), and the choices as <select> options
 * labelled from the catalog under prefix ("event.status"). */
extern const char *const event_statuses[], *const item_kinds[], *const org_roles[];
extern const size_t n_event_statuses, n_item_kinds, n_org_roles;
json_t *options(req *r, const char *prefix, const char *const *list, size_t n, const char *selected);
/* A form field trimmed, "" when absent. */
const char *form_text(req *r, const char *name);
enum { DESC_MAX = 20000, EVENTS_TTL = 60, MAX_ORGS = 30, MAX_SPEAKERS = 8 };

/* Who plans events and keeps their record. */
#define ORGANIZER ALLOW(ROLE_ORGANIZER)
#define T(key) i18n_get(r->lang, key)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif

/* internal.h: what the numbers' files share: a page view as it waits for
 * the writer, the day's salt, and the writer's queue (views.c hands page
 * views and active members to writer.c, which writes them in batches). */
#ifndef PGHERD_NUMBERS_INTERNAL_H
#define PGHERD_NUMBERS_INTERNAL_H

#include <sodium.h>
#include <stdint.h>

#include "http/feature.h"
#include "numbers/numbers.h"

enum { DEV_PC, DEV_PHONE, DEV_TABLET, DEV_BOT, DEV__COUNT };
extern const char *const device_names[DEV__COUNT];

enum { VIEW_PATH_MAX = 96, VIEW_SOURCE_MAX = 64 };

/* One page view: the batch's rows are these with a count. */
struct view_key {
	int32_t day;
	uint8_t device, member;
	uint64_t visitor;
	char path[VIEW_PATH_MAX];     /* without the query, cut at a character */
	char source[VIEW_SOURCE_MAX]; /* "", "self", "ref:HOST", "search:NAME", "ch:KEY", "utm:V", "via:CODE", "app:NAME" */
};

/* A day of the community's calendar (days since 1970-01-01 in its zone)
 * with its bounds and the key visitors are hashed with on that day. */
struct salt_day {
	int32_t day;
	int ok;
	int64_t from, until; /* Unix seconds: [from, until) */
	unsigned char key[crypto_generichash_KEYBYTES];
};

/* members.c: a set of (day, member) pairs (a member is never id 0). */
struct member_day {
	int64_t user;
	int32_t day;
	uint64_t visitor; /* the visitor they were when first seen that day */
};
struct member_set {
	struct member_day *v; /* cap slots, user 0 when empty */
	size_t cap, n;
};
/* 1 when added, 0 when it was there, -1 when it would grow past max
 * slots or memory ran out. */
int member_set_add(struct member_set *s, int32_t day, int64_t user, uint64_t visitor, size_t max);
int member_set_has(const struct member_set *s, int32_t day, int64_t user);
void member_set_clear(struct member_set *s);

/* views.c: the request side. */
/* Publishes today's and tomorrow's salts (the writer, after reading them). */
void views_set_salts(const struct salt_day *today, const struct salt_day *tomorrow);
/* Moves every thread's waiting views and members into the writer's hands:
 * fn is called for each, then the thread's table is empty again. */
void views_drain(void (*view)(const struct view_key *k, uint32_t views, void *ctx),
		 void (*member)(int32_t day, int64_t user_id, uint64_t visitor, void *ctx), void *ctx);
/* Page views recorded and let go since start. */
void views_counts(uint64_t *seen, uint64_t *dropped);
/* The feature's `seen`: counts r when it is a page view or a member's. */
void numbers_seen(const req *r);
/* Views waiting in every thread's table (an estimate, read without locks). */
uint64_t views_waiting(void);
/* Frees every thread's table (after the server stopped). */
void views_release(void);
/* The writer is asked to write now (a table grew past its share). */
extern void (*views_wake)(void);

/* What the recorder sorts a request into; for views.c and its unit test.
 * ua may be NULL. */
int views_device(const char *ua);
/* The source of a page view from its query (via, ch, utm_source: may be
 * NULL), its referrer and the site's own host (may be NULL), and the
 * browser (a chat app's own browser sends no referrer), into out. */
void views_source(const char *via, const char *ch, const char *utm, const char *referer, const char *own_host,
		  const char *ua, char out[VIEW_SOURCE_MAX]);
/* Copies the path without its query, at most VIEW_PATH_MAX - 1 bytes, cut
 * before a character that does not fit. */
void views_path(const char *path, char out[VIEW_PATH_MAX]);

/* Calendar arithmetic on day numbers (proleptic Gregorian). */
int32_t days_from_civil(int y, int m, int d);
void civil_from_days(int32_t day, int *y, int *m, int *d);

/* sums.c: the SQL each day's sums are made with. A dimension's
 * statement takes the first and last day (two ?) and answers day, key,
 * views and visitors (each visitor once a day). */
struct view_dim {
	const char *name; /* all, device, media, path, source, bot, channel */
	const char *sql;
};
extern const struct view_dim view_dims[]; /* ended by a NULL name */
/* A page view's channel key, as the channel dimension keys it: a
 * channel's id, 'direct', 'search' (engines) or 'other'. */
#define CHANNEL_KEY_SQL "CASE WHEN channel_id IS NOT NULL THEN CAST(channel_id AS TEXT) WHEN source = '' " \
	"THEN 'direct' WHEN source LIKE 'search:%' THEN 'search' ELSE 'other' END"
/* What is counted by the day of a row's time: new members, and the
 * interactions (registrations, check-ins, comments, votes, wishes,
 * questions, answers). Each finished day's counts are kept in
 * interaction_days by kind. counted_sql(pg, i) takes the Unix times
 * [from, until) (two ?) and answers day and n. */
struct counted {
	const char *kind, *table, *column;
	int interaction;
};
extern const struct counted counted[]; /* ended by a NULL kind */
const char *counted_sql(int pg, int i);
/* Every kind's counted_sql at once: takes [from, until) for each kind in
 * turn (two ? each) and answers k (the kind's index), day and n. */
const char *counted_all_sql(int pg);
/* "WHEN 0 THEN 'members' WHEN 1 THEN ..." : counted_all_sql's k as its kind. */
const char *counted_case(void);
enum { COUNTED_MAX = 16 };

/* writer.c */
int writer_start(const config *cfg, err *e);
void writer_stop(void);
/* The community's day of Unix time t, and the Unix time a day starts at. */
int32_t numbers_day_of(int64_t t);
int64_t numbers_day_start(int32_t day);
/* Writes n synthetic page views as the writer does, on a connection of
 * its own to url; *seconds it took (the benchmark's endpoint). */
int numbers_bench_write(const char *url, int n, double *seconds, err *e);
/* dashboard.c */
extern const struct route_table dashboard_routes;
/* A day as YYYY-MM-DD, and back (-1 when it is not a real day). */
const char *numbers_day_text(arena *a, int32_t day);
int32_t numbers_day_of_text(const char *s);
/* The days a chart's point covers over a range of `days`: a day up to 92
 * (what a phone's width shows), a week up to two years, then four. */
int numbers_chart_step(int days);
/* channels.c */
extern const struct route_table channels_routes;
/* ads.c: impressions and clicks wait here for the writer. */
enum { AD_SHOWN = 1, ARTICLE_SHOWN = 2 };
struct ad_count {
	int64_t id;
	int32_t day;
	uint8_t kind; /* AD_SHOWN (an ad's impressions and clicks) or ARTICLE_SHOWN (a sponsored article in a list) */
	uint32_t shown, clicks;
};
/* Hands every count waiting to fn, and empties the table. */
void ads_drain(void (*fn)(const struct ad_count *c, void *ctx), void *ctx);
void ads_release(void);
extern const struct route_table ads_routes;
/* plan.c: the year's plan, and the dashboard's line on it (m.plan, when
 * a goal of this year has a verdict). */
extern const struct route_table plan_routes;
/* public.c: the numbers anyone may read (m.public), for the home page. */
extern const struct route_table public_routes;
int numbers_public_section(req *r, db *d, const void *row, json_t *m, err *e);
int plan_summary(req *r, json_t *m, err *e);
/* The ad of the day in the home page's, the events list's and the
 * articles list's place: their sections. */
int ads_home(req *r, db *d, const void *row, json_t *m, err *e);
int ads_events(req *r, db *d, const void *row, json_t *m, err *e);
int ads_articles(req *r, db *d, const void *row, json_t *m, err *e);

#endif

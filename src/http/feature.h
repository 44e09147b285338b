/* feature.h: how a feature plugs into pgherd. Each feature folder defines
 * one `const struct feature`, and src/app/features.c lists them, one line
 * each: that list is the only place that names every feature. The
 * dispatcher, the layout's navigation, `pgherd routes`, the demo, the
 * route fuzzer and the roles walk all read it.
 *
 * A feature never calls into another feature's page: where one page shows
 * what another feature keeps (the event page shows the record, the debate
 * and the draws), the other feature registers a section for that page and
 * the page asks for its sections by name. */
#ifndef PGHERD_FEATURE_H
#define PGHERD_FEATURE_H

#include <jansson.h>

#include "base/config.h"
#include "db/db.h"
#include "http/http.h"
#include "view/view.h"


/* What the demo community has been given so far, passed to each feature's
 * demo in table order inside one transaction. */
struct demo_ctx {
	int force; /* add what is missing even when a community is there */
	int skip;  /* the database already holds a community: add nothing */
	int added; /* events added, for the command's message */
};

/* A part another feature adds to a page: `page` names the page ("event"),
 * add() puts its part into the page's model m. row is what the page shows
 * (for "event", a struct event_row, whose id events_row_id gives; for
 * "org", the organization's int64_t id). Sections run in table order. */
struct section {
	const char *page;
	int (*add)(req *r, db *d, const void *row, json_t *m, err *e);
};

/* What a feature gives the one search: the public text of one of its
 * rows, and the page it is on. */
struct search_doc {
	const char *title_zh, *title_en, *body;
	int64_t at;         /* for "newest first" */
	int64_t shown_from; /* not found before this time (a scheduled article); 0: now */
};
struct search_source {
	const char *kind; /* "article": what the search queue names (migration 025) */
	const char *path; /* "/articles/%lld": the row's page */
	/* Row id's public text; *found 0 when it is not public (a draft). */
	int (*doc)(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e);
};

enum { FEATURE_MAX_TABLES = 12, FEATURE_MAX_NAV = 4, FEATURE_MAX_SECTIONS = 4, FEATURE_MAX_SEARCH = 2 };

struct feature {
	const char *name;
	const struct route_table *routes[FEATURE_MAX_TABLES]; /* NULL-ended */
	int (*start)(const config *cfg, err *e); /* before the server listens */
	void (*stop)(void);                       /* before the server stops */
	void (*release)(void);                    /* after it has stopped */
	int (*demo)(db *d, struct demo_ctx *c, err *e);
	struct nav_item nav[FEATURE_MAX_NAV];         /* ended by a NULL href */
	struct section sections[FEATURE_MAX_SECTIONS]; /* ended by a NULL page */
	/* Appends the feature's public pages to the sitemap: one
	 * <url><loc>ABSOLUTE</loc><lastmod>..</lastmod></url> each (sitemap_url). */
	int (*sitemap)(req *r, db *d, buf *out, err *e);
	struct search_source search[FEATURE_MAX_SEARCH]; /* ended by a NULL kind */
	/* Told of every request once it is answered (r->status, r->page),
	 * on the thread that answered it, before its arena is released: for
	 * counting (the numbers' page views). Must be quick and never block
	 * on the database. */
	void (*seen)(const req *r);
	/* Appends the feature's own lines to /metrics (Prometheus' text
	 * format: # HELP, # TYPE, then the samples), named pgherd_...; d is
	 * the request's database. */
	int (*metrics)(req *r, buf *out, err *e);
};

/* The table (src/app/features.c), ended by NULL. */
extern const struct feature *const pgherd_features[];

/* Every route table of every feature, in table order, into t (room for
 * max, FEATURES_MAX_ROUTE_TABLES is enough); returns how many. */
enum { FEATURES_MAX_ROUTE_TABLES = 64 };
size_t features_routes(struct route_table *t, size_t max);
/* Starts every feature in order; on failure stops those started. */
int features_start(const config *cfg, err *e);
/* Stops them in reverse order, then (features_release) frees them. */
void features_stop(void);
void features_release(void);
/* Tells every feature with a `seen` of r (http/server.c, as a request ends). */
void features_seen(const req *r);
/* Loads the demo community: every feature's demo in one transaction. */
int features_demo(db *d, int force, int *added, err *e);
/* Every feature's lines for /metrics, in table order. */
int features_metrics(req *r, buf *out, err *e);
/* Adds every registered section of `page` to m. */
int features_sections(const char *page, req *r, db *d, const void *row, json_t *m, err *e);
/* The search source of a kind ("article"), or NULL. */
const struct search_source *features_search_source(const char *kind);

/* /sitemap.xml's entries: every feature's public pages, in order. */
int features_sitemap(req *r, db *d, buf *out, err *e);
/* One sitemap entry for path (on the site's base_url), modified at t
 * (0: not said). */
void sitemap_url(req *r, buf *out, const char *path, int64_t t);

/* The navigation bar's links, every feature's, in order, into v (room for
 * max); returns how many. */
enum { FEATURES_MAX_NAV = 32 };
size_t features_nav(struct nav_item *v, size_t max);

#endif

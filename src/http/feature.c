/* feature.c: what the platform does with the feature table: the route
 * tables the server dispatches over, starting and stopping, the demo, the
 * sections of a page and the navigation bar. */
#include <pthread.h>
#include <string.h>

#include "http/feature.h"
#include "base/util.h"
#include "base/banned.h"

size_t features_routes(struct route_table *t, size_t max)
{
	size_t k = 0;
	for (const struct feature *const *f = pgherd_features; *f; f++)
		for (int i = 0; i < FEATURE_MAX_TABLES && (*f)->routes[i] && k < max; i++)
			t[k++] = *(*f)->routes[i];
	return k;
}

static size_t count(void)
{
	size_t n = 0;
	while (pgherd_features[n])
		n++;
	return n;
}

int features_start(const config *cfg, err *e)
{
	size_t n = count();
	for (size_t i = 0; i < n; i++) {
		const struct feature *f = pgherd_features[i];
		int rc = f->start ? f->start(cfg, e) : 0;
		if (rc) {
			while (i-- > 0)
				if (pgherd_features[i]->stop)
					pgherd_features[i]->stop();
			return rc;
		}
	}
	return 0;
}

void features_stop(void)
{
	for (size_t i = count(); i-- > 0;)
		if (pgherd_features[i]->stop)
			pgherd_features[i]->stop();
}

void features_release(void)
{
	for (size_t i = count(); i-- > 0;)
		if (pgherd_features[i]->release)
			pgherd_features[i]->release();
}

/* The features that count requests, found once: this runs for every
 * request, so it walks a short list rather than the whole table. */
static const struct feature *watchers[16];
static size_t nwatchers = (size_t)-1;

static void find_watchers(void)
{
	size_t n = 0;
	for (const struct feature *const *f = pgherd_features; *f; f++)
		if ((*f)->seen && n < sizeof(watchers) / sizeof(watchers[0]))
			watchers[n++] = *f;
	nwatchers = n;
}

void features_seen(const req *r)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, find_watchers);
	for (size_t i = 0; i < nwatchers; i++)
		watchers[i]->seen(r);
}

static int demo_tx(db *d, void *p, err *e)
{
	struct demo_ctx *c = p;
	c->skip = c->added = 0;
	for (const struct feature *const *f = pgherd_features; *f; f++) {
		int rc = (*f)->demo ? (*f)->demo(d, c, e) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

int features_demo(db *d, int force, int *added, err *e)
{
	struct demo_ctx c = { .force = force };
	int rc = db_tx(d, demo_tx, &c, e);
	if (!rc && added)
		*added = c.added;
	return rc;
}

int features_sections(const char *page, req *r, db *d, const void *row, json_t *m, err *e)
{
	for (const struct feature *const *f = pgherd_features; *f; f++)
		for (const struct section *s = (*f)->sections; s < (*f)->sections + FEATURE_MAX_SECTIONS && s->page; s++)
			if (!strcmp(s->page, page)) {
				int rc = s->add(r, d, row, m, e);
				if (rc)
					return rc;
			}
	return 0;
}

int features_metrics(req *r, buf *out, err *e)
{
	for (const struct feature *const *f = pgherd_features; *f; f++)
		if ((*f)->metrics) {
			int rc = (*f)->metrics(r, out, e);
			if (rc)
				return rc;
		}
	return 0;
}

const struct search_source *features_search_source(const char *kind)
{
	for (const struct feature *const *f = pgherd_features; *f; f++)
		for (int i = 0; i < FEATURE_MAX_SEARCH && (*f)->search[i].kind; i++)
			if (!strcmp((*f)->search[i].kind, kind))
				return &(*f)->search[i];
	return NULL;
}

int features_sitemap(req *r, db *d, buf *out, err *e)
{
	for (const struct feature *const *f = pgherd_features; *f; f++) {
		int rc = (*f)->sitemap ? (*f)->sitemap(r, d, out, e) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

void sitemap_url(req *r, buf *out, const char *path, int64_t t)
{
	const char *loc = arena_printf(&r->a, "%s%s", r->cfg->val[CFG_BASE_URL], path);
	buf_adds(out, "<url><loc>");
	buf_html(out, loc, strlen(loc));
	buf_adds(out, "</loc>");
	if (t > 0) {
		char iso[32];
		time_iso(t, iso);
		buf_addf(out, "<lastmod>%s</lastmod>", iso);
	}
	buf_adds(out, "</url>\n");
}

size_t features_nav(struct nav_item *v, size_t max)
{
	size_t n = 0;
	for (const struct feature *const *f = pgherd_features; *f; f++)
		for (const struct nav_item *it = (*f)->nav; it < (*f)->nav + FEATURE_MAX_NAV && it->href && n < max; it++) {
			/* A short list: insertion sort by order keeps table order on ties. */
			size_t k = n++;
			while (k > 0 && v[k - 1].order > it->order) {
				v[k] = v[k - 1];
				k--;
			}
			v[k] = *it;
		}
	return n;
}

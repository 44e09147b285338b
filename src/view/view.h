/* view.h: pages from templates in the request's language.
 *
 * Templates live in templates/ and are built into the binary; with dev on
 * they are read from source_dir/templates on every render instead, so an
 * edit shows on the next reload. A page renders inside templates/layout.html,
 * which includes the page as the partial {{> $page}}.
 *
 * view_init compiles everything once (catching template errors at start);
 * afterwards rendering is thread-safe. */
#ifndef PGHERD_VIEW_H
#define PGHERD_VIEW_H

#include <jansson.h>

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

int view_init(int dev, const char *source_dir, err *e);
void view_release(void);

/* Renders `page` (e.g. "home/index.html") inside the layout. The context
 * stack is [globals, model]: the model (what /api/v1 returns) is searched
 * first, then the page globals (site, lang, nav, csrf...). */
int view_render(const char *page, int lang, json_t *globals, json_t *model, buf *out, err *e);
/* A link in the site's navigation bar, in `order` (lower first). */
struct nav_item {
	int order;
	const char *href;
	const char *label_key; /* i18n key */
	int who;               /* NAV_EVERYONE, or only NAV_VISITORS / NAV_MEMBERS */
};
enum { NAV_EVERYONE = 0, NAV_VISITORS = 1, NAV_MEMBERS = 2 };

/* What the layout around every page shows: the site in the request's
 * language, the language switch, the navigation bar (the current page
 * marked), who is signed in, and the CSRF token forms carry. */
struct layout {
	int lang;
	const char *site_name, *path, *csrf, *title;
	const char *base_url; /* for the addresses a shared link's card names */
	int64_t user_id; /* 0: a visitor */
	const char *user_name, *role;
	const struct nav_item *nav;
	size_t nnav;
};
/* The layout's globals for view_render (texts live in a). */
json_t *view_layout(arena *a, const struct layout *l);
/* Frees the navigation bars view_layout keeps (at exit). */
void view_layout_release(void);

/* Names of every built-in template, for the i18n key check. */
int view_template_exists(const char *name);

#endif

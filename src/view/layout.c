/* layout.c: the globals of templates/layout.html: the site in the page's
 * language, the language switch, the navigation bar the features declare,
 * who is signed in, and the CSRF token. */
#include <pthread.h>
#include <string.h>

#include "base/embed.h"
#include "base/json_arena.h"
#include "base/util.h"
#include "view/i18n.h"
#include "view/view.h"
#include "base/banned.h"

/* The request path when it is safe to link to: "//host/..." or a
 * backslash would make the browser leave the site. */
static const char *same_site_path(const char *path)
{
	if (!path || path[0] != '/' || path[1] == '/' || strchr(path, '\\'))
		return "/";
	return path;
}

/* The navigation bar, the same for every page of a language and reader
 * (visitor or member) but for the item it is on: made once per variant
 * and shared by the pages (jansson counts references atomically), where
 * each uncached page made it again. Nav items and catalogs do not change
 * while the server runs. The one exception to "no JSON value outlives its
 * request" (base/json_arena.h): these are made outside any arena. */
enum { NAV_MAX = 32, LANGS = 2 };
static json_t *navs[LANGS][2][NAV_MAX + 1];
static pthread_mutex_t navs_mu = PTHREAD_MUTEX_INITIALIZER;

static json_t *nav_of(const struct layout *l)
{
	size_t current = l->nnav;
	for (size_t i = 0; i < l->nnav && current == l->nnav; i++)
		if (l->path && !strcmp(l->nav[i].href, l->path))
			current = i;
	int member = l->user_id != 0, lang = l->lang == LANG_EN;
	if (l->nnav > NAV_MAX)
		return NULL;
	pthread_mutex_lock(&navs_mu);
	json_t **slot = &navs[lang][member][current];
	if (!*slot) {
		/* Made with malloc, not in this request's arena: it outlives
		 * the request (base/json_arena.h). */
		arena *request = json_arena_begin(NULL);
		json_t *nav = json_array();
		for (size_t i = 0; i < l->nnav; i++)
			if (l->nav[i].who == NAV_EVERYONE || l->nav[i].who == (member ? NAV_MEMBERS : NAV_VISITORS))
				json_array_append_new(nav, json_pack("{s:s,s:s,s:b}", "href", l->nav[i].href, "label",
								     i18n_get(l->lang, l->nav[i].label_key), "current",
								     i == current));
		json_arena_begin(request);
		*slot = nav;
	}
	json_t *nav = json_incref(*slot);
	pthread_mutex_unlock(&navs_mu);
	return nav;
}

void view_layout_release(void)
{
	pthread_mutex_lock(&navs_mu);
	for (int a = 0; a < LANGS; a++)
		for (int b = 0; b < 2; b++)
			for (int c = 0; c <= NAV_MAX; c++) {
				json_decref(navs[a][b][c]);
				navs[a][b][c] = NULL;
			}
	pthread_mutex_unlock(&navs_mu);
}

/* The globals' texts are the server's own or checked when written: set
 * without jansson's checks (they were a tenth of an uncached page). */
static void put(json_t *o, const char *key, const char *value)
{
	json_object_set_new_nocheck(o, key, json_string_nocheck(value ? value : ""));
}

json_t *view_layout(arena *a, const struct layout *l)
{
	const char *other = l->lang == LANG_ZH ? "en" : "zh";
	const struct embed_file *css = embed_find("web/static/app.css"), *js = embed_find("web/static/app.js");
	char year[8], iso[32];
	time_iso(unix_now(), iso);
	snprintf(year, sizeof(year), "%.4s", iso);
	json_t *g = json_object();
	put(g, "lang", lang_code(l->lang));
	put(g, "html_lang", lang_html(l->lang));
	put(g, "site_name", l->site_name);
	json_object_set_new_nocheck(g, "lang_zh", json_boolean(l->lang == LANG_ZH));
	json_object_set_new_nocheck(g, "lang_en", json_boolean(l->lang == LANG_EN));
	put(g, "other_lang_href", arena_printf(a, "%s?lang=%s", same_site_path(l->path), other));
	put(g, "other_lang_name", l->lang == LANG_ZH ? "English" : "中文");
	put(g, "csrf", l->csrf);
	put(g, "css_href", arena_printf(a, "/static/app.css?v=%s", css ? css->hash : "0"));
	put(g, "year", year);
	put(g, "page_title", l->title);
	put(g, "js_href", arena_printf(a, "/static/app.js?v=%s", js ? js->hash : "0"));
	/* What a chat app's link card shows: the page's own address and, when
	 * the page names no picture of its own, the community's card. */
	const char *base = l->base_url ? l->base_url : "";
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	put(g, "base_url", arena_strndup(a, base, blen));
	/* The path is the request's, which need not be UTF-8. */
	json_object_set_new_nocheck(g, "page_url", json_string(arena_printf(a, "%.*s%s", (int)blen, base, same_site_path(l->path))));
	json_t *nav = nav_of(l);
	json_object_set_new_nocheck(g, "nav", nav ? nav : json_array());
	if (l->user_id)
		json_object_set_new(g, "me", json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)l->user_id, "name", l->user_name,
						       "role", l->role ? l->role : "", "zh",
						       l->lang != LANG_ZH && text_han(l->user_name)));
	return g;
}

/* layout.c: the globals of templates/layout.html: the site in the page's
 * language, the language switch, the navigation bar the features declare,
 * who is signed in, and the CSRF token. */
#include <string.h>

#include "base/embed.h"
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

json_t *view_layout(arena *a, const struct layout *l)
{
	const char *other = l->lang == LANG_ZH ? "en" : "zh";
	const struct embed_file *css = embed_find("web/static/app.css"), *js = embed_find("web/static/app.js");
	char year[8], iso[32];
	time_iso(unix_now(), iso);
	snprintf(year, sizeof(year), "%.4s", iso);
	json_t *g = json_pack("{s:s,s:s,s:s,s:b,s:b,s:s,s:s,s:s,s:s,s:s,s:s}", "lang", lang_code(l->lang), "html_lang",
			      lang_html(l->lang), "site_name", l->site_name, "lang_zh", l->lang == LANG_ZH, "lang_en",
			      l->lang == LANG_EN, "other_lang_href", arena_printf(a, "%s?lang=%s", same_site_path(l->path), other),
			      "other_lang_name", l->lang == LANG_ZH ? "English" : "中文", "csrf", l->csrf ? l->csrf : "",
			      "css_href", arena_printf(a, "/static/app.css?v=%s", css ? css->hash : "0"), "year", year,
			      "page_title", l->title ? l->title : "");
	json_object_set_new(g, "js_href", json_string(arena_printf(a, "/static/app.js?v=%s", js ? js->hash : "0")));
	/* What a chat app's link card shows: the page's own address and, when
	 * the page names no picture of its own, the community's card. */
	const char *base = l->base_url ? l->base_url : "";
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	json_object_set_new(g, "base_url", json_string(arena_strndup(a, base, blen)));
	json_object_set_new(g, "page_url", json_string(arena_printf(a, "%.*s%s", (int)blen, base, same_site_path(l->path))));
	json_t *nav = json_array();
	for (size_t i = 0; i < l->nnav; i++)
		if (l->nav[i].who == NAV_EVERYONE || l->nav[i].who == (l->user_id ? NAV_MEMBERS : NAV_VISITORS))
			json_array_append_new(nav, json_pack("{s:s,s:s,s:b}", "href", l->nav[i].href, "label",
							     i18n_get(l->lang, l->nav[i].label_key), "current",
							     l->path && !strcmp(l->nav[i].href, l->path)));
	json_object_set_new(g, "nav", nav);
	if (l->user_id)
		json_object_set_new(g, "me", json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)l->user_id, "name", l->user_name,
						       "role", l->role ? l->role : "", "zh",
						       l->lang != LANG_ZH && text_han(l->user_name)));
	return g;
}

/* feed.c: the published articles as feeds, every kind together or one
 * kind (?kind=) or one tag (?tag=): RSS 2.0 (/articles/feed.rss) and Atom
 * (/articles/feed.atom), the newest 30, with absolute links, the dates
 * each format wants, and each article's text as escaped HTML. A sponsored
 * article says so in its title and its category. And the articles' part
 * of /sitemap.xml. */
#include "content/internal.h"

#include <string.h>
#include <time.h>

#include "base/util.h"
#include "view/atom.h"
#include "view/markdown.h"
#include "base/banned.h"

enum { FEED_ITEMS = 30 };

static void esc(buf *b, const char *s)
{
	buf_html(b, s, strlen(s));
}

/* RFC 822 as RSS 2.0 wants it, in UTC, with English names whatever the
 * process's locale. */
static void rfc822(int64_t t, char out[40])
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm g;
	gmtime_r(&tt, &g);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[g.tm_wday], g.tm_mday, months[g.tm_mon],
		 g.tm_year + 1900, g.tm_hour, g.tm_min, g.tm_sec);
}

struct feed {
	req *r;
	const char *kind, *tag, *title, *self, *site;
	db_res x;
};

static const char *item_title(req *r, const struct article_row *a)
{
	return strcmp(a->kind, "sponsored") ? a->title : arena_printf(&r->a, "[%s] %s", T("content.sponsored"), a->title);
}

static const char *item_html(req *r, const struct article_row *a)
{
	buf html = BUF_INIT;
	markdown_html(*a->body ? a->body : a->summary, &html);
	const char *s = arena_strdup(&r->a, html.s ? html.s : "");
	buf_release(&html);
	return s;
}

static void rss(struct feed *f, buf *b)
{
	req *r = f->r;
	char when[40];
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>\n<title>");
	esc(b, f->title);
	buf_adds(b, "</title>\n<link>");
	esc(b, arena_printf(&r->a, "%s/articles", f->site));
	buf_adds(b, "</link>\n<description>");
	esc(b, f->title);
	buf_addf(b, "</description>\n<language>%s</language>\n<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"",
		 r->lang == LANG_ZH ? "zh-cn" : "en");
	esc(b, f->self);
	buf_adds(b, "\"/>\n");
	for (int i = 0; i < f->x.nrows && i < FEED_ITEMS; i++) {
		struct article_row a;
		article_from_row(&f->x, i, r->lang, &a);
		const char *link = arena_printf(&r->a, "%s/articles/%lld", f->site, (long long)a.id);
		rfc822(a.publish_at, when);
		buf_adds(b, "<item><title>");
		esc(b, item_title(r, &a));
		buf_adds(b, "</title><link>");
		esc(b, link);
		buf_adds(b, "</link><guid isPermaLink=\"true\">");
		esc(b, link);
		buf_addf(b, "</guid><pubDate>%s</pubDate><category>%s</category><description>", when, a.kind);
		esc(b, item_html(r, &a));
		buf_adds(b, "</description></item>\n");
	}
	buf_adds(b, "</channel></rss>\n");
}

static void atom(struct feed *f, buf *b)
{
	req *r = f->r;
	int64_t newest = 0;
	for (int i = 0; i < f->x.nrows && i < FEED_ITEMS; i++) {
		int64_t u = db_int(&f->x, i, "updated_at");
		newest = u > newest ? u : newest;
	}
	atom_head(b, &(struct atom_feed){ r->lang == LANG_ZH ? "zh-CN" : "en", f->title, f->self,
					  arena_printf(&r->a, "%s/articles", f->site), newest });
	for (int i = 0; i < f->x.nrows && i < FEED_ITEMS; i++) {
		struct article_row a;
		article_from_row(&f->x, i, r->lang, &a);
		atom_entry(b, &(struct atom_entry){
			.title = item_title(r, &a),
			.link = arena_printf(&r->a, "%s/articles/%lld", f->site, (long long)a.id),
			.author = *a.sponsor && !strcmp(a.kind, "sponsored")
					  ? a.sponsor
					  : r->cfg->val[r->lang == LANG_ZH ? CFG_SITE_NAME_ZH : CFG_SITE_NAME_EN],
			.category = a.kind,
			.summary = a.summary,
			.html = item_html(r, &a),
			.published = a.publish_at,
			.updated = a.updated_at,
		});
	}
	atom_end(b);
}

static int feed(req *r, resp *out, int is_atom)
{
	err e = ERR_INIT;
	struct feed f = { r, in_text(r, "kind"), in_text(r, "tag"), NULL, NULL, r->cfg->val[CFG_BASE_URL], { 0 } };
	static const char *const args[] = { "kind", "tag", NULL };
	const char *type = is_atom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8";
	int64_t version = 0;
	int rc, exists = 1, ttl;
	if ((rc = http_feed_lookup(r, out, "content", args, type, &version, &e)))
		return rc > 0 ? 0 : rc;
	if (f.tag) {
		const char *tags[TAGS_MAX + 1];
		if (content_split_tags(&r->a, f.tag, tags) != 1)
			return http_error(r, out, 404, "no_tag", "content.err.no_tag");
		f.tag = tags[0];
		if ((rc = content_tag_exists(r, f.tag, &exists, &e)))
			return rc;
		if (!exists)
			return http_error(r, out, 404, "no_tag", "content.err.no_tag");
	}
	if ((rc = content_published(r, f.kind ? f.kind : "", f.tag ? f.tag : "", 0, FEED_ITEMS, &f.x, &e)) ||
	    (rc = content_ttl(r, &e, &ttl)))
		return rc;
	const char *site = r->cfg->val[r->lang == LANG_ZH ? CFG_SITE_NAME_ZH : CFG_SITE_NAME_EN];
	f.title = f.kind ? arena_printf(&r->a, "%s · %s", kind_label(r, f.kind), site)
		: f.tag ? arena_printf(&r->a, "#%s · %s", f.tag, site) : arena_printf(&r->a, "%s · %s", T("content.title"), site);
	buf q = BUF_INIT;
	buf_adds(&q, f.kind ? "&kind=" : "");
	buf_adds(&q, f.kind ? f.kind : "");
	if (f.tag) {
		buf_adds(&q, "&tag=");
		buf_url_arg(&q, f.tag);
	}
	f.self = arena_printf(&r->a, "%s/articles/feed.%s?lang=%s%s", f.site, is_atom ? "atom" : "rss", lang_code(r->lang),
			      q.s ? q.s : "");
	buf_release(&q);
	buf b = BUF_INIT;
	(is_atom ? atom : rss)(&f, &b);
	http_feed_answer(r, out, &b, type, version, ttl);
	return 0;
}

static int feed_rss(req *r, resp *out)
{
	return feed(r, out, 0);
}

static int feed_atom(req *r, resp *out)
{
	return feed(r, out, 1);
}

int content_sitemap(req *r, db *d, buf *out, err *e)
{
	db_res x;
	sitemap_url(r, out, "/articles", 0);
	int rc = db_query(d, &r->a, "SELECT id, updated_at FROM articles WHERE status = 'published' AND publish_at <= ? "
				    "ORDER BY id", DB_ARGS(DB_TIME(unix_now())), &x, e);
	for (int i = 0; !rc && i < x.nrows; i++)
		sitemap_url(r, out, arena_printf(&r->a, "/articles/%lld", (long long)db_int(&x, i, "id")),
			    db_int(&x, i, "updated_at"));
	return rc;
}

static const struct input feed_inputs[] = {
	{ "kind", IN_CHOICE, IN_QUERY, 0, 0, "content.err.kind", NULL, article_kinds },
	{ "tag", IN_LINE, IN_QUERY, 0, TAG_MAX * 4, "content.err.no_tag", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/articles/feed.rss", feed_rss, EVERYONE, 0, "articles-rss", NULL, feed_inputs },
	{ M_GET, "/articles/feed.atom", feed_atom, EVERYONE, 0, "articles-atom", NULL, feed_inputs },
};

const struct route_table feed_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

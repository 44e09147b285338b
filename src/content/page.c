/* page.c: an article's page (GET /articles/:id): the reader's language or
 * the other, marked; the sponsor named and its links marked sponsored;
 * a replay or podcast as a card whose player loads only when tapped; the
 * talk it came from; its link card, canonical address and structured data.
 * Its authors and the editors also see it before it is out, with the
 * review beside it (review.c adds that part). */
#include "content/internal.h"

#include <stddef.h>
#include <string.h>

#include "base/json_arena.h"
#include "comments/comments.h"
#include "base/util.h"
#include "base/validate.h"
#include "files/card.h"
#include "view/markdown.h"
#include "base/banned.h"

/* A Ximalaya track's id from its page's address: .../sound/ID (the
 * site, the phone site, the app's share page) or /CATEGORY/ALBUM/ID (the
 * site's older addresses); 0 for anything else. */
static int64_t ximalaya_track(const char *u)
{
	static const char site[] = "ximalaya.com";
	const char *host = strstr(u, "://");
	const char *path = host ? strchr(host + 3, '/') : NULL;
	if (!path)
		return 0;
	host += 3;
	size_t hlen = (size_t)(path - host), slen = sizeof(site) - 1;
	/* ximalaya.com or a name under it (www., m., mobile.) */
	if (hlen < slen || strncmp(path - slen, site, slen) || (hlen > slen && path[-(ptrdiff_t)slen - 1] != '.'))
		return 0;
	/* The last segment of the path (before ? or #), all digits, after a
	 * "sound" segment or a numeric album. */
	size_t len = strcspn(path, "?#");
	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == len || len - start > 18 || strspn(path + start, "0123456789") != len - start || start < 2)
		return 0;
	size_t prev = start - 1;
	while (prev > 0 && path[prev - 1] != '/')
		prev--;
	size_t plen = start - 1 - prev;
	int sound = plen == 5 && !strncmp(path + prev, "sound", 5);
	int album = plen > 0 && strspn(path + prev, "0123456789") == plen;
	if (!sound && !album)
		return 0;
	int64_t id = 0;
	for (size_t i = start; i < len; i++)
		id = id * 10 + (path[i] - '0');
	return id;
}

/* Where a replay or podcast plays: bilibili's player for a bilibili video
 * (its BV id), Ximalaya's for one of its tracks, the browser's own for a
 * video or audio file; anything else is a link. The player is loaded only
 * when the reader taps the card. */
static json_t *media_card(req *r, const struct article_row *a)
{
	if (!*a->media_url || !strcmp(a->media, "text"))
		return NULL;
	const char *u = a->media_url;
	json_t *m = json_pack("{s:s,s:s,s:b}", "url", u, "label", T(arena_printf(&r->a, "content.media.%s", a->media)),
			      "video", !strcmp(a->media, "video"));
	const char *bv = strstr(u, "bilibili.com/video/BV");
	int64_t track = ximalaya_track(u);
	if (bv) {
		bv += strlen("bilibili.com/video/");
		size_t n = strspn(bv, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
		if (n >= 10 && n <= 12)
			json_object_set_new(m, "embed", json_string(arena_printf(&r->a,
				"https://player.bilibili.com/player.html?bvid=%.*s&autoplay=1", (int)n, bv)));
	} else if (track > 0) {
		/* Ximalaya's player for other sites: a strip with play, the
		 * track's title and its time. */
		json_object_set_new(m, "embed", json_string(arena_printf(&r->a,
			"https://www.ximalaya.com/thirdparty/player/sound/player.html?id=%lld&type=red", (long long)track)));
		json_object_set_new(m, "embed_strip", json_true());
	} else {
		const char *dot = strrchr(u, '.');
		if (dot && (!strcmp(dot, ".mp4") || !strcmp(dot, ".webm")))
			json_object_set_new(m, "file_video", json_string(u));
		else if (dot && (!strcmp(dot, ".mp3") || !strcmp(dot, ".m4a") || !strcmp(dot, ".ogg")))
			json_object_set_new(m, "file_audio", json_string(u));
	}
	return m;
}

/* The card drawn for an article without a cover. */
static void article_card(req *r, const struct article_row *a, struct card *c)
{
	*c = (struct card){
		.kicker = r->cfg->val[r->lang == LANG_ZH ? CFG_SITE_NAME_ZH : CFG_SITE_NAME_EN],
		.title = a->title,
		.lines = { arena_printf(&r->a, "%s · %s", kind_label(r, a->kind), content_date(&r->a, a->publish_at)),
			   *a->sponsor ? arena_printf(&r->a, T("content.sponsored_by"), a->sponsor) : "" },
		.badge = !strcmp(a->kind, "sponsored") ? T("content.sponsored") : kind_label(r, a->kind),
		.footer = card_host(r->cfg->val[CFG_BASE_URL]),
	};
}

/* The page's link card: the cover, or one drawn from the title. */
static const char *card_path(req *r, const struct article_row *a)
{
	if (*a->cover_key)
		return arena_printf(&r->a, "/files/%s/m", a->cover_key);
	if (!card_ready())
		return NULL;
	struct card c;
	article_card(r, a, &c);
	return arena_printf(&r->a, "/articles/%lld/card?lang=%s&v=%08x", (long long)a->id, lang_code(r->lang),
			    card_hash(&c));
}

/* schema.org's Article, or AdvertiserContentArticle for paid content,
 * escaped for a <script> element (no "</" can appear). */
static const char *structured_data(req *r, const struct article_row *a, json_t *authors)
{
	const char *base = r->cfg->val[CFG_BASE_URL];
	char pub[32], mod[32];
	time_iso(a->publish_at ? a->publish_at : a->updated_at, pub);
	time_iso(a->updated_at, mod);
	json_t *who = json_array();
	for (size_t i = 0; i < json_array_size(authors); i++)
		json_array_append_new(who, json_pack("{s:s,s:s}", "@type", "Person", "name",
						     json_string_value(json_object_get(json_array_get(authors, i), "name"))));
	json_t *ld = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:{s:s,s:s},s:s}", "@context", "https://schema.org", "@type",
			       !strcmp(a->kind, "sponsored") ? "AdvertiserContentArticle" : "Article", "headline", a->title,
			       "datePublished", pub, "dateModified", mod, "inLanguage", a->side == LANG_EN ? "en" : "zh-CN",
			       "author", who, "publisher", "@type", "Organization", "name",
			       r->cfg->val[r->lang == LANG_ZH ? CFG_SITE_NAME_ZH : CFG_SITE_NAME_EN], "url",
			       arena_printf(&r->a, "%s/articles/%lld", base, (long long)a->id));
	if (*a->summary)
		json_object_set_new(ld, "description", json_string(a->summary));
	if (*a->sponsor)
		json_object_set_new(ld, "sponsor", json_pack("{s:s,s:s}", "@type", "Organization", "name", a->sponsor));
	buf b = BUF_INIT;
	json_to_buf(ld, JSON_COMPACT | JSON_ESCAPE_SLASH, &b);
	json_decref(ld);
	const char *s = arena_strdup(&r->a, b.s ? b.s : "{}");
	buf_release(&b);
	return s;
}

/* Markdown as HTML, with the sponsor's links marked as paid ones. */
static const char *body_html(req *r, const struct article_row *a)
{
	buf html = BUF_INIT;
	markdown_html(a->body, &html);
	const char *s = arena_strdup(&r->a, html.s ? html.s : "");
	buf_release(&html);
	if (strcmp(a->kind, "sponsored"))
		return s;
	/* Every link in a sponsored article is the sponsor's to pay for. */
	buf out = BUF_INIT;
	for (const char *p = s, *q; *p; p = q + 3) {
		q = strstr(p, "<a ");
		if (!q) {
			buf_adds(&out, p);
			break;
		}
		buf_add(&out, p, (size_t)(q - p));
		buf_adds(&out, "<a rel=\"sponsored nofollow\" ");
	}
	s = arena_strdup(&r->a, out.s ? out.s : "");
	buf_release(&out);
	return s;
}

/* The page of r->row; kept (under `version`) when keep and it is public. */
static int page(req *r, resp *out, unsigned status, int keep, int64_t version)
{
	err e = ERR_INIT;
	const struct article_row *a = r->row;
	int64_t now = unix_now();
	int open = article_public(a, now), rc;
	keep = keep && open; /* a draft is shown to its few readers fresh */
	json_t *m = json_object(), *art = article_item(r, a);
	json_object_set_new(art, "body_html", json_string(body_html(r, a)));
	json_object_set_new(art, "status", json_string(a->status));
	json_object_set_new(art, "status_text", json_string(T(arena_printf(&r->a, "content.status.%s", a->status))));
	json_object_set_new(art, "public", json_boolean(open));
	json_object_set_new(art, "version", json_integer(a->version));
	if (a->publish_at > now && !strcmp(a->status, "published"))
		json_object_set_new(art, "scheduled", json_string(content_date(&r->a, a->publish_at)));
	/* The other language, when it is written. */
	int other = a->side == LANG_EN ? LANG_ZH : LANG_EN;
	if (*(other == LANG_EN ? a->title_en : a->title_zh))
		json_object_set_new(art, "other_lang", json_pack("{s:s,s:s,s:s}", "lang", other == LANG_EN ? "en" : "zh-CN", "href",
			arena_printf(&r->a, "/articles/%lld?lang=%s", (long long)a->id, lang_code(other)), "label",
			T(other == LANG_EN ? "content.read_en" : "content.read_zh")));
	json_object_set_new(art, "sponsor_zh", json_boolean(r->lang == LANG_EN && text_han(a->sponsor)));
	if (a->sponsor_org_id)
		json_object_set_new(art, "sponsor_href", json_string(arena_printf(&r->a, "/orgs/%lld", (long long)a->sponsor_org_id)));
	if (a->event_id && *a->event_title)
		json_object_set_new(art, "event", json_pack("{s:I,s:s,s:b}", "id", (json_int_t)a->event_id, "title", a->event_title,
							    "zh", r->lang == LANG_EN && text_han(a->event_title)));
	if (*a->original_url)
		json_object_set_new(art, "original_url", json_string(a->original_url));
	if (*a->pdf_key)
		json_object_set_new(art, "pdf", json_string(a->pdf_key));
	json_t *media = media_card(r, a);
	if (media)
		json_object_set_new(art, "media_card", media);
	if ((rc = article_people_and_tags(r, r->db, a->id, art, &e))) {
		json_decref(art);
		json_decref(m);
		return rc;
	}
	json_object_set_new(m, "article", art);
	/* Members comment once it is out. */
	if (open && (rc = comments_model(r, r->db, "article", a->id, arena_printf(&r->a, "/articles/%lld", (long long)a->id), m,
					 &e))) {
		json_decref(m);
		return rc;
	}
	/* What a shared link and a search engine read. */
	json_object_set_new(m, "page_type", json_string("article"));
	json_object_set_new(m, "page_canonical", json_string(arena_printf(&r->a, "/articles/%lld", (long long)a->id)));
	json_object_set_new(m, "page_description",
			    json_string(*a->summary ? a->summary : text_cut(&r->a, a->body, 150)));
	const char *img = card_path(r, a);
	if (img)
		json_object_set_new(m, "page_image", json_string(img));
	json_object_set_new(m, "page_jsonld", json_string(structured_data(r, a, json_object_get(art, "authors"))));
	/* Before it is out: where it stands, and what its readers can do. */
	if ((!open || content_editor(r)) && (rc = article_review_model(r, a, m, &e))) {
		json_decref(m);
		return rc;
	}
	if (!open || content_editor(r)) {
		int may = article_may_edit(r, a, &e, &rc);
		if (rc) {
			json_decref(m);
			return rc;
		}
		json_object_set_new(m, "may_edit", json_boolean(may));
	}
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("content.saved")));
	if (r->errors)
		http_form_errors(r, m);
	http_page(r, out, status, "content/show.html", NULL, m);
	out->title_text = a->title;
	if (keep)
		http_cache_store(r, out, "content+comments", version, CONTENT_TTL);
	return 0;
}

/* GET /articles/:id: the kept copy when there is one (no statement but
 * the data version's), else the article loaded and its page made. The
 * copy is only ever made of a public article, and taking one down or
 * changing it moves the version. */
static int show(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t version = 0;
	int keep = !req_query(r, "saved"), rc;
	if (keep && (rc = http_cache_lookup(r, out, r->db, "content+comments", NULL, &version, &e)))
		return rc > 0 ? 0 : rc;
	if ((rc = article_load(r, &e)) == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "content.err.not_found");
	return rc ? rc : page(r, out, 200, keep, version);
}

int article_again(req *r, resp *out)
{
	return page(r, out, 422, 0, 0);
}

/* GET /articles/:id/card: the drawn link card (files/card.c). */
static int card(req *r, resp *out)
{
	const struct article_row *a = r->row;
	if (!article_public(a, unix_now()))
		return http_error(r, out, 404, "not_found", "error.not_found");
	struct card c;
	article_card(r, a, &c);
	return card_answer(r, out, &c);
}

/* POST /articles/:id/comments: a member's comment on a published article. */
static int comment(req *r, resp *out)
{
	const struct article_row *a = r->row;
	if (!article_public(a, unix_now()))
		return http_error(r, out, 409, "not_open", "comments.err.not_open");
	return comments_post(r, out, "article", a->id, arena_printf(&r->a, "/articles/%lld", (long long)a->id), article_again);
}

static const struct input comment_inputs[] = { COMMENT_INPUTS, { NULL } };

static const struct route routes[] = {
	{ M_GET, "/articles/:id", show, EVERYONE, 0, "article" },
	{ M_POST, "/articles/:id/comments", comment, SIGNED_IN, 1, "article-comments", &article_loader, comment_inputs,
	  article_again },
	{ M_GET, "/articles/:id/card", card, EVERYONE, 0, "article-card", &article_loader, no_inputs },
};

const struct route_table article_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

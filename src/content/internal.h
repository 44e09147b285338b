/* internal.h: what the content folder's files share: an article's row,
 * its loader, who may see and change it, and the model a list shows. */
#ifndef PGHERD_CONTENT_INTERNAL_H
#define PGHERD_CONTENT_INTERNAL_H

#include <stdint.h>

#include "base/lang.h"
#include "base/validate.h"
#include "content/content.h"
#include "db/db.h"
#include "events/events.h"
#include "files/files.h"
#include "http/http.h"
#include "orgs/orgs.h"
#include "view/i18n.h"

#define T(key) i18n_get(r->lang, key)

/* The route tables, one per page or resource, matched in this order
 * (the feeds and forms before /articles/:id). */
extern const struct route_table feed_routes;    /* feed.c: RSS, Atom, sitemap part */
extern const struct route_table list_routes;    /* list.c: /articles, per kind and tag */
extern const struct route_table edit_routes;    /* edit.c: new, edit */
extern const struct route_table review_routes;  /* review.c: submit, review, publish, versions */
extern const struct route_table article_routes; /* page.c: /articles/:id */

/* The kinds, media and statuses, NULL-ended, as the schema allows them. */
extern const char *const article_kinds[];
extern const char *const article_media[];
enum { N_KINDS = 7 };

enum {
	TITLE_MAX = 200, SUMMARY_MAX = 500, BODY_MAX = 100000, TAGS_MAX = 10, TAG_MAX = 30, AUTHORS_MAX = 8,
	NOTE_MAX = 2000, LIST_PAGE = 20, CONTENT_TTL = 300, ORGS_MAX = 20,
};

/* An article as stored: both languages' texts, and the side a reader in
 * the request's language gets (side_*: the English when the page is
 * English and it is written, or when there is no Chinese). */
struct article_row {
	int64_t id, sponsor_org_id, event_id, created_by;
	const char *kind, *status, *media, *media_url, *original_url, *cover_key, *pdf_key;
	const char *title_zh, *title_en, *summary_zh, *summary_en, *body_zh, *body_en;
	const char *sponsor, *event_title; /* in the page's language; "" when none */
	int64_t created_at, updated_at, publish_at; /* publish_at 0: never published */
	int version;
	/* the side shown */
	int side;           /* LANG_ZH or LANG_EN */
	int fallback;       /* the reader's language is not written: the other is shown */
	const char *title, *summary, *body;
};

/* What every reading of an article selects (two ? for the page's
 * language), each column named; add WHERE after. */
#define ARTICLE_COLS                                                                                                   \
	"SELECT a.id, a.kind, a.status, a.title_zh, a.title_en, a.summary_zh, a.summary_en, a.body_zh, a.body_en, "  \
	"a.media, a.media_url, a.original_url, coalesce(a.sponsor_org_id, 0) AS sponsor_org_id, "                     \
	"coalesce(a.event_id, 0) AS event_id, a.created_by, a.created_at, a.updated_at, a.publish_at, a.version, "   \
	FILE_KEY("a.cover_file_id") " AS cover_key, " FILE_KEY("a.pdf_file_id") " AS pdf_key, "                       \
	"coalesce(" DB_IN_LANG("so.name_zh", "so.name_en") ", '') AS sponsor, "                                      \
	"coalesce(" DB_IN_LANG("ev.title_zh", "ev.title_en") ", '') AS event_title "                                 \
	"FROM articles a " ORGS_JOIN("so", "a.sponsor_org_id") EVENTS_JOIN("ev", "a.event_id")
/* Row i of a query that selected ARTICLE_COLS, for a reader in lang. */
void article_from_row(const db_res *x, int i, int lang, struct article_row *a);
/* The article, or *found 0. */
int article_get(db *d, arena *a, int64_t id, int lang, struct article_row *out, int *found, err *e);
/* The article the route's :id names, loaded into r->row (404 when there
 * is none, or when the reader may not see it). */
extern const struct loader article_loader;
/* The loader's work, for a page that looks for its kept copy first. */
int article_load(req *r, err *e);

/* 1 when the public sees it: published, and its time has come. */
int article_public(const struct article_row *a, int64_t now);
/* 1 when the signed-in reader is one of its authors. */
int article_is_author(req *r, const struct article_row *a, err *e, int *rc);
/* 1 when the reader edits and publishes everyone's articles. */
int content_editor(const req *r);
/* 1 when the reader may change it: an editor, or an author while it is a
 * draft, sent back for changes or waiting for review. */
int article_may_edit(req *r, const struct article_row *a, err *e, int *rc);

/* The article's authors' names, tags and industries, into m ("authors":
 * [{id, name}], "tags": [..], "industries": [{value, label}]). */
int article_people_and_tags(req *r, db *d, int64_t id, json_t *m, err *e);
/* The short model of a list, a feed or a section: id, kind, title,
 * summary, date, sponsor, the fallback mark. */
json_t *article_item(req *r, const struct article_row *a);
/* The items of the first max rows of a query that selected ARTICLE_COLS. */
json_t *article_items(req *r, const db_res *x, int max);
/* "2026-12-01" (and the time when it is scheduled) in the community's zone. */
const char *content_date(arena *a, int64_t t);
/* The i18n key of a kind's name ("content.kind.news"). */
const char *kind_label(req *r, const char *kind);

/* The article page (page.c), with the review's forms refilled and their
 * messages when r->errors holds some (422): the `invalid` of the review
 * routes. */
int article_again(req *r, resp *out);
/* The review beside an article that is not out yet: its steps, and what
 * this reader may do (review.c). */
int article_review_model(req *r, const struct article_row *a, json_t *m, err *e);

/* The published articles of a kind and a tag ("" for any), newest first,
 * `limit` from `offset` (list.c). */
int content_published(req *r, const char *kind, const char *tag, int64_t offset, int limit, db_res *x, err *e);
/* Whether some published article has the tag. */
int content_tag_exists(req *r, const char *tag, int *exists, err *e);
/* How long a list may be kept: until the next scheduled article is out. */
int content_ttl(req *r, err *e, int *ttl);
/* The articles' part of /sitemap.xml (feed.c). */
int content_sitemap(req *r, db *d, buf *out, err *e);

/* An article's tags as typed (tags_split with TAGS_MAX and TAG_MAX). */
#define content_split_tags(a, text, out) tags_split(a, text, out, TAGS_MAX, TAG_MAX)

#endif

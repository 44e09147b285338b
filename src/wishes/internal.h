/* internal.h: what the wishes folder's files share. */
#ifndef PGHERD_WISHES_INTERNAL_H
#define PGHERD_WISHES_INTERNAL_H

#include <stdint.h>

#include "base/lang.h"
#include "base/validate.h"
#include "db/db.h"
#include "http/http.h"
#include "people/people.h"
#include "view/i18n.h"
#include "wishes/wishes.h"

#define T(key) i18n_get(r->lang, key)
#define ORGANIZERS ALLOW(ROLE_ORGANIZER)

extern const struct route_table wall_routes;  /* wall.c: /wishes, the roadmap */
extern const struct route_table wish_routes;  /* wish.c: a wish, posting one */
extern const struct route_table vote_routes;  /* votes.c: voting */
extern const struct route_table trail_routes; /* trail.c: the status trail */

enum {
	TITLE_MAX = 120, BODY_MAX = 20000, VERSION_MAX = 20, REASON_MAX = 1000, PAGE_SIZE = 20, WISHES_TTL = 300,
	WISH_BURST = 3, WISH_WINDOW = 3600, SIMILAR = 5,
};

/* The kinds and statuses, as the database checks them (migration 029). */
extern const char *const wish_kinds[];
extern const char *const wish_statuses[];

/* A wish as its pages and handlers use it: the side in the reader's
 * language when a translation is there. */
struct wish_row {
	int64_t id, user_id, votes, created_at;
	const char *kind, *lang, *title, *body, *title_tr, *body_tr, *pg_version, *status, *status_reason, *status_link,
		*shipped_in, *shown, *hidden_reason, *author;
	int64_t duplicate_of; /* the wish it was merged into; 0: none */
};
/* The :id route's loader: the wish into r->row, 404 when there is none. */
extern const struct loader wish_loader;
/* Whether this reader may see the wish: visible, or their own, or an
 * organizer. */
int wish_visible(const req *r, const struct wish_row *w);
/* The title and text in the reader's language: the translation when the
 * wish was written in the other one and has one; each with its language
 * (a translated title may come with the text as written). */
void wish_side(const req *r, const struct wish_row *w, const char **title, const char **body, const char **lang,
	       const char **body_lang);
/* A wish as a list shows it. */
json_t *wish_item(req *r, const db_res *x, int i);
/* The columns wish_item reads, "w" the wishes row, "u" its author. */
#define WISH_ITEM_COLS \
	"w.id AS id, w.kind AS kind, w.lang AS lang, w.title AS title, w.title_tr AS title_tr, w.status AS status, " \
	"w.shipped_in AS shipped_in, w.votes AS votes, w.created_at AS created_at, w.shown AS shown, " \
	"(SELECT count(*) FROM comments c WHERE c.target_kind = 'wish' AND c.target_id = w.id AND c.status = 'visible') " \
	"AS comments "
/* The page of one wish (wish.c), with status 200 or 422 after a refused
 * form; kept when `keep`. */
int wish_page(req *r, resp *out, unsigned status, int keep, int64_t version);
int wish_again(req *r, resp *out);
/* Makes the member a follower of the wish (told of each step); again
 * after they had stopped. */
int wish_follow(db *d, int64_t wish, int64_t user, err *e);
/* The same for a voter: a follower already, or one who said stop, stays
 * as they are. */
int wish_follow_once(db *d, int64_t wish, int64_t user, err *e);

/* ---- who wants it, and trending (breakdown.c) ---- */
enum { SEGMENT_KEYS = 7, WISH_HEAT_EPOCH = 1767225600 };
#define WISH_HEAT_WEEK 604800.0
/* The week of time t, trending's unit (migration 030). */
double wish_week(int64_t t);
/* SQL for the row's heat with the weight of week `?` added (sign > 0) or
 * taken away: one parameter on either engine. */
const char *wish_heat_sql(const db *d, int sign);
/* The segments a vote of this voter counts in: each known one of job
 * role, category and industry, each pair, the three ("r=dba&i=bank");
 * how many (0 when nothing is known). */
int wish_segment_keys(arena *a, const struct person_segment *p, const char *keys[SEGMENT_KEYS]);
/* The one segment a wall filter names, NULL when it names none. */
const char *wish_filter_segment(arena *a, const char *role, const char *category, const char *industry);
/* Adds one vote to (by > 0) or takes one from each of the segments. */
int wish_segments_add(db *d, int64_t wish, const char *const *keys, int n, int by, err *e);
/* The wish's votes, heat and segments counted again from its rows (after
 * a merge, in the demo). */
int wish_recount(db *d, int64_t id, err *e);
/* m["breakdown"]: the wish's votes by job role, category and industry,
 * as bars; nothing when no voter is known. */
int wish_breakdown_model(req *r, int64_t id, int64_t votes, json_t *m, err *e);

/* ---- rewards (rewards.c) ---- */
extern const struct route_table reward_routes;
/* m["rewards"]: what was given for the wish. */
int wish_rewards_model(req *r, int64_t id, json_t *m, err *e);
/* The member's rewards on their public profile (the "person" section). */
int wish_person_section(req *r, db *d, const void *row, json_t *m, err *e);

int wish_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e);
int wishes_sitemap(req *r, db *d, buf *out, err *e);
int votes_start(const config *cfg, err *e);
void votes_stop(void);
void votes_free(void);

#endif

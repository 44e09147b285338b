/* comments.h: members' comments under what others publish (articles; the
 * wish wall next), with one level of replies. A new member's comments wait
 * for an editor's review until one has been let through; editors hide a
 * comment with a reason, which the thread then shows in its place; a
 * member posts at most COMMENT_BURST comments in COMMENT_WINDOW seconds.
 *
 * A feature whose page takes comments declares the posting route itself
 * (its loader finds the row and says whether it is open) with
 * COMMENT_INPUTS, calls comments_post from its handler, and puts
 * comments_model's thread in its page's model; the page includes the
 * template comments/thread. The page's kept copies follow the "comments"
 * data version too ("content+comments"). */
#ifndef PGHERD_COMMENTS_H
#define PGHERD_COMMENTS_H

#include <stdint.h>

#include "http/feature.h"

extern const struct feature comments_feature;

enum { COMMENT_MAX = 2000, COMMENT_BURST = 5, COMMENT_WINDOW = 600 };

/* What a posting route takes: the text, the comment it answers (0: none). */
#define COMMENT_INPUTS                                                                                   \
	{ "body", IN_TEXT, IN_REQUIRED, 0, COMMENT_MAX, "comments.err.body", "comments.err.body_missing" }, \
	{ "parent", IN_INT, 0, 1, INT64_MAX, "comments.err.parent", NULL }

/* Posts the signed-in member's comment on row `id` of `kind`, whose page
 * is `page` (a path), and answers: back to the page's thread, 429 past the
 * rate limit, 422 with the page's `again` when the text or the parent is
 * wrong (again(r, out) shows the page with r->errors). */
int comments_post(req *r, resp *out, const char *kind, int64_t id, const char *page, handler_fn again);

/* The thread under row `id` of `kind` as this reader sees it, into
 * m["comments"]: {count, items: [{.., replies: [..]}], can_post,
 * can_moderate, next}. */
int comments_model(req *r, db *d, const char *kind, int64_t id, const char *page, json_t *m, err *e);

#endif

/* internal.h: what the kb folder's files share. */
#ifndef PGHERD_KB_INTERNAL_H
#define PGHERD_KB_INTERNAL_H

#include <stdint.h>

#include "base/lang.h"
#include "base/validate.h"
#include "db/db.h"
#include "events/events.h"
#include "http/http.h"
#include "kb/kb.h"
#include "view/i18n.h"

#define T(key) i18n_get(r->lang, key)
#define EDITORS ALLOW(ROLE_EDITOR)

extern const struct route_table entry_routes;    /* entries.c: /kb */
extern const struct route_table question_routes; /* questions.c: /questions */
extern const struct route_table expert_routes;   /* experts.c: /experts */

enum {
	Q_MAX = 300, A_MAX = 20000, SOURCES_MAX = 2000, TAGS = 10, TAG_LEN = 30, PAGE_SIZE = 20, KB_TTL = 300,
	ASK_BURST = 5, ANSWER_BURST = 10, BURST_WINDOW = 600,
};

/* A knowledge-base entry, the side of it a reader gets (their language
 * when it is written, else the other, marked). */
struct entry_row {
	int64_t id, event_id, question_id, debate_question_id;
	const char *question_zh, *question_en, *answer_zh, *answer_en, *sources, *event_title;
	int hidden, side, fallback;
	const char *question, *answer;
	int64_t updated_at;
};
int entry_get(db *d, arena *a, int64_t id, int lang, struct entry_row *out, int *found, err *e);

/* An entry made from a question's accepted answer (questions.c), in the
 * caller's transaction; *id gets it. */
int entry_from_question(db *d, arena *a, int64_t question, int64_t by, int64_t *id, err *e);

/* Tags of a row of `table` (kb_tags or question_tags, keyed by `col`). */
int tags_replace(db *d, const char *table, const char *col, int64_t id, const char *const *tags, err *e);
json_t *tags_model(req *r, db *d, const char *table, const char *col, int64_t id, err *e, int *rc);

/* The member's expert specialties in the page's language, or NULL. */
json_t *expert_badges(req *r, const db_res *x, int i);
/* SQL joined to show a member's expertise beside what they wrote: the
 * alias ex has specialties_zh, specialties_en (NULL when not an expert). */
#define EXPERT_JOIN(alias, id) " LEFT JOIN experts " alias " ON " alias ".user_id = " id " "

/* The knowledge base's and the questions' search sources and sitemap. */
int kb_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e);
int question_search_doc(db *d, arena *a, int64_t id, struct search_doc *out, int *found, err *e);
int kb_sitemap(req *r, db *d, buf *out, err *e);

#endif

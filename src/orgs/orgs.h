/* orgs.h: the organization directory: companies, universities, vendors,
 * media and communities, with aliases (阿里 = 阿里巴巴 = Alibaba), pages,
 * name search that finds substrings of Chinese names on both engines, and
 * merging duplicates. */
#ifndef PGHERD_ORGS_H
#define PGHERD_ORGS_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

#include "http/feature.h"

extern const struct feature orgs_feature;
extern const struct route_table orgs_routes;

/* Statements of other features that show an organization beside their own
 * rows join ORGS_JOIN(alias, id) and read only these columns of the alias:
 * id, name_zh, name_en. */
#define ORGS_JOIN(alias, id) " LEFT JOIN orgs " alias " ON " alias ".id = " id " "

/* The industries an organization (or an article about some) is in,
 * NULL-ended; each one's name is the i18n key "ind.NAME". */
extern const char *const orgs_industries[];
/* The categories an organization is in, as migration 001 checks them. */
extern const char *const orgs_categories[];

/* The organization whose Chinese or English name or alias is `name`
 * (case-blind); *id is 0 when none is. */
int orgs_find(db *d, arena *a, const char *name, int64_t *id, err *e);
/* SQL for the organizations a set of names denotes: `names` is a table or
 * CTE with columns k (any tag the caller groups by) and name (already
 * lower-cased); the result is (k, org_id) for every Chinese name, English
 * name or alias that matches. Three lookups joined from the names, each on
 * its own case-folded index (migration 013), so the cost follows the
 * names, not the size of the directory. */
#define ORGS_MATCH_SQL(names) \
	"SELECT n.k, o.id FROM " names " n JOIN orgs o ON lower(o.name_zh) = n.name UNION " \
	"SELECT n.k, o.id FROM " names " n JOIN orgs o ON lower(o.name_en) = n.name UNION " \
	"SELECT n.k, a.org_id FROM " names " n JOIN org_aliases a ON lower(a.alias) = n.name"
/* The organization named `name` (any name or alias), added to the
 * directory as a user organization when none is; *created (may be NULL)
 * says which. */
int orgs_ensure(db *d, arena *a, const char *name, int64_t *id, int *created, err *e);
/* Organizations a name the directory does not know may have meant: those
 * whose names or aliases contain it ("邮储" in 邮储银行), shortest names
 * first, at most max, as rows (id, name) in the page's language. One rule
 * wherever organizers name organizations (the event form, the record
 * page): what exists is offered first; a new one is made only when asked. */
int orgs_suggest(db *d, arena *a, const char *name, int lang, int max, db_res *out, err *e);
/* The same as choices for a form: [{"value": "ID:NAME", "label", "checked"}],
 * the closest checked. */
int orgs_suggest_choices(db *d, arena *a, const char *name, int lang, int max, json_t **out, err *e);
/* Splits a pasted list of organization names the way chat groups write
 * them: separated by 、，,；;| or line breaks; stray punctuation (。。。,
 * …, quotes) and a trailing 等 / etc. dropped, empty items skipped, each
 * name once. Fills names[] (arena strings) and returns how many, at most
 * max. */
int orgs_split_list(arena *a, const char *text, const char **names, int max);
/* Rebuilds the search text (names and aliases) of one organization. */
int orgs_refresh_search(db *d, int64_t id, err *e);

#endif

/* people.h: members and their accounts: sign-up, sign-in, sessions,
 * passwords, and the account commands of the pgherd CLI. */
#ifndef PGHERD_PEOPLE_H
#define PGHERD_PEOPLE_H

#include <stdio.h>

#include "db/db.h"
#include "http/feature.h"
#include "http/http.h"

extern const struct feature people_feature;

extern const struct route_table people_routes;
extern const struct route_table reset_routes;
extern const struct route_table privacy_routes;
extern const struct route_table admin_routes;
extern const struct route_table profile_routes;
extern const struct route_table token_routes;

/* ---- what other features read of a member: only through these ----
 * (people/directory.c). Statements that list members beside their own
 * rows join PEOPLE_JOIN(alias, id) and read only these columns of the
 * alias: id, display_name, email, lang, phone, title, org_id. */
#define PEOPLE_JOIN(alias, id) " LEFT JOIN users " alias " ON " alias ".id = " id " "

/* The member's name, organization (its Chinese name, "" when none),
 * title, phone and email; ERR_NOTFOUND for no such member. */
struct person_contact {
	const char *name, *org, *title, *phone, *email;
};
int people_contact(db *d, arena *a, int64_t id, struct person_contact *out, err *e);

/* The member (not deleted) with this email: id, name, organization id
 * (0: none); ERR_NOTFOUND when there is none. */
int people_by_email(db *d, arena *a, const char *email, int64_t *id, const char **name, int64_t *org_id,
		    err *e);

/* Who the member is, as a vote on the wish wall counts it: their job role
 * and their organization's category and industry, "" for what is not
 * known; ERR_NOTFOUND for no such member. */
/* The job roles a profile offers, as migration 004 checks them. */
extern const char *const people_job_roles[];
struct person_segment {
	const char *job_role, *org_category, *org_industry;
};
int people_segment(db *d, arena *a, int64_t id, struct person_segment *out, err *e);

/* The demo community's editorial desk: an editor's account that cannot
 * sign in (no password matches it), made the first time it is asked for;
 * the demo's articles and entries are theirs. */
int people_demo_editor(db *d, arena *a, int64_t *id, err *e);
/* Demo member n (1, 2, ...) with a job role and an organization (0:
 * none), made the first time it is asked for; like the desk, it cannot
 * sign in, and its profile is private. */
int people_demo_member(db *d, arena *a, int n, const char *job_role, int64_t org_id, int64_t *id, err *e);
/* The same when count_sql (a feature's "SELECT count(*) FROM ...") counts
 * nothing yet; *id 0 when the feature's demo rows are there already. */
int people_demo_editor_if_empty(db *d, arena *a, const char *count_sql, int64_t *id, err *e);

/* The public profiles at an organization (id, name, title), at most 100. */
int people_at_org(db *d, arena *a, int64_t org_id, db_res *out, err *e);

/* Every member of one organization becomes a member of another (a merge). */
int people_move_org(db *d, int64_t from, int64_t into, err *e);

/* An SQL condition, true when some member's profile shows the file whose
 * id is its one parameter. */
#define PEOPLE_SHOW_FILE "EXISTS (SELECT 1 FROM users WHERE avatar_file_id = ?)"
/* The member whose hidden profile shows the file `f.id` as avatar (NULL
 * when it is no hidden member's): only they see it. */
#define PEOPLE_HIDDEN_AVATAR "(SELECT min(id) FROM users WHERE avatar_file_id = f.id AND NOT profile_public)"
/* 1 when the file `f.id` is some member's avatar. */
#define PEOPLE_IS_AVATAR "EXISTS (SELECT 1 FROM users WHERE avatar_file_id = f.id)"

/* Marks this browser as one that signed in to the account (a signed
 * cookie): sign-in from it is not held back by others' failed guesses. */
void people_trust_device(req *r, resp *out, int64_t user_id);

/* Queues the mail whose link proves `email` reaches the account `user`,
 * in language `lang` (in the caller's transaction, if any). */
int people_verify_mail(db *d, req *r, int64_t user, const char *email, int lang, err *e);

/* The signed-in person's API tokens for the account page (tokens.c). */
int people_tokens_model(req *r, db *d, json_t **out, err *e);

/* `pgherd user add|list|set-role|reset-password|ensure-admin ...`;
 * returns the process exit code. */
int people_user_command(db *d, char **args, FILE *out, FILE *errout);

#endif

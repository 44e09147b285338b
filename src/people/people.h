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

/* The signed-in person's API tokens for the account page (tokens.c). */
int people_tokens_model(req *r, db *d, json_t **out, err *e);

/* `pgherd user add|list|set-role|reset-password|ensure-admin ...`;
 * returns the process exit code. */
int people_user_command(db *d, char **args, FILE *out, FILE *errout);

#endif

/* feature.c: members as one feature: sign-up and sign-in, password reset,
 * privacy (export, deletion), the organizers' people pages, profiles and
 * API tokens. */
#include "people/people.h"
#include "base/banned.h"

const struct feature people_feature = {
	.name = "people",
	.routes = { &people_routes, &reset_routes, &privacy_routes, &admin_routes, &profile_routes, &token_routes },
};

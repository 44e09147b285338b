/* tokens.c: personal API tokens: made on the account page, shown once,
 * stored as hashes, revoked at any time; each one acts with its owner's
 * role and nothing more. */
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "people/people.h"
#include "view/i18n.h"
#include "base/banned.h"

enum { MAX_TOKENS = 20 };

#define T(key) i18n_get(r->lang, key)

static int create_invalid(req *r, resp *out)
{
	return http_error(r, out, 422, "invalid", "tokens.err.name");
}

static int create(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *name = in_text(r, "name");
	db *d = r->db;
	db_res n;
	int rc = db_query(d, &r->a, "SELECT count(*) FROM api_tokens WHERE user_id = ?", DB_ARGS(DB_INT(r->user_id)), &n, &e);
	if (rc)
		return rc;
	if (db_get_int(&n, 0, 0) >= MAX_TOKENS)
		return http_error(r, out, 422, "too_many_tokens", "tokens.err.too_many");
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	auth_new_token(token, hash);
	rc = db_exec(d, "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)",
		     DB_ARGS(DB_TEXT(hash), DB_INT(r->user_id), DB_TEXT(name), DB_TIME(unix_now())), NULL, &e);
	if (!rc)
		rc = auth_audit(d, r->user_id, "token.create", arena_printf(&r->a, "token:%.16s", hash), name, r->client, &e);
	if (rc) {
		log_error("token: %s", e.msg);
		return rc;
	}
	out->cache_control = "no-store";
	/* The only time the token is shown. */
	return http_page(r, out, 201, "people/token_created.html", "tokens.created",
			 json_pack("{s:s,s:s,s:s,s:s}", "name", name, "token", token, "id", arena_printf(&r->a, "%.16s", hash),
				   "base_url", r->cfg->val[CFG_BASE_URL]));
}

static int revoke(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *id = req_param(r, "token"); /* the token's id: its hash's first 16 hex digits */
	if (!id || strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16)
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	int64_t gone = 0;
	int rc = db_exec(d, "DELETE FROM api_tokens WHERE user_id = ? AND substr(token_hash, 1, 16) = ?",
			 DB_ARGS(DB_INT(r->user_id), DB_TEXT(id)), &gone, &e);
	if (!rc && gone)
		rc = auth_audit(d, r->user_id, "token.revoke", arena_printf(&r->a, "token:%s", id), "", r->client, &e);
	if (rc)
		return rc;
	if (!gone)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (r->api) {
		out->model = json_pack("{s:b}", "revoked", 1);
		return 0;
	}
	return http_redirect(r, out, "/account?token_revoked=1");
}

/* The account page's list of tokens (no secrets: name, dates, id prefix). */
int people_tokens_model(req *r, db *d, json_t **out, err *e)
{
	db_res t;
	int rc = db_query(d, &r->a, "SELECT substr(token_hash, 1, 16) AS id, name, created_at, last_used_at FROM api_tokens "
				    "WHERE user_id = ? ORDER BY created_at", DB_ARGS(DB_INT(r->user_id)), &t, e);
	if (rc)
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < t.nrows; i++) {
		const char *made = clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_get_int(&t, i, 2));
		const char *used = db_get(&t, i, 3) ? clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_get_int(&t, i, 3)) : "";
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "id", db_get(&t, i, 0), "name", db_get(&t, i, 1),
						   "created", made, "last_used", used));
	}
	*out = a;
	return 0;
}

static const struct input token_inputs[] = {
	{ "name", IN_LINE, IN_REQUIRED, 0, 64, "tokens.err.name", "tokens.err.name" },
	{ NULL },
};

static const struct route routes[] = {
	{ M_POST, "/account/tokens", create, SIGNED_IN, 1, "token-create", .flags = ROUTE_SESSION, .inputs = token_inputs,
	  .invalid = create_invalid },
	{ M_POST, "/account/tokens/:token/revoke", revoke, SIGNED_IN, 1, "token-revoke", .flags = ROUTE_SESSION, .inputs = no_inputs },
};

const struct route_table token_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

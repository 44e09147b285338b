/* reset.c: a forgotten password: a single-use link that expires, mailed to
 * the account's address through the outbox; the answer never tells whether
 * an address has an account (the same page whether or not the mail server
 * works, since nothing is sent inside the request). Using the link ends
 * every session and API token of the account. */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "mail/outbox.h"
#include "people/people.h"
#include "view/i18n.h"
#include "base/banned.h"

enum { RESET_LIMIT_ACCOUNT = 5, RESET_LIMIT_ADDRESS = 20, WINDOW = 3600 };

#define T(key) i18n_get(r->lang, key)

static int request_form(req *r, resp *out)
{
	return http_page(r, out, 200, "people/reset_request.html", "reset.title",
			 json_pack("{s:{s:s},s:{}}", "form", "email", "", "errors"));
}

/* The link and its mail, in one transaction: the outbox sends it after
 * the commit, in the account's language. */
struct link_mail {
	req *r;
	int64_t user;
	int lang;
	const char *email;
};

static int link_mail_tx(db *d, void *p, err *e)
{
	struct link_mail *m = p;
	req *r = m->r;
	char token[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_HEX + 1];
	int64_t now = unix_now();
	int lang = m->lang < 0 ? r->lang : m->lang;
	auth_new_token(token, hash);
	int rc = db_exec(d, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			 DB_ARGS(DB_TEXT(hash), DB_INT(m->user), DB_TIME(now), DB_TIME(now + RESET_MINUTES * 60)), NULL, e);
	const char *body = arena_printf(&r->a, "%s\n\n%s/reset/%s\n\n%s\n", i18n_get(lang, "reset.mail.intro"),
					r->cfg->val[CFG_BASE_URL], token, i18n_get(lang, "reset.mail.outro"));
	sodium_memzero(token, sizeof(token));
	return rc ? rc : outbox_add(d, m->email, i18n_get(lang, "reset.mail.subject"), body, NULL, e);
}

/* The address as typed, with what is wrong with it. */
static int request_invalid(req *r, resp *out)
{
	return http_page(r, out, 422, "people/reset_request.html", "reset.title",
			 json_pack("{s:O,s:O}", "form", r->form, "errors", r->errors));
}

static int request_link(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *email = in_text(r, "email");
	db *d = r->db;
	int retry_addr = 0, retry_acct = 0, rc;
	if ((rc = auth_throttle(d, req_address_key(r, "reset"), RESET_LIMIT_ADDRESS, WINDOW, &retry_addr, &e)))
		return rc;
	if (retry_addr) {
		http_error(r, out, 429, "too_many", "error.too_many");
		out->retry_after = (unsigned)retry_addr;
		return 0;
	}
	if ((rc = auth_throttle(d, arena_printf(&r->a, "reset:%s", email), RESET_LIMIT_ACCOUNT, WINDOW, &retry_acct, &e)))
		return rc;
	db_res u;
	if ((rc = db_query(d, &r->a, "SELECT id, lang FROM users WHERE email = ? AND deleted_at IS NULL",
			   DB_ARGS(DB_TEXT(email)), &u, &e)))
		return rc;
	/* Past the limit the mail quietly stops; the page stays the same, so
	 * the form cannot be used to ask which addresses have accounts. */
	if (u.nrows && !retry_acct) {
		struct link_mail m = { r, db_get_int(&u, 0, 0), lang_parse(db_get(&u, 0, 1)), email };
		if ((rc = db_tx(d, link_mail_tx, &m, &e))) {
			log_error("reset: %s", e.msg);
			return rc;
		}
		outbox_kick();
	}
	return http_page(r, out, 200, "people/reset_sent.html", "reset.title",
			 json_pack("{s:s}", "email", email));
}

/* The user a live link belongs to, or 0. */
static int link_user(req *r, db *d, const char *token, int64_t *user, err *e)
{
	db_res res;
	char hash[AUTH_HASH_HEX + 1];
	*user = 0;
	if (!auth_token_shape(token))
		return 0;
	auth_token_hash(token, hash);
	int rc = db_query(d, &r->a, "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
			  DB_ARGS(DB_TEXT(hash), DB_TIME(unix_now())), &res, e);
	if (!rc && res.nrows)
		*user = db_get_int(&res, 0, 0);
	return rc;
}

static int dead_link(req *r, resp *out)
{
	return http_page(r, out, 410, "people/reset_invalid.html", "reset.invalid", json_object());
}

static int new_password_form(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	int64_t user;
	int rc = link_user(r, d, req_param(r, "token"), &user, &e);
	if (rc)
		return rc;
	if (!user)
		return dead_link(r, out);
	out->cache_control = "no-store";
	return http_page(r, out, 200, "people/reset_form.html", "reset.choose",
			 json_pack("{s:s,s:{}}", "token", req_param(r, "token"), "errors"));
}

struct use_link {
	const char *hash, *pw_hash;
	int64_t user;
};

/* Marks the link used (only if still live), sets the password, ends every
 * session: all or nothing. */
static int use_link(db *d, void *p, err *e)
{
	struct use_link *u = p;
	arena a = ARENA_INIT;
	db_res res;
	int rc = db_query(d, &a, "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
				 "AND expires_at > ? RETURNING user_id",
			  DB_ARGS(DB_TIME(unix_now()), DB_TEXT(u->hash), DB_TIME(unix_now())), &res, e);
	if (!rc && !res.nrows)
		rc = ERR_NOTFOUND;
	if (!rc) {
		u->user = db_get_int(&res, 0, 0);
		rc = db_exec(d, "UPDATE users SET password_hash = ? WHERE id = ? AND deleted_at IS NULL",
			     DB_ARGS(DB_TEXT(u->pw_hash), DB_INT(u->user)), NULL, e);
	}
	if (!rc)
		rc = auth_credentials_end_all(d, u->user, NULL, e);
	arena_release(&a);
	return rc;
}

static int set_new_password(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *token = req_param(r, "token"), *pw = req_form(r, "password");
	db *d = r->db;
	if (!pw || text_len(pw) < AUTH_PW_MIN || strlen(pw) > AUTH_PW_MAX)
		return http_page(r, out, 422, "people/reset_form.html", "reset.choose",
				 json_pack("{s:s,s:{s:s}}", "token", token, "errors", "password",
					   T(pw && strlen(pw) > AUTH_PW_MAX ? "account.err.password_long"
									   : "account.err.password_short")));
	if (!auth_token_shape(token))
		return dead_link(r, out);
	char hash[AUTH_HASH_HEX + 1], pw_hash[crypto_pwhash_STRBYTES];
	auth_token_hash(token, hash);
	int rc = auth_password_hash(pw, pw_hash, sizeof(pw_hash), &e);
	if (rc)
		return rc;
	struct use_link u = { hash, pw_hash, 0 };
	rc = db_tx(d, use_link, &u, &e);
	sodium_memzero(pw_hash, sizeof(pw_hash));
	if (rc == ERR_NOTFOUND)
		return dead_link(r, out);
	if (!rc)
		rc = auth_audit(d, u.user, "user.reset_password", arena_printf(&r->a, "user:%lld", (long long)u.user),
				"link", r->client, &e);
	if (rc) {
		log_error("reset: %s", e.msg);
		return rc;
	}
	/* This browser opened the mailed link: it signs in as the owner would,
	 * whatever strangers have been guessing at the account. */
	people_trust_device(r, out, u.user);
	return http_redirect(r, out, "/login?reset=1");
}

static const struct input reset_inputs[] = {
	{ "email", IN_EMAIL, IN_REQUIRED, 0, 0, "subscribe.err.email_shape", "subscribe.err.email_shape" },
	{ NULL },
};
static const struct input new_password_inputs[] = { IN_PASSWORD("password"), { NULL } };

static const struct route routes[] = {
	{ M_GET, "/reset", request_form, EVERYONE, 0, "reset" },
	{ M_POST, "/reset", request_link, EVERYONE, 1, "reset", .inputs = reset_inputs, .invalid = request_invalid },
	{ M_GET, "/reset/:token", new_password_form, EVERYONE, 0, "reset-link" },
	{ M_POST, "/reset/:token", set_new_password, EVERYONE, 1, "reset-link", .inputs = new_password_inputs },
};

const struct route_table reset_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

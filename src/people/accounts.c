/* accounts.c: sign-up, sign-in and out, the account page with its open
 * sessions, "log out everywhere", and changing the password. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "mail/outbox.h"
#include "people/people.h"
#include "view/i18n.h"
#include "base/banned.h"

/* Failed logins per account and per address, and sign-ups per address, in
 * 15 minutes. A salon's guests share the venue's one address, so the
 * address limits are generous and only failures count against them. */
enum { LOGIN_LIMIT_ACCOUNT = 10, LOGIN_LIMIT_ADDRESS = 100, SIGNUP_LIMIT_ADDRESS = 100, WINDOW = 900 };

#define T(key) i18n_get(r->lang, key)

static void field_error(req *r, json_t *errors, const char *field, const char *key)
{
	if (!json_object_get(errors, field))
		json_object_set_new(errors, field, json_string(T(key)));
}

/* The page again with the person's input and the problems by their fields.
 * Passwords are never sent back. */
static int form_again(req *r, resp *out, unsigned status, const char *page, const char *title,
		      json_t *values, json_t *errors)
{
	json_t *m = json_pack("{s:o,s:o}", "form", values, "errors", errors);
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
							 T("form.fix_errors"), "fields", errors));
	return http_page(r, out, status, page, title, m);
}

/* 1 when the request is answered already: 429, or an error in *rc. With
 * count 0 the key is only looked at (failures are counted separately). */
static int throttled(req *r, resp *out, db *d, const char *key, int limit, int count, int *rc, err *e)
{
	int retry = 0;
	if ((*rc = (count ? auth_throttle : auth_throttle_peek)(d, key, limit, WINDOW, &retry, e)))
		return 1;
	if (!retry)
		return 0;
	http_error(r, out, 429, "too_many", "error.too_many");
	out->retry_after = (unsigned)(retry > 0 ? retry : 1);
	return 1;
}

enum { SESSION_IDLE_DAYS = 14 }; /* a session unused this long ends at the next sign-in */

void people_trust_device(req *r, resp *out, int64_t user_id)
{
	char dev[AUTH_DEVICE_LEN + 1];
	auth_device_token(user_id, dev);
	http_cookie(r, out, "dev", dev, 365L * 86400);
}

static int sign_in(req *r, resp *out, db *d, int64_t user_id, const char *next, err *e)
{
	char token[AUTH_TOKEN_LEN + 1];
	/* Signing in again from this browser replaces its old session, and
	 * sessions left idle on other devices go, so the account page lists
	 * the devices in use, not one row per sign-in. */
	int rc = auth_session_end(d, req_cookie(r, "sid"), e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM sessions WHERE user_id = ? AND last_seen_at < ?",
			     DB_ARGS(DB_INT(user_id), DB_TIME(unix_now() - SESSION_IDLE_DAYS * 86400)), NULL, e);
	if (!rc)
		rc = auth_session_create(d, user_id, r->client, token, e);
	if (rc)
		return rc;
	http_cookie(r, out, "sid", token, (long)SESSION_DAYS * 86400);
	people_trust_device(r, out, user_id);
	if (r->api) {
		out->status = 200;
		out->model = json_pack("{s:b,s:I}", "signed_in", 1, "user_id", (json_int_t)user_id);
		return 0;
	}
	return http_redirect(r, out, http_local_path(next, "/account"));
}

/* "Chrome on Android", "微信（iOS）": a session's device as a person names
 * it, from its User-Agent (the raw text is no help on a phone). By hand:
 * Debian has no User-Agent parser library, and these few names are what
 * members here use (the chat apps' browsers first: they also say Chrome or
 * Safari). */
static const char *device_name(req *r, const char *ua)
{
	static const struct { const char *mark, *zh, *en; } browsers[] = {
		{ "MicroMessenger", "微信", "WeChat" }, { "DingTalk", "钉钉", "DingTalk" }, { "QQ/", "QQ", "QQ" },
		{ "Edg/", "Edge", "Edge" }, { "Firefox/", "Firefox", "Firefox" }, { "Chrome/", "Chrome", "Chrome" },
		{ "Safari/", "Safari", "Safari" }, { "curl/", "curl", "curl" }, { "python", "Python", "Python" },
	};
	static const struct { const char *mark, *name; } systems[] = {
		{ "HarmonyOS", "HarmonyOS" }, { "Android", "Android" }, { "iPhone", "iOS" }, { "iPad", "iPadOS" },
		{ "Windows", "Windows" }, { "Mac OS X", "macOS" }, { "CrOS", "ChromeOS" }, { "Linux", "Linux" },
	};
	const char *browser = NULL, *system = NULL;
	for (size_t i = 0; ua && !browser && i < sizeof(browsers) / sizeof(browsers[0]); i++)
		if (strstr(ua, browsers[i].mark))
			browser = r->lang == LANG_ZH ? browsers[i].zh : browsers[i].en;
	for (size_t i = 0; ua && !system && i < sizeof(systems) / sizeof(systems[0]); i++)
		if (strstr(ua, systems[i].mark))
			system = systems[i].name;
	if (!browser && !system)
		return T("account.unknown_client");
	if (!system)
		return browser;
	return arena_printf(&r->a, T("account.device"), browser ? browser : T("account.unknown_browser"), system);
}

/* ---- sign-up ---- */

/* Where to go after signing in or up (a local path, "" for none), and the
 * same as a query argument for links between the two forms. */
static void add_next(json_t *form, const char *next)
{
	buf q = BUF_INIT;
	buf_url_arg(&q, next);
	json_object_set_new(form, "next", json_string(next));
	json_object_set_new(form, "next_q", json_string(q.s ? q.s : ""));
	buf_release(&q);
}

static json_t *add_next_to(json_t *form, const char *next)
{
	add_next(form, next);
	return form;
}

static int signup_form(req *r, resp *out)
{
	if (r->user_id)
		return http_redirect(r, out, "/account");
	json_t *form = json_pack("{s:s,s:s,s:s}", "name", "", "email", "", "phone", "");
	add_next(form, http_local_path(req_query(r, "next"), ""));
	return form_again(r, out, 200, "people/signup.html", "signup.title", form, json_object());
}

static void check_password(req *r, json_t *errors, const char *field, const char *pw)
{
	size_t n = strlen(pw);
	if (text_len(pw) < AUTH_PW_MIN)
		field_error(r, errors, field, "account.err.password_short");
	else if (n > AUTH_PW_MAX)
		field_error(r, errors, field, "account.err.password_long");
}

static const struct input signup_inputs[] = {
	{ "name", IN_LINE, IN_REQUIRED, 0, 64, "account.err.name", "account.err.name_required" },
	{ "email", IN_EMAIL, IN_REQUIRED, 0, 0, "subscribe.err.email_shape", "subscribe.err.email_required" },
	{ "phone", IN_PHONE, 0, 0, 0, "account.err.phone", NULL },
	{ "password", IN_SECRET, 0, 0, 0, NULL, NULL },
	{ "next", IN_LINE, 0, 0, 500, NULL, NULL },
	{ "consent", IN_FLAG, IN_REQUIRED, 0, 0, NULL, "signup.err.consent" },
	{ NULL },
};

/* The new account, hidden until its member makes the profile public, with
 * the time the privacy notice was accepted, and the mail that proves the
 * address, in one transaction. id 0: the address has an account. */
struct new_member {
	req *r;
	const char *name, *email, *phone, *hash;
	int64_t id;
};

static int signup_tx(db *d, void *p, err *e)
{
	struct new_member *m = p;
	req *r = m->r;
	db_res ins;
	int64_t now = unix_now();
	int rc = db_query(d, &r->a, "INSERT INTO users (email, display_name, phone, password_hash, role, lang, created_at, "
				    "profile_public, privacy_accepted_at) VALUES (?, ?, ?, ?, 'member', ?, ?, ?, ?) "
				    "ON CONFLICT (email) DO NOTHING RETURNING id",
			  DB_ARGS(DB_TEXT(m->email), DB_TEXT(m->name), DB_TEXT(m->phone), DB_TEXT(m->hash),
				  DB_TEXT(lang_code(r->lang)), DB_TIME(now), DB_BOOL(0), DB_TIME(now)),
			  &ins, e);
	if (rc || !ins.nrows)
		return rc;
	m->id = db_get_int(&ins, 0, 0);
	return people_verify_mail(d, r, m->id, m->email, r->lang, e);
}

/* A sign-up whose inputs are checked; errors holds what is wrong. Every
 * attempt counts toward the address's limit, refused ones too. */
static int signup_checked(req *r, resp *out, json_t *errors)
{
	err e = ERR_INIT;
	const char *name = in_text(r, "name"), *email = in_text(r, "email"), *phone = in_text(r, "phone");
	const char *pw = in_text(r, "password");
	check_password(r, errors, "password", pw ? pw : "");
	db *d = r->db;
	int rc;
	if (throttled(r, out, d, req_address_key(r, "signup"), SIGNUP_LIMIT_ADDRESS, 1, &rc, &e)) {
		json_decref(errors);
		return rc;
	}
	json_t *values = json_incref(r->form); /* name, email, phone: never the password */
	const char *next = http_local_path(in_text(r, "next"), "");
	add_next(values, next);
	if (json_object_size(errors))
		return form_again(r, out, 422, "people/signup.html", "signup.title", values, errors);

	char hash[crypto_pwhash_STRBYTES];
	if ((rc = auth_password_hash(pw, hash, sizeof(hash), &e)))
		goto fail;
	struct new_member m = { r, name, email, phone, hash, 0 };
	rc = db_tx(d, signup_tx, &m, &e);
	sodium_memzero(hash, sizeof(hash));
	if (rc)
		goto fail;
	if (!m.id) {
		field_error(r, errors, "email", "account.err.email_taken");
		return form_again(r, out, 422, "people/signup.html", "signup.title", values, errors);
	}
	json_decref(values);
	json_decref(errors);
	/* Signed up on the way to something (an event's register button):
	 * straight back to it. */
	outbox_kick();
	return sign_in(r, out, d, m.id, *next ? next : "/account?welcome=1", &e);
fail:
	log_error("signup: %s", e.msg);
	json_decref(values);
	json_decref(errors);
	return rc;
}

static int signup_invalid(req *r, resp *out)
{
	return signup_checked(r, out, json_incref(r->errors));
}

static int signup(req *r, resp *out)
{
	return signup_checked(r, out, json_object());
}

/* ---- sign-in and out ---- */

static int login_form(req *r, resp *out)
{
	if (r->user_id)
		return http_redirect(r, out, http_local_path(req_query(r, "next"), "/account"));
	json_t *form = json_pack("{s:s}", "email", "");
	add_next(form, http_local_path(req_query(r, "next"), ""));
	int rc = form_again(r, out, 200, "people/login.html", "login.title", form, json_object());
	if (req_query(r, "reset"))
		json_object_set_new(out->model, "reset_done", json_true());
	if (req_query(r, "signed_out_everywhere"))
		json_object_set_new(out->model, "out_everywhere", json_true());
	return rc;
}

static int login(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *typed = in_text(r, "email");
	char *email = ascii_lower(arena_strdup(&r->a, typed ? typed : ""));
	const char *pw = in_text(r, "password");
	const char *next = http_local_path(in_text(r, "next"), "");
	db *d = r->db;
	int rc;
	if (!pw)
		pw = "";
	db_res u;
	if ((rc = db_query(d, &r->a, "SELECT id, password_hash FROM users WHERE email = ? AND deleted_at IS NULL",
			   DB_ARGS(DB_TEXT(email)), &u, &e))) {
		log_error("login: %s", e.msg);
		return rc;
	}
	/* Guessing is held back without letting a stranger lock the owner out.
	 * A device that signed in to this account before has a budget of its
	 * own; everyone else shares the account's, and each attempt is counted
	 * before its password is checked (one atomic statement), so parallel
	 * guesses cannot slip past the limit. Failures also count per network
	 * address, and a trusted device does not spend that budget either, so
	 * one guesser on a venue's Wi-Fi does not lock out the members there. */
	int64_t uid = u.nrows ? db_get_int(&u, 0, 0) : 0;
	int64_t device = auth_device_user(req_cookie(r, "dev"));
	int trusted = uid && device == uid;
	const char *addr_key = req_address_key(r, "login");
	const char *acct_key = trusted ? arena_printf(&r->a, "login:%s:device:%.12s", email, req_cookie(r, "dev") + 11)
				       : arena_printf(&r->a, "login:%s", email);
	if ((!trusted && throttled(r, out, d, addr_key, LOGIN_LIMIT_ADDRESS, 0, &rc, &e)) ||
	    throttled(r, out, d, acct_key, LOGIN_LIMIT_ACCOUNT, 1, &rc, &e))
		return rc;
	const char *hash = u.nrows ? db_get(&u, 0, 1) : NULL;
	if (auth_password_check(hash, pw) || strlen(pw) > AUTH_PW_MAX) {
		int retry;
		if (!trusted && (rc = auth_throttle(d, addr_key, LOGIN_LIMIT_ADDRESS, WINDOW, &retry, &e)))
			return rc;
		json_t *errors = json_object();
		field_error(r, errors, "password", "login.err.wrong");
		return form_again(r, out, 401, "people/login.html", "login.title",
				  add_next_to(json_pack("{s:s}", "email", email), next), errors);
	}
	/* The right password: the attempt does not count against the account. */
	if ((rc = auth_throttle_forgive(d, acct_key, WINDOW, &e)))
		return rc;
	return sign_in(r, out, d, db_get_int(&u, 0, 0), next, &e);
}

static int logout(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	int rc = auth_session_end(d, req_cookie(r, "sid"), &e);
	if (rc) {
		log_error("logout: %s", e.msg);
		return rc;
	}
	http_cookie(r, out, "sid", "", 0);
	return http_redirect(r, out, "/?signed_out=1");
}

/* ---- the account page ---- */

enum { ACCOUNT_TTL = 30 }; /* how stale "last seen" may be */

static int account(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res u, s;
	int64_t version;
	int rc = http_cache_lookup(r, out, d, NULL, NULL, &version, &e);
	if (rc)
		return rc > 0 ? 0 : rc;
	if ((rc = db_query(d, &r->a, "SELECT id, display_name AS name, email, phone, role, created_at, "
				     "CASE WHEN email_verified_at IS NULL THEN 0 ELSE 1 END AS verified FROM users WHERE id = ?",
			   DB_ARGS(DB_INT(r->user_id)), &u, &e)) ||
	    (rc = db_query(d, &r->a, "SELECT token_hash, client, created_at, last_seen_at FROM sessions "
				     "WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC",
			   DB_ARGS(DB_INT(r->user_id), DB_TIME(unix_now())), &s, &e))) {
		log_error("account: %s", e.msg);
		return rc;
	}
	if (!u.nrows)
		return http_error(r, out, 404, "not_found", "error.not_found");
	json_t *m = json_object();
	json_t *me = db_row_json(&u, 0);
	json_object_set_new(me, "verified", json_boolean(db_get_int(&u, 0, 6)));
	json_object_set_new(me, "role_text", json_string(T(arena_printf(&r->a, "role.%s", db_get(&u, 0, 4)))));
	json_object_set_new(m, "account", me);
	json_object_set_new(m, "is_admin", json_boolean(r->role == ROLE_ADMIN));
	json_object_set_new(m, "is_organizer", json_boolean(!auth_allowed(ALLOW(ROLE_ORGANIZER), r->role)));
	char mine[AUTH_HASH_HEX + 1] = ""; /* none when signed in by an API token */
	if (r->session)
		auth_token_hash(r->session, mine);
	json_t *sessions = json_array();
	for (int i = 0; i < s.nrows; i++) {
		char seen[32];
		time_iso(db_get_int(&s, i, 3), seen);
		const char *seen_text = clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_get_int(&s, i, 3));
		json_array_append_new(sessions, json_pack("{s:s,s:s,s:s,s:b}", "client", device_name(r, db_get(&s, i, 1)),
							  "last_seen", seen, "last_seen_text", seen_text,
							  "current", !strcmp(db_get(&s, i, 0), mine)));
	}
	json_object_set_new(m, "sessions", sessions);
	json_t *tokens;
	if ((rc = people_tokens_model(r, d, &tokens, &e))) {
		json_decref(m);
		return rc;
	}
	json_object_set_new(m, "tokens", tokens);
	const char *notice = req_query(r, "welcome") ? "account.welcome"
			     : req_query(r, "password_changed") ? "account.password_changed"
			     : req_query(r, "others_out") ? "account.others_out"
			     : req_query(r, "token_revoked") ? "tokens.revoked"
			     : req_query(r, "verify_sent") ? "verify.sent" : NULL;
	if (notice)
		json_object_set_new(m, "notice", json_string(T(notice)));
	http_page(r, out, 200, "people/account.html", "account.title", m);
	http_cache_store(r, out, NULL, version, ACCOUNT_TTL);
	return 0;
}

/* Every session and API token of the account ends, and the audit log
 * says so, together. */
static int end_everywhere_tx(db *d, void *p, err *e)
{
	req *r = p;
	int rc = auth_credentials_end_all(d, r->user_id, NULL, e);
	return rc ? rc : auth_audit(d, r->user_id, "sessions.end_all", arena_printf(&r->a, "user:%lld", (long long)r->user_id),
				    "", r->client, e);
}

static int logout_everywhere(req *r, resp *out)
{
	err e = ERR_INIT;
	int rc = db_tx(r->db, end_everywhere_tx, r, &e);
	if (rc) {
		log_error("logout everywhere: %s", e.msg);
		return rc;
	}
	http_cookie(r, out, "sid", "", 0);
	return http_redirect(r, out, "/login?signed_out_everywhere=1");
}

/* ---- changing the password ---- */

static int password_form(req *r, resp *out)
{
	return form_again(r, out, 200, "people/password.html", "password.title", json_object(), json_object());
}

struct pw_change {
	int64_t user;
	const char *hash;
	const char *keep; /* this session's token */
};

static int store_password(db *d, void *p, err *e)
{
	struct pw_change *c = p;
	int rc = db_exec(d, "UPDATE users SET password_hash = ? WHERE id = ?",
			 DB_ARGS(DB_TEXT(c->hash), DB_INT(c->user)), NULL, e);
	/* Other devices and scripts must sign in again with the new password,
	 * and a reset link asked for before the change no longer works. */
	return rc ? rc : auth_credentials_end_all(d, c->user, c->keep, e);
}

static int password_change(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *cur = req_form(r, "current"), *pw = req_form(r, "password");
	json_t *errors = json_object();
	db *d = r->db;
	int rc;
	if (throttled(r, out, d, arena_printf(&r->a, "password:%lld", (long long)r->user_id), LOGIN_LIMIT_ACCOUNT, 1, &rc, &e)) {
		json_decref(errors);
		return rc;
	}
	db_res u;
	if ((rc = db_query(d, &r->a, "SELECT password_hash FROM users WHERE id = ?", DB_ARGS(DB_INT(r->user_id)), &u, &e))) {
		json_decref(errors);
		return rc;
	}
	if (!cur || !u.nrows || auth_password_check(db_get(&u, 0, 0), cur))
		field_error(r, errors, "current", "password.err.current");
	check_password(r, errors, "password", pw ? pw : "");
	if (json_object_size(errors))
		return form_again(r, out, 422, "people/password.html", "password.title", json_object(), errors);
	json_decref(errors);
	char hash[crypto_pwhash_STRBYTES];
	if ((rc = auth_password_hash(pw, hash, sizeof(hash), &e)))
		return rc;
	struct pw_change c = { r->user_id, hash, r->session };
	rc = db_tx(d, store_password, &c, &e);
	sodium_memzero(hash, sizeof(hash));
	if (rc) {
		log_error("password change: %s", e.msg);
		return rc;
	}
	return http_redirect(r, out, "/account?password_changed=1");
}

/* An address is not checked for its shape here: whatever is typed gets
 * the one answer that tells nothing ("wrong address or password"). */
static const struct input login_inputs[] = {
	{ "email", IN_LINE, 0, 0, 254, "login.err.wrong", NULL },
	IN_PASSWORD("password"),
	{ "next", IN_LINE, 0, 0, 500, NULL, NULL },
	{ NULL },
};
static const struct input password_inputs[] = { IN_PASSWORD("current"), IN_PASSWORD("password"), { NULL } };

static const struct route routes[] = {
	{ M_GET, "/signup", signup_form, EVERYONE, 0, "signup" },
	{ M_POST, "/signup", signup, EVERYONE, 1, "signup", .inputs = signup_inputs, .invalid = signup_invalid },
	{ M_GET, "/login", login_form, EVERYONE, 0, "login" },
	{ M_POST, "/login", login, EVERYONE, 1, "login", .inputs = login_inputs },
	{ M_POST, "/logout", logout, SIGNED_IN, 1, "logout", .inputs = no_inputs },
	{ M_GET, "/account", account, SIGNED_IN, 0, "account" },
	{ M_POST, "/account/sessions/end-all", logout_everywhere, SIGNED_IN, 1, "logout-everywhere", .flags = ROUTE_SESSION, .inputs = no_inputs },
	{ M_GET, "/account/password", password_form, SIGNED_IN, 0, "password" },
	{ M_POST, "/account/password", password_change, SIGNED_IN, 1, "password", .flags = ROUTE_SESSION, .inputs = password_inputs },
};

const struct route_table people_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

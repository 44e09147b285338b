/* privacy.c: what a member may ask of the community under China's PIPL and
 * the GDPR: the notice of what is kept and why (agreed to at sign-up), a
 * check that their address reaches them, everything pgherd holds about
 * them as a JSON download, and deleting the account. Deletion removes what identifies the person and
 * keeps the rows that others' records point at, shown as a former member,
 * so the community's counts stay true. */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "base/json_arena.h"
#include "base/log.h"
#include "base/util.h"
#include "mail/outbox.h"
#include "people/people.h"
#include "view/i18n.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)

static int export_data(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res u, s, sub, pr, au;
	int rc;
	const db_param me[] = { DB_INT(r->user_id) };
	if ((rc = db_query(d, &r->a, "SELECT id, email, display_name, phone, role, lang, created_at, job_role, org_id, org_name, title, city, "
				     "bio_md, profile_public, email_public, phone_public, privacy_accepted_at, email_verified_at FROM users WHERE id = ?",
			   me, 1, &u, &e)) ||
	    (rc = db_query(d, &r->a, "SELECT client, created_at, last_seen_at, expires_at FROM sessions WHERE user_id = ? "
				     "ORDER BY created_at", me, 1, &s, &e)) ||
	    (rc = db_query(d, &r->a, "SELECT s.email, s.name, s.lang, s.created_at FROM subscribers s "
				     "JOIN users u ON u.email = s.email WHERE u.id = ?", me, 1, &sub, &e)) ||
	    (rc = db_query(d, &r->a, "SELECT created_at, expires_at, used_at FROM password_resets WHERE user_id = ? "
				     "ORDER BY created_at", me, 1, &pr, &e)) ||
	    (rc = db_query(d, &r->a, "SELECT at, action, target, detail, client FROM audit_log WHERE actor_id = ? "
				     "OR target = ? ORDER BY at",
			   DB_ARGS(DB_INT(r->user_id), DB_TEXT(arena_printf(&r->a, "user:%lld", (long long)r->user_id))),
			   &au, &e))) {
		log_error("export: %s", e.msg);
		return rc;
	}
	char now[32];
	time_iso(unix_now(), now);
	json_t *m = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "exported_at", now, "about",
			      "Everything this community's pgherd holds about your account. Times are Unix seconds.",
			      "account", u.nrows ? db_row_json(&u, 0) : json_null(), "sessions", db_rows_json(&s),
			      "subscriptions", db_rows_json(&sub), "password_resets", db_rows_json(&pr),
			      "activity", db_rows_json(&au));
	buf b = BUF_INIT;
	json_to_buf(m, JSON_INDENT(2) | JSON_SORT_KEYS, &b);
	json_decref(m);
	out->body = buf_detach(&b, &out->body_len);
	out->body_owned = 1;
	out->content_type = "application/json; charset=utf-8";
	out->cache_control = "no-store";
	out->disposition = arena_printf(&r->a, "attachment; filename=\"pgherd-account-%lld.json\"", (long long)r->user_id);
	return 0;
}

static int delete_form(req *r, resp *out)
{
	return http_page(r, out, 200, "people/delete.html", "delete.title", json_pack("{s:{}}", "errors"));
}

static int forget(db *d, void *p, err *e)
{
	const int64_t *id = p;
	const db_param me[] = { DB_INT(*id) };
	int rc = db_exec(d, "DELETE FROM subscribers WHERE email = (SELECT email FROM users WHERE id = ?)", me, 1, NULL, e);
	if (!rc)
		rc = db_exec(d, "UPDATE users SET email = NULL, display_name = '', phone = NULL, password_hash = NULL, "
				"job_role = NULL, org_id = NULL, org_name = NULL, title = NULL, city = NULL, bio_md = '', "
				"profile_public = ?, deleted_at = ? WHERE id = ?",
			     DB_ARGS(DB_BOOL(0), DB_TIME(unix_now()), DB_INT(*id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM sessions WHERE user_id = ?", me, 1, NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM password_resets WHERE user_id = ?", me, 1, NULL, e);
	if (!rc)
		rc = auth_audit(d, *id, "user.delete", "", "", "", e);
	return rc;
}

static int delete_account(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *pw = req_form(r, "password");
	db *d = r->db;
	db_res u;
	int rc = db_query(d, &r->a, "SELECT password_hash FROM users WHERE id = ?", DB_ARGS(DB_INT(r->user_id)), &u, &e);
	if (rc)
		return rc;
	if (!pw || !u.nrows || auth_password_check(db_get(&u, 0, 0), pw))
		return http_page(r, out, 422, "people/delete.html", "delete.title",
				 json_pack("{s:{s:s},s:{s:s,s:s}}", "errors", "password", T("password.err.current"),
					   "error", "code", "invalid", "message", T("password.err.current")));
	int64_t id = r->user_id;
	if ((rc = db_tx(d, forget, &id, &e))) {
		log_error("delete account: %s", e.msg);
		return rc;
	}
	http_cookie(r, out, "sid", "", 0);
	if (r->api) {
		out->model = json_pack("{s:b}", "deleted", 1);
		return 0;
	}
	return http_redirect(r, out, "/?account_deleted=1");
}

static const struct input delete_inputs[] = { IN_PASSWORD("password"), { NULL } };

/* ---- the notice, and proving an address ---- */

static int notice(req *r, resp *out)
{
	return http_page(r, out, 200, "people/privacy.html", "privacy.title", json_object());
}

int people_verify_mail(db *d, req *r, int64_t user, const char *email, int lang, err *e)
{
	char token[AUTH_EMAIL_LINK_LEN + 1];
	auth_email_link(user, email, unix_now(), token);
	const char *body = arena_printf(&r->a, "%s\n\n%s/account/verify/%s\n\n%s\n", i18n_get(lang, "verify.mail.intro"),
					r->cfg->val[CFG_BASE_URL], token, i18n_get(lang, "verify.mail.outro"));
	return outbox_add(d, email, i18n_get(lang, "verify.mail.subject"), body, NULL, e);
}

struct lookup {
	req *r;
	err *e;
	int rc;
};

/* The address the account has now (NULL for none or a deleted one). */
static const char *email_now(void *p, int64_t user)
{
	struct lookup *l = p;
	db_res u;
	if ((l->rc = db_query(l->r->db, &l->r->a, "SELECT email FROM users WHERE id = ? AND deleted_at IS NULL AND email IS NOT NULL",
			      DB_ARGS(DB_INT(user)), &u, l->e)) || !u.nrows)
		return NULL;
	return db_get(&u, 0, 0);
}

/* The link from the mail: opened in any browser, signed in or not. */
static int verify(req *r, resp *out)
{
	err e = ERR_INIT;
	struct lookup l = { r, &e, 0 };
	int64_t user = auth_email_link_user(req_param(r, "token"), email_now, &l, unix_now());
	if (l.rc)
		return l.rc;
	if (!user)
		return http_page(r, out, 404, "people/verified.html", "verify.title",
				 json_pack("{s:b,s:s}", "ok", 0, "message", T("verify.bad_link")));
	int rc = db_exec(r->db, "UPDATE users SET email_verified_at = coalesce(email_verified_at, ?), "
			 "cache_version = cache_version + 1 WHERE id = ?",
			 DB_ARGS(DB_TIME(unix_now()), DB_INT(user)), NULL, &e);
	if (rc) {
		log_error("verify: %s", e.msg);
		return rc;
	}
	return http_page(r, out, 200, "people/verified.html", "verify.title",
			 json_pack("{s:b,s:s}", "ok", 1, "message", T("verify.done")));
}

enum { VERIFY_MAILS_PER_DAY = 5 };

/* Another mail with a fresh link, a few a day at most. */
static int verify_again(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res u;
	int retry = 0;
	int rc = db_query(d, &r->a, "SELECT email, email_verified_at IS NOT NULL FROM users WHERE id = ?",
			  DB_ARGS(DB_INT(r->user_id)), &u, &e);
	if (!rc && u.nrows && !db_get_int(&u, 0, 1))
		rc = auth_throttle(d, arena_printf(&r->a, "verify:%lld", (long long)r->user_id), VERIFY_MAILS_PER_DAY, 86400,
				   &retry, &e);
	if (rc)
		return rc;
	if (!u.nrows)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (retry) {
		http_error(r, out, 429, "too_many", "error.too_many");
		out->retry_after = (unsigned)retry;
		return 0;
	}
	if (!db_get_int(&u, 0, 1)) {
		if ((rc = people_verify_mail(d, r, r->user_id, db_get(&u, 0, 0), r->user_lang < 0 ? r->lang : r->user_lang, &e))) {
			log_error("verify mail: %s", e.msg);
			return rc;
		}
		outbox_kick();
	}
	if (r->api) {
		out->model = json_pack("{s:b}", "sent", !db_get_int(&u, 0, 1));
		return 0;
	}
	return http_redirect(r, out, "/account?verify_sent=1");
}

static const struct route routes[] = {
	{ M_GET, "/account/export", export_data, SIGNED_IN, 0, "account-export" },
	{ M_GET, "/account/delete", delete_form, SIGNED_IN, 0, "account-delete" },
	{ M_POST, "/account/delete", delete_account, SIGNED_IN, 1, "account-delete", .flags = ROUTE_SESSION, .inputs = delete_inputs },
	{ M_GET, "/privacy", notice, EVERYONE, 0, "privacy" },
	{ M_GET, "/account/verify/:token", verify, EVERYONE, 0, "verify" },
	{ M_POST, "/account/verify", verify_again, SIGNED_IN, 1, "verify-again", .inputs = no_inputs },
};

const struct route_table privacy_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

/* privacy.c: what a member may ask of the community under China's PIPL and
 * the GDPR: everything pgherd holds about them, as a JSON download, and
 * deleting the account. Deletion removes what identifies the person and
 * keeps the rows that others' records point at, shown as a former member,
 * so the community's counts stay true. */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "base/json_arena.h"
#include "base/log.h"
#include "base/util.h"
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
				     "bio_md, profile_public, email_public, phone_public FROM users WHERE id = ?",
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

static const struct route routes[] = {
	{ M_GET, "/account/export", export_data, SIGNED_IN, 0, "account-export" },
	{ M_GET, "/account/delete", delete_form, SIGNED_IN, 0, "account-delete" },
	{ M_POST, "/account/delete", delete_account, SIGNED_IN, 1, "account-delete", .flags = ROUTE_SESSION, .inputs = delete_inputs },
};

const struct route_table privacy_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

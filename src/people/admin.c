/* admin.c: what admins run from the browser: the audit log, filtered by
 * who, what and when; and the accounts, with their roles. Every change made
 * here is itself written to the audit log. */
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "people/people.h"
#include "view/i18n.h"
#include "base/banned.h"

enum { PAGE = 50 };

#define T(key) i18n_get(r->lang, key)

static int64_t page_number(req *r)
{
	int64_t p;
	return parse_i64(req_query(r, "page"), 1, 100000, &p) ? 1 : p;
}

/* A date filter "YYYY-MM-DD" as Unix seconds at the start (or end) of that
 * day in China time; 0 when empty or not a date. */
static int64_t day_bound(const char *s, int end)
{
	int64_t t;
	if (!s || parse_time(s, &t) || strlen(s) != 10)
		return 0;
	return t - 8 * 3600 + (end ? 86400 : 0);
}

static const char sql_audit[] =
	"SELECT a.id, a.at, coalesce(u.email, '') AS actor_email, coalesce(u.display_name, '') AS actor_name, "
	"a.action, a.target, a.detail, a.client FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
	"WHERE (? = '' OR a.action LIKE ? || '%' ESCAPE '\\') "
	"AND (? = '' OR u.email LIKE '%' || ? || '%' ESCAPE '\\' OR u.display_name LIKE '%' || ? || '%' ESCAPE '\\') "
	"AND (CAST(? AS BIGINT) = 0 OR a.at >= ?) AND (CAST(? AS BIGINT) = 0 OR a.at < ?) "
	"ORDER BY a.id DESC LIMIT ? OFFSET ?";

static int audit(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	char *action = trimmed(&r->a, req_query(r, "action"));
	char *actor = trimmed(&r->a, req_query(r, "actor"));
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	int64_t t0 = day_bound(from, 0), t1 = day_bound(to, 1), page = page_number(r);
	if (text_len(action) > 64 || text_len(actor) > 64)
		return http_error(r, out, 400, "bad_filter", "audit.err.filter");
	/* The person's % and _ are literal text in these searches. */
	const char *action_like = like_literal(&r->a, action), *actor_like = like_literal(&r->a, actor);
	db_res res;
	int rc = db_query(d, &r->a, sql_audit,
			  DB_ARGS(DB_TEXT(action), DB_TEXT(action_like), DB_TEXT(actor), DB_TEXT(actor_like),
				  DB_TEXT(actor_like),
				  DB_INT(t0), DB_TIME(t0), DB_INT(t1), DB_TIME(t1), DB_INT(PAGE + 1),
				  DB_INT((page - 1) * PAGE)),
			  &res, &e);
	if (rc) {
		log_error("audit: %s", e.msg);
		return rc;
	}
	json_t *rows = json_array();
	for (int i = 0; i < res.nrows && i < PAGE; i++) {
		json_t *o = db_row_json(&res, i);
		char iso[32];
		time_iso(db_get_int(&res, i, 1), iso);
		const char *text = clock_datetime(&r->a, CLOCK_COMMUNITY_TZ, db_get_int(&res, i, 1));
		json_object_set_new(o, "at_iso", json_string(iso));
		json_object_set_new(o, "at_text", json_string(text));
		if (!*db_get(&res, i, 2))
			json_object_set_new(o, "actor_name", json_string(T("audit.command_line")));
		json_array_append_new(rows, o);
	}
	json_t *m = json_pack("{s:o,s:{s:s,s:s,s:s,s:s}}", "entries", rows, "filter", "action", action, "actor",
			      actor, "from", t0 ? from : "", "to", t1 ? to : "");
	http_pager(m, page, res.nrows > PAGE);
	return http_page(r, out, 200, "admin/audit.html", "audit.title", m);
}

static int users(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	int64_t page = page_number(r);
	db_res res;
	int rc = db_query(d, &r->a, "SELECT id, email, display_name AS name, role, created_at FROM users "
				    "WHERE deleted_at IS NULL ORDER BY id LIMIT ? OFFSET ?",
			  DB_ARGS(DB_INT(PAGE + 1), DB_INT((page - 1) * PAGE)), &res, &e);
	if (rc)
		return rc;
	static const char *roles[] = { "member", "speaker", "volunteer", "organizer", "editor", "treasurer", "admin" };
	json_t *list = json_array();
	for (int i = 0; i < res.nrows && i < PAGE; i++) {
		json_t *o = db_row_json(&res, i), *opts = json_array();
		for (size_t k = 0; k < sizeof(roles) / sizeof(roles[0]); k++)
			json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", roles[k], "label",
							      T(arena_printf(&r->a, "role.%s", roles[k])),
							      "selected", !strcmp(roles[k], db_get(&res, i, 3))));
		json_object_set_new(o, "roles", opts);
		json_object_set_new(o, "me", json_boolean(db_get_int(&res, i, 0) == r->user_id));
		json_array_append_new(list, o);
	}
	json_t *m = json_pack("{s:o}", "users", list);
	http_pager(m, page, res.nrows > PAGE);
	const char *done = req_query(r, "changed");
	if (done)
		json_object_set_new(m, "notice", json_string(T("users.role_changed")));
	return http_page(r, out, 200, "admin/users.html", "users.title", m);
}

static int set_role(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id;
	int role = auth_role_from_name(in_text(r, "role"));
	if (req_id(r, &id) || role < 0)
		return http_error(r, out, 422, "invalid", "users.err.role");
	if (id == r->user_id)
		return http_error(r, out, 422, "own_role", "users.err.own_role");
	db *d = r->db;
	db_res res;
	int rc = db_query(d, &r->a, "UPDATE users SET role = ? WHERE id = ? AND deleted_at IS NULL RETURNING email",
			  DB_ARGS(DB_TEXT(auth_role_name(role)), DB_INT(id)), &res, &e);
	if (!rc && !res.nrows)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (!rc)
		rc = auth_audit(d, r->user_id, "user.set_role", arena_printf(&r->a, "user:%lld", (long long)id),
				auth_role_name(role), r->client, &e);
	if (rc) {
		log_error("set role: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:I,s:s}", "id", (json_int_t)id, "role", auth_role_name(role));
		return 0;
	}
	return http_redirect(r, out, "/admin/users?changed=1");
}

/* The roles a person can be given (a visitor is nobody signed in). */
static const char *const given_roles[] = { "member", "speaker", "volunteer", "organizer", "editor", "treasurer",
					   "admin", NULL };
static const struct input role_inputs[] = {
	{ "role", IN_CHOICE, IN_REQUIRED, 0, 0, "users.err.role", "users.err.role", given_roles },
	{ NULL },
};

static int role_invalid(req *r, resp *out)
{
	return http_invalid(r, out, "users.err.role");
}

static const struct route routes[] = {
	{ M_GET, "/admin/audit", audit, ALLOW(ROLE_ADMIN), 0, "audit" },
	{ M_GET, "/admin/users", users, ALLOW(ROLE_ADMIN), 0, "users" },
	{ M_POST, "/admin/users/:id/role", set_role, ALLOW(ROLE_ADMIN), 1, "set-role", .inputs = role_inputs,
	  .invalid = role_invalid },
};

const struct route_table admin_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

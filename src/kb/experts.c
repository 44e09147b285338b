/* experts.c: the members whose answers carry an expert's mark, with their
 * specialties (GET /experts); editors add one by their address and take
 * one off. */
#include "kb/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/util.h"
#include "people/people.h"
#include "base/banned.h"

static int page(req *r, resp *out, unsigned status)
{
	err e = ERR_INIT;
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT ex.user_id AS id, u.display_name AS name, ex.specialties_zh AS specialties_zh, "
					"ex.specialties_en AS specialties_en, (SELECT count(*) FROM answers a WHERE a.user_id = "
					"ex.user_id) AS answers FROM experts ex " PEOPLE_JOIN("u", "ex.user_id")
					"ORDER BY answers DESC, ex.user_id", DB_NOARGS, &x, &e);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < x.nrows; i++) {
		json_t *b = expert_badges(r, &x, i);
		const char *name = db_text(&x, i, "name");
		json_array_append_new(list, json_pack("{s:I,s:s,s:b,s:s,s:I}", "id", (json_int_t)db_int(&x, i, "id"), "name",
			name ? name : "", "name_zh", text_han(name), "specialties",
			b ? json_string_value(json_object_get(b, "specialties")) : "", "answers", (json_int_t)db_int(&x, i, "answers")));
		json_decref(b);
	}
	json_t *m = json_pack("{s:o,s:b}", "experts", list, "editor", !auth_allowed(EDITORS, r->role));
	if (r->errors)
		http_form_errors(r, m);
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "kb/experts.html", "kb.experts", m);
}

static int show(req *r, resp *out)
{
	return page(r, out, 200);
}

static int again(req *r, resp *out)
{
	return page(r, out, 422);
}

static int add(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id, org;
	const char *name, *zh = in_text(r, "specialties_zh"), *en = in_text(r, "specialties_en");
	int rc = people_by_email(r->db, &r->a, in_text(r, "email"), &id, &name, &org, &e);
	if (rc == ERR_NOTFOUND) {
		r->errors = json_pack("{s:s}", "email", arena_printf(&r->a, T("content.err.author_unknown"), in_text(r, "email")));
		return again(r, out);
	}
	if (!rc)
		rc = db_exec(r->db, "INSERT INTO experts (user_id, specialties_zh, specialties_en, since) VALUES (?, ?, ?, ?) "
				    "ON CONFLICT (user_id) DO UPDATE SET specialties_zh = excluded.specialties_zh, "
				    "specialties_en = excluded.specialties_en",
			     DB_ARGS(DB_INT(id), DB_TEXT(zh ? zh : ""), DB_TEXT(en ? en : ""), DB_TIME(unix_now())), NULL, &e);
	if (!rc)
		rc = auth_audit(r->db, r->user_id, "kb.expert", arena_printf(&r->a, "user:%lld", (long long)id), zh ? zh : "",
				r->client, &e);
	if (rc)
		return rc;
	return r->api ? (out->model = json_pack("{s:I}", "expert", (json_int_t)id), 0) : http_redirect(r, out, "/experts");
}

static int remove_expert(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t n = 0, id = req_num(r, "id");
	int rc = db_exec(r->db, "DELETE FROM experts WHERE user_id = ?", DB_ARGS(DB_INT(id)), &n, &e);
	if (!rc && !n)
		return http_error(r, out, 404, "not_found", "kb.err.no_expert");
	if (!rc)
		rc = auth_audit(r->db, r->user_id, "kb.expert_removed", arena_printf(&r->a, "user:%lld", (long long)id), "",
				r->client, &e);
	if (rc)
		return rc;
	return r->api ? (out->model = json_pack("{s:I}", "removed", (json_int_t)id), 0) : http_redirect(r, out, "/experts");
}

static const struct input add_inputs[] = {
	{ "email", IN_EMAIL, IN_REQUIRED, 0, 0, NULL, NULL },
	{ "specialties_zh", IN_LINE, IN_REQUIRED, 0, 100, "kb.err.specialties", "kb.err.specialties" },
	{ "specialties_en", IN_LINE, 0, 0, 100, "kb.err.specialties", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/experts", show, EVERYONE, 0, "experts" },
	{ M_POST, "/experts", add, EDITORS, 1, "expert-add", NULL, add_inputs, again },
	{ M_POST, "/experts/:id/remove", remove_expert, EDITORS, 1, "expert-remove", NULL, no_inputs },
};

const struct route_table expert_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

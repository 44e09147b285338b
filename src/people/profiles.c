/* profiles.c: what a member tells about themselves (job role, organization,
 * title, city, a Markdown bio) and which contact fields others may see;
 * public profile pages; the member directory organizers filter and export. */
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "files/files.h"
#include "orgs/orgs.h"
#include "people/people.h"
#include "view/i18n.h"
#include "view/markdown.h"
#include "base/banned.h"

enum { BIO_MAX = 4000, DIR_PAGE = 50, CSV_MAX = 100000 };

#define T(key) i18n_get(r->lang, key)

/* NULL-ended: the form declares them as its job role's choices. */
const char *const people_job_roles[] = { "developer", "dba", "architect", "decision_maker", "student", "other", NULL };

static json_t *job_role_options(req *r, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; people_job_roles[i]; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", people_job_roles[i], "label",
						   T(arena_printf(&r->a, "job.%s", people_job_roles[i])), "selected",
						   selected && !strcmp(selected, people_job_roles[i])));
	return a;
}

static const char sql_me[] =
	"SELECT u.display_name AS name, coalesce(u.job_role, '') AS job_role, "
	"coalesce(o.name_zh, u.org_name, '') AS org, coalesce(u.title, '') AS title, "
	"coalesce(u.city, '') AS city, u.bio_md AS bio, u.profile_public, u.email_public, u.phone_public, "
	FILE_KEY("u.avatar_file_id") " AS avatar "
	"FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = ?";

static int edit_form(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res res;
	int rc = db_query(d, &r->a, sql_me, DB_ARGS(DB_INT(r->user_id)), &res, &e);
	if (rc || !res.nrows)
		return rc ? rc : http_error(r, out, 404, "not_found", "error.not_found");
	json_t *f = db_row_json(&res, 0);
	json_object_set_new(f, "job_roles", job_role_options(r, db_get(&res, 0, 1)));
	json_t *m = json_pack("{s:o,s:{},s:I}", "form", f, "errors", "id", (json_int_t)r->user_id);
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("profile.saved")));
	return http_page(r, out, 200, "people/profile_edit.html", "profile.edit", m);
}

static const char *text_or_empty(const req *r, const char *name)
{
	const char *s = in_text(r, name);
	return s ? s : "";
}

/* The form again, as typed, with each wrong field's message. */
static int save_invalid(req *r, resp *out)
{
	json_t *f = json_copy(r->form);
	json_object_set_new(f, "job_roles", job_role_options(r, json_string_value(json_object_get(r->form, "job_role"))));
	json_t *m = json_pack("{s:o,s:O,s:{s:s,s:s,s:O}}", "form", f, "errors", r->errors, "error", "code", "invalid",
			      "message", T("form.fix_errors"), "fields", r->errors);
	return http_page(r, out, 422, "people/profile_edit.html", "profile.edit", m);
}

static int save(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *name = in_text(r, "name"), *job = text_or_empty(r, "job_role"), *org = text_or_empty(r, "org"),
		   *title = text_or_empty(r, "title"), *city = text_or_empty(r, "city"), *bio = text_or_empty(r, "bio");
	int pub = (int)in_num(r, "profile_public", 0), email_pub = (int)in_num(r, "email_public", 0),
	    phone_pub = (int)in_num(r, "phone_public", 0);
	db *d = r->db;
	/* The organization from the directory when its name matches one. */
	int64_t org_id;
	int rc = orgs_find(d, &r->a, org, &org_id, &e);
	if (rc)
		return rc;
	rc = db_exec(d, "UPDATE users SET display_name = ?, job_role = ?, org_id = ?, org_name = ?, title = ?, city = ?, "
			"bio_md = ?, profile_public = ?, email_public = ?, phone_public = ? WHERE id = ?",
		     DB_ARGS(DB_TEXT(name), DB_TEXT(*job ? job : NULL), org_id ? DB_INT(org_id) : DB_NULL,
			     DB_TEXT(!org_id && *org ? org : NULL), DB_TEXT(*title ? title : NULL),
			     DB_TEXT(*city ? city : NULL), DB_TEXT(bio), DB_BOOL(pub), DB_BOOL(email_pub),
			     DB_BOOL(phone_pub), DB_INT(r->user_id)),
		     NULL, &e);
	if (rc) {
		log_error("profile: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:b}", "saved", 1);
		return 0;
	}
	return http_redirect(r, out, "/account/profile?saved=1");
}

static const char sql_public[] =
	"SELECT u.id, u.display_name AS name, coalesce(u.job_role, '') AS job_role, u.org_id, "
	"CASE WHEN ? = 'en' THEN coalesce(o.name_en, o.name_zh, u.org_name) ELSE coalesce(o.name_zh, u.org_name) END AS org_name, "
	"u.title, u.city, u.bio_md, CASE WHEN u.email_public THEN u.email END AS email, "
	"CASE WHEN u.phone_public THEN u.phone END AS phone, u.profile_public, " FILE_KEY("u.avatar_file_id") " AS avatar "
	"FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = ? AND u.deleted_at IS NULL";

enum { PROFILE_TTL = 60 };

static int show(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id = req_num(r, "id");
	db *d = r->db;
	db_res res, v;
	/* The page shows the person (their own version), their
	 * organization's name (the directory's) and what other features add
	 * (the rewards their wishes won): read in one statement. The sum of
	 * two versions moves when either does. Kept while nothing is
	 * committed: a kept profile then needs no statement at all. */
	int rc = db_query_kept(d, &r->a, "SELECT u.cache_version AS person, " DB_VERSION_SQL("orgs") " + " DB_VERSION_SQL("rewards")
				    " AS orgs FROM users u WHERE u.id = ?", DB_ARGS(DB_INT(id)), &v, &e);
	if (rc)
		return rc;
	int64_t version = v.nrows ? db_int(&v, 0, "orgs") : 0;
	const char *person = v.nrows ? db_text(&v, 0, "person") : NULL;
	if (person && (rc = http_cache_lookup_at(r, out, "person", person, version, NULL)))
		return rc > 0 ? 0 : rc;
	rc = db_query(d, &r->a, sql_public, DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_INT(id)), &res, &e);
	if (rc)
		return rc;
	/* A hidden profile is shown to no one but its owner. */
	const char *pub = res.nrows ? db_get(&res, 0, 10) : NULL;
	int hidden = pub && (pub[0] == '0' || pub[0] == 'f');
	if (!res.nrows || (hidden && id != r->user_id))
		return http_error(r, out, 404, "not_found", "error.not_found");
	json_t *p = db_row_json(&res, 0);
	json_object_del(p, "bio_md");
	buf html = BUF_INIT;
	markdown_html(db_get(&res, 0, 7), &html);
	json_object_set_new(p, "bio_html", json_string(html.s));
	buf_release(&html);
	if (*db_get(&res, 0, 2))
		json_object_set_new(p, "job_role_text", json_string(T(arena_printf(&r->a, "job.%s", db_get(&res, 0, 2)))));
	json_object_set_new(p, "mine", json_boolean(id == r->user_id));
	json_object_set_new(p, "hidden", json_boolean(hidden));
	if ((rc = features_sections("person", r, d, &id, p, &e))) {
		json_decref(p);
		return rc;
	}
	http_page(r, out, 200, "people/profile.html", NULL, json_pack("{s:o}", "person", p));
	if (person)
		http_cache_store(r, out, "person", version, PROFILE_TTL);
	return 0;
}

/* ---- the directory organizers use ---- */

static const char sql_directory[] =
	"SELECT u.id, u.display_name AS name, coalesce(u.job_role, '') AS job_role, "
	"coalesce(o.name_zh, u.org_name, '') AS org, coalesce(u.title, '') AS title, coalesce(u.city, '') AS city, "
	"CASE WHEN u.email_public THEN u.email ELSE '' END AS email, "
	"CASE WHEN u.phone_public THEN coalesce(u.phone, '') ELSE '' END AS phone, u.created_at "
	"FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.deleted_at IS NULL "
	"AND (? = '' OR u.display_name LIKE '%' || ? || '%' ESCAPE '\\') "
	"AND (? = '' OR u.city = ?) AND (? = '' OR u.job_role = ?) "
	"AND (? = '' OR coalesce(o.name_zh, '') LIKE '%' || ? || '%' ESCAPE '\\' "
	"OR coalesce(o.name_en, '') LIKE '%' || ? || '%' ESCAPE '\\' OR coalesce(u.org_name, '') LIKE '%' || ? || '%' ESCAPE '\\') "
	"ORDER BY u.id LIMIT ? OFFSET ?";

struct filters {
	const char *q, *q_like, *city, *job, *org, *org_like;
};

static int read_filters(req *r, struct filters *f)
{
	f->q = trimmed(&r->a, req_query(r, "q"));
	f->q_like = like_literal(&r->a, f->q);
	f->city = trimmed(&r->a, req_query(r, "city"));
	f->job = trimmed(&r->a, req_query(r, "job_role"));
	f->org = trimmed(&r->a, req_query(r, "org"));
	if (text_len(f->q) > 64 || text_len(f->city) > 32 || text_len(f->org) > 100 || (*f->job && !one_of(f->job, people_job_roles)))
		return -1;
	f->org_like = like_literal(&r->a, f->org);
	return 0;
}

static int directory_query(req *r, db *d, const struct filters *f, int64_t limit, int64_t offset, db_res *res, err *e)
{
	return db_query(d, &r->a, sql_directory,
			DB_ARGS(DB_TEXT(f->q), DB_TEXT(f->q_like), DB_TEXT(f->city), DB_TEXT(f->city), DB_TEXT(f->job), DB_TEXT(f->job), DB_TEXT(f->org),
				DB_TEXT(f->org_like), DB_TEXT(f->org_like), DB_TEXT(f->org_like), DB_INT(limit),
				DB_INT(offset)),
			res, e);
}

static int directory(req *r, resp *out)
{
	err e = ERR_INIT;
	struct filters f;
	int64_t page;
	if (read_filters(r, &f))
		return http_error(r, out, 400, "bad_filter", "audit.err.filter");
	if (parse_i64(req_query(r, "page"), 1, 100000, &page))
		page = 1;
	db *d = r->db;
	db_res res;
	int rc = directory_query(r, d, &f, DIR_PAGE + 1, (page - 1) * DIR_PAGE, &res, &e);
	if (rc) {
		log_error("directory: %s", e.msg);
		return rc;
	}
	json_t *people = json_array();
	for (int i = 0; i < res.nrows && i < DIR_PAGE; i++) {
		json_t *o = db_row_json(&res, i);
		if (*db_get(&res, i, 2))
			json_object_set_new(o, "job_role_text", json_string(T(arena_printf(&r->a, "job.%s", db_get(&res, i, 2)))));
		json_array_append_new(people, o);
	}
	buf q = BUF_INIT;
	buf_adds(&q, "q=");
	buf_url_arg(&q, f.q);
	buf_adds(&q, "&city=");
	buf_url_arg(&q, f.city);
	buf_adds(&q, "&job_role=");
	buf_url_arg(&q, f.job);
	buf_adds(&q, "&org=");
	buf_url_arg(&q, f.org);
	json_t *m = json_pack("{s:o,s:{s:s,s:s,s:s,s:o},s:s}", "people", people, "filter", "q", f.q, "city", f.city, "org", f.org,
			      "job_roles", job_role_options(r, f.job), "query", q.s);
	buf_release(&q);
	http_pager(m, page, res.nrows > DIR_PAGE);
	return http_page(r, out, 200, "people/directory.html", "directory.title", m);
}

static int directory_csv(req *r, resp *out)
{
	err e = ERR_INIT;
	struct filters f;
	if (read_filters(r, &f))
		return http_error(r, out, 400, "bad_filter", "audit.err.filter");
	db *d = r->db;
	db_res res;
	int rc = directory_query(r, d, &f, CSV_MAX, 0, &res, &e);
	if (rc)
		return rc;
	buf b = BUF_INIT;
	buf_csv_start(&b);
	const char *heads[] = { "id", "profile.name", "profile.job_role", "profile.org", "profile.title",
				"profile.city", "subscribe.email", "account.phone" };
	for (size_t c = 0; c < 8; c++)
		buf_csv_field(&b, c, c ? T(heads[c]) : "id");
	buf_adds(&b, "\r\n");
	for (int i = 0; i < res.nrows; i++) {
		for (int c = 0; c < 8; c++) {
			const char *v = db_get(&res, i, c);
			if (c == 2 && *v)
				v = T(arena_printf(&r->a, "job.%s", v));
			buf_csv_field(&b, (size_t)c, v ? v : "");
		}
		buf_adds(&b, "\r\n");
	}
	http_download(r, out, &b, "text/csv; charset=utf-8", "members.csv");
	return 0;
}

static int avatar(req *r, resp *out)
{
	return files_attach(r, out, "avatar", FILE_IMAGE, "UPDATE users SET avatar_file_id = ? WHERE id = ?", r->user_id, NULL, NULL,
			    "/account/profile?saved=1");
}

static const struct input avatar_inputs[] = { IN_UPLOAD("avatar"), { NULL } };
static const struct input profile_inputs[] = {
	{ "name", IN_LINE, IN_REQUIRED, 0, 64, "account.err.name", "account.err.name_required" },
	{ "job_role", IN_CHOICE, 0, 0, 0, "profile.err.job_role", NULL, people_job_roles },
	{ "org", IN_LINE, 0, 0, 100, "profile.err.org", NULL },
	{ "title", IN_LINE, 0, 0, 64, "profile.err.title", NULL },
	{ "city", IN_LINE, 0, 0, 32, "profile.err.city", NULL },
	{ "bio", IN_MARKDOWN, 0, 0, BIO_MAX, "profile.err.bio", NULL },
	{ "profile_public", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ "email_public", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ "phone_public", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_POST, "/account/avatar", avatar, SIGNED_IN, 1, "avatar", .inputs = avatar_inputs },
	{ M_GET, "/account/profile", edit_form, SIGNED_IN, 0, "profile-edit" },
	{ M_POST, "/account/profile", save, SIGNED_IN, 1, "profile-edit", .inputs = profile_inputs, .invalid = save_invalid },
	{ M_GET, "/people/:id", show, EVERYONE, 0, "profile" },
	{ M_GET, "/people", directory, ALLOW(ROLE_ORGANIZER), 0, "directory" },
	{ M_GET, "/people.csv", directory_csv, ALLOW(ROLE_ORGANIZER), 0, "directory-csv" },
};

const struct route_table profile_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

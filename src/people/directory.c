/* directory.c: what other features read of a member (people.h): contact
 * details for a registration, a member by email, the public profiles at
 * an organization, moving members when organizations merge. The users
 * table is people's own; these statements are the only way in. */
#include "people/people.h"

#include "base/util.h"

#include "base/banned.h"

int people_contact(db *d, arena *a, int64_t id, struct person_contact *out, err *e)
{
	db_res u;
	int rc = db_query(d, a, "SELECT u.display_name, coalesce(o.name_zh, ''), coalesce(u.title, ''), "
				"coalesce(u.phone, ''), u.email FROM users u LEFT JOIN orgs o ON o.id = u.org_id "
				"WHERE u.id = ?",
			  DB_ARGS(DB_INT(id)), &u, e);
	if (rc)
		return rc;
	if (!u.nrows)
		return ERR_NOTFOUND;
	*out = (struct person_contact){ db_get(&u, 0, 0), db_get(&u, 0, 1), db_get(&u, 0, 2), db_get(&u, 0, 3),
					db_get(&u, 0, 4) };
	return 0;
}

int people_segment(db *d, arena *a, int64_t id, struct person_segment *out, err *e)
{
	db_res u;
	int rc = db_query(d, a, "SELECT coalesce(u.job_role, ''), coalesce(o.category, ''), coalesce(o.industry, '') "
				"FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = ?",
			  DB_ARGS(DB_INT(id)), &u, e);
	if (rc)
		return rc;
	if (!u.nrows)
		return ERR_NOTFOUND;
	*out = (struct person_segment){ db_get(&u, 0, 0), db_get(&u, 0, 1), db_get(&u, 0, 2) };
	return 0;
}

int people_by_email(db *d, arena *a, const char *email, int64_t *id, const char **name, int64_t *org_id,
		    err *e)
{
	db_res u;
	int rc = db_query(d, a, "SELECT id, display_name, coalesce(org_id, 0) FROM users WHERE email = ? "
				"AND deleted_at IS NULL",
			  DB_ARGS(DB_TEXT(email)), &u, e);
	if (rc)
		return rc;
	if (!u.nrows)
		return ERR_NOTFOUND;
	*id = db_get_int(&u, 0, 0);
	*name = db_get(&u, 0, 1);
	*org_id = db_get_int(&u, 0, 2);
	return 0;
}

int people_at_org(db *d, arena *a, int64_t org_id, db_res *out, err *e)
{
	return db_query(d, a, "SELECT id, display_name AS name, coalesce(title, '') AS title FROM users "
			      "WHERE org_id = ? AND profile_public AND deleted_at IS NULL ORDER BY id LIMIT 100",
			DB_ARGS(DB_INT(org_id)), out, e);
}

int people_move_org(db *d, int64_t from, int64_t into, err *e)
{
	return db_exec(d, "UPDATE users SET org_id = ? WHERE org_id = ?", DB_ARGS(DB_INT(into), DB_INT(from)), NULL, e);
}

int people_demo_editor(db *d, arena *a, int64_t *id, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT id FROM users WHERE email = 'editors@demo.pgherd.invalid'", DB_NOARGS, &x, e);
	if (!rc && x.nrows) {
		*id = db_get_int(&x, 0, 0);
		return 0;
	}
	/* "!" is no argon2id string: no password signs in to it. */
	if (!rc)
		rc = db_query(d, a, "INSERT INTO users (email, display_name, password_hash, role, created_at, profile_public) "
				    "VALUES ('editors@demo.pgherd.invalid', '社区编辑部', '!', 'editor', ?, ?) RETURNING id",
			      DB_ARGS(DB_TIME(unix_now()), DB_BOOL(1)), &x, e);
	if (!rc)
		*id = db_get_int(&x, 0, 0);
	return rc;
}

int people_demo_member(db *d, arena *a, int n, const char *job_role, int64_t org_id, int64_t *id, err *e)
{
	db_res x;
	const char *email = arena_printf(a, "member%d@demo.pgherd.invalid", n);
	int rc = db_query(d, a, "SELECT id FROM users WHERE email = ?", DB_ARGS(DB_TEXT(email)), &x, e);
	if (!rc && x.nrows) {
		*id = db_get_int(&x, 0, 0);
		return 0;
	}
	if (!rc)
		rc = db_query(d, a, "INSERT INTO users (email, display_name, password_hash, role, created_at, profile_public, "
				    "job_role, org_id) VALUES (?, ?, '!', 'member', ?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_TEXT(email), DB_TEXT(arena_printf(a, "社区会员%d", n)), DB_TIME(unix_now()), DB_BOOL(0),
				      DB_TEXT(job_role), org_id ? DB_INT(org_id) : DB_NULL), &x, e);
	if (!rc)
		*id = db_get_int(&x, 0, 0);
	return rc;
}

int people_demo_editor_if_empty(db *d, arena *a, const char *count_sql, int64_t *id, err *e)
{
	db_res x;
	*id = 0;
	int rc = db_query(d, a, count_sql, DB_NOARGS, &x, e);
	return rc || db_get_int(&x, 0, 0) ? rc : people_demo_editor(d, a, id, e);
}

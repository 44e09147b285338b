/* rewards.c: what the community gave for a wish. An organizer records a
 * reward (a T-shirt, a book, stickers or something else, with a note) for
 * the wish's author or another member; it shows on the wish and on that
 * member's public profile (the "person" section), each one in the audit
 * log, and stays as the record the points will read. */
#include "wishes/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/util.h"
#include "base/banned.h"

static const char *const reward_kinds[] = { "tshirt", "book", "stickers", "other", NULL };
enum { NOTE_MAX = 300, PROFILE_REWARDS = 20 };

static json_t *reward_json(req *r, const db_res *x, int i)
{
	return json_pack("{s:s,s:s,s:s}", "kind_text", T(arena_printf(&r->a, "wishes.reward.%s", db_text(x, i, "kind"))),
			 "note", db_text(x, i, "note"), "date", clock_date(&r->a, CLOCK_COMMUNITY_TZ, db_int(x, i, "given_at")));
}

int wish_rewards_model(req *r, int64_t id, json_t *m, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT g.id AS id, g.kind AS kind, g.note AS note, g.given_at AS given_at, g.user_id AS user_id, "
					"coalesce(u.display_name, '') AS name FROM wish_rewards g " PEOPLE_JOIN("u", "g.user_id")
					"WHERE g.wish_id = ? ORDER BY g.id",
			  DB_ARGS(DB_INT(id)), &x, e);
	if (rc || !x.nrows)
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < x.nrows; i++) {
		json_t *g = reward_json(r, &x, i);
		json_object_set_new(g, "name", json_string(db_text(&x, i, "name")));
		json_object_set_new(g, "user_id", json_integer(db_int(&x, i, "user_id")));
		json_object_set_new(g, "id", json_integer(db_int(&x, i, "id")));
		json_array_append_new(a, g);
	}
	json_object_set_new(m, "rewards", a);
	return 0;
}

int wish_person_section(req *r, db *d, const void *row, json_t *m, err *e)
{
	int64_t user = *(const int64_t *)row;
	db_res x;
	int rc = db_query(d, &r->a, "SELECT g.kind AS kind, g.note AS note, g.given_at AS given_at, w.id AS id, w.lang AS lang, "
				    "w.title AS title, w.title_tr AS title_tr FROM wish_rewards g JOIN wishes w ON w.id = g.wish_id "
				    "WHERE g.user_id = ? AND w.shown = 'visible' ORDER BY g.id DESC LIMIT ?",
			  DB_ARGS(DB_INT(user), DB_INT(PROFILE_REWARDS)), &x, e);
	if (rc || !x.nrows)
		return rc;
	json_t *a = json_array();
	const char *mine = lang_code(r->lang);
	for (int i = 0; i < x.nrows; i++) {
		json_t *g = reward_json(r, &x, i);
		const char *tr = db_text(&x, i, "title_tr");
		int other = strcmp(db_text(&x, i, "lang"), mine) && *tr;
		json_object_set_new(g, "wish_id", json_integer(db_int(&x, i, "id")));
		json_object_set_new(g, "title", json_string(other ? tr : db_text(&x, i, "title")));
		json_array_append_new(a, g);
	}
	json_object_set_new(m, "wish_rewards", a);
	return 0;
}

struct give_ctx {
	req *r;
	const struct wish_row *w;
	int64_t to;
};

static int give_tx(db *d, void *p, err *e)
{
	struct give_ctx *c = p;
	req *r = c->r;
	const char *note = in_text(r, "note");
	int rc = db_exec(d, "INSERT INTO wish_rewards (wish_id, user_id, kind, note, given_by, given_at) VALUES (?, ?, ?, ?, ?, ?)",
			 DB_ARGS(DB_INT(c->w->id), DB_INT(c->to), DB_TEXT(in_text(r, "kind")), DB_TEXT(note ? note : ""),
				 DB_INT(r->user_id), DB_TIME(unix_now())), NULL, e);
	if (!rc)
		rc = auth_audit(d, r->user_id, "wish.reward", arena_printf(&r->a, "wish:%lld", (long long)c->w->id),
				arena_printf(&r->a, "%s user:%lld %s", in_text(r, "kind"), (long long)c->to, note ? note : ""),
				r->client, e);
	return rc;
}

/* POST /wishes/:id/rewards: to the member with the address given, or to
 * the wish's author when none is. */
static int give(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct wish_row *w = r->row;
	if (strcmp(w->shown, "visible"))
		return http_error(r, out, 409, "not_shown", "wishes.err.not_shown");
	struct give_ctx c = { r, w, w->user_id };
	const char *email = in_text(r, "to");
	if (email) {
		const char *name;
		int64_t org;
		int rc = people_by_email(r->db, &r->a, email, &c.to, &name, &org, &e);
		if (rc == ERR_NOTFOUND) {
			r->errors = json_pack("{s:s}", "to", T("wishes.err.reward_to"));
			return wish_again(r, out);
		}
		if (rc)
			return rc;
	}
	int rc = db_tx(r->db, give_tx, &c, &e);
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I,s:I,s:s}", "wish", (json_int_t)w->id, "user", (json_int_t)c.to, "kind",
				       in_text(r, "kind"));
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/wishes/%lld?rewarded=1", (long long)w->id));
}

/* POST /wishes/:id/rewards/:reward/withdraw: a reward recorded by
 * mistake goes (the audit log keeps that it was given and taken back). */
static int withdraw(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct wish_row *w = r->row;
	int64_t reward = req_num(r, "reward"), n = 0;
	int rc = db_exec(r->db, "DELETE FROM wish_rewards WHERE id = ? AND wish_id = ?", DB_ARGS(DB_INT(reward), DB_INT(w->id)),
			 &n, &e);
	if (!rc && !n)
		return http_error(r, out, 404, "not_found", "wishes.err.no_reward");
	if (!rc)
		rc = auth_audit(r->db, r->user_id, "wish.reward_withdraw", arena_printf(&r->a, "wish:%lld", (long long)w->id),
				arena_printf(&r->a, "reward:%lld", (long long)reward), r->client, &e);
	if (rc)
		return rc;
	if (r->api)
		return out->model = json_pack("{s:I,s:b}", "reward", (json_int_t)reward, "withdrawn", 1), 0;
	return http_redirect(r, out, arena_printf(&r->a, "/wishes/%lld?withdrawn=1", (long long)w->id));
}

static const struct input give_inputs[] = {
	{ "kind", IN_CHOICE, IN_REQUIRED, 0, 0, "wishes.err.reward_kind", "wishes.err.reward_kind", reward_kinds },
	{ "note", IN_LINE, 0, 0, NOTE_MAX, "wishes.err.reward_note", NULL },
	{ "to", IN_EMAIL, 0, 0, 254, "wishes.err.reward_to", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_POST, "/wishes/:id/rewards", give, ORGANIZERS, 1, "wish-reward", &wish_loader, give_inputs, wish_again },
	{ M_POST, "/wishes/:id/rewards/:reward/withdraw", withdraw, ORGANIZERS, 1, "wish-reward-withdraw", &wish_loader, no_inputs },
};

const struct route_table reward_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

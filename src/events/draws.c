/* draws.c: share-to-win prize draws: organizers set one up and paste the
 * entries, members enter themselves from the event page, the winners are
 * drawn from a published seed (draw.c) and a draw can be cancelled
 * (audited) to be made again. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/cal.h"
#include "events/internal.h"
#include "view/i18n.h"
#include "base/banned.h"

#include "events/contest.h"

/* ---- prize draws ---- */

/* At least one prize, each on its line ("一等奖 x 1"). */
static int prizes_ok(const char *text)
{
	arena a = ARENA_INIT;
	const char *list[PRIZES_MAX];
	int n = draw_prizes(&a, text, list, PRIZES_MAX);
	arena_release(&a);
	return n >= 1;
}

static const struct input draw_inputs[] = {
	{ "title", IN_LINE, IN_REQUIRED, 0, NAME_MAX_CHARS, "draw.err.title", "draw.err.title" },
	{ "min_likes", IN_INT, 0, 0, LIKES_MAX, "draw.err.min_likes", NULL },
	{ "prizes", IN_TEXT, IN_REQUIRED, 0, PRIZES_MAX * (PRIZE_LINE_MAX + 8), "draw.err.prizes", "draw.err.prizes",
	  NULL, prizes_ok },
	{ NULL },
};

/* The draw form again: its title field is draw_title on the page. */
static int draw_invalid(req *r, resp *out)
{
	json_t *f = r->form;
	const char *title = json_string_value(json_object_get(f, "title"));
	const char *min_s = json_string_value(json_object_get(f, "min_likes"));
	const char *prizes = json_string_value(json_object_get(f, "prizes"));
	json_t *form = json_pack("{s:s,s:s,s:s}", "draw_title", title ? title : "", "min_likes", min_s ? min_s : "",
				 "prizes", prizes ? prizes : "");
	return contest_invalid(r, out, form);
}

static int draw_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	const char *title = in_text(r, "title"), *prizes = in_text(r, "prizes");
	int64_t min = in_num(r, "min_likes", 0);
	struct change_ctx c = { .r = r, .sql = "INSERT INTO prize_draws (event_id, title, min_likes, prizes, created_at) "
						"VALUES (?, ?, ?, ?, ?) RETURNING id",
				.action = "event.draw_create", .detail = title,
				.args = { DB_INT(ev->id), DB_TEXT(title), DB_INT(min), DB_TEXT(prizes), DB_TIME(unix_now()) },
				.nargs = 5, .event_id = ev->id, .returning = 1 };
	int rc = contest_change(d, &c);
	if (rc)
		return rc;
	out->status = 201;
	return contest_done(r, out, ev->id, arena_printf(&r->a, "draw-%lld", (long long)c.id), json_pack("{s:I}", "id", (json_int_t)c.id));
}

static int draw_delete(req *r, resp *out)
{
	return contest_row_change(r, out, "draw", "SELECT 1 FROM prize_draws WHERE id = ? AND event_id = ?",
			  "DELETE FROM prize_draws WHERE id = ? AND seed IS NULL", NULL, "event.draw_delete", "draws", DB_NULL,
			  "draw.err.drawn_delete");
}

static int entry_delete(req *r, resp *out)
{
	return contest_row_change(r, out, "entry", "SELECT 1 FROM prize_entries p JOIN prize_draws w ON w.id = p.draw_id "
					   "WHERE p.id = ? AND w.event_id = ?",
			  "DELETE FROM prize_entries WHERE id = ? AND draw_id IN (SELECT id FROM prize_draws WHERE seed IS NULL)", NULL,
			  "event.draw_entry_delete", "draws", DB_NULL, "draw.err.frozen");
}

/* One pasted entry line: "name, likes, proof", separated by tabs, commas
 * (either width) or bars; or "name likes proof" by spaces, the like count
 * being the first number. "32赞" and "32 likes" count as 32. */
static int draw_locked(db *d, arena *a, int64_t draw_id, int64_t event_id, db_res *x, err *e)
{
	return db_query(d, a, db_engine_of(d) == DB_POSTGRES ?
			"SELECT coalesce(seed, ''), min_likes, prizes FROM prize_draws WHERE id = ? AND event_id = ? FOR UPDATE" :
			"SELECT coalesce(seed, ''), min_likes, prizes FROM prize_draws WHERE id = ? AND event_id = ?",
			DB_ARGS(DB_INT(draw_id), DB_INT(event_id)), x, e);
}

struct entries_ctx {
	req *r;
	int64_t event_id, draw_id;
	struct entry_line *v;
	int n, added, updated, missing, frozen;
};

static int entries_tx(db *d, void *p, err *e)
{
	struct entries_ctx *c = p;
	db_res x;
	c->added = c->updated = c->missing = c->frozen = 0;
	int rc = draw_locked(d, &c->r->a, c->draw_id, c->event_id, &x, e);
	if (rc || (c->missing = !x.nrows) || (c->frozen = *db_get(&x, 0, 0) != '\0'))
		return rc;
	for (int i = 0; !rc && i < c->n; i++) {
		const struct entry_line *l = &c->v[i];
		if ((rc = db_query(d, &c->r->a, "SELECT id FROM prize_entries WHERE draw_id = ? AND name = ?",
				   DB_ARGS(DB_INT(c->draw_id), DB_TEXT(l->name)), &x, e)))
			break;
		if (x.nrows) {
			rc = db_exec(d, "UPDATE prize_entries SET likes = ?, proof = ? WHERE id = ?",
				     DB_ARGS(DB_INT(l->likes), DB_TEXT(l->proof), DB_INT(db_get_int(&x, 0, 0))), NULL, e);
			c->updated++;
		} else {
			rc = db_exec(d, "INSERT INTO prize_entries (draw_id, no, name, proof, likes, created_at) VALUES "
					"(?, (SELECT coalesce(max(no), 0) + 1 FROM prize_entries WHERE draw_id = ?), ?, ?, ?, ?)",
				     DB_ARGS(DB_INT(c->draw_id), DB_INT(c->draw_id), DB_TEXT(l->name), DB_TEXT(l->proof),
					     DB_INT(l->likes), DB_TIME(unix_now())),
				     NULL, e);
			c->added++;
		}
	}
	if (!rc)
		rc = auth_audit(d, c->r->user_id, "event.draw_entries", arena_printf(&c->r->a, "event:%lld",
										   (long long)c->event_id),
				arena_printf(&c->r->a, "draw:%lld added %d, updated %d", (long long)c->draw_id, c->added,
					     c->updated),
				c->r->client, e);
	return rc;
}

/* The draw :draw of event :id, checked to be a number; 0 when it is. */
static int entries_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	struct entries_ctx c = { r, ev->id, 0, NULL, 0, 0, 0, 0, 0 };
	c.draw_id = req_num(r, "draw");
	const char *list = in_text(r, "list");
	json_t *form = json_pack("{s:s}", "list", list ? list : "");
	/* The single-entry fields make one line of the same shape. */
	const char *name = in_text(r, "name"), *likes = in_text(r, "likes"), *proof = in_text(r, "proof");
	if (name)
		list = arena_printf(&r->a, "%s\t%s\t%s", name, likes ? likes : "", proof ? proof : "");
	c.v = arena_alloc(&r->a, sizeof(*c.v) * ENTRIES_MAX);
	const char *s = list ? list : "";
	int line = 0;
	const char *text;
	while ((text = draw_next_line(&r->a, &s))) {
		line++;
		if (!*text)
			continue;
		if (c.n == ENTRIES_MAX)
			return contest_refuse(r, out, d, ev, 422, T("draw.err.too_many"), form);
		if (draw_entry_parse(&r->a, text, &c.v[c.n]))
			return contest_refuse(r, out, d, ev, 422, arena_printf(&r->a, T("draw.err.line"), line, text), form);
		int dup = 0;
		for (int k = 0; k < c.n; k++)
			if (!strcmp(c.v[k].name, c.v[c.n].name)) {
				c.v[k] = c.v[c.n]; /* the later line is the newer count */
				dup = 1;
			}
		c.n += !dup;
	}
	if (!c.n)
		return contest_refuse(r, out, d, ev, 422, T("draw.err.no_entries"), form);
	int rc = db_tx(d, entries_tx, &c, &e);
	if (rc) {
		json_decref(form);
		log_error("draw entries: %s", e.msg);
		return rc;
	}
	if (c.missing) {
		json_decref(form);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (c.frozen)
		return contest_refuse(r, out, d, ev, 409, T("draw.err.frozen"), form);
	json_decref(form);
	return contest_done(r, out, ev->id, arena_printf(&r->a, "draw-%lld", (long long)c.draw_id),
		    json_pack("{s:i,s:i}", "added", c.added, "updated", c.updated));
}

/* ---- members entering a draw themselves ---- */

/* A signed-in member enters under their display name with their proof
 * and like count, or changes them, or withdraws, until the draw is made.
 * One entry per member (a partial unique index); a name an organizer
 * already pasted is not claimed, the member is told to ask them. */
struct enter_ctx {
	req *r;
	int64_t event_id, draw_id, likes, no;
	const char *proof;
	int withdraw, missing, frozen, taken, none, name_public;
};

static int enter_tx(db *d, void *p, err *e)
{
	struct enter_ctx *c = p;
	arena *a = &c->r->a;
	db_res x, mine;
	c->missing = c->frozen = c->taken = c->none = 0;
	int rc = draw_locked(d, a, c->draw_id, c->event_id, &x, e);
	if (rc || (c->missing = !x.nrows) || (c->frozen = *db_get(&x, 0, 0) != '\0'))
		return rc;
	if ((rc = db_query(d, a, "SELECT id, no FROM prize_entries WHERE draw_id = ? AND user_id = ?",
			   DB_ARGS(DB_INT(c->draw_id), DB_INT(c->r->user_id)), &mine, e)))
		return rc;
	const char *action = "event.draw_enter";
	if (c->withdraw) {
		if ((c->none = !mine.nrows))
			return 0;
		c->no = db_get_int(&mine, 0, 1);
		action = "event.draw_withdraw";
		rc = db_exec(d, "DELETE FROM prize_entries WHERE id = ?", DB_ARGS(DB_INT(db_get_int(&mine, 0, 0))), NULL, e);
	} else if (mine.nrows) {
		c->no = db_get_int(&mine, 0, 1);
		rc = db_exec(d, "UPDATE prize_entries SET likes = ?, proof = ?, name_public = ? WHERE id = ?",
			     DB_ARGS(DB_INT(c->likes), DB_TEXT(c->proof), DB_BOOL(c->name_public), DB_INT(db_get_int(&mine, 0, 0))),
			     NULL, e);
	} else {
		if ((rc = db_query(d, a, "SELECT 1 FROM prize_entries WHERE draw_id = ? AND name = ?",
				   DB_ARGS(DB_INT(c->draw_id), DB_TEXT(c->r->user_name)), &x, e)) ||
		    (c->taken = x.nrows > 0))
			return rc;
		rc = db_query(d, a, "INSERT INTO prize_entries (draw_id, no, user_id, name, proof, likes, created_at, name_public) "
				    "VALUES (?, (SELECT coalesce(max(no), 0) + 1 FROM prize_entries WHERE draw_id = ?), ?, ?, ?, ?, ?, ?) "
				    "RETURNING no",
			      DB_ARGS(DB_INT(c->draw_id), DB_INT(c->draw_id), DB_INT(c->r->user_id), DB_TEXT(c->r->user_name),
				      DB_TEXT(c->proof), DB_INT(c->likes), DB_TIME(unix_now()), DB_BOOL(c->name_public)),
			      &x, e);
		if (!rc)
			c->no = db_get_int(&x, 0, 0);
	}
	if (!rc)
		rc = auth_audit(d, c->r->user_id, action, arena_printf(a, "event:%lld", (long long)c->event_id),
				c->withdraw ? arena_printf(a, "draw:%lld no %lld", (long long)c->draw_id, (long long)c->no)
					    : arena_printf(a, "draw:%lld no %lld, %lld likes", (long long)c->draw_id,
							   (long long)c->no, (long long)c->likes),
				c->r->client, e);
	return rc;
}

/* The event page again, the member's entry form refilled with why it was
 * refused (or the API's error). */
static int enter_refused(req *r, resp *out, db *d, const struct enter_ctx *c, unsigned status, const char *message,
			 const char *proof, const char *likes)
{
	if (r->api)
		return http_error(r, out, status, status == 409 ? "conflict" : "invalid", message);
	json_t *errors = json_pack("{s:{s:I,s:s,s:s,s:s}}", "draw", "id", (json_int_t)c->draw_id, "message", message,
				   "proof", proof, "likes", likes);
	return event_page(r, out, d, c->event_id, status, NULL, errors);
}

static int entry_change(req *r, resp *out, int withdraw)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	struct enter_ctx c = { .r = r, .event_id = ev->id, .withdraw = withdraw, .name_public = (int)in_num(r, "name_public", 0) };
	c.draw_id = req_num(r, "draw");
	if (!strcmp(ev->status, "draft") && auth_allowed(ALLOW(ROLE_ORGANIZER), r->role))
		return http_error(r, out, 404, "not_found", "error.not_found");
	const char *proof = in_text(r, "proof"), *likes = in_text(r, "likes");
	c.proof = proof ? proof : "";
	if (!c.withdraw)
		(void)draw_likes(&r->a, likes, &c.likes); /* likes_ok has read it already */
	int rc = db_tx(d, enter_tx, &c, &e);
	if (rc) {
		log_error("draw entry: %s", e.msg);
		return rc;
	}
	if (c.missing || c.none)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (c.frozen || c.taken)
		return enter_refused(r, out, d, &c, 409,
				     arena_printf(&r->a, T(c.frozen ? "draw.err.my_frozen" : "draw.err.name_taken"), r->user_name), c.proof,
				     likes);
	if (r->api) {
		out->model = c.withdraw ? json_pack("{s:b}", "withdrawn", 1)
					: json_pack("{s:I,s:I}", "no", (json_int_t)c.no, "likes", (json_int_t)c.likes);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld?%s=%lld#draw-%lld", (long long)ev->id,
						  c.withdraw ? "withdrawn" : "entered", (long long)c.no, (long long)c.draw_id));
}

/* ---- drawing ---- */

struct drawing_ctx {
	req *r;
	int64_t event_id, draw_id, min_likes;
	const char *seed;
	int missing, eligible, winners, same, other_seed;
	const char *drawn_seed;
};

static int drawing_tx(db *d, void *p, err *e)
{
	struct drawing_ctx *c = p;
	db_res w, x;
	c->missing = c->same = c->other_seed = c->eligible = c->winners = 0;
	int rc = draw_locked(d, &c->r->a, c->draw_id, c->event_id, &w, e);
	if (rc || (c->missing = !w.nrows))
		return rc;
	c->drawn_seed = db_get(&w, 0, 0);
	c->min_likes = db_get_int(&w, 0, 1);
	const char **prizes = arena_alloc(&c->r->a, sizeof(char *) * PRIZES_MAX);
	int np = draw_prizes(&c->r->a, db_get(&w, 0, 2), prizes, PRIZES_MAX);
	if ((rc = db_query(d, &c->r->a, "SELECT id, no, likes, coalesce(rank, 0) FROM prize_entries WHERE draw_id = ? "
					"ORDER BY no", DB_ARGS(DB_INT(c->draw_id)), &x, e)))
		return rc;
	struct draw_entry *v = arena_alloc(&c->r->a, sizeof(*v) * (size_t)(x.nrows ? x.nrows : 1));
	for (int i = 0; i < x.nrows; i++) {
		v[i].id = db_get_int(&x, i, 0);
		v[i].no = db_get_int(&x, i, 1);
		v[i].likes = db_get_int(&x, i, 2);
	}
	c->winners = draw_pick(&c->r->a, c->seed, v, x.nrows, c->min_likes, np < 0 ? 0 : np, &c->eligible);
	if (*c->drawn_seed) {
		/* Drawn already: the same seed must give the winners on record. */
		if (strcmp(c->drawn_seed, c->seed)) {
			c->other_seed = 1;
			return 0;
		}
		c->same = 1;
		for (int i = 0; i < x.nrows; i++)
			if (v[i].rank != db_get_int(&x, i, 3)) {
				log_error("draw %lld: the winners on record do not follow from its seed", (long long)c->draw_id);
				c->same = 0;
			}
		return 0;
	}
	if (!c->eligible)
		return 0;
	for (int i = 0; !rc && i < x.nrows; i++)
		if (v[i].rank)
			rc = db_exec(d, "UPDATE prize_entries SET rank = ?, prize = ? WHERE id = ?",
				     DB_ARGS(DB_INT(v[i].rank), DB_TEXT(prizes[v[i].rank - 1]), DB_INT(v[i].id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "UPDATE prize_draws SET seed = ?, drawn_at = ?, drawn_by = ? WHERE id = ?",
			     DB_ARGS(DB_TEXT(c->seed), DB_TIME(unix_now()), DB_INT(c->r->user_id), DB_INT(c->draw_id)), NULL, e);
	if (!rc) {
		buf b = BUF_INIT;
		for (int i = 0; i < x.nrows; i++)
			if (v[i].rank)
				buf_addf(&b, " %d:#%lld", v[i].rank, (long long)v[i].no);
		rc = auth_audit(d, c->r->user_id, "event.draw", arena_printf(&c->r->a, "event:%lld", (long long)c->event_id),
				arena_printf(&c->r->a, "draw:%lld seed=%s eligible=%d winners%s", (long long)c->draw_id,
					     c->seed, c->eligible, b.s ? b.s : ""),
				c->r->client, e);
		buf_release(&b);
	}
	return rc;
}

static int drawing_post(req *r, resp *out)
{
	db *d = r->db;
	struct event_row *ev = r->row;
	err e = ERR_INIT;
	const char *seed = in_text(r, "seed");
	struct drawing_ctx c = { .r = r, .event_id = ev->id, .seed = seed ? seed : "" };
	c.draw_id = req_num(r, "draw");
	json_t *form = json_pack("{s:s}", "seed", c.seed);
	if (!*c.seed) {
		/* No seed given: pgherd picks one and publishes it with the winners. */
		unsigned char raw[16];
		char *hex = arena_alloc(&r->a, sizeof(raw) * 2 + 1);
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(hex, sizeof(raw) * 2 + 1, raw, sizeof(raw));
		c.seed = hex;
	}
	int rc = db_tx(d, drawing_tx, &c, &e);
	if (rc) {
		json_decref(form);
		log_error("draw: %s", e.msg);
		return rc;
	}
	if (c.missing) {
		json_decref(form);
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (c.other_seed)
		return contest_refuse(r, out, d, ev, 409, arena_printf(&r->a, T("draw.err.drawn"), c.drawn_seed), form);
	if (!c.eligible)
		return contest_refuse(r, out, d, ev, 422, arena_printf(&r->a, T("draw.err.none_eligible"), (long long)c.min_likes), form);
	json_decref(form);
	if (r->api) {
		json_t *m = json_pack("{s:s,s:b,s:i,s:i}", "seed", c.seed, "same", c.same, "eligible", c.eligible, "winners",
				      c.winners);
		json_t *mm = json_object();
		if (!(rc = contest_model(r, d, ev, 1, mm, &e))) {
			json_t *draws = json_object_get(mm, "draws");
			for (size_t i = 0; i < json_array_size(draws); i++)
				if (json_integer_value(json_object_get(json_array_get(draws, i), "id")) == c.draw_id)
					json_object_set(m, "draw", json_array_get(draws, i));
		}
		json_decref(mm);
		out->model = m;
		return rc;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/events/%lld/contest?saved=%s#draw-%lld", (long long)ev->id,
						  c.same ? "same" : "1", (long long)c.draw_id));
}

/* Undoes a draw (the audit log keeps the seed it had), so entries can be
 * corrected and the draw made again. */
static int draw_cancel(req *r, resp *out)
{
	return contest_row_change(r, out, "draw", "SELECT 1 FROM prize_draws WHERE id = ? AND event_id = ?",
			  "UPDATE prize_draws SET seed = NULL, drawn_at = NULL, drawn_by = NULL WHERE id = ? AND seed IS NOT NULL",
			  "UPDATE prize_entries SET rank = NULL, prize = NULL WHERE draw_id = ?", "event.draw_cancel", "draws",
			  DB_NULL, "draw.err.not_drawn");
}

static int enter_post(req *r, resp *out)
{
	return entry_change(r, out, 0);
}

static int withdraw_post(req *r, resp *out)
{
	return entry_change(r, out, 1);
}

/* A count of likes as people write it: "32", "32 个赞", "32 likes". */
static int likes_ok(const char *s)
{
	arena a = ARENA_INIT;
	int64_t n;
	int ok = !draw_likes(&a, s, &n);
	arena_release(&a);
	return ok;
}

/* A seed goes into the published proof of the draw, quoted. */
static int seed_ok(const char *s)
{
	return !strchr(s, '\'');
}

static int entries_invalid(req *r, resp *out)
{
	const char *list = json_string_value(json_object_get(r->form, "list"));
	return contest_invalid(r, out, json_pack("{s:s}", "list", list ? list : ""));
}

static int enter_invalid(req *r, resp *out)
{
	struct enter_ctx c = { .r = r, .event_id = ((struct event_row *)r->row)->id, .draw_id = req_num(r, "draw") };
	const char *proof = json_string_value(json_object_get(r->form, "proof"));
	const char *likes = json_string_value(json_object_get(r->form, "likes"));
	return enter_refused(r, out, r->db, &c, 422, inputs_first_error(r), proof ? proof : "", likes ? likes : "");
}

static int drawing_invalid(req *r, resp *out)
{
	const char *seed = json_string_value(json_object_get(r->form, "seed"));
	return contest_invalid(r, out, json_pack("{s:s}", "seed", seed ? seed : ""));
}

/* The organizer's list, pasted (one entrant a line), or one entrant. */
static const struct input entries_inputs[] = {
	{ "list", IN_TEXT, 0, 0, ENTRIES_MAX * 700, "draw.err.too_many", NULL },
	{ "name", IN_LINE, 0, 0, NAME_MAX_CHARS, "draw.err.name", NULL },
	{ "likes", IN_LINE, 0, 0, 40, "draw.err.my_likes", NULL, NULL, likes_ok },
	{ "proof", IN_LINE, 0, 0, PROOF_MAX, "draw.err.my_proof", NULL },
	{ NULL },
};
/* A member's own entry: what they shared and its likes. */
static const struct input enter_inputs[] = {
	{ "proof", IN_LINE, IN_REQUIRED, 0, PROOF_MAX, "draw.err.my_proof", "draw.err.my_proof" },
	{ "likes", IN_LINE, IN_REQUIRED, 0, 40, "draw.err.my_likes", "draw.err.my_likes", NULL, likes_ok },
	{ "name_public", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ NULL },
};
static const struct input seed_inputs[] = {
	{ "seed", IN_LINE, 0, 0, SEED_MAX, "draw.err.seed", NULL, NULL, seed_ok },
	{ NULL },
};

static const struct route routes[] = {
	{ M_POST, "/events/:id/draws", draw_post, ORGANIZER, 1, "event-draw-add", .load = &event_loader, .inputs = draw_inputs,
	  .invalid = draw_invalid },
	{ M_POST, "/events/:id/draws/:draw/delete", draw_delete, ORGANIZER, 1, "event-draw-delete", .inputs = no_inputs },
	{ M_POST, "/events/:id/draws/:draw/entries", entries_post, ORGANIZER, 1, "event-draw-entries", .load = &event_loader, .inputs = entries_inputs,
	  .invalid = entries_invalid },
	{ M_POST, "/events/:id/draws/:draw/entries/:entry/delete", entry_delete, ORGANIZER, 1, "event-draw-entry-delete", .inputs = no_inputs },
	{ M_POST, "/events/:id/draws/:draw/draw", drawing_post, ORGANIZER, 1, "event-draw", .load = &event_loader, .inputs = seed_inputs,
	  .invalid = drawing_invalid },
	{ M_POST, "/events/:id/draws/:draw/enter", enter_post, SIGNED_IN, 1, "event-draw-enter", .load = &event_loader, .inputs = enter_inputs,
	  .invalid = enter_invalid },
	{ M_POST, "/events/:id/draws/:draw/withdraw", withdraw_post, SIGNED_IN, 1, "event-draw-withdraw", .load = &event_loader, .inputs = no_inputs },
	{ M_POST, "/events/:id/draws/:draw/cancel", draw_cancel, ORGANIZER, 1, "event-draw-cancel", .inputs = no_inputs },
};

const struct route_table draws_routes = { routes, COUNT(routes) };

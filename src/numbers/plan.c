/* plan.c: the year's plan. Organizers set the year's goals as targets on
 * the numbers (members at the year's end, new members, events held, page
 * views, visitors, followers at the year's end, interactions); the page
 * shows each one's progress through the year against the pace that meets
 * it, on track or behind, and where the year will end at today's pace.
 *
 * Two kinds of goal: a level (members, followers) is a number at the
 * year's end, and its pace runs from where the year started to the
 * target; a flow (the rest) adds up over the year, and its pace is the
 * share of the year gone. The projection carries the year so far on at
 * the same rate. A past year shows what it came to; a coming one its
 * targets only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers/internal.h"
#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "view/chart.h"
#include "view/i18n.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { YEAR_MIN = 2000, YEAR_MAX = 2100 };
#define TARGET_MAX 1000000000000LL

struct metric {
	const char *key;
	int level; /* a number at the year's end, not a sum over it */
};
static const struct metric metrics[] = {
	{ "members", 1 }, { "new_members", 0 }, { "events", 0 },	{ "page_views", 0 },
	{ "visitors", 0 }, { "followers", 1 },	 { "interactions", 0 },
};

/* A metric's value over [from, until) days (a flow), or on day `until`
 * - 1's end (a level: `from` unused). */
static int value(req *r, const struct metric *k, int32_t from, int32_t until, double *out, err *e)
{
	db_res x;
	int64_t t0 = numbers_day_start(from), t1 = numbers_day_start(until);
	int32_t done_to;
	int rc = db_query(r->db, &r->a, "SELECT coalesce(max(day), 0) AS done FROM view_days_done", DB_NOARGS, &x, e);
	if (rc)
		return rc;
	done_to = (int32_t)db_int(&x, 0, "done");
	*out = 0;
	if (!strcmp(k->key, "members"))
		rc = db_query(r->db, &r->a, "SELECT count(*) AS n FROM users WHERE created_at < ?", DB_ARGS(DB_TIME(t1)), &x, e);
	else if (!strcmp(k->key, "new_members"))
		rc = db_query(r->db, &r->a, "SELECT count(*) AS n FROM users WHERE created_at >= ? AND created_at < ?",
			      DB_ARGS(DB_TIME(t0), DB_TIME(t1)), &x, e);
	else if (!strcmp(k->key, "events"))
		rc = db_query(r->db, &r->a, "SELECT count(*) AS n FROM events WHERE status NOT IN ('draft', 'cancelled') "
					    "AND starts_at >= ? AND starts_at < ? AND starts_at < ?",
			      DB_ARGS(DB_TIME(t0), DB_TIME(t1), DB_TIME(unix_now())), &x, e);
	else if (!strcmp(k->key, "followers"))
		rc = db_query(r->db, &r->a, "SELECT coalesce(sum(followers), 0) AS n FROM channel_counts c WHERE day = "
					    "(SELECT max(day) FROM channel_counts p WHERE p.channel_id = c.channel_id AND p.day < ?)",
			      DB_ARGS(DB_INT(until)), &x, e);
	else if (!strcmp(k->key, "interactions"))
		rc = db_query(r->db, &r->a, "SELECT coalesce(sum(n), 0) AS n FROM interaction_days WHERE kind <> 'members' "
					    "AND day >= ? AND day < ?",
			      DB_ARGS(DB_INT(from), DB_INT(until)), &x, e);
	else /* page views and visitors: the days' sums, finished and so far */
		rc = db_query(r->db, &r->a, "SELECT coalesce(sum(n), 0) AS n FROM (SELECT CASE WHEN ? THEN views ELSE visitors END AS n "
					    "FROM view_days WHERE dim = 'all' AND day >= ? AND day < ? AND day <= ? UNION ALL "
					    "SELECT CASE WHEN ? THEN views ELSE visitors END FROM view_days_live WHERE dim = 'all' "
					    "AND day >= ? AND day < ? AND day > ?) s",
			      DB_ARGS(DB_BOOL(!strcmp(k->key, "page_views")), DB_INT(from), DB_INT(until), DB_INT(done_to),
				      DB_BOOL(!strcmp(k->key, "page_views")), DB_INT(from), DB_INT(until), DB_INT(done_to)),
			      &x, e);
	if (!rc)
		*out = (double)db_int(&x, 0, "n");
	/* The days not summed yet (today): the writer's counts so far. */
	if (!rc && !strcmp(k->key, "interactions") && done_to + 1 < until) {
		rc = db_query(r->db, &r->a, "SELECT coalesce(sum(views), 0) AS n FROM view_days_live WHERE dim = 'counted' "
					    "AND key <> 'members' AND day >= ? AND day < ? AND day > ?",
			      DB_ARGS(DB_INT(from), DB_INT(until), DB_INT(done_to)), &x, e);
		if (!rc)
			*out += (double)db_int(&x, 0, "n");
	}
	return rc;
}

/* A whole number for people (a pace or a projection falls between). */
static const char *number_text(req *r, double n)
{
	char b[32];
	chart_number(round(n), 0, b, sizeof(b));
	return arena_strdup(&r->a, b);
}

static int year_of_today(void)
{
	int y, m, d;
	civil_from_days(numbers_day_of(unix_now()), &y, &m, &d);
	return y;
}

/* The plan of a year: each metric with its target (when set), where it
 * stands, the pace, the projection and the verdict. */
static int plan_model(req *r, int year, int targets_only, json_t *m, err *e)
{
	db_res goals;
	int rc = db_query(r->db, &r->a, "SELECT metric, target FROM plan_goals WHERE year = ?", DB_ARGS(DB_INT(year)), &goals, e);
	if (rc)
		return rc;
	int32_t today = numbers_day_of(unix_now()), start = days_from_civil(year, 1, 1), end = days_from_civil(year + 1, 1, 1);
	int days = end - start, gone = today < start ? 0 : today >= end ? days : today - start + 1;
	double share = (double)gone / days;
	int on = 0, behind = 0;
	json_t *rows = json_array();
	for (size_t i = 0; i < COUNT(metrics); i++) {
		const struct metric *k = &metrics[i];
		json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "key", k->key, "label", T(arena_printf(&r->a, "plan.metric.%s", k->key)),
				      "how", T(arena_printf(&r->a, "plan.how.%s", k->key)), "level", k->level);
		double target = -1;
		for (int g = 0; g < goals.nrows; g++)
			if (!strcmp(db_str(&goals, g, "metric"), k->key))
				target = (double)db_int(&goals, g, "target");
		if (target >= 0) {
			json_object_set_new(o, "target", json_string(number_text(r, target)));
			json_object_set_new(o, "target_value", json_integer((json_int_t)target));
		}
		if (gone > 0 && (target >= 0 || !targets_only)) {
			double now = 0, began = 0;
			int32_t upto = today < end ? today + 1 : end;
			rc = value(r, k, start, upto, &now, e);
			if (!rc && k->level)
				rc = value(r, k, start, start, &began, e);
			if (rc) {
				json_decref(o);
				json_decref(rows);
				return rc;
			}
			json_object_set_new(o, "actual", json_string(number_text(r, now)));
			double projected = k->level ? began + (now - began) / share : now / share;
			if (gone < days)
				json_object_set_new(o, "projected", json_string(number_text(r, projected)));
			if (target >= 0) {
				double pace = k->level ? began + (target - began) * share : target * share;
				int ok = gone < days ? now >= pace : now >= target;
				double progress = k->level ? (target > began ? (now - began) / (target - began) : 1)
							   : (target > 0 ? now / target : 1);
				int w = progress <= 0 ? 0 : progress >= 1 ? 100 : (int)(progress * 100);
				json_object_set_new(o, "pace", json_string(number_text(r, pace)));
				json_object_set_new(o, "progress", json_integer(w));
				json_object_set_new(o, "progress_text", json_string(arena_printf(&r->a, "%.0f%%", progress * 100)));
				json_object_set_new(o, "pace_w", json_integer((json_int_t)(share * 100)));
				const char *verdict = gone < days ? (ok ? "plan.on_track" : "plan.behind") : (ok ? "plan.met" : "plan.missed");
				json_object_set_new(o, "verdict", json_string(T(verdict)));
				json_object_set_new(o, ok ? "ok" : "late", json_true());
				ok ? on++ : behind++;
			}
		}
		/* A form sent back: each target as it was typed, and what is wrong. */
		json_t *sent = r->errors ? json_object_get(r->form, k->key) : NULL, *wrong = json_object_get(r->errors, k->key);
		if (sent)
			json_object_set(o, "target_value", sent);
		if (wrong)
			json_object_set(o, "wrong", wrong);
		json_array_append_new(rows, o);
	}
	json_object_set_new(m, "goals", rows);
	json_object_set_new(m, "year", json_integer(year));
	json_object_set_new(m, "prev_year", json_integer(year - 1));
	json_object_set_new(m, "next_year", json_integer(year + 1));
	json_object_set_new(m, "summary", json_string(arena_printf(&r->a, T("plan.summary"), on, behind)));
	json_object_set_new(m, "gone", json_string(gone <= 0	  ? T("plan.not_begun")
						   : gone >= days ? T("plan.over")
								  : arena_printf(&r->a, T("plan.gone"), share * 100)));
	return 0;
}

static int plan_answer(req *r, resp *out, unsigned status, int year)
{
	err e = ERR_INIT;
	json_t *m = json_object();
	int rc = plan_model(r, year, 0, m, &e);
	if (rc) {
		json_decref(m);
		log_error("plan: %s", e.msg);
		return rc;
	}
	if (status != 200) {
		http_form_errors(r, m);
	} else if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("plan.saved")));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "numbers/plan", "plan.title", m);
}

static int plan_page(req *r, resp *out)
{
	return plan_answer(r, out, 200, (int)in_num(r, "year", year_of_today()));
}

static int plan_again(req *r, resp *out)
{
	int64_t year = in_num(r, "year", 0);
	return plan_answer(r, out, 422, year >= YEAR_MIN && year <= YEAR_MAX ? (int)year : year_of_today());
}

static int save_tx(db *d, void *p, err *e)
{
	req *r = p;
	int64_t year = in_num(r, "year", 0);
	int rc = 0;
	for (size_t i = 0; !rc && i < COUNT(metrics); i++) {
		const char *v = in_text(r, metrics[i].key);
		if (!v)
			rc = db_exec(d, "DELETE FROM plan_goals WHERE year = ? AND metric = ?",
				     DB_ARGS(DB_INT(year), DB_TEXT(metrics[i].key)), NULL, e);
		else
			rc = db_exec(d, "INSERT INTO plan_goals (year, metric, target) VALUES (?, ?, ?) ON CONFLICT (year, metric) "
					"DO UPDATE SET target = excluded.target",
				     DB_ARGS(DB_INT(year), DB_TEXT(metrics[i].key), DB_INT(in_num(r, metrics[i].key, 0))), NULL, e);
	}
	if (!rc)
		rc = auth_audit(d, r->user_id, "plan.save", arena_printf(&r->a, "plan:%lld", (long long)year), "", r->client, e);
	return rc;
}

static int plan_save(req *r, resp *out)
{
	err e = ERR_INIT;
	int rc = db_tx(r->db, save_tx, r, &e);
	if (rc) {
		log_error("plan save: %s", e.msg);
		return rc;
	}
	int64_t year = in_num(r, "year", 0);
	if (r->api) {
		json_t *m = json_object();
		rc = plan_model(r, (int)year, 0, m, &e);
		if (rc) {
			json_decref(m);
			return rc;
		}
		out->model = m;
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/numbers/plan?year=%lld&saved=1", (long long)year));
}

/* The dashboard's line on the plan: how many goals are on track. */
int plan_summary(req *r, json_t *m, err *e)
{
	/* Only the goals set are worked out, and nothing without one. */
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT count(*) AS n FROM plan_goals WHERE year = ?", DB_ARGS(DB_INT(year_of_today())),
			  &x, e);
	if (rc || !db_int(&x, 0, "n"))
		return rc;
	json_t *p = json_object();
	rc = plan_model(r, year_of_today(), 1, p, e);
	if (!rc) {
		size_t i;
		json_t *g;
		int any = 0;
		json_array_foreach(json_object_get(p, "goals"), i, g)
			any |= json_object_get(g, "verdict") != NULL;
		if (any)
			json_object_set_new(m, "plan", json_pack("{s:O,s:O}", "summary", json_object_get(p, "summary"), "year",
								 json_object_get(p, "year")));
	}
	json_decref(p);
	return rc;
}

#define ORGANIZERS ALLOW(ROLE_ORGANIZER)
#define GOAL(k) { k, IN_INT, 0, 0, TARGET_MAX, "plan.err.target", NULL }

static const struct input view_inputs[] = {
	{ "year", IN_INT, IN_QUERY, YEAR_MIN, YEAR_MAX, "plan.err.year", NULL },
	{ NULL },
};
static const struct input save_inputs[] = {
	{ "year", IN_INT, IN_REQUIRED, YEAR_MIN, YEAR_MAX, "plan.err.year", "plan.err.year" },
	GOAL("members"), GOAL("new_members"), GOAL("events"), GOAL("page_views"),
	GOAL("visitors"), GOAL("followers"), GOAL("interactions"),
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/numbers/plan", plan_page, ORGANIZERS, 0, "plan", .inputs = view_inputs, .invalid = plan_again },
	{ M_POST, "/numbers/plan", plan_save, ORGANIZERS, 1, "plan-save", .inputs = save_inputs, .invalid = plan_again },
};

const struct route_table plan_routes = { routes, COUNT(routes) };

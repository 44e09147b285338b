/* public.c: the numbers anyone may read: members, events held, the
 * cities they were held in, the reach (visitors of the last 30 days) and
 * the channels' followers. The home page shows them (a section of
 * "home"), and /api/v1/numbers/public answers them for other sites. */
#include "numbers/internal.h"
#include "base/log.h"
#include "base/util.h"
#include "base/banned.h"

enum { REACH_DAYS = 30 };

static int public_model(req *r, db *d, json_t **out, err *e)
{
	db_res x;
	int32_t today = numbers_day_of(unix_now()), from = today - REACH_DAYS + 1;
	int rc = db_query(d, &r->a, "SELECT (SELECT count(*) FROM users WHERE deleted_at IS NULL) AS members, "
				    "(SELECT count(*) FROM events WHERE status = 'finished') AS events_held, "
				    "(SELECT count(DISTINCT city_id) FROM events WHERE status = 'finished') AS cities, "
				    "CAST((SELECT coalesce(sum(followers), 0) FROM channels) AS BIGINT) AS followers, "
				    "CAST((SELECT coalesce(sum(visitors), 0) FROM view_days WHERE dim = 'all' AND day >= ? "
				    "AND day <= (SELECT coalesce(max(day), 0) FROM view_days_done)) + "
				    "(SELECT coalesce(sum(visitors), 0) FROM view_days_live WHERE dim = 'all' AND day >= ? "
				    "AND day > (SELECT coalesce(max(day), 0) FROM view_days_done)) AS BIGINT) AS reach",
			  DB_ARGS(DB_INT(from), DB_INT(from)), &x, e);
	if (rc)
		return rc;
	*out = db_row_json(&x, 0);
	json_object_set_new(*out, "reach_days", json_integer(REACH_DAYS));
	return 0;
}

int numbers_public_section(req *r, db *d, const void *row, json_t *m, err *e)
{
	(void)row;
	json_t *p;
	int rc = public_model(r, d, &p, e);
	if (!rc)
		json_object_set_new(m, "public", p);
	return rc;
}

static int public_numbers(req *r, resp *out)
{
	err e = ERR_INIT;
	json_t *p;
	int rc = public_model(r, r->db, &p, &e);
	if (rc) {
		log_error("public numbers: %s", e.msg);
		return rc;
	}
	out->page = NULL; /* JSON, whoever asks */
	out->model = p;
	out->cache_control = "public, max-age=300";
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/numbers/public", public_numbers, EVERYONE, 0, "numbers-public", .inputs = no_inputs },
};

const struct route_table public_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

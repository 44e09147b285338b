/* breakdown.c: who wants a wish and how much it is talked about now.
 *
 * Each vote keeps who the voter was when they voted (job role, their
 * organization's category and industry) and counts in wish_segments under
 * each of those, each pair and the three ("r=dba&i=bank": DBAs at banks),
 * in the vote's transaction: the wall filtered to DBAs at banks reads one
 * index range, and a wish's bar charts read a few rows. Nobody's vote is
 * shown, only counts.
 *
 * Trending is `heat` (migration 030): log2 of the sum of 2^week over the
 * wish's posting, its votes and its visible comments, weeks counted from
 * 2026-01-01. Halving every seven days of age is the same order on any
 * day, so it needs no recomputing as time passes. */
#include "wishes/internal.h"

#include <string.h>

#include "orgs/orgs.h"
#include "base/banned.h"

double wish_week(int64_t t)
{
	return (double)(t - WISH_HEAT_EPOCH) / WISH_HEAT_WEEK;
}

/* One `?`, the week; the wish's row is the statement's. */
const char *wish_heat_sql(const db *d, int sign)
{
	if (db_engine_of(d) == DB_POSTGRES)
		return sign > 0 ? "wish_heat(heat, ?, 1)" : "wish_heat(heat, ?, -1)";
	return sign > 0 ? "(SELECT max(heat, x) + log2(1 + pow(2, max(-abs(heat - x), -60))) FROM (SELECT ? AS x))"
			: "(SELECT heat + log2(max(1 - pow(2, min(x - heat, 0)), 1e-12)) FROM (SELECT ? AS x))";
}

int wish_segment_keys(arena *a, const struct person_segment *p, const char *keys[SEGMENT_KEYS])
{
	const char *names[3] = { "r", "c", "i" }, *vals[3] = { p->job_role, p->org_category, p->org_industry };
	int n = 0;
	/* Every non-empty set of the known ones, in one order (r, c, i). */
	for (unsigned set = 1; set < 8; set++) {
		buf b = BUF_INIT;
		int whole = 1;
		for (int k = 0; k < 3 && whole; k++)
			if (set & (1u << k)) {
				if (!vals[k] || !*vals[k])
					whole = 0;
				else
					buf_addf(&b, "%s%s=%s", b.len ? "&" : "", names[k], vals[k]);
			}
		if (whole)
			keys[n++] = arena_strdup(a, b.s);
		buf_release(&b);
	}
	return n;
}

const char *wish_filter_segment(arena *a, const char *role, const char *category, const char *industry)
{
	struct person_segment p = { role ? role : "", category ? category : "", industry ? industry : "" };
	if (!*p.job_role && !*p.org_category && !*p.org_industry)
		return NULL;
	const char *keys[SEGMENT_KEYS];
	int n = wish_segment_keys(a, &p, keys);
	return keys[n - 1]; /* the last set is all that are known */
}

int wish_segments_add(db *d, int64_t wish, const char *const *keys, int n, int by, err *e)
{
	if (!n)
		return 0;
	buf sql = BUF_INIT;
	db_param p[2 * SEGMENT_KEYS + 1];
	int np = 0;
	if (by > 0) {
		buf_adds(&sql, "INSERT INTO wish_segments (wish_id, segment, votes) VALUES ");
		for (int i = 0; i < n; i++) {
			buf_adds(&sql, i ? ", (?, ?, 1)" : "(?, ?, 1)");
			p[np++] = DB_INT(wish);
			p[np++] = DB_TEXT(keys[i]);
		}
		buf_adds(&sql, " ON CONFLICT (wish_id, segment) DO UPDATE SET votes = wish_segments.votes + 1");
	} else {
		buf_adds(&sql, "UPDATE wish_segments SET votes = votes - 1 WHERE votes > 0 AND wish_id = ? AND segment IN (");
		p[np++] = DB_INT(wish);
		for (int i = 0; i < n; i++) {
			buf_adds(&sql, i ? ", ?" : "?");
			p[np++] = DB_TEXT(keys[i]);
		}
		buf_adds(&sql, ")");
	}
	int rc = db_exec(d, sql.s, p, np, NULL, e);
	buf_release(&sql);
	return rc;
}

/* The heat of every contribution as a sum of 2^(week - the posting's
 * week), so the powers stay small; the same as migration 030's. */
#define RECOUNT_SQLITE \
	"UPDATE wishes SET heat = (created_at - 1767225600) / 604800.0 + log2(1 " \
	"+ coalesce((SELECT sum(pow(2, min(max((v.created_at - wishes.created_at) / 604800.0, -60), 1000))) " \
	"FROM wish_votes v WHERE v.wish_id = wishes.id), 0) " \
	"+ coalesce((SELECT sum(pow(2, min(max((m.created_at - wishes.created_at) / 604800.0, -60), 1000))) " \
	"FROM comments m WHERE m.target_kind = 'wish' AND m.target_id = wishes.id AND m.status = 'visible'), 0)), " \
	"votes = (SELECT count(*) FROM wish_votes v WHERE v.wish_id = wishes.id) WHERE id = ?"
#define RECOUNT_PG \
	"UPDATE wishes SET heat = wish_week(created_at) + ln(1 " \
	"+ coalesce((SELECT sum(power(2::double precision, least(greatest(wish_week(v.created_at) - wish_week(wishes.created_at), " \
	"-60), 1000))) FROM wish_votes v WHERE v.wish_id = wishes.id), 0) " \
	"+ coalesce((SELECT sum(power(2::double precision, least(greatest(wish_week(m.created_at) - wish_week(wishes.created_at), " \
	"-60), 1000))) FROM comments m WHERE m.target_kind = 'wish' AND m.target_id = wishes.id AND m.status = 'visible'), 0)) " \
	"/ ln(2), votes = (SELECT count(*) FROM wish_votes v WHERE v.wish_id = wishes.id) WHERE id = ?"

int wish_recount(db *d, int64_t id, err *e)
{
	int rc = db_exec(d, db_engine_of(d) == DB_POSTGRES ? RECOUNT_PG : RECOUNT_SQLITE, DB_ARGS(DB_INT(id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM wish_segments WHERE wish_id = ?", DB_ARGS(DB_INT(id)), NULL, e);
	if (!rc)
		rc = db_exec(d,
			"WITH v AS (SELECT job_role AS r, org_category AS c, org_industry AS i FROM wish_votes WHERE wish_id = ?) "
			"INSERT INTO wish_segments (wish_id, segment, votes) SELECT ?, seg, count(*) FROM ("
			"SELECT 'r=' || r AS seg FROM v WHERE r <> '' "
			"UNION ALL SELECT 'c=' || c FROM v WHERE c <> '' "
			"UNION ALL SELECT 'i=' || i FROM v WHERE i <> '' "
			"UNION ALL SELECT 'r=' || r || '&c=' || c FROM v WHERE r <> '' AND c <> '' "
			"UNION ALL SELECT 'r=' || r || '&i=' || i FROM v WHERE r <> '' AND i <> '' "
			"UNION ALL SELECT 'c=' || c || '&i=' || i FROM v WHERE c <> '' AND i <> '' "
			"UNION ALL SELECT 'r=' || r || '&c=' || c || '&i=' || i FROM v WHERE r <> '' AND c <> '' AND i <> ''"
			") s GROUP BY seg",
			DB_ARGS(DB_INT(id), DB_INT(id)), NULL, e);
	return rc;
}

/* One chart: the segments of one dimension ("r=", in `values`' order, or
 * by votes when `by_votes`), each a bar as a share of the wish's votes. */
static json_t *chart(req *r, const db_res *x, const char *dim, const char *const *values, const char *label_prefix,
		     int64_t votes, int limit)
{
	json_t *bars = json_array();
	size_t dl = strlen(dim);
	for (size_t k = 0; values[k]; k++) {
		int64_t n = 0;
		for (int i = 0; i < x->nrows; i++) {
			const char *seg = db_get(x, i, 0);
			if (!strncmp(seg, dim, dl) && !strcmp(seg + dl, values[k]))
				n = db_get_int(x, i, 1);
		}
		if (!n)
			continue;
		json_array_append_new(bars, json_pack("{s:s,s:I,s:i}", "text",
			T(arena_printf(&r->a, "%s.%s", label_prefix, values[k])), "votes", (json_int_t)n, "pct",
			votes ? (int)(n * 100 / votes) : 0));
	}
	/* The most first; a long tail (19 industries) cut to `limit`. */
	size_t nb = json_array_size(bars);
	for (size_t a = 0; a < nb; a++)
		for (size_t b = a + 1; b < nb; b++) {
			json_int_t va = json_integer_value(json_object_get(json_array_get(bars, a), "votes"));
			json_int_t vb = json_integer_value(json_object_get(json_array_get(bars, b), "votes"));
			if (vb > va) {
				json_t *t = json_incref(json_array_get(bars, a));
				json_array_set(bars, a, json_array_get(bars, b));
				json_array_set_new(bars, b, t);
			}
		}
	while (json_array_size(bars) > (size_t)limit)
		json_array_remove(bars, json_array_size(bars) - 1);
	return bars;
}

int wish_breakdown_model(req *r, int64_t id, int64_t votes, json_t *m, err *e)
{
	db_res x;
	/* The single dimensions only: no '&' in the name. */
	int rc = db_query(r->db, &r->a, "SELECT segment, votes FROM wish_segments WHERE wish_id = ? AND votes > 0 "
					"AND segment NOT LIKE '%&%'",
			  DB_ARGS(DB_INT(id)), &x, e);
	if (rc || !x.nrows)
		return rc;
	json_t *roles = chart(r, &x, "r=", people_job_roles, "job", votes, 10);
	json_t *cats = chart(r, &x, "c=", orgs_categories, "cat", votes, 10);
	json_t *inds = chart(r, &x, "i=", orgs_industries, "ind", votes, 8);
	json_object_set_new(m, "breakdown", json_pack("{s:o,s:o,s:o,s:I}", "roles", roles, "categories", cats,
						       "industries", inds, "votes", (json_int_t)votes));
	return 0;
}

/* ads.c: ads and sponsored reach. An ad is a sponsor organization's
 * banner in a place (the home page, the events list, the articles list)
 * for a period of days, with its image, link and title in both languages
 * and what was paid for it. The pages those places are on show the ad of
 * the day through their sections; its impressions and clicks are counted
 * by the server from two requests of its own, with no script and no cookie:
 * the banner's image is loaded from /ads/ID/view (an impression), and its
 * link goes through /ads/ID/go (a click). A sponsored article in a list
 * carries a 1-pixel image, /articles/ID/seen.gif (an impression in a
 * list); its opens are its page's views. Crawlers count for nothing.
 *
 * The counts wait in memory and the page-view writer (writer.c) adds them
 * to ad_days and article_days with its batch every second.
 *
 * Organizers keep the ads and each sponsor's contacts (the accounts that
 * may read its report) at /numbers/ads; a sponsor reads what it paid for
 * and what it got at /sponsors/ID/report, and no other sponsor's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers/internal.h"
#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "files/files.h"
#include "orgs/orgs.h"
#include "view/chart.h"
#include "view/i18n.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { TITLE_MAX = 80, LINK_MAX = 300, COUNTS_MAX = 1 << 16, REPORT_DAYS = 90 };

static const char *const places[] = { "home", "events", "articles", NULL };

/* ---- counting ---- */

static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ad_count *counts; /* open addressing: cap slots, id 0 when empty */
static size_t counts_cap, counts_n;

static size_t count_slot(struct ad_count *v, size_t cap, int kind, int64_t id, int32_t day)
{
	uint64_t h = ((uint64_t)id * 31 + (uint64_t)(uint32_t)day * 7 + (uint64_t)kind) * 0x9E3779B97F4A7C15ULL;
	size_t j = (size_t)(h >> 24) & (cap - 1);
	while (v[j].id && !(v[j].id == id && v[j].day == day && v[j].kind == kind))
		j = (j + 1) & (cap - 1);
	return j;
}

/* One impression or click; let go when the table is full (the writer
 * empties it every second). */
static void count(int kind, int64_t id, int click)
{
	int32_t day = numbers_day_of(unix_now());
	pthread_mutex_lock(&count_mu);
	if ((counts_n + 1) * 2 > counts_cap && counts_cap < COUNTS_MAX) {
		size_t cap = counts_cap ? counts_cap * 2 : 256;
		struct ad_count *v = calloc(cap, sizeof(*v));
		if (v) {
			for (size_t i = 0; i < counts_cap; i++)
				if (counts[i].id)
					v[count_slot(v, cap, counts[i].kind, counts[i].id, counts[i].day)] = counts[i];
			free(counts);
			counts = v;
			counts_cap = cap;
		}
	}
	if ((counts_n + 1) * 2 <= counts_cap) {
		struct ad_count *c = &counts[count_slot(counts, counts_cap, kind, id, day)];
		if (!c->id) {
			*c = (struct ad_count){ id, day, (uint8_t)kind, 0, 0 };
			counts_n++;
		}
		if (click)
			c->clicks++;
		else
			c->shown++;
	}
	pthread_mutex_unlock(&count_mu);
}

void ads_drain(void (*fn)(const struct ad_count *c, void *ctx), void *ctx)
{
	pthread_mutex_lock(&count_mu);
	struct ad_count *v = counts;
	size_t cap = counts_cap;
	counts = NULL;
	counts_cap = counts_n = 0;
	pthread_mutex_unlock(&count_mu);
	for (size_t i = 0; i < cap; i++)
		if (v[i].id)
			fn(&v[i], ctx);
	free(v);
}

void ads_release(void)
{
	pthread_mutex_lock(&count_mu);
	free(counts);
	counts = NULL;
	counts_cap = counts_n = 0;
	pthread_mutex_unlock(&count_mu);
}

static int is_crawler(const req *r)
{
	return views_device(r->client) == DEV_BOT;
}

/* A transparent 1x1 GIF: what an ad without an image and a sponsored
 * article's list entry load. */
static const unsigned char pixel[] = { 'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff,
				       '!', 0xf9, 4, 1, 0, 0, 0, 0, ',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 'D', 1, 0, ';' };

static int answer_pixel(resp *out)
{
	out->body = pixel;
	out->body_len = sizeof(pixel);
	out->body_owned = 0;
	out->content_type = "image/gif";
	out->cache_control = "no-store";
	return 0;
}

/* The ad a route names (its link and image), counted as shown or
 * clicked when it is on today and a person asked; an unknown ad is a 404
 * answered here (*answered set). */
static int seen_ad(req *r, resp *out, int click, db_res *x, int *answered)
{
	err e = ERR_INIT;
	int32_t today = numbers_day_of(unix_now());
	int rc = db_query(r->db, &r->a, "SELECT link, " FILE_KEY("image_file_id") " AS image, "
					"starts_on <= ? AND ends_on >= ? AS live FROM ads WHERE id = ?",
			  DB_ARGS(DB_INT(today), DB_INT(today), DB_INT(req_num(r, "id"))), x, &e);
	if (rc)
		return rc;
	if (!x->nrows) {
		*answered = 1;
		return http_error(r, out, 404, "not_found", "error.not_found");
	}
	if (db_int(x, 0, "live") && !is_crawler(r))
		count(AD_SHOWN, req_num(r, "id"), click);
	return 0;
}

static int ad_view(req *r, resp *out)
{
	db_res x;
	int answered = 0, rc = seen_ad(r, out, 0, &x, &answered);
	if (rc || answered)
		return rc;
	const char *image = db_str(&x, 0, "image");
	if (!*image)
		return answer_pixel(out);
	/* The image itself is kept by the browser; this answer never is. */
	out->status = 302;
	out->location = arena_printf(&r->a, "/files/%s/m", image);
	out->cache_control = "no-store";
	return 0;
}

static int ad_go(req *r, resp *out)
{
	db_res x;
	int answered = 0, rc = seen_ad(r, out, 1, &x, &answered);
	if (rc || answered)
		return rc;
	/* The link was checked to be a web address when it was saved. */
	out->status = 303;
	out->location = db_str(&x, 0, "link");
	out->cache_control = "no-store";
	return 0;
}

static int article_seen(req *r, resp *out)
{
	if (!is_crawler(r))
		count(ARTICLE_SHOWN, req_num(r, "id"), 0);
	return answer_pixel(out);
}

/* ---- the ad of the day, on the pages that have a place ---- */

static int add_ad(req *r, db *d, const char *place, json_t *m, err *e)
{
	db_res x;
	int32_t today = numbers_day_of(unix_now());
	int rc = db_query(d, &r->a, "SELECT a.id, " DB_IN_LANG("a.title_zh", "a.title_en") " AS title, "
				    DB_IN_LANG("o.name_zh", "o.name_en") " AS sponsor, " FILE_KEY("a.image_file_id") " AS image "
				    "FROM ads a JOIN orgs o ON o.id = a.org_id WHERE a.place = ? AND a.starts_on <= ? AND a.ends_on >= ? "
				    "ORDER BY a.starts_on DESC, a.id DESC LIMIT 1",
			  DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_TEXT(lang_code(r->lang)), DB_TEXT(place), DB_INT(today),
				  DB_INT(today)),
			  &x, e);
	if (!rc && x.nrows)
		json_object_set_new(m, "ad", db_row_json(&x, 0));
	return rc;
}

int ads_home(req *r, db *d, const void *row, json_t *m, err *e)
{
	(void)row;
	return add_ad(r, d, "home", m, e);
}

int ads_events(req *r, db *d, const void *row, json_t *m, err *e)
{
	(void)row;
	return add_ad(r, d, "events", m, e);
}

int ads_articles(req *r, db *d, const void *row, json_t *m, err *e)
{
	(void)row;
	return add_ad(r, d, "articles", m, e);
}

/* ---- reports: what was paid for and what it got ---- */

static const char *number_text(req *r, double n)
{
	char b[32];
	chart_number(n, 0, b, sizeof(b));
	return arena_strdup(&r->a, b);
}

/* A share as people read it: "2.4%", "–" when there is nothing to divide. */
static const char *rate_text(req *r, double part, double whole)
{
	return whole > 0 ? arena_printf(&r->a, "%.1f%%", part * 100 / whole) : "–";
}

static const char *fen_text(req *r, int64_t fen)
{
	return arena_printf(&r->a, "¥%s.%02lld", number_text(r, (double)(fen / 100)), (long long)(fen % 100));
}

/* The ads (of one sponsor, or all when org is 0) with their period and
 * place, what was paid, and their impressions, clicks and click-through. */
static int ads_json(req *r, int64_t org, json_t **out, double *shown, double *clicks, int64_t *paid, err *e)
{
	db_res x;
	int32_t today = numbers_day_of(unix_now());
	const char *lang = lang_code(r->lang);
	int rc = db_query(r->db, &r->a, "SELECT a.id, a.place, a.org_id, a.starts_on, a.ends_on, a.link, a.fee_fen, "
					DB_IN_LANG("a.title_zh", "a.title_en") " AS title, "
					DB_IN_LANG("o.name_zh", "o.name_en") " AS sponsor, "
					"coalesce((SELECT sum(impressions) FROM ad_days d WHERE d.ad_id = a.id), 0) AS shown, "
					"coalesce((SELECT sum(clicks) FROM ad_days d WHERE d.ad_id = a.id), 0) AS clicks "
					"FROM ads a JOIN orgs o ON o.id = a.org_id WHERE ? = 0 OR a.org_id = ? "
					"ORDER BY a.starts_on DESC, a.id DESC",
			  DB_ARGS(DB_TEXT(lang), DB_TEXT(lang), DB_INT(org), DB_INT(org)), &x, e);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < x.nrows; i++) {
		double s = (double)db_int(&x, i, "shown"), c = (double)db_int(&x, i, "clicks");
		int32_t from = (int32_t)db_int(&x, i, "starts_on"), to = (int32_t)db_int(&x, i, "ends_on");
		const char *state = today < from ? "upcoming" : today > to ? "ended" : "running";
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)db_int(&x, i, "id"),
				      "title", db_str(&x, i, "title"), "sponsor", db_str(&x, i, "sponsor"), "place",
				      T(arena_printf(&r->a, "ads.place.%s", db_str(&x, i, "place"))), "from",
				      numbers_day_text(&r->a, from), "to", numbers_day_text(&r->a, to), "state",
				      T(arena_printf(&r->a, "ads.state.%s", state)), "shown", number_text(r, s), "clicks",
				      number_text(r, c), "ctr", rate_text(r, c, s), "link", db_str(&x, i, "link"), "org",
				      (json_int_t)db_int(&x, i, "org_id"));
		if (db_text(&x, i, "fee_fen")) {
			json_object_set_new(o, "fee", json_string(fen_text(r, db_int(&x, i, "fee_fen"))));
			*paid += db_int(&x, i, "fee_fen");
		}
		json_object_set_new(o, state, json_true());
		json_object_set_new(o, "manage", json_boolean(!org)); /* the organizers' list links each ad's form */
		json_array_append_new(list, o);
		*shown += s;
		*clicks += c;
	}
	*out = list;
	return 0;
}

/* The sponsored articles (of one sponsor, or all): impressions in lists,
 * opens (their page's views, summed by day and today's so far) and the
 * open rate. */
static int sponsored_json(req *r, int64_t org, json_t **out, err *e)
{
	db_res x;
	const char *lang = lang_code(r->lang);
	int rc = db_query(r->db, &r->a, "SELECT a.id, " DB_IN_LANG("a.title_zh", "a.title_en") " AS title, a.status, "
					DB_IN_LANG("o.name_zh", "o.name_en") " AS sponsor, "
					"coalesce((SELECT sum(impressions) FROM article_days d WHERE d.article_id = a.id), 0) AS shown, "
					"coalesce((SELECT sum(views) FROM view_days v WHERE v.dim = 'path' "
					"AND v.key = '/articles/' || CAST(a.id AS TEXT)), 0) + "
					"coalesce((SELECT sum(views) FROM view_days_live v WHERE v.dim = 'path' "
					"AND v.key = '/articles/' || CAST(a.id AS TEXT) AND v.day > coalesce((SELECT max(day) FROM view_days_done), 0)), 0) "
					"AS opens FROM articles a JOIN orgs o ON o.id = a.sponsor_org_id "
					"WHERE a.kind = 'sponsored' AND (? = 0 OR a.sponsor_org_id = ?) ORDER BY a.id DESC LIMIT 200",
			  DB_ARGS(DB_TEXT(lang), DB_TEXT(lang), DB_INT(org), DB_INT(org)), &x, e);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < x.nrows; i++) {
		double s = (double)db_int(&x, i, "shown"), o = (double)db_int(&x, i, "opens");
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_int(&x, i, "id"), "title",
						      db_str(&x, i, "title"), "sponsor", db_str(&x, i, "sponsor"), "shown",
						      number_text(r, s), "opens", number_text(r, o), "rate", rate_text(r, o, s)));
	}
	*out = list;
	return 0;
}

/* Impressions and clicks by day over the last REPORT_DAYS days. */
static int reach_chart(req *r, int64_t org, json_t *m, err *e)
{
	db_res x;
	int32_t today = numbers_day_of(unix_now()), from = today - REPORT_DAYS + 1;
	int rc = db_query(r->db, &r->a, "SELECT d.day, sum(d.impressions) AS shown, sum(d.clicks) AS clicks FROM ad_days d "
					"JOIN ads a ON a.id = d.ad_id WHERE d.day >= ? AND (? = 0 OR a.org_id = ?) GROUP BY d.day",
			  DB_ARGS(DB_INT(from), DB_INT(org), DB_INT(org)), &x, e);
	if (rc || !x.nrows)
		return rc;
	double *s = arena_alloc(&r->a, sizeof(double) * REPORT_DAYS), *c = arena_alloc(&r->a, sizeof(double) * REPORT_DAYS);
	const char **labels = arena_alloc(&r->a, sizeof(char *) * REPORT_DAYS);
	for (int i = 0; i < REPORT_DAYS; i++)
		labels[i] = numbers_day_text(&r->a, from + i);
	for (int i = 0; i < x.nrows; i++) {
		int k = (int)(db_int(&x, i, "day") - from);
		if (k >= 0 && k < REPORT_DAYS) {
			s[k] = (double)db_int(&x, i, "shown");
			c[k] = (double)db_int(&x, i, "clicks");
		}
	}
	struct chart_line lines[] = { { "views", T("ads.impressions"), s }, { "visitors", T("ads.clicks"), c } };
	json_t *chart = chart_lines(labels, REPORT_DAYS, lines, 2);
	json_object_set_new(chart, "x_head", json_string(T("numbers.day")));
	json_object_set_new(m, "chart", chart);
	return 0;
}

static int report_model(req *r, int64_t org, json_t *m, err *e)
{
	json_t *ads, *articles;
	double shown = 0, clicks = 0;
	int64_t paid = 0;
	int rc = ads_json(r, org, &ads, &shown, &clicks, &paid, e);
	if (rc)
		return rc;
	json_object_set_new(m, "ads", ads);
	if ((rc = sponsored_json(r, org, &articles, e)))
		return rc;
	json_object_set_new(m, "articles", articles);
	json_object_set_new(m, "totals", json_pack("{s:s,s:s,s:s,s:s}", "shown", number_text(r, shown), "clicks",
						   number_text(r, clicks), "ctr", rate_text(r, clicks, shown), "paid",
						   fen_text(r, paid)));
	return reach_chart(r, org, m, e);
}

/* /sponsors/:id/report: the sponsor's contacts and the organizers only. */
static int sponsor_report(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t org = req_num(r, "id");
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT " DB_IN_LANG("name_zh", "name_en") " AS name, "
					"EXISTS (SELECT 1 FROM sponsor_contacts c WHERE c.org_id = o.id AND c.user_id = ?) AS contact "
					"FROM orgs o WHERE id = ?",
			  DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_INT(r->user_id), DB_INT(org)), &x, &e);
	if (rc)
		return rc;
	if (!x.nrows)
		return http_error(r, out, 404, "not_found", "error.not_found");
	int contact = db_int(&x, 0, "contact") || !strcmp(db_str(&x, 0, "contact"), "t");
	if (!contact && auth_allowed(ALLOW(ROLE_ORGANIZER), r->role)) {
		out->cache_control = "private, no-store";
		return http_error(r, out, 403, "not_yours", "ads.err.not_yours");
	}
	json_t *m = json_pack("{s:s,s:I}", "sponsor", db_str(&x, 0, "name"), "org", (json_int_t)org);
	if ((rc = report_model(r, org, m, &e))) {
		json_decref(m);
		log_error("sponsor report: %s", e.msg);
		return rc;
	}
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "numbers/report", "ads.report", m);
}

/* ---- organizers: the ads and the sponsors' contacts ---- */

static int contacts_json(req *r, json_t *m, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT c.org_id, " DB_IN_LANG("o.name_zh", "o.name_en") " AS sponsor, u.id AS user_id, "
					"u.display_name AS name, u.email FROM sponsor_contacts c JOIN orgs o ON o.id = c.org_id "
					"JOIN users u ON u.id = c.user_id ORDER BY c.org_id, u.id",
			  DB_ARGS(DB_TEXT(lang_code(r->lang))), &x, e);
	if (!rc)
		json_object_set_new(m, "contacts", db_rows_json(&x));
	return rc;
}

static int contact_again(req *r, resp *out);

static int ads_page(req *r, resp *out, unsigned status, json_t *m)
{
	err e = ERR_INIT;
	int rc = report_model(r, 0, m, &e);
	if (!rc)
		rc = contacts_json(r, m, &e);
	if (rc) {
		json_decref(m);
		log_error("ads: %s", e.msg);
		return rc;
	}
	const char *notice = status != 200 ? NULL
			     : req_query(r, "saved") ? "ads.saved"
			     : req_query(r, "deleted") ? "ads.deleted"
			     : req_query(r, "contact") ? "ads.contact_saved" : NULL;
	if (notice)
		json_object_set_new(m, "notice", json_string(T(notice)));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "numbers/ads", "ads.title", m);
}

static int ads_list(req *r, resp *out)
{
	return ads_page(r, out, 200, json_object());
}

/* An ad as its form shows it (r->row). */
struct ad {
	int64_t id;
	json_t *form;
	const char *image;
};

static int load_ad(req *r, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT a.id, a.place, a.starts_on, a.ends_on, a.title_zh, a.title_en, a.link, "
					"a.fee_fen, o.name_zh AS sponsor, " FILE_KEY("a.image_file_id") " AS image "
					"FROM ads a JOIN orgs o ON o.id = a.org_id WHERE a.id = ?",
			  DB_ARGS(DB_INT(req_num(r, "id"))), &x, e);
	if (rc || !x.nrows)
		return rc ? rc : ERR_NOTFOUND;
	struct ad *a = arena_alloc(&r->a, sizeof(*a));
	a->id = db_int(&x, 0, "id");
	a->image = db_str(&x, 0, "image");
	int64_t fen = db_int(&x, 0, "fee_fen");
	a->form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "place", db_str(&x, 0, "place"), "sponsor",
			    db_str(&x, 0, "sponsor"), "from", numbers_day_text(&r->a, (int32_t)db_int(&x, 0, "starts_on")), "to",
			    numbers_day_text(&r->a, (int32_t)db_int(&x, 0, "ends_on")), "title_zh", db_str(&x, 0, "title_zh"),
			    "title_en", db_str(&x, 0, "title_en"), "link", db_str(&x, 0, "link"), "fee",
			    db_text(&x, 0, "fee_fen") ? arena_printf(&r->a, "%lld.%02lld", (long long)(fen / 100),
								     (long long)(fen % 100))
						      : "");
	r->row = a;
	return 0;
}

static const struct loader ad_loader = { "ad", load_ad, NULL, NULL };

static int form_answer(req *r, resp *out, unsigned status, const struct ad *a, json_t *form, json_t *errors)
{
	json_t *pl = json_array();
	const char *place = json_string_value(json_object_get(form, "place"));
	for (int i = 0; places[i]; i++)
		json_array_append_new(pl, json_pack("{s:s,s:s,s:b}", "value", places[i], "label",
						    T(arena_printf(&r->a, "ads.place.%s", places[i])), "selected",
						    place && !strcmp(place, places[i])));
	json_t *m = json_pack("{s:o,s:o,s:o,s:s}", "form", form, "places", pl, "errors", errors, "action",
			      a ? arena_printf(&r->a, "/numbers/ads/%lld/edit", (long long)a->id) : "/numbers/ads/new");
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message", T("form.fix_errors"),
							 "fields", errors));
	if (a) {
		json_object_set_new(m, "ad", json_pack("{s:I}", "id", (json_int_t)a->id));
		if (*a->image)
			json_object_set_new(json_object_get(m, "ad"), "image", json_string(a->image));
	}
	if (status == 200 && req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("ads.saved")));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "numbers/ad", a ? "ads.edit" : "ads.new", m);
}

static int new_ad(req *r, resp *out)
{
	const char *today = numbers_day_text(&r->a, numbers_day_of(unix_now()));
	return form_answer(r, out, 200, NULL,
			   json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "place", "home", "sponsor", "", "from", today, "to",
				     today, "title_zh", "", "title_en", "", "link", "", "fee", ""),
			   json_object());
}

static int edit_ad(req *r, resp *out)
{
	const struct ad *a = r->row;
	return form_answer(r, out, 200, a, json_incref(a->form), json_object());
}

static int ad_again(req *r, resp *out)
{
	return form_answer(r, out, 422, r->row, json_incref(r->form), r->errors ? json_incref(r->errors) : json_object());
}

static void wrong(req *r, const char *field, const char *key)
{
	if (!r->errors)
		r->errors = json_object();
	json_object_set_new(r->errors, field, json_string(T(key)));
}

/* "1200", "1,200.5", "1200.50" yuan as fen; -1 when it is not an amount. */
static int64_t fen_of(const char *s)
{
	int64_t yuan = 0, fen = 0;
	int digits = 0, decimals = -1;
	for (const char *p = s; *p; p++) {
		if (*p == ',' && decimals < 0)
			continue;
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || decimals >= 2 || digits >= 12)
			return -1;
		if (decimals < 0) {
			yuan = yuan * 10 + (*p - '0');
			digits++;
		} else {
			fen = fen * 10 + (*p - '0');
			decimals++;
		}
	}
	if (!digits)
		return -1;
	return yuan * 100 + (decimals == 1 ? fen * 10 : fen);
}

struct save_ctx {
	req *r;
	int64_t id, org, fee;
	int32_t from, to;
};

static int save_tx(db *d, void *p, err *e)
{
	struct save_ctx *c = p;
	req *r = c->r;
	const char *en = in_text(r, "title_en");
	const db_param v[] = { DB_TEXT(in_text(r, "place")), DB_INT(c->org), DB_INT(c->from), DB_INT(c->to),
			       DB_TEXT(in_text(r, "title_zh")), DB_TEXT(en ? en : in_text(r, "title_zh")),
			       DB_TEXT(in_text(r, "link")), c->fee >= 0 ? DB_INT(c->fee) : DB_NULL, DB_INT(c->id) };
	int rc;
	if (c->id)
		rc = db_exec(d, "UPDATE ads SET place = ?, org_id = ?, starts_on = ?, ends_on = ?, title_zh = ?, title_en = ?, "
				"link = ?, fee_fen = ? WHERE id = ?", v, 9, NULL, e);
	else {
		db_res x;
		db_param w[9];
		memcpy(w, v, sizeof(db_param) * 8);
		w[8] = DB_TIME(unix_now());
		rc = db_query(d, &r->a, "INSERT INTO ads (place, org_id, starts_on, ends_on, title_zh, title_en, link, fee_fen, "
					"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", w, 9, &x, e);
		if (!rc)
			c->id = db_int(&x, 0, "id");
	}
	if (!rc)
		rc = auth_audit(d, r->user_id, "ad.save", arena_printf(&r->a, "ad:%lld", (long long)c->id), in_text(r, "title_zh"),
				r->client, e);
	return rc;
}

static int save_ad(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct ad *a = r->row;
	struct save_ctx c = { r, a ? a->id : 0, 0, -1, 0, 0 };
	int rc = orgs_find(r->db, &r->a, in_text(r, "sponsor"), &c.org, &e);
	if (rc)
		return rc;
	if (!c.org)
		wrong(r, "sponsor", "ads.err.sponsor_unknown");
	c.from = numbers_day_of_text(in_text(r, "from"));
	c.to = numbers_day_of_text(in_text(r, "to"));
	if (c.from < 0)
		wrong(r, "from", "input.err.date");
	if (c.to < 0)
		wrong(r, "to", "input.err.date");
	else if (c.from >= 0 && c.to < c.from)
		wrong(r, "to", "ads.err.order");
	else if (c.from >= 0 && c.to - c.from > 3660)
		wrong(r, "to", "ads.err.long");
	const char *fee = in_text(r, "fee");
	if (fee && (c.fee = fen_of(fee)) < 0)
		wrong(r, "fee", "ads.err.fee");
	if (r->errors)
		return ad_again(r, out);
	if ((rc = db_tx(r->db, save_tx, &c, &e))) {
		log_error("ad save: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->status = a ? 200 : 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)c.id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/numbers/ads/%lld?saved=1", (long long)c.id));
}

static int delete_tx(db *d, void *p, err *e)
{
	req *r = p;
	const struct ad *a = r->row;
	int rc = db_exec(d, "DELETE FROM ads WHERE id = ?", DB_ARGS(DB_INT(a->id)), NULL, e);
	if (!rc)
		rc = auth_audit(d, r->user_id, "ad.delete", arena_printf(&r->a, "ad:%lld", (long long)a->id), "", r->client, e);
	return rc;
}

static int delete_ad(req *r, resp *out)
{
	err e = ERR_INIT;
	int rc = db_tx(r->db, delete_tx, r, &e);
	if (rc) {
		log_error("ad delete: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:b}", "deleted", 1);
		return 0;
	}
	return http_redirect(r, out, "/numbers/ads?deleted=1");
}

static int ad_image(req *r, resp *out)
{
	return files_attach_route(r, out, "image", FILE_IMAGE, "UPDATE ads SET image_file_id = ? WHERE id = ?", "ad.image",
				  "ad", "/numbers/ads");
}

/* A sponsor's contact: an account (by email) that may read its report. */
struct contact_ctx {
	req *r;
	int64_t org, user;
	int remove;
};

static int contact_tx(db *d, void *p, err *e)
{
	struct contact_ctx *c = p;
	int rc = c->remove ? db_exec(d, "DELETE FROM sponsor_contacts WHERE org_id = ? AND user_id = ?",
				     DB_ARGS(DB_INT(c->org), DB_INT(c->user)), NULL, e)
			   : db_exec(d, "INSERT INTO sponsor_contacts (org_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
				     DB_ARGS(DB_INT(c->org), DB_INT(c->user)), NULL, e);
	if (!rc)
		rc = auth_audit(d, c->r->user_id, c->remove ? "sponsor.contact.delete" : "sponsor.contact",
				arena_printf(&c->r->a, "org:%lld", (long long)c->org),
				arena_printf(&c->r->a, "user:%lld", (long long)c->user), c->r->client, e);
	return rc;
}

static int contact(req *r, resp *out)
{
	err e = ERR_INIT;
	struct contact_ctx c = { r, 0, 0, !!in_num(r, "remove", 0) };
	int rc = orgs_find(r->db, &r->a, in_text(r, "sponsor"), &c.org, &e);
	db_res x;
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT id FROM users WHERE email = ? AND deleted_at IS NULL",
			      DB_ARGS(DB_TEXT(in_text(r, "email"))), &x, &e);
	if (rc)
		return rc;
	if (!c.org)
		wrong(r, "sponsor", "ads.err.sponsor_unknown");
	if (!x.nrows)
		wrong(r, "email", "ads.err.no_account");
	if (r->errors)
		return contact_again(r, out);
	c.user = db_int(&x, 0, "id");
	if ((rc = db_tx(r->db, contact_tx, &c, &e))) {
		log_error("sponsor contact: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:I,s:I,s:b}", "org", (json_int_t)c.org, "user", (json_int_t)c.user, "contact", !c.remove);
		return 0;
	}
	return http_redirect(r, out, "/numbers/ads?contact=1#contacts");
}

static int contact_again(req *r, resp *out)
{
	json_t *m = json_object();
	http_form_errors(r, m);
	return ads_page(r, out, 422, m);
}

#define ORGANIZERS ALLOW(ROLE_ORGANIZER)

static const struct input ad_inputs[] = {
	{ "place", IN_CHOICE, IN_REQUIRED, 0, 0, "ads.err.place", "ads.err.place", places },
	{ "sponsor", IN_LINE, IN_REQUIRED, 0, 100, "ads.err.sponsor", "ads.err.sponsor" },
	{ "from", IN_DATE, IN_REQUIRED, 0, 0, NULL, NULL },
	{ "to", IN_DATE, IN_REQUIRED, 0, 0, NULL, NULL },
	{ "title_zh", IN_LINE, IN_REQUIRED, 0, TITLE_MAX, "ads.err.title", "ads.err.title" },
	{ "title_en", IN_LINE, 0, 0, TITLE_MAX, "ads.err.title", NULL },
	{ "link", IN_URL, IN_REQUIRED, 0, LINK_MAX, "ads.err.link", "ads.err.link" },
	{ "fee", IN_LINE, 0, 0, 20, "ads.err.fee", NULL },
	{ NULL },
};
static const struct input contact_inputs[] = {
	{ "sponsor", IN_LINE, IN_REQUIRED, 0, 100, "ads.err.sponsor", "ads.err.sponsor" },
	{ "email", IN_EMAIL, IN_REQUIRED, 0, 0, NULL, NULL },
	{ "remove", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ NULL },
};
static const struct input image_inputs[] = { IN_UPLOAD("image"), { NULL } };

static const struct route routes[] = {
	{ M_GET, "/ads/:id/view", ad_view, EVERYONE, 0, "ad-view", .inputs = no_inputs },
	{ M_GET, "/ads/:id/go", ad_go, EVERYONE, 0, "ad-go", .inputs = no_inputs },
	{ M_GET, "/articles/:id/seen.gif", article_seen, EVERYONE, 0, "article-seen", .inputs = no_inputs },
	{ M_GET, "/sponsors/:id/report", sponsor_report, SIGNED_IN, 0, "sponsor-report" },
	{ M_GET, "/numbers/ads", ads_list, ORGANIZERS, 0, "ads" },
	{ M_POST, "/numbers/ads/contacts", contact, ORGANIZERS, 1, "ads-contact", .inputs = contact_inputs,
	  .invalid = contact_again },
	{ M_GET, "/numbers/ads/new", new_ad, ORGANIZERS, 0, "ad-new" },
	{ M_POST, "/numbers/ads/new", save_ad, ORGANIZERS, 1, "ad-new", .inputs = ad_inputs, .invalid = ad_again },
	{ M_GET, "/numbers/ads/:id", edit_ad, ORGANIZERS, 0, "ad", .load = &ad_loader },
	{ M_POST, "/numbers/ads/:id/edit", save_ad, ORGANIZERS, 1, "ad-edit", .load = &ad_loader, .inputs = ad_inputs,
	  .invalid = ad_again },
	{ M_POST, "/numbers/ads/:id/image", ad_image, ORGANIZERS, 1, "ad-image", .inputs = image_inputs },
	{ M_POST, "/numbers/ads/:id/delete", delete_ad, ORGANIZERS, 1, "ad-delete", .load = &ad_loader, .inputs = no_inputs },
};

const struct route_table ads_routes = { routes, COUNT(routes) };

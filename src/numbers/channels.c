/* channels.c: the channels the community lives on (WeChat groups and the
 * official account, Weibo, DingTalk, QQ, the live room, bilibili,
 * Ximalaya, the mailing list, sites). Organizers keep each one's kind,
 * names, join link, key for ?ch= links (numbers/views.c counts the visits
 * they bring) and QR image, uploaded or drawn from the link; and record
 * its follower counts on dates, which are charted over time and whose
 * latest shows on the home page's "join us".
 *
 * A count lower than the one before, or ten times higher, is often a typo:
 * it is asked to be confirmed before it is kept. A day has one count per
 * channel: recording it again corrects it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers/internal.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "files/files.h"
#include "view/chart.h"
#include "view/i18n.h"
#include "view/qr.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { CHANNEL_NAME_MAX = 60, LINK_MAX = 300, FOLLOWERS_MAX = 2000000000, CHART_DAYS = 365, LINES = 8 };

static const char *const kinds[] = { "wechat_account", "wechat_group", "weibo", "dingtalk", "qq", "live",
				     "bilibili", "ximalaya", "mailing_list", "website", NULL };

/* A channel as its routes load it (r->row). */
struct channel {
	int64_t id;
	const char *kind, *name_zh, *name_en, *url, *slug, *qr;
	int64_t pos;
};

#define CHANNEL_COLUMNS "id, kind, name_zh, name_en, coalesce(url, '') AS url, coalesce(slug, '') AS slug, pos, " \
	FILE_KEY("qr_file_id") " AS qr"

static struct channel channel_of(const db_res *x, int i)
{
	return (struct channel){ db_int(x, i, "id"), db_str(x, i, "kind"), db_str(x, i, "name_zh"), db_str(x, i, "name_en"),
				 db_str(x, i, "url"), db_str(x, i, "slug"), db_str(x, i, "qr"), db_int(x, i, "pos") };
}

static int load_channel(req *r, err *e)
{
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT " CHANNEL_COLUMNS " FROM channels WHERE id = ?",
			  DB_ARGS(DB_INT(req_num(r, "id"))), &x, e);
	if (rc || !x.nrows)
		return rc ? rc : ERR_NOTFOUND;
	struct channel *c = arena_alloc(&r->a, sizeof(*c));
	*c = channel_of(&x, 0);
	r->row = c;
	return 0;
}

static const struct loader channel_loader = { "channel", load_channel, NULL, NULL };

/* A join link: a web address, or mailto: for a mailing list. */
static int link_ok(const char *s)
{
	if (!strncmp(s, "mailto:", 7))
		return !input_valid(IN_EMAIL, s + 7, 0);
	return !input_valid(IN_URL, s, LINK_MAX);
}

/* What the QR of a channel says: its join link, or the site with its key
 * (a visit from it counts for the channel); NULL when it has neither (a
 * chat group's QR has to be uploaded). */
static const char *qr_text(req *r, const struct channel *c)
{
	if (*c->url && strncmp(c->url, "mailto:", 7))
		return c->url;
	if (*c->slug)
		return arena_printf(&r->a, "%s/?ch=%s", r->cfg->val[CFG_BASE_URL], c->slug);
	return NULL;
}

static const char *kind_label(req *r, const char *kind)
{
	return T(arena_printf(&r->a, "channels.kind.%s", kind));
}

static const char *number_text(req *r, int64_t n)
{
	char b[32];
	chart_number((double)n, 0, b, sizeof(b));
	return arena_strdup(&r->a, b);
}

/* ---- the list, with the counts' forms and the chart ---- */

/* The followers of each channel over the last CHART_DAYS days (from the
 * first count, when later): each point shows the last count on or before
 * its last day. */
static int followers_chart(req *r, db_res *ch, json_t *m, err *e)
{
	db_res x;
	int32_t today = numbers_day_of(unix_now());
	int rc = db_query(r->db, &r->a, "SELECT channel_id, day, followers FROM channel_counts ORDER BY channel_id, day",
			  DB_NOARGS, &x, e);
	if (rc || !x.nrows)
		return rc;
	int32_t first = today - CHART_DAYS + 1, earliest = (int32_t)db_int(&x, 0, "day");
	for (int i = 1; i < x.nrows; i++)
		if (db_int(&x, i, "day") < earliest)
			earliest = (int32_t)db_int(&x, i, "day");
	if (earliest > first)
		first = earliest;
	if (today - first < 6)
		first = today - 6; /* a week at least: a line, not a dot */
	int days = today - first + 1, step = numbers_chart_step(days), points = (days + step - 1) / step;
	struct chart_line lines[LINES];
	int n = 0;
	for (int c = 0; c < ch->nrows && n < LINES; c++) {
		int64_t id = db_int(ch, c, "id");
		double *v = arena_alloc(&r->a, sizeof(double) * (size_t)points);
		int any = 0;
		for (int p = 0; p < points; p++) {
			int32_t last = first + (p + 1) * step - 1;
			if (last > today)
				last = today;
			/* The latest count on or before the point's last day. */
			for (int i = 0; i < x.nrows; i++)
				if (db_int(&x, i, "channel_id") == id && db_int(&x, i, "day") <= last) {
					v[p] = (double)db_int(&x, i, "followers");
					any = 1;
				}
		}
		if (!any)
			continue;
		lines[n] = (struct chart_line){ arena_printf(&r->a, "c%d", n), db_str(ch, c, "name"), v };
		n++;
	}
	if (!n)
		return 0;
	const char **labels = arena_alloc(&r->a, sizeof(char *) * (size_t)points);
	for (int p = 0; p < points; p++)
		labels[p] = numbers_day_text(&r->a, first + p * step);
	json_t *chart = chart_lines(labels, points, lines, n);
	json_object_set_new(chart, "x_head", json_string(T(step == 1 ? "numbers.day" : step == 7 ? "numbers.week"
											: "numbers.weeks4")));
	/* A level, not a sum: the legend's figure is the latest count. */
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(chart, "series"), i, s)
		json_object_set_new(s, "total", json_string(number_text(r, (int64_t)lines[i].v[points - 1])));
	json_object_set_new(m, "chart", chart);
	return 0;
}

/* The list page's model. `sent` is the channel whose count form came back
 * (0: none), with its form, errors and the question to confirm. */
static int list_model(req *r, int64_t sent, const char *confirm, json_t **out, err *e)
{
	db_res ch, last;
	const char *lang = lang_code(r->lang);
	int rc = db_query(r->db, &r->a, "SELECT " CHANNEL_COLUMNS ", " DB_IN_LANG("name_zh", "name_en") " AS name "
					"FROM channels ORDER BY pos, id", DB_ARGS(DB_TEXT(lang)), &ch, e);
	/* Each channel's two latest counts: the latest, and the change. */
	if (!rc)
		rc = db_query(r->db, &r->a, "SELECT channel_id, day, followers FROM channel_counts c WHERE day >= "
					    "coalesce((SELECT day FROM channel_counts p WHERE p.channel_id = c.channel_id "
					    "ORDER BY day DESC LIMIT 1 OFFSET 1), 0) ORDER BY channel_id, day DESC",
			      DB_NOARGS, &last, e);
	if (rc)
		return rc;
	const char *today = numbers_day_text(&r->a, numbers_day_of(unix_now()));
	json_t *list = json_array();
	for (int i = 0; i < ch.nrows; i++) {
		struct channel c = channel_of(&ch, i);
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)c.id, "kind", c.kind, "kind_label",
				      kind_label(r, c.kind), "name", db_str(&ch, i, "name"), "url", c.url, "slug", c.slug);
		if (*c.slug)
			json_object_set_new(o, "ch_link", json_string(arena_printf(&r->a, "%s/?ch=%s", r->cfg->val[CFG_BASE_URL],
										 c.slug)));
		if (*c.qr)
			json_object_set_new(o, "qr", json_string(c.qr));
		int seen = 0;
		for (int k = 0; k < last.nrows; k++) {
			if (db_int(&last, k, "channel_id") != c.id)
				continue;
			int64_t n = db_int(&last, k, "followers");
			if (!seen++) {
				json_object_set_new(o, "followers", json_string(number_text(r, n)));
				json_object_set_new(o, "day", json_string(numbers_day_text(&r->a, (int32_t)db_int(&last, k, "day"))));
				json_object_set_new(o, "latest", json_integer(n));
			} else {
				int64_t was = json_integer_value(json_object_get(o, "latest")), d = was - n;
				json_object_set_new(o, "change", json_string(arena_printf(&r->a, "%s%s", d >= 0 ? "+" : "−",
											  number_text(r, d >= 0 ? d : -d))));
				json_object_set_new(o, d >= 0 ? "up" : "down", json_true());
			}
		}
		if (c.id == sent) {
			json_object_set(o, "form", r->form ? r->form : json_object());
			json_object_set_new(o, "errors", (r->errors ? json_incref(r->errors) : json_object()));
			if (confirm)
				json_object_set_new(o, "confirm", json_string(confirm));
			json_object_set_new(o, "open", json_true());
		} else
			json_object_set_new(o, "form", json_pack("{s:s}", "day", today));
		json_array_append_new(list, o);
	}
	json_t *m = json_pack("{s:o,s:s}", "channels", list, "today", today);
	if ((rc = followers_chart(r, &ch, m, e))) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

static int list_answer(req *r, resp *out, unsigned status, int64_t sent, const char *confirm)
{
	err e = ERR_INIT;
	json_t *m;
	int rc = list_model(r, sent, confirm, &m, &e);
	if (rc) {
		log_error("channels: %s", e.msg);
		return rc;
	}
	const char *notice = req_query(r, "recorded") ? "channels.recorded" : req_query(r, "deleted") ? "channels.deleted" : NULL;
	if (notice && status == 200)
		json_object_set_new(m, "notice", json_string(T(notice)));
	/* The question to confirm is asked beside the count (the page opens
	 * there); other mistakes are also said at the top. */
	if (status != 200 && r->errors)
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O,s:b}", "code", confirm ? "confirm" : "invalid", "message",
							 confirm ? confirm : T("form.fix_errors"), "fields", r->errors,
							 "beside", confirm != NULL));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "numbers/channels", "channels.title", m);
}

static int list_page(req *r, resp *out)
{
	return list_answer(r, out, 200, 0, NULL);
}

/* ---- recording a count ---- */

static void set_error(req *r, const char *field, const char *message)
{
	if (!r->errors)
		r->errors = json_object();
	json_object_set_new(r->errors, field, json_string(message));
}

/* The count's form again, beside its channel on the list. */
static int record_again(req *r, resp *out)
{
	const struct channel *c = r->row;
	return list_answer(r, out, 422, c->id, NULL);
}

struct count_ctx {
	req *r;
	int64_t channel, followers;
	int32_t day;
	int remove, found;
};

static int count_tx(db *d, void *p, err *e)
{
	struct count_ctx *c = p;
	int64_t changes = 0;
	int rc;
	if (c->remove)
		rc = db_exec(d, "DELETE FROM channel_counts WHERE channel_id = ? AND day = ?",
			     DB_ARGS(DB_INT(c->channel), DB_INT(c->day)), &changes, e);
	else
		rc = db_exec(d, "INSERT INTO channel_counts (channel_id, day, followers, recorded_by, recorded_at) "
				"VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, day) DO UPDATE SET followers = excluded.followers, "
				"recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
			     DB_ARGS(DB_INT(c->channel), DB_INT(c->day), DB_INT(c->followers), DB_INT(c->r->user_id),
				     DB_TIME(unix_now())),
			     &changes, e);
	c->found = changes > 0;
	if (rc || !c->found)
		return rc;
	/* The home page shows the latest count (a change to channels is a new
	 * home page for visitors). */
	rc = db_exec(d, "UPDATE channels SET followers = (SELECT followers FROM channel_counts WHERE channel_id = ? "
			"ORDER BY day DESC LIMIT 1) WHERE id = ?",
		     DB_ARGS(DB_INT(c->channel), DB_INT(c->channel)), NULL, e);
	if (!rc)
		rc = auth_audit(d, c->r->user_id, c->remove ? "channel.count.delete" : "channel.count",
				arena_printf(&c->r->a, "channel:%lld", (long long)c->channel),
				arena_printf(&c->r->a, "%s %lld", numbers_day_text(&c->r->a, c->day), (long long)c->followers),
				c->r->client, e);
	return rc;
}

/* The day a count form names, or 0 with the field's message set. */
static int32_t count_day(req *r)
{
	/* A real day (the input's kind), YYYY-MM-DD, so it sorts as text. */
	const char *text = in_text(r, "day");
	if (strcmp(text, "2000-01-01") < 0) {
		set_error(r, "day", T("channels.err.past"));
		return 0;
	}
	int32_t day = numbers_day_of_text(text);
	if (day < 0) {
		set_error(r, "day", T("input.err.date"));
		return 0;
	}
	if (day > numbers_day_of(unix_now())) {
		set_error(r, "day", T("channels.err.future"));
		return 0;
	}
	return day;
}

static int record(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct channel *ch = r->row;
	int32_t day = count_day(r);
	if (!day)
		return record_again(r, out);
	int64_t n = in_num(r, "followers", 0);
	/* The count before it: a fall, or a tenfold rise, is asked about. */
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT day, followers FROM channel_counts WHERE channel_id = ? AND day < ? "
					"ORDER BY day DESC LIMIT 1", DB_ARGS(DB_INT(ch->id), DB_INT(day)), &x, &e);
	if (rc)
		return rc;
	if (x.nrows && !in_num(r, "confirm", 0)) {
		int64_t was = db_int(&x, 0, "followers");
		const char *when = numbers_day_text(&r->a, (int32_t)db_int(&x, 0, "day"));
		const char *ask = n < was ? "channels.confirm.fewer" : was >= 100 && n >= was * 10 ? "channels.confirm.jump" : NULL;
		if (ask) {
			const char *q = arena_printf(&r->a, T(ask), number_text(r, was), when);
			set_error(r, "followers", q);
			return list_answer(r, out, 422, ch->id, q);
		}
	}
	struct count_ctx c = { r, ch->id, n, day, 0, 0 };
	if ((rc = db_tx(r->db, count_tx, &c, &e))) {
		log_error("channel count: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:I,s:s,s:I}", "channel", (json_int_t)ch->id, "day", numbers_day_text(&r->a, day),
				       "followers", (json_int_t)n);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/numbers/channels?recorded=%lld#ch-%lld", (long long)ch->id,
						  (long long)ch->id));
}

static int unrecord(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct channel *ch = r->row;
	int32_t day = numbers_day_of_text(in_text(r, "day"));
	if (day < 0)
		return http_error(r, out, 422, "invalid", "input.err.date");
	struct count_ctx c = { r, ch->id, 0, day, 1, 0 };
	int rc = db_tx(r->db, count_tx, &c, &e);
	if (rc) {
		log_error("channel count: %s", e.msg);
		return rc;
	}
	if (!c.found)
		return http_error(r, out, 404, "not_found", "channels.err.no_count");
	if (r->api) {
		out->model = json_pack("{s:I,s:s}", "channel", (json_int_t)ch->id, "deleted", numbers_day_text(&r->a, day));
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/numbers/channels/%lld?deleted=1", (long long)ch->id));
}

/* ---- a channel's page and form ---- */

static int channel_model(req *r, const struct channel *c, json_t *form, json_t *errors, json_t **out, err *e)
{
	json_t *kl = json_array();
	const char *kind = json_string_value(json_object_get(form, "kind"));
	for (int i = 0; kinds[i]; i++)
		json_array_append_new(kl, json_pack("{s:s,s:s,s:b}", "value", kinds[i], "label", kind_label(r, kinds[i]),
						    "selected", kind && !strcmp(kind, kinds[i])));
	json_t *m = json_pack("{s:o,s:o,s:O}", "form", form, "kinds", kl, "errors", errors);
	if (json_object_size(errors))
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message", T("form.fix_errors"),
							 "fields", errors));
	json_decref(errors);
	if (!c) {
		json_object_set_new(m, "action", json_string("/numbers/channels/new"));
		*out = m;
		return 0;
	}
	const char *drawn = qr_text(r, c);
	json_object_set_new(m, "channel", json_pack("{s:I,s:s,s:s,s:s?}", "id", (json_int_t)c->id, "name",
						    r->lang == LANG_EN && *c->name_en ? c->name_en : c->name_zh,
						    "kind_label", kind_label(r, c->kind), "qr_text", drawn));
	if (*c->qr)
		json_object_set_new(json_object_get(m, "channel"), "qr", json_string(c->qr));
	json_object_set_new(m, "action", json_string(arena_printf(&r->a, "/numbers/channels/%lld/edit", (long long)c->id)));
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT day, followers FROM channel_counts WHERE channel_id = ? ORDER BY day DESC",
			  DB_ARGS(DB_INT(c->id)), &x, e);
	if (rc) {
		json_decref(m);
		return rc;
	}
	json_t *counts = json_array();
	for (int i = 0; i < x.nrows; i++) {
		int64_t n = db_int(&x, i, "followers");
		json_t *o = json_pack("{s:s,s:s}", "day", numbers_day_text(&r->a, (int32_t)db_int(&x, i, "day")), "followers",
				      number_text(r, n));
		int64_t d = i + 1 < x.nrows ? n - db_int(&x, i + 1, "followers") : 0;
		json_object_set_new(o, "change", json_string(i + 1 == x.nrows ? "–"
								: arena_printf(&r->a, "%s%s", d >= 0 ? "+" : "−",
									       number_text(r, d >= 0 ? d : -d))));
		json_array_append_new(counts, o);
	}
	json_object_set_new(m, "counts", counts);
	*out = m;
	return 0;
}

static int channel_answer(req *r, resp *out, unsigned status, const struct channel *c, json_t *form, json_t *errors)
{
	err e = ERR_INIT;
	json_t *m;
	int rc = channel_model(r, c, form, errors, &m, &e);
	if (rc) {
		json_decref(form);
		log_error("channel: %s", e.msg);
		return rc;
	}
	const char *notice = status != 200 ? NULL
			     : req_query(r, "saved") ? "channels.saved"
			     : req_query(r, "deleted") ? "channels.count_deleted" : NULL;
	if (notice)
		json_object_set_new(m, "notice", json_string(T(notice)));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "numbers/channel", c ? "channels.edit" : "channels.new", m);
}

static json_t *form_of(const struct channel *c)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "kind", c->kind, "name_zh", c->name_zh, "name_en", c->name_en, "url",
			 c->url, "slug", c->slug, "pos", (json_int_t)c->pos);
}

static int new_form(req *r, resp *out)
{
	struct channel c = { 0, "wechat_group", "", "", "", "", "", 0 };
	return channel_answer(r, out, 200, NULL, form_of(&c), json_object());
}

static int channel_page(req *r, resp *out)
{
	const struct channel *c = r->row;
	return channel_answer(r, out, 200, c, form_of(c), json_object());
}

static int save_again(req *r, resp *out)
{
	return channel_answer(r, out, 422, r->row, json_incref(r->form), (r->errors ? json_incref(r->errors) : json_object()));
}

struct save_ctx {
	req *r;
	int64_t id;
	int taken;
};

static int save_tx(db *d, void *p, err *e)
{
	struct save_ctx *c = p;
	req *r = c->r;
	const char *slug = in_text(r, "slug"), *url = in_text(r, "url"), *en = in_text(r, "name_en");
	db_res x;
	int rc = 0;
	if (slug) {
		rc = db_query(d, &r->a, "SELECT id FROM channels WHERE slug = ? AND id <> ?", DB_ARGS(DB_TEXT(slug), DB_INT(c->id)),
			      &x, e);
		if (!rc && x.nrows)
			return c->taken = 1, ERR_CONSTRAINT;
	}
	const db_param p6[] = { DB_TEXT(in_text(r, "kind")), DB_TEXT(in_text(r, "name_zh")), DB_TEXT(en ? en : in_text(r, "name_zh")),
				url ? DB_TEXT(url) : DB_NULL, slug ? DB_TEXT(slug) : DB_NULL, DB_INT(in_num(r, "pos", 0)),
				DB_INT(c->id) };
	if (!rc && c->id)
		rc = db_exec(d, "UPDATE channels SET kind = ?, name_zh = ?, name_en = ?, url = ?, slug = ?, pos = ? WHERE id = ?", p6,
			     7, NULL, e);
	else if (!rc) {
		rc = db_query(d, &r->a, "INSERT INTO channels (kind, name_zh, name_en, url, slug, pos) VALUES (?, ?, ?, ?, ?, ?) "
					"RETURNING id", p6, 6, &x, e);
		if (!rc)
			c->id = db_int(&x, 0, "id");
	}
	if (!rc)
		rc = auth_audit(d, r->user_id, "channel.save", arena_printf(&r->a, "channel:%lld", (long long)c->id),
				in_text(r, "name_zh"), r->client, e);
	return rc;
}

static int save(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct channel *ch = r->row;
	struct save_ctx c = { r, ch ? ch->id : 0, 0 };
	int rc = db_tx(r->db, save_tx, &c, &e);
	if (rc == ERR_CONSTRAINT && c.taken) {
		set_error(r, "slug", T("channels.err.slug_taken"));
		return channel_answer(r, out, 409, ch, json_incref(r->form), json_incref(r->errors));
	}
	if (rc) {
		log_error("channel save: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->status = ch ? 200 : 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)c.id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/numbers/channels/%lld?saved=1", (long long)c.id));
}

static int remove_tx(db *d, void *p, err *e)
{
	req *r = p;
	const struct channel *c = r->row;
	/* Its counts go with it; the page views it brought keep their days'
	 * sums, shown as "other" from now on. */
	int rc = db_exec(d, "DELETE FROM channels WHERE id = ?", DB_ARGS(DB_INT(c->id)), NULL, e);
	if (!rc)
		rc = auth_audit(d, r->user_id, "channel.delete", arena_printf(&r->a, "channel:%lld", (long long)c->id), c->name_zh,
				r->client, e);
	return rc;
}

static int remove_channel(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct channel *c = r->row;
	int rc = db_tx(r->db, remove_tx, r, &e);
	if (rc) {
		log_error("channel delete: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:I}", "deleted", (json_int_t)c->id);
		return 0;
	}
	return http_redirect(r, out, "/numbers/channels?deleted=1");
}

/* ---- the QR ---- */

static int qr_upload(req *r, resp *out)
{
	return files_attach_route(r, out, "qr", FILE_IMAGE, "UPDATE channels SET qr_file_id = ? WHERE id = ?", "channel.qr",
				  "channel", "/numbers/channels");
}

static int qr_forget(req *r, resp *out)
{
	err e = ERR_INIT;
	const struct channel *c = r->row;
	int rc = db_exec(r->db, "UPDATE channels SET qr_file_id = NULL WHERE id = ?", DB_ARGS(DB_INT(c->id)), NULL, &e);
	if (rc) {
		log_error("channel qr: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:I}", "id", (json_int_t)c->id);
		return 0;
	}
	return http_redirect(r, out, arena_printf(&r->a, "/numbers/channels/%lld?saved=1", (long long)c->id));
}

/* The QR drawn from the channel's link, for its page and the home page. */
static int qr_drawn(req *r, resp *out)
{
	const char *text = qr_text(r, r->row);
	if (!text)
		return http_error(r, out, 404, "not_found", "error.not_found");
	return qr_answer(out, text, "public, max-age=3600");
}

/* ---- every count as CSV ---- */

static int export_counts(req *r, resp *out)
{
	err e = ERR_INIT;
	db_res x;
	int rc = db_query(r->db, &r->a, "SELECT c.day, " DB_IN_LANG("ch.name_zh", "ch.name_en") " AS name, ch.kind, c.followers "
					"FROM channel_counts c JOIN channels ch ON ch.id = c.channel_id ORDER BY c.day, ch.pos, ch.id",
			  DB_ARGS(DB_TEXT(lang_code(r->lang))), &x, &e);
	if (rc) {
		log_error("channels csv: %s", e.msg);
		return rc;
	}
	buf b = BUF_INIT;
	buf_csv_start(&b);
	buf_csv_field(&b, 0, T("numbers.day"));
	buf_csv_field(&b, 1, T("channels.name"));
	buf_csv_field(&b, 2, T("channels.kind"));
	buf_csv_field(&b, 3, T("channels.followers"));
	buf_adds(&b, "\r\n");
	for (int i = 0; i < x.nrows; i++) {
		buf_csv_field(&b, 0, numbers_day_text(&r->a, (int32_t)db_int(&x, i, "day")));
		buf_csv_field(&b, 1, db_str(&x, i, "name"));
		buf_csv_field(&b, 2, kind_label(r, db_str(&x, i, "kind")));
		buf_csv_field(&b, 3, db_str(&x, i, "followers"));
		buf_adds(&b, "\r\n");
	}
	out->body = buf_detach(&b, &out->body_len);
	out->body_owned = 1;
	out->content_type = "text/csv; charset=utf-8";
	out->disposition = "attachment; filename=\"pgherd-channels.csv\"";
	out->cache_control = "private, no-store";
	return 0;
}

#define ORGANIZERS ALLOW(ROLE_ORGANIZER)

static const struct input channel_inputs[] = {
	{ "kind", IN_CHOICE, IN_REQUIRED, 0, 0, "channels.err.kind", "channels.err.kind", kinds },
	{ "name_zh", IN_LINE, IN_REQUIRED, 0, CHANNEL_NAME_MAX, "channels.err.name", "channels.err.name" },
	{ "name_en", IN_LINE, 0, 0, CHANNEL_NAME_MAX, "channels.err.name", NULL },
	{ "url", IN_LINE, 0, 0, LINK_MAX, "channels.err.url", NULL, NULL, link_ok },
	{ "slug", IN_SLUG, 0, 2, 40, "channels.err.slug", NULL },
	{ "pos", IN_INT, 0, 0, 999, "channels.err.pos", NULL },
	{ NULL },
};
static const struct input count_inputs[] = {
	{ "day", IN_DATE, IN_REQUIRED, 0, 0, NULL, NULL },
	{ "followers", IN_INT, IN_REQUIRED, 0, FOLLOWERS_MAX, "channels.err.followers", "channels.err.followers" },
	{ "confirm", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ NULL },
};
static const struct input day_inputs[] = { { "day", IN_DATE, IN_REQUIRED, 0, 0, NULL, NULL }, { NULL } };
static const struct input qr_inputs[] = { IN_UPLOAD("qr"), { NULL } };

static const struct route routes[] = {
	{ M_GET, "/numbers/channels", list_page, ORGANIZERS, 0, "channels" },
	{ M_GET, "/numbers/channels/export.csv", export_counts, ORGANIZERS, 0, "channels-csv" },
	{ M_GET, "/numbers/channels/new", new_form, ORGANIZERS, 0, "channel-new" },
	{ M_POST, "/numbers/channels/new", save, ORGANIZERS, 1, "channel-new", .inputs = channel_inputs, .invalid = save_again },
	{ M_GET, "/numbers/channels/:id", channel_page, ORGANIZERS, 0, "channel", .load = &channel_loader },
	{ M_POST, "/numbers/channels/:id/edit", save, ORGANIZERS, 1, "channel-edit", .load = &channel_loader,
	  .inputs = channel_inputs, .invalid = save_again },
	{ M_POST, "/numbers/channels/:id/count", record, ORGANIZERS, 1, "channel-count", .load = &channel_loader,
	  .inputs = count_inputs, .invalid = record_again },
	{ M_POST, "/numbers/channels/:id/count/delete", unrecord, ORGANIZERS, 1, "channel-count-delete",
	  .load = &channel_loader, .inputs = day_inputs },
	{ M_POST, "/numbers/channels/:id/qr", qr_upload, ORGANIZERS, 1, "channel-qr", .inputs = qr_inputs },
	{ M_POST, "/numbers/channels/:id/qr/delete", qr_forget, ORGANIZERS, 1, "channel-qr-delete", .load = &channel_loader,
	  .inputs = no_inputs },
	{ M_POST, "/numbers/channels/:id/delete", remove_channel, ORGANIZERS, 1, "channel-delete", .load = &channel_loader,
	  .inputs = no_inputs },
	{ M_GET, "/channels/:id/qr.svg", qr_drawn, EVERYONE, 0, "channel-qr-svg", .load = &channel_loader },
};

const struct route_table channels_routes = { routes, COUNT(routes) };

/* writer.c: the one writer of page views and members' days, and the keeper
 * of what they are summed into.
 *
 * Every second (sooner when a thread's table fills) the writer takes every
 * thread's waiting page views (views.c), gives each its channel and its
 * media, and writes them in one transaction on its own connection, many
 * rows to a statement; no request ever waits for it. A crash loses what
 * was waiting: at most the last second of page views (README.md, page_views).
 *
 * Every 30 seconds it also keeps the rest: the day's salt and tomorrow's
 * (shared by every server on the database, so a visitor is one visitor
 * whichever server answered; a day's salt is deleted when the day is
 * over), PostgreSQL's day partitions, the page views past the days kept,
 * and the sums of each finished day (view_days, activity_days,
 * cohort_months), which the charts read instead of the rows. Two servers
 * may both try to sum a day: the first to claim it in view_days_done does
 * it, the other finds it claimed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "numbers/internal.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/banned.h"

enum { FLUSH_MS = 1000, KEEP_EVERY = 30, ROLL_AFTER = 300, ROLL_PER_PASS = 31,
       LIVE_EVERY = 5 /* seconds at least between the makings of a day's sums so far */,
       LIVE_SHARE = 60 /* and at least this many times what the last making took: under 2% of a core */,
       CHUNK = 100 /* rows a statement: 1,000 parameters, what db/pg.c takes at most */ };

struct chan {
	int64_t id;
	const char *kind, *slug, *host;
};
struct link {
	const char *code;
	int64_t channel;
};
struct media {
	int64_t article;
	const char *media;
};

struct row {
	struct view_key k;
	uint32_t views;
	int64_t channel;
	const char *media;
};
struct mrow {
	int32_t day;
	int64_t user;
	uint64_t visitor;
};

static struct {
	pthread_t thread;
	int running, stop, wake;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	db *d;
	int pg;
	int keep_days;
	/* what sources and paths are mapped with, read at each keeping */
	arena maps;
	struct chan *chans;
	int nchans;
	struct link *links;
	int nlinks;
	struct media *media;
	int nmedia;
	/* the batch being written */
	struct row *rows;
	size_t nrows, caprows;
	struct ad_count *ads;
	size_t nads, capads;
	struct mrow *members;
	size_t nmembers, capmembers;
	/* (day, member) pairs written today, so a busy member is written once */
	struct member_set written;
	int32_t written_day;
	int32_t today;
	time_t next_keep;
	/* the days written since their sums so far were last made (0: none),
	 * and when they may be made next (now_us) */
	int32_t live_from, live_to;
	uint64_t next_live;
	struct numbers_stats st;
	int partition_warned;
} W = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

int32_t numbers_day_of(int64_t t)
{
	struct clock_local l;
	clock_local(CLOCK_COMMUNITY_TZ, t, &l);
	return days_from_civil(l.year, l.month, l.day);
}

int64_t numbers_day_start(int32_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	return clock_to_utc(CLOCK_COMMUNITY_TZ, y, m, d, 0, 0);
}

static int month_of_day(int32_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

/* ---- mapping a page view ---- */

static int host_is(const char *host, const char *name)
{
	size_t h = strlen(host), n = strlen(name);
	return n && h >= n && !strcmp(host + h - n, name) && (h == n || host[h - n - 1] == '.');
}

static int64_t channel_of_kind(const char *kind)
{
	for (int i = 0; i < W.nchans; i++)
		if (!strcmp(W.chans[i].kind, kind))
			return W.chans[i].id;
	return 0;
}

/* The channel a source belongs to, or 0: an event's channel link, a
 * channel's own key (?ch= or utm_source), a chat app's browser, or a
 * referrer on a channel's site. */
static int64_t channel_of(const char *source)
{
	if (!strncmp(source, "via:", 4)) {
		for (int i = 0; i < W.nlinks; i++)
			if (!strcmp(W.links[i].code, source + 4))
				return W.links[i].channel;
		return 0;
	}
	static const struct {
		const char *name, *kind, *kind2;
	} kinds[] = {
		{ "wechat", "wechat_account", "wechat_group" }, { "weixin", "wechat_account", "wechat_group" },
		{ "weibo", "weibo", NULL }, { "dingtalk", "dingtalk", NULL }, { "qq", "qq", NULL },
		{ "bilibili", "bilibili", NULL }, { "ximalaya", "ximalaya", NULL }, { "live", "live", NULL },
	};
	const char *name = NULL;
	if (!strncmp(source, "ch:", 3) || !strncmp(source, "utm:", 4)) {
		name = strchr(source, ':') + 1;
		for (int i = 0; i < W.nchans; i++)
			if (W.chans[i].slug && !strcmp(W.chans[i].slug, name))
				return W.chans[i].id;
	} else if (!strncmp(source, "app:", 4)) {
		name = source + 4;
	} else if (!strncmp(source, "ref:", 4)) {
		const char *host = source + 4;
		for (int i = 0; i < W.nchans; i++)
			if (W.chans[i].host && host_is(host, W.chans[i].host))
				return W.chans[i].id;
		static const struct {
			const char *host, *name;
		} sites[] = {
			{ "weixin.qq.com", "wechat" }, { "weibo.com", "weibo" }, { "weibo.cn", "weibo" }, { "t.cn", "weibo" },
			{ "dingtalk.com", "dingtalk" }, { "bilibili.com", "bilibili" }, { "b23.tv", "bilibili" },
			{ "ximalaya.com", "ximalaya" }, { "qq.com", "qq" },
		};
		for (size_t i = 0; i < sizeof(sites) / sizeof(sites[0]) && !name; i++)
			if (host_is(host, sites[i].host))
				name = sites[i].name;
	}
	for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name)) {
			int64_t id = channel_of_kind(kinds[i].kind);
			return id || !kinds[i].kind2 ? id : channel_of_kind(kinds[i].kind2);
		}
	return 0;
}

/* An article's page says its media (an audio or video piece); every
 * other page is text. */
static const char *media_of(const char *path)
{
	if (strncmp(path, "/articles/", 10))
		return "text";
	int64_t id;
	if (parse_i64(path + 10, 1, INT64_MAX, &id))
		return "text";
	int lo = 0, hi = W.nmedia - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (W.media[mid].article == id)
			return W.media[mid].media;
		if (W.media[mid].article < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return "text";
}

static int load_maps(err *e)
{
	arena a = ARENA_INIT;
	db_res c, l, m;
	int rc = db_query(W.d, &a, "SELECT id, kind, slug, url FROM channels ORDER BY pos, id", DB_NOARGS, &c, e);
	if (!rc)
		rc = db_query(W.d, &a, "SELECT code, channel_id FROM event_links WHERE channel_id IS NOT NULL", DB_NOARGS,
			      &l, e);
	if (!rc)
		rc = db_query(W.d, &a, "SELECT id, media FROM articles WHERE media <> 'text' ORDER BY id", DB_NOARGS, &m, e);
	if (rc) {
		arena_release(&a);
		return rc;
	}
	arena_release(&W.maps);
	W.maps = a;
	W.chans = arena_alloc(&W.maps, sizeof(*W.chans) * (size_t)(c.nrows + 1));
	W.nchans = c.nrows;
	for (int i = 0; i < c.nrows; i++) {
		W.chans[i] = (struct chan){ db_int(&c, i, "id"), db_str(&c, i, "kind"), db_text(&c, i, "slug"), NULL };
		const char *url = db_text(&c, i, "url");
		char host[64];
		if (url) {
			/* The host of the channel's own page, without www. */
			const char *p = strstr(url, "://");
			size_t n = 0;
			for (p = p ? p + 3 : url; *p && *p != '/' && *p != ':' && n + 1 < sizeof(host); p++)
				host[n++] = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
			host[n] = 0;
			const char *h = !strncmp(host, "www.", 4) ? host + 4 : host;
			if (*h)
				W.chans[i].host = arena_strdup(&W.maps, h);
		}
	}
	W.links = arena_alloc(&W.maps, sizeof(*W.links) * (size_t)(l.nrows + 1));
	W.nlinks = l.nrows;
	for (int i = 0; i < l.nrows; i++)
		W.links[i] = (struct link){ db_str(&l, i, "code"), db_int(&l, i, "channel_id") };
	W.media = arena_alloc(&W.maps, sizeof(*W.media) * (size_t)(m.nrows + 1));
	W.nmedia = m.nrows;
	for (int i = 0; i < m.nrows; i++)
		W.media[i] = (struct media){ db_int(&m, i, "id"), db_str(&m, i, "media") };
	return 0;
}

/* ---- the batch ---- */

static void take_view(const struct view_key *k, uint32_t views, void *ctx)
{
	(void)ctx;
	if (W.nrows == W.caprows) {
		size_t cap = W.caprows ? W.caprows * 2 : 1024;
		struct row *r = realloc(W.rows, cap * sizeof(*r));
		if (!r) {
			W.st.dropped += views;
			return;
		}
		W.rows = r;
		W.caprows = cap;
	}
	struct row *r = &W.rows[W.nrows++];
	r->k = *k;
	r->views = views;
	r->channel = k->source[0] ? channel_of(k->source) : 0;
	r->media = media_of(k->path);
}

/* Whether a member's day is written already; a new day forgets the last. */
static int written_before(int32_t day, int64_t user)
{
	if (day != W.written_day) {
		member_set_clear(&W.written);
		W.written_day = day;
	}
	return member_set_has(&W.written, day, user);
}

static void mark_written(int32_t day, int64_t user)
{
	if (day == W.written_day)
		member_set_add(&W.written, day, user, 0, (size_t)1 << 24);
}

static void take_member(int32_t day, int64_t user, uint64_t visitor, void *ctx)
{
	(void)ctx;
	if (day == W.today && written_before(day, user))
		return;
	if (W.nmembers == W.capmembers) {
		size_t cap = W.capmembers ? W.capmembers * 2 : 256;
		struct mrow *m = realloc(W.members, cap * sizeof(*m));
		if (!m)
			return;
		W.members = m;
		W.capmembers = cap;
	}
	W.members[W.nmembers++] = (struct mrow){ day, user, visitor };
}

/* "INSERT ... VALUES (...), (...)" for n rows, made once per size. */
static const char *insert_sql(int n)
{
	static char *made[CHUNK + 1];
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&mu);
	if (!made[n]) {
		static const char head[] =
			"INSERT INTO page_views (day, at, visitor, path, source, channel_id, device, media, member, views) VALUES ";
		static const char one[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
		size_t len = sizeof(head) + (size_t)n * (sizeof(one) + 2);
		char *s = malloc(len), *at = s;
		if (s) {
			memcpy(at, head, sizeof(head) - 1);
			at += sizeof(head) - 1;
			for (int i = 0; i < n; i++) {
				if (i)
					*at++ = ',';
				memcpy(at, one, sizeof(one) - 1);
				at += sizeof(one) - 1;
			}
			*at = 0;
		}
		made[n] = s;
	}
	pthread_mutex_unlock(&mu);
	return made[n];
}

/* The cohort of a member: the month they joined, in the community's
 * calendar (Asia/Shanghai has kept UTC+8 all year since 1991). */
#define COHORT_SQLITE "CAST(strftime('%Y', created_at, 'unixepoch', '+8 hours') AS INTEGER) * 12 + " \
		      "CAST(strftime('%m', created_at, 'unixepoch', '+8 hours') AS INTEGER) - 1"
#define COHORT_PG "CAST(extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai') AS integer) * 12 + " \
		  "CAST(extract(month FROM created_at AT TIME ZONE 'Asia/Shanghai') AS integer) - 1"

/* What one transaction writes: the writer's batch, or the benchmark's. */
struct batch {
	const struct row *rows;
	size_t nrows;
	const struct mrow *members;
	size_t nmembers;
	const struct ad_count *ads;
	size_t nads;
	int pg;
};

/* INSERT of n rows of today's sums, made once for each n used (only the
 * writer's thread makes them). */
static const char *live_insert_sql(int n)
{
	static char *made[3];
	int slot = n == 1 ? 0 : n == 10 ? 1 : 2;
	if (!made[slot]) {
		buf b = BUF_INIT;
		buf_adds(&b, "INSERT INTO view_days_live (day, dim, key, views, visitors) VALUES ");
		for (int i = 0; i < n; i++)
			buf_adds(&b, i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)");
		made[slot] = buf_detach(&b, NULL);
	}
	return made[slot];
}

static int write_tx(db *d, void *ctx, err *e)
{
	const struct batch *b = ctx;
	int rc = 0;
	int64_t now = unix_now();
	db_param *p = malloc(sizeof(*p) * CHUNK * 10);
	if (!p)
		return ERR_FAIL;
	for (size_t at = 0; !rc && at < b->nrows;) {
		/* Chunks of CHUNK rows, the rest as 10s and 1s: a few statements
		 * to prepare, whatever the batch's size. */
		size_t left = b->nrows - at;
		int n = left >= CHUNK ? CHUNK : left >= 10 ? 10 : 1;
		for (int i = 0; i < n; i++) {
			const struct row *r = &b->rows[at + (size_t)i];
			db_param *q = p + i * 10;
			q[0] = DB_INT(r->k.day);
			q[1] = DB_TIME(now);
			q[2] = DB_INT((int64_t)r->k.visitor);
			q[3] = DB_TEXT(r->k.path);
			q[4] = DB_TEXT(r->k.source);
			q[5] = r->channel ? DB_INT(r->channel) : DB_NULL;
			q[6] = DB_TEXT(device_names[r->k.device]);
			q[7] = DB_TEXT(r->media);
			q[8] = DB_BOOL(r->k.member);
			q[9] = DB_INT(r->views);
		}
		rc = db_exec(d, insert_sql(n), p, n * 10, NULL, e);
		at += (size_t)n;
	}
	free(p);
	const char *month_sql = b->pg ? "INSERT INTO member_months (month, user_id, cohort) SELECT ?, id, " COHORT_PG
				       " FROM users WHERE id = ? ON CONFLICT DO NOTHING"
				     : "INSERT INTO member_months (month, user_id, cohort) SELECT ?, id, " COHORT_SQLITE
				       " FROM users WHERE id = ? ON CONFLICT DO NOTHING";
	for (size_t i = 0; !rc && i < b->nmembers; i++) {
		const struct mrow *m = &b->members[i];
		/* A member deleted since is skipped, not an error. */
		rc = db_exec(d, "INSERT INTO member_days (day, user_id) SELECT ?, id FROM users WHERE id = ? "
				"ON CONFLICT DO NOTHING",
			     DB_ARGS(DB_INT(m->day), DB_INT(m->user)), NULL, e);
		if (!rc)
			rc = db_exec(d, month_sql, DB_ARGS(DB_INT(month_of_day(m->day)), DB_INT(m->user)), NULL, e);
		/* A member who joined that day: who they were as a visitor, until
		 * the day's sums give their channel (roll_tx) and forget it. */
		if (!rc)
			rc = db_exec(d, "INSERT INTO member_joins (user_id, day, visitor) SELECT id, ?, ? FROM users "
					"WHERE id = ? AND created_at >= ? ON CONFLICT DO NOTHING",
				     DB_ARGS(DB_INT(m->day), DB_INT((int64_t)m->visitor), DB_INT(m->user),
					     DB_TIME(numbers_day_start(m->day))),
				     NULL, e);
	}
	/* Ads' and sponsored articles' counts, added to their day's (an ad
	 * deleted since is skipped). */
	for (size_t i = 0; !rc && i < b->nads; i++) {
		const struct ad_count *c = &b->ads[i];
		if (c->kind == AD_SHOWN)
			rc = db_exec(d, "INSERT INTO ad_days (ad_id, day, impressions, clicks) SELECT id, ?, ?, ? FROM ads WHERE id = ? "
					"ON CONFLICT (ad_id, day) DO UPDATE SET impressions = ad_days.impressions + excluded.impressions, "
					"clicks = ad_days.clicks + excluded.clicks",
				     DB_ARGS(DB_INT(c->day), DB_INT(c->shown), DB_INT(c->clicks), DB_INT(c->id)), NULL, e);
		else
			rc = db_exec(d, "INSERT INTO article_days (article_id, day, impressions) SELECT id, ?, ? FROM articles "
					"WHERE id = ? AND kind = 'sponsored' ON CONFLICT (article_id, day) DO UPDATE SET "
					"impressions = article_days.impressions + excluded.impressions",
				     DB_ARGS(DB_INT(c->day), DB_INT(c->shown), DB_INT(c->id)), NULL, e);
	}
	return rc;
}

/* The day's sums so far will be made again. */
static void live_touch(int32_t day)
{
	if (!W.live_to || day < W.live_from)
		W.live_from = day;
	if (!W.live_to || day > W.live_to)
		W.live_to = day;
}

static void take_ad(const struct ad_count *c, void *ctx)
{
	(void)ctx;
	if (W.nads == W.capads) {
		size_t cap = W.capads ? W.capads * 2 : 64;
		struct ad_count *v = realloc(W.ads, cap * sizeof(*v));
		if (!v)
			return;
		W.ads = v;
		W.capads = cap;
	}
	W.ads[W.nads++] = *c;
}

static void flush(void)
{
	W.nrows = W.nmembers = W.nads = 0;
	views_drain(take_view, take_member, NULL);
	ads_drain(take_ad, NULL);
	if (!W.nrows && !W.nmembers && !W.nads)
		return;
	err e = ERR_INIT;
	struct batch b = { W.rows, W.nrows, W.members, W.nmembers, W.ads, W.nads, W.pg };
	int rc = db_tx(W.d, write_tx, &b, &e);
	if (rc) {
		W.st.failed++;
		log_error("page views: %zu rows and %zu members' days not written: %s", W.nrows, W.nmembers, e.msg);
		return;
	}
	for (size_t i = 0; i < W.nrows; i++)
		live_touch(W.rows[i].k.day);
	W.st.batches++;
	W.st.ads += W.nads;
	W.st.rows += W.nrows;
	W.st.members += W.nmembers;
	for (size_t i = 0; i < W.nmembers; i++)
		mark_written(W.members[i].day, W.members[i].user);
}

/* ---- keeping ---- */

static int salt_of(int32_t day, struct salt_day *out, err *e)
{
	unsigned char key[crypto_generichash_KEYBYTES];
	char hex[sizeof(key) * 2 + 1];
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	arena a = ARENA_INIT;
	db_res x;
	int rc = db_exec(W.d, "INSERT INTO view_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
			 DB_ARGS(DB_INT(day), DB_TEXT(hex)), NULL, e);
	if (!rc)
		rc = db_query(W.d, &a, "SELECT salt FROM view_salts WHERE day = ?", DB_ARGS(DB_INT(day)), &x, e);
	if (!rc && (x.nrows != 1 ||
		    sodium_hex2bin(out->key, sizeof(out->key), db_get(&x, 0, 0), strlen(db_get(&x, 0, 0)), NULL, NULL,
				   NULL)))
		rc = err_set(e, ERR_FAIL, "the salt of day %d is not readable", (int)day);
	arena_release(&a);
	out->day = day;
	out->from = numbers_day_start(day);
	out->until = numbers_day_start(day + 1);
	out->ok = !rc;
	return rc;
}

static int salts(err *e)
{
	struct salt_day s[2];
	int32_t today = numbers_day_of(unix_now());
	int rc = salt_of(today, &s[0], e);
	if (!rc)
		rc = salt_of(today + 1, &s[1], e);
	if (rc)
		return rc;
	views_set_salts(&s[0], &s[1]);
	sodium_memzero(s, sizeof(s));
	W.today = today;
	/* Yesterday's key is forgotten: its hashes can no longer be made again. */
	return db_exec(W.d, "DELETE FROM view_salts WHERE day < ?", DB_ARGS(DB_INT(today)), NULL, e);
}

/* PostgreSQL: today's partition and the next two; those past the days
 * kept are dropped. SQLite deletes old rows a slice at a time. */
static int partitions(err *e)
{
	int32_t oldest = W.today - W.keep_days;
	if (!W.pg) {
		if (!W.keep_days)
			return 0;
		return db_exec(W.d, "DELETE FROM page_views WHERE rowid IN (SELECT rowid FROM page_views WHERE day < ? LIMIT 20000)",
			       DB_ARGS(DB_INT(oldest)), NULL, e);
	}
	for (int32_t d = W.today; d <= W.today + 2; d++) {
		char sql[200];
		/* Numbers the writer made, not values from anyone: a table's name
		 * cannot be a parameter. */
		snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS page_views_d%d PARTITION OF page_views "
					   "FOR VALUES FROM (%d) TO (%d)", (int)d, (int)d, (int)d + 1);
		err pe = ERR_INIT;
		if (db_exec_script(W.d, sql, &pe) && !W.partition_warned) {
			/* The default partition holds rows of that day (a restore):
			 * they stay there, and so do the day's new ones. */
			log_warn("page views: no partition for day %d: %s", (int)d, pe.msg);
			W.partition_warned = 1;
		}
	}
	if (!W.keep_days)
		return 0;
	arena a = ARENA_INIT;
	db_res x;
	int rc = db_query(W.d, &a, "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
				   "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'page_views' "
				   "AND p.relnamespace = current_schema()::regnamespace AND c.relname LIKE 'page\\_views\\_d%'",
			  DB_NOARGS, &x, e);
	for (int i = 0; !rc && i < x.nrows; i++) {
		int64_t d;
		if (parse_i64(db_get(&x, i, 0) + strlen("page_views_d"), 0, INT32_MAX, &d) || d >= oldest)
			continue;
		char sql[100];
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS page_views_d%d", (int)d);
		rc = db_exec_script(W.d, sql, e);
	}
	arena_release(&a);
	if (!rc)
		rc = db_exec(W.d, "DELETE FROM page_views_default WHERE day < ?", DB_ARGS(DB_INT(oldest)), NULL, e);
	return rc;
}

/* A day's page views summed into table (view_days for a finished day,
 * view_days_live for one still going), in place of what it held. */
static int sum_views(db *d, const char *table, int32_t day, err *e)
{
	char sql[2048];
	/* The table is one of the two above, never a request's. */
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE day = ?", table);
	int rc = db_exec(d, sql, DB_ARGS(DB_INT(day)), NULL, e);
	for (const struct view_dim *v = view_dims; !rc && v->name; v++) {
		/* The dimension's name is the table's, not a request's. */
		snprintf(sql, sizeof(sql), "INSERT INTO %s (day, dim, key, views, visitors) "
					   "SELECT day, '%s', key, views, visitors FROM (%s) s", table, v->name, v->sql);
		rc = db_exec(d, sql, DB_ARGS(DB_INT(day), DB_INT(day)), NULL, e);
	}
	return rc;
}

/* The sums of one finished day, in one transaction. */
static int roll_tx(db *d, void *ctx, err *e)
{
	int32_t day = *(const int32_t *)ctx;
	int64_t changes = 0;
	int rc = db_exec(d, "INSERT INTO view_days_done (day, at) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
			 DB_ARGS(DB_INT(day), DB_TIME(unix_now())), &changes, e);
	if (rc || !changes)
		return rc; /* another server summed it */
	rc = sum_views(d, "view_days", day, e);
	/* Its sums so far are not needed any more (nor any left behind). */
	if (!rc)
		rc = db_exec(d, "DELETE FROM view_days_live WHERE day <= ?", DB_ARGS(DB_INT(day)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM view_live_at WHERE day <= ?", DB_ARGS(DB_INT(day)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM interaction_days WHERE day = ?", DB_ARGS(DB_INT(day)), NULL, e);
	/* The channel each member who joined that day came by: their first
	 * view that day not from the site itself; then who they were as a
	 * visitor is forgotten. */
	if (!rc)
		rc = db_exec(d, "INSERT INTO member_channels (user_id, day, key) SELECT j.user_id, j.day, coalesce(("
				"SELECT " CHANNEL_KEY_SQL " FROM page_views v WHERE v.day = j.day AND v.visitor = j.visitor "
				"AND v.source <> 'self' ORDER BY v.at, v.source LIMIT 1), 'direct') FROM member_joins j "
				"WHERE j.day = ? ON CONFLICT DO NOTHING",
			     DB_ARGS(DB_INT(day)), NULL, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM member_joins WHERE day <= ?", DB_ARGS(DB_INT(day)), NULL, e);
	int64_t from = numbers_day_start(day), until = numbers_day_start(day + 1);
	for (int i = 0; !rc && counted[i].kind; i++) {
		char sql[1024];
		snprintf(sql, sizeof(sql), "INSERT INTO interaction_days (day, kind, n) SELECT day, '%s', n FROM (%s) s",
			 counted[i].kind, counted_sql(W.pg, i));
		rc = db_exec(d, sql, DB_ARGS(DB_TIME(from), DB_TIME(until)), NULL, e);
	}
	if (!rc)
		rc = db_exec(d, "INSERT INTO activity_days (day, dau, wau, mau) VALUES (?, "
				"(SELECT count(*) FROM member_days WHERE day = ?), "
				"(SELECT count(DISTINCT user_id) FROM member_days WHERE day BETWEEN ? AND ?), "
				"(SELECT count(DISTINCT user_id) FROM member_days WHERE day BETWEEN ? AND ?)) "
				"ON CONFLICT (day) DO UPDATE SET dau = excluded.dau, wau = excluded.wau, mau = excluded.mau",
			     DB_ARGS(DB_INT(day), DB_INT(day), DB_INT(day - 6), DB_INT(day), DB_INT(day - 29), DB_INT(day)),
			     NULL, e);
	/* A month's cohorts once it is over (and the month so far, each
	 * day: the table's last column). */
	int month = month_of_day(day);
	if (!rc && (month_of_day(day + 1) != month || day == W.today - 1)) {
		rc = db_exec(d, "DELETE FROM cohort_months WHERE month = ?", DB_ARGS(DB_INT(month)), NULL, e);
		if (!rc)
			rc = db_exec(d, "INSERT INTO cohort_months (cohort, month, members) SELECT cohort, month, count(*) "
					"FROM member_months WHERE month = ? GROUP BY cohort, month",
				     DB_ARGS(DB_INT(month)), NULL, e);
	}
	return rc;
}

/* Sums the finished days not summed yet (a few at a time: the next pass
 * goes on); *behind is set while some are left. */
static int roll(int *behind, err *e)
{
	arena a = ARENA_INIT;
	db_res x;
	*behind = 0;
	int rc = db_query(W.d, &a, "SELECT (SELECT max(day) FROM view_days_done) AS done, "
				   "(SELECT min(day) FROM page_views) AS first_view, "
				   "(SELECT min(day) FROM member_days) AS first_member", DB_NOARGS, &x, e);
	if (rc) {
		arena_release(&a);
		return rc;
	}
	int64_t from;
	if (db_text(&x, 0, "done"))
		from = db_int(&x, 0, "done") + 1;
	else if (db_text(&x, 0, "first_view") || db_text(&x, 0, "first_member")) {
		int64_t v = db_text(&x, 0, "first_view") ? db_int(&x, 0, "first_view") : INT32_MAX;
		int64_t m = db_text(&x, 0, "first_member") ? db_int(&x, 0, "first_member") : INT32_MAX;
		from = v < m ? v : m;
	} else
		from = W.today; /* nothing yet */
	arena_release(&a);
	int64_t now = unix_now();
	int n = 0;
	for (int32_t day = (int32_t)from; !rc && day < W.today; day++) {
		if (now < numbers_day_start(day + 1) + ROLL_AFTER)
			break; /* another server may still be writing its last second */
		if (n++ == ROLL_PER_PASS) {
			*behind = 1;
			break;
		}
		rc = db_tx(W.d, roll_tx, &day, e);
	}
	return rc;
}

static void keep(void)
{
	err e = ERR_INIT;
	int behind = 0;
	int rc = salts(&e);
	if (!rc)
		rc = load_maps(&e);
	if (!rc)
		rc = partitions(&e);
	if (!rc)
		rc = roll(&behind, &e);
	if (rc)
		log_error("page views: keeping: %s", e.msg);
	W.next_keep = time(NULL) + (behind ? 1 : KEEP_EVERY);
}

/* ---- the sums so far ---- */

struct live {
	int32_t day;
	int64_t now, every; /* seconds */
	int made;
	arena a;
	db_res dims[16]; /* each dimension's sums, then the counted kinds', then the active members' */
	const char *dim[16];
	int ndims;
};

/* Claims the making of a day's sums so far, unless another server made
 * them less than `every` seconds ago. */
static int claim_tx(db *d, void *ctx, err *e)
{
	struct live *l = ctx;
	int64_t changes = 0;
	int rc = db_exec(d, "INSERT INTO view_live_at (day, at) VALUES (?, ?) ON CONFLICT (day) "
			    "DO UPDATE SET at = excluded.at WHERE view_live_at.at <= ?",
			 DB_ARGS(DB_INT(l->day), DB_INT(l->now), DB_INT(l->now - l->every)), &changes, e);
	l->made = !rc && changes > 0;
	return rc;
}

/* The day's sums so far, read outside any transaction of the writer's
 * own (on SQLite nobody waits for the write lock while the rows are
 * summed): each dimension's, then the new members and interactions so
 * far (dim 'counted', key the kind, the count in views), then the members
 * active that day, in the week and the month to it (dim 'active', keys
 * dau, wau and mau). */
static int read_live(struct live *l, err *e)
{
	int rc = 0;
	l->ndims = 0;
	for (const struct view_dim *v = view_dims; !rc && v->name; v++) {
		l->dim[l->ndims] = v->name;
		rc = db_query(W.d, &l->a, v->sql, DB_ARGS(DB_INT(l->day), DB_INT(l->day)), &l->dims[l->ndims++], e);
	}
	if (!rc) {
		l->dim[l->ndims] = "counted";
		char sql[4096];
		snprintf(sql, sizeof(sql), "SELECT ? AS day, CASE k %s END AS key, sum(n) AS views, 0 AS visitors "
					   "FROM (%s) s GROUP BY k",
			 counted_case(), counted_all_sql(W.pg));
		db_param p[1 + COUNTED_MAX * 2];
		int kinds = 0;
		p[0] = DB_INT(l->day);
		for (; counted[kinds].kind; kinds++) {
			p[1 + 2 * kinds] = DB_TIME(numbers_day_start(l->day));
			p[2 + 2 * kinds] = DB_TIME(numbers_day_start(l->day + 1));
		}
		rc = db_query(W.d, &l->a, sql, p, 1 + 2 * kinds, &l->dims[l->ndims++], e);
	}
	if (!rc) {
		l->dim[l->ndims] = "active";
		rc = db_query(W.d, &l->a, "SELECT 'dau' AS key, count(*) AS views, 0 AS visitors FROM member_days WHERE day = ? "
					  "UNION ALL SELECT 'wau', count(DISTINCT user_id), 0 FROM member_days WHERE day BETWEEN ? AND ? "
					  "UNION ALL SELECT 'mau', count(DISTINCT user_id), 0 FROM member_days WHERE day BETWEEN ? AND ?",
			      DB_ARGS(DB_INT(l->day), DB_INT(l->day - 6), DB_INT(l->day), DB_INT(l->day - 29), DB_INT(l->day)),
			      &l->dims[l->ndims++], e);
	}
	return rc;
}

/* Puts what read_live read in place of the day's rows, CHUNK rows a statement. */
static int write_live_tx(db *d, void *ctx, err *e)
{
	struct live *l = ctx;
	int rc = db_exec(d, "DELETE FROM view_days_live WHERE day = ?", DB_ARGS(DB_INT(l->day)), NULL, e);
	db_param p[CHUNK * 5];
	for (int k = 0; !rc && k < l->ndims; k++) {
		const char *dim = l->dim[k];
		const db_res *x = &l->dims[k];
		for (int at = 0; !rc && at < x->nrows;) {
			int left = x->nrows - at, n = left >= CHUNK ? CHUNK : left >= 10 ? 10 : 1;
			for (int i = 0; i < n; i++) {
				p[5 * i] = DB_INT(l->day);
				p[5 * i + 1] = DB_TEXT(dim);
				p[5 * i + 2] = DB_TEXT(db_str(x, at + i, "key"));
				p[5 * i + 3] = DB_INT(db_int(x, at + i, "views"));
				p[5 * i + 4] = DB_INT(db_int(x, at + i, "visitors"));
			}
			rc = db_exec(d, live_insert_sql(n), p, 5 * n, NULL, e);
			at += n;
		}
	}
	return rc;
}

/* The dashboard reads the days not finished from their sums so far, made
 * here every LIVE_EVERY seconds while page views come in (and less often
 * when making them grows costly), never on a request. A day another
 * server made too recently stays to make on a later pass. */
static void live(void)
{
	uint64_t start = now_us();
	if (!W.live_to || start < W.next_live)
		return;
	int32_t left_from = 0, left_to = 0;
	int64_t every = W.next_live ? LIVE_EVERY : 0; /* a server just started makes them at once */
	for (int32_t day = W.live_from; day <= W.live_to; day++) {
		struct live l = { .day = day, .now = unix_now(), .every = every, .a = ARENA_INIT };
		err e = ERR_INIT;
		int rc = db_tx(W.d, claim_tx, &l, &e);
		if (!rc && l.made)
			rc = read_live(&l, &e);
		if (!rc && l.made)
			rc = db_tx(W.d, write_live_tx, &l, &e);
		if (rc)
			log_error("page views: the sums so far of day %d: %s", (int)day, e.msg);
		arena_release(&l.a);
		if (!l.made) {
			if (!left_to)
				left_from = day;
			left_to = day;
		}
	}
	W.live_from = left_from;
	W.live_to = left_to;
	uint64_t took = now_us() - start, wait = (uint64_t)LIVE_EVERY * 1000000;
	if (took * LIVE_SHARE > wait)
		wait = took * LIVE_SHARE;
	W.next_live = start + (left_to ? 1000000 : wait);
}

static void wake(void)
{
	pthread_mutex_lock(&W.mu);
	W.wake = 1;
	pthread_cond_signal(&W.cv);
	pthread_mutex_unlock(&W.mu);
}

static void *run(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&W.mu);
	while (!W.stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += FLUSH_MS / 1000;
		while (!W.stop && !W.wake && pthread_cond_timedwait(&W.cv, &W.mu, &until) == 0)
			;
		W.wake = 0;
		pthread_mutex_unlock(&W.mu);
		/* A new day needs its salt before the first of its views. */
		if (time(NULL) >= W.next_keep || numbers_day_of(unix_now()) != W.today)
			keep();
		flush();
		live();
		pthread_mutex_lock(&W.mu);
	}
	pthread_mutex_unlock(&W.mu);
	flush(); /* what the last second held */
	return NULL;
}

int writer_start(const config *cfg, err *e)
{
	int rc = db_open(cfg->val[CFG_DATABASE], &W.d, e);
	if (rc)
		return rc;
	W.pg = db_engine_of(W.d) == DB_POSTGRES;
	/* Summing a busy day sorts hundreds of thousands of rows: on SQLite
	 * let them go to a temporary file rather than the server's memory. */
	if (!W.pg && (rc = db_exec_script(W.d, "PRAGMA temp_store = FILE", e))) {
		db_close(W.d);
		W.d = NULL;
		return rc;
	}
	W.keep_days = cfg->page_views_days;
	W.stop = W.wake = 0;
	/* The salts before the first request, so the first page is counted. */
	keep();
	if (!W.today) {
		db_close(W.d);
		W.d = NULL;
		return err_set(e, ERR_FAIL, "page views: no salt for today");
	}
	/* The sums so far of a day some other server may have written. */
	W.next_live = 0;
	live_touch(W.today);
	views_wake = wake;
	if (pthread_create(&W.thread, NULL, run, NULL)) {
		db_close(W.d);
		W.d = NULL;
		return err_set(e, ERR_FAIL, "page views: cannot start the writer");
	}
	W.running = 1;
	return 0;
}

void writer_stop(void)
{
	if (!W.running)
		return;
	pthread_mutex_lock(&W.mu);
	W.stop = 1;
	pthread_cond_signal(&W.cv);
	pthread_mutex_unlock(&W.mu);
	pthread_join(W.thread, NULL);
	W.running = 0;
	views_wake = NULL;
	db_close(W.d);
	W.d = NULL;
	arena_release(&W.maps);
	free(W.rows);
	free(W.members);
	free(W.ads);
	member_set_clear(&W.written);
	W.rows = NULL;
	W.members = NULL;
	W.ads = NULL;
	W.caprows = W.capmembers = W.capads = 0;
}

/* One transaction of the benchmark's page views: made a slice at a time
 * into one small buffer, each slice written the writer's way. */
struct bench_tx {
	struct row *rows;
	int at, n, slice;
	int32_t day;
	int pg;
};

static int bench_tx(db *d, void *ctx, err *e)
{
	struct bench_tx *t = ctx;
	static const char *const paths[] = { "/", "/events/1", "/orgs", "/articles/1", "/wishes" };
	int rc = 0;
	for (int from = t->at; !rc && from < t->at + t->n; from += t->slice) {
		int n = t->at + t->n - from < t->slice ? t->at + t->n - from : t->slice;
		for (int k = 0; k < n; k++) {
			int i = from + k;
			struct row *r = &t->rows[k];
			r->k.day = t->day;
			r->k.device = (uint8_t)(i % 3);
			r->k.visitor = 0x5eed000000000000ULL + (uint64_t)i;
			snprintf(r->k.path, sizeof(r->k.path), "%s", paths[i % 5]);
			snprintf(r->k.source, sizeof(r->k.source), "%s", i % 4 ? "" : "search:baidu");
			r->views = 1;
			r->media = "text";
		}
		struct batch b = { t->rows, (size_t)n, NULL, 0, NULL, 0, t->pg };
		rc = write_tx(d, &b, e);
	}
	return rc;
}

int numbers_bench_write(const char *url, int n, double *seconds, err *e)
{
	/* n page views of n visitors on a few pages, as a busy day's batches
	 * hold them (50,000 a transaction), written the writer's way on a
	 * connection of its own and timed, making the rows included. They are
	 * made SLICE at a time: a whole batch's rows (over 10 MB) would be the
	 * server's peak memory, which real batches, a second's page views
	 * each, are not. */
	enum { BATCH = 50000, SLICE = 2000 };
	struct row *rows = calloc(SLICE, sizeof(*rows));
	if (!rows)
		return err_set(e, ERR_FAIL, "no memory for %d rows", SLICE);
	db *d;
	int rc = db_open(url, &d, e);
	if (!rc) {
		struct bench_tx t = { rows, 0, 0, SLICE, numbers_day_of(unix_now()), db_engine_of(d) == DB_POSTGRES };
		uint64_t spent = 0;
		for (int at = 0; !rc && at < n; at += BATCH) {
			t.at = at;
			t.n = n - at < BATCH ? n - at : BATCH;
			uint64_t t0 = now_us();
			rc = db_tx(d, bench_tx, &t, e);
			spent += now_us() - t0;
		}
		*seconds = (double)spent / 1e6;
		db_close(d);
	}
	free(rows);
	return rc;
}

void numbers_stats(struct numbers_stats *out)
{
	uint64_t seen, dropped;
	views_counts(&seen, &dropped);
	/* Read without the writer's lock: counters for a status page. */
	*out = W.st;
	out->seen = seen;
	out->dropped += dropped;
	out->waiting = views_waiting();
}

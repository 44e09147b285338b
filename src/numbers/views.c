/* views.c: page views as the server sees them, recorded on the request's
 * own thread without touching the database.
 *
 * A page view is a GET answered 200 with an HTML page. It is sorted
 * (device from the browser's name, known crawlers apart; the source that
 * brought the visitor) and the visitor is hashed: 64 bits of BLAKE2b over
 * the address and the browser, keyed with the day's salt, so the address
 * is never kept and tomorrow's hash of the same visitor is another number.
 * Each thread counts its views in a table of its own (a row per visitor,
 * page, source and device, with how many times), which the writer empties
 * every second and writes in one transaction (writer.c). A signed-in
 * member's requests, any of them, mark the member active for the day. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "numbers/internal.h"
#include "base/util.h"
#include "base/banned.h"

const char *const device_names[DEV__COUNT] = { "pc", "phone", "tablet", "bot" };

/* ---- the day's salts, published by the writer ---- */
static pthread_mutex_t salt_mu = PTHREAD_MUTEX_INITIALIZER;
static struct salt_day salts[2];
static atomic_uint salt_gen;

void views_set_salts(const struct salt_day *today, const struct salt_day *tomorrow)
{
	pthread_mutex_lock(&salt_mu);
	salts[0] = *today;
	salts[1] = *tomorrow;
	atomic_fetch_add(&salt_gen, 1);
	pthread_mutex_unlock(&salt_mu);
}

/* ---- sorting a request ---- */

/* s lower-cased into out (ASCII only), at most n - 1 bytes. */
static void lower_into(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = 0;
}

int views_device(const char *ua)
{
	char l[512];
	if (!ua || !*ua)
		return DEV_BOT; /* a browser always names itself; scripts often do not */
	lower_into(ua, l, sizeof(l));
	/* Crawlers and tools name themselves; the list is the common ones of
	 * the Chinese and the international web, and link previews. */
	static const char *const bots[] = {
		"bot", "spider", "crawl", "slurp", "curl/", "wget/", "python-", "go-http-client", "java/",
		"okhttp", "headless", "lighthouse", "preview", "facebookexternalhit", "bytespider", "sogou",
		"feedfetcher", "monitor", "pingdom", "uptime", "wrk", "apachebench", "libwww", "httpclient", NULL,
	};
	for (const char *const *b = bots; *b; b++)
		if (strstr(l, *b))
			return DEV_BOT;
	if (strstr(l, "ipad") || strstr(l, "tablet") || (strstr(l, "android") && !strstr(l, "mobile")))
		return DEV_TABLET;
	if (strstr(l, "mobile") || strstr(l, "iphone") || strstr(l, "android") || strstr(l, "harmonyos") ||
	    strstr(l, "micromessenger"))
		return DEV_PHONE;
	return DEV_PC;
}

/* Copies a value of [a-z0-9._-] (lower-cased) after prefix into out; 0
 * when v has nothing of that kind. Longer values are cut: a utm_source of
 * 10 KB is its first characters. */
static int put_key(const char *prefix, const char *v, char out[VIEW_SOURCE_MAX])
{
	size_t n = strlen(prefix);
	memcpy(out, prefix, n);
	size_t start = n;
	for (; v && *v && n + 1 < VIEW_SOURCE_MAX && n - start < 40; v++) {
		char c = *v >= 'A' && *v <= 'Z' ? (char)(*v + 32) : *v;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
			out[n++] = c;
		else
			break;
	}
	out[n] = 0;
	if (n == start)
		out[0] = 0; /* nothing of that kind: no source yet */
	return n > start;
}

/* The host of an http(s) referrer, lower-cased, without port or "www.";
 * 0 when it is not one. */
static int referer_host(const char *ref, char *out, size_t n)
{
	const char *p;
	if (!strncasecmp(ref, "https://", 8))
		p = ref + 8;
	else if (!strncasecmp(ref, "http://", 7))
		p = ref + 7;
	else
		return 0;
	size_t i = 0;
	for (; *p && *p != '/' && *p != ':' && *p != '?' && *p != '#' && i + 1 < n; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return 0;
		out[i++] = c;
	}
	out[i] = 0;
	if (!i)
		return 0;
	if (!strncmp(out, "www.", 4))
		memmove(out, out + 4, i - 3);
	return 1;
}

/* host is name or a subdomain of it. */
static int host_is(const char *host, const char *name)
{
	size_t h = strlen(host), n = strlen(name);
	return h >= n && !strcmp(host + h - n, name) && (h == n || host[h - n - 1] == '.');
}

void views_source(const char *via, const char *ch, const char *utm, const char *referer, const char *own_host,
		  const char *ua, char out[VIEW_SOURCE_MAX])
{
	out[0] = 0;
	if (via && put_key("via:", via, out))
		return;
	if (ch && put_key("ch:", ch, out))
		return;
	if (utm && put_key("utm:", utm, out))
		return;
	char host[64];
	if (referer && *referer && referer_host(referer, host, sizeof(host))) {
		char own[64];
		if (own_host && *own_host) {
			lower_into(own_host, own, sizeof(own));
			char *colon = strchr(own, ':');
			if (colon)
				*colon = 0;
			if (!strcmp(host, !strncmp(own, "www.", 4) ? own + 4 : own)) {
				memcpy(out, "self", 5);
				return;
			}
		}
		static const struct {
			const char *host, *name;
		} engines[] = {
			{ "baidu.com", "baidu" }, { "google.com", "google" }, { "google.com.hk", "google" },
			{ "bing.com", "bing" }, { "sogou.com", "sogou" }, { "so.com", "360" }, { "sm.cn", "shenma" },
			{ "yandex.ru", "yandex" }, { "duckduckgo.com", "duckduckgo" }, { "toutiao.com", "toutiao" },
		};
		for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
			if (host_is(host, engines[i].host)) {
				put_key("search:", engines[i].name, out);
				return;
			}
		put_key("ref:", host, out);
		return;
	}
	/* A chat app's own browser usually sends no referrer, but names itself. */
	if (ua) {
		static const struct {
			const char *mark, *name;
		} apps[] = {
			{ "wxwork", "wxwork" }, { "MicroMessenger", "wechat" }, { "DingTalk", "dingtalk" },
			{ "Weibo", "weibo" }, { "BiliApp", "bilibili" }, { "iting", "ximalaya" }, { " QQ/", "qq" },
		};
		for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++)
			if (strstr(ua, apps[i].mark)) {
				put_key("app:", apps[i].name, out);
				return;
			}
	}
}

void views_path(const char *path, char out[VIEW_PATH_MAX])
{
	size_t n = 0;
	for (; path && path[n] && path[n] != '?' && n + 1 < VIEW_PATH_MAX; n++)
		out[n] = path[n];
	/* Do not end inside a UTF-8 character: back off over its continuation
	 * bytes and its lead byte when the path went on. */
	if (path && path[n] && path[n] != '?')
		while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80 && ((unsigned char)path[n] & 0xC0) == 0x80)
			n--;
	out[n] = 0;
}

int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* ---- each thread's table ---- */

struct entry {
	uint64_t h; /* 0: empty */
	uint32_t views;
	struct view_key k;
};
struct tbuf {
	pthread_mutex_t mu;
	struct entry *e;
	size_t cap, n;
	struct member_set members;
	/* this thread's counts, written by it alone, read by the stats */
	_Atomic uint64_t seen, dropped;
	struct tbuf *next;
};

/* A thread's table holds at most this many rows before the writer is
 * woken, and at most TABLE_MAX before views are let go (counted). */
enum { TABLE_WAKE = 16384, TABLE_MAX = 1 << 20 };

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tbuf *tables;
static _Thread_local struct tbuf *mine;
static atomic_ullong waiting;
void (*views_wake)(void);

static struct tbuf *my_table(void)
{
	if (mine)
		return mine;
	struct tbuf *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	pthread_mutex_lock(&list_mu);
	t->next = tables;
	tables = t;
	pthread_mutex_unlock(&list_mu);
	return mine = t;
}

static uint64_t key_hash(const struct view_key *k)
{
	/* FNV-1a over what tells two rows apart, then mixed; never 0. */
	uint64_t h = 1469598103934665603ULL ^ k->visitor;
	const unsigned char *parts[2] = { (const unsigned char *)k->path, (const unsigned char *)k->source };
	for (int p = 0; p < 2; p++)
		for (const unsigned char *s = parts[p]; *s; s++)
			h = (h ^ *s) * 1099511628211ULL;
	h ^= (uint64_t)k->day << 8 | (uint64_t)k->device << 1 | k->member;
	h *= 0x9E3779B97F4A7C15ULL;
	return h ? h : 1;
}

static int same_key(const struct view_key *a, const struct view_key *b)
{
	return a->visitor == b->visitor && a->day == b->day && a->device == b->device && a->member == b->member &&
	       !strcmp(a->path, b->path) && !strcmp(a->source, b->source);
}

/* Room for one more row: grows the table at 3/4. 0 when there is none. */
static int room(struct tbuf *t)
{
	if ((t->n + 1) * 4 <= t->cap * 3)
		return 1;
	size_t cap = t->cap ? t->cap * 2 : 256;
	struct entry *e = calloc(cap, sizeof(*e));
	if (!e)
		return 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->e[i].h) {
			size_t j = t->e[i].h & (cap - 1);
			while (e[j].h)
				j = (j + 1) & (cap - 1);
			e[j] = t->e[i];
		}
	free(t->e);
	t->e = e;
	t->cap = cap;
	return 1;
}

static void count_view(struct tbuf *t, const struct view_key *k)
{
	uint64_t h = key_hash(k);
	pthread_mutex_lock(&t->mu);
	if (t->cap) {
		for (size_t j = h & (t->cap - 1); t->e[j].h; j = (j + 1) & (t->cap - 1))
			if (t->e[j].h == h && same_key(&t->e[j].k, k)) {
				t->e[j].views++;
				pthread_mutex_unlock(&t->mu);
				atomic_store_explicit(&t->seen, atomic_load_explicit(&t->seen, memory_order_relaxed) + 1,
						      memory_order_relaxed);
				return;
			}
	}
	if (t->n >= TABLE_MAX || !room(t)) {
		pthread_mutex_unlock(&t->mu);
		atomic_store_explicit(&t->dropped, atomic_load_explicit(&t->dropped, memory_order_relaxed) + 1,
				      memory_order_relaxed);
		return;
	}
	size_t j = h & (t->cap - 1);
	while (t->e[j].h)
		j = (j + 1) & (t->cap - 1);
	t->e[j].h = h;
	t->e[j].views = 1;
	t->e[j].k = *k;
	size_t n = ++t->n;
	pthread_mutex_unlock(&t->mu);
	atomic_store_explicit(&t->seen, atomic_load_explicit(&t->seen, memory_order_relaxed) + 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&waiting, 1, memory_order_relaxed);
	if (n == TABLE_WAKE && views_wake)
		views_wake();
}

static void count_member(struct tbuf *t, int32_t day, int64_t user, uint64_t visitor)
{
	pthread_mutex_lock(&t->mu);
	member_set_add(&t->members, day, user, visitor, TABLE_MAX);
	pthread_mutex_unlock(&t->mu);
}

void views_drain(void (*view)(const struct view_key *k, uint32_t views, void *ctx),
		 void (*member)(int32_t day, int64_t user_id, uint64_t visitor, void *ctx), void *ctx)
{
	pthread_mutex_lock(&list_mu);
	struct tbuf *list = tables;
	pthread_mutex_unlock(&list_mu);
	/* Threads only ever add themselves at the head, so the list read above
	 * stays valid as it is walked. */
	for (struct tbuf *t = list; t; t = t->next) {
		pthread_mutex_lock(&t->mu);
		struct entry *e = t->e;
		size_t cap = t->cap, n = t->n;
		struct member_set members = t->members;
		/* The thread goes on with an empty table of the same size. */
		t->e = cap ? calloc(cap, sizeof(*e)) : NULL;
		t->cap = t->e ? cap : 0;
		t->n = 0;
		t->members = (struct member_set){ NULL, 0, 0 };
		pthread_mutex_unlock(&t->mu);
		atomic_fetch_sub_explicit(&waiting, n, memory_order_relaxed);
		for (size_t i = 0; i < cap; i++)
			if (e[i].h)
				view(&e[i].k, e[i].views, ctx);
		for (size_t i = 0; i < members.cap; i++)
			if (members.v[i].user)
				member(members.v[i].day, members.v[i].user, members.v[i].visitor, ctx);
		free(e);
		member_set_clear(&members);
	}
}

uint64_t views_waiting(void)
{
	return atomic_load_explicit(&waiting, memory_order_relaxed);
}

void views_release(void)
{
	pthread_mutex_lock(&list_mu);
	struct tbuf *t = tables;
	tables = NULL;
	pthread_mutex_unlock(&list_mu);
	while (t) {
		struct tbuf *next = t->next;
		free(t->e);
		member_set_clear(&t->members);
		pthread_mutex_destroy(&t->mu);
		free(t);
		t = next;
	}
	mine = NULL;
}

void views_counts(uint64_t *seen, uint64_t *dropped)
{
	*seen = *dropped = 0;
	pthread_mutex_lock(&list_mu);
	for (struct tbuf *t = tables; t; t = t->next) {
		*seen += atomic_load_explicit(&t->seen, memory_order_relaxed);
		*dropped += atomic_load_explicit(&t->dropped, memory_order_relaxed);
	}
	pthread_mutex_unlock(&list_mu);
}

/* ---- the request ---- */

/* The last visitor this thread hashed: a browser asks for many pages in a
 * row, and the hash is most of a page view's cost. */
static _Thread_local struct {
	int32_t day;
	int device;
	uint64_t visitor;
	char app[VIEW_SOURCE_MAX]; /* the source when the page says none: the browser's app, or "" */
	char peer[48];
	char ua[256];
} last;
static _Thread_local struct salt_day my_salts[2];
static _Thread_local unsigned my_gen;

static const struct salt_day *salt_now(int64_t now)
{
	unsigned g = atomic_load_explicit(&salt_gen, memory_order_acquire);
	if (g != my_gen) {
		pthread_mutex_lock(&salt_mu);
		memcpy(my_salts, salts, sizeof(salts));
		my_gen = atomic_load(&salt_gen);
		pthread_mutex_unlock(&salt_mu);
	}
	for (int i = 0; i < 2; i++)
		if (my_salts[i].ok && now >= my_salts[i].from && now < my_salts[i].until)
			return &my_salts[i];
	return NULL;
}

void numbers_seen(const req *r)
{
	int view = r->page && r->status == 200 && r->method == M_GET;
	if (!view && !r->user_id)
		return;
	const struct salt_day *s = salt_now(unix_now());
	struct tbuf *t = s ? my_table() : NULL;
	if (!t)
		return; /* no salt yet (the writer has not started): nothing is counted */
	/* The visitor, for a page view; and for a member, who they were as a
	 * visitor when they joined (numbers/writer.c: new members by channel). */
	char peer[48];
	req_peer(r, peer, sizeof(peer));
	const char *ua = r->client ? r->client : "";
	if (!(last.day == s->day && !strcmp(last.peer, peer) && strlen(ua) < sizeof(last.ua) && !strcmp(last.ua, ua))) {
		crypto_generichash_state st;
		unsigned char h[8];
		crypto_generichash_init(&st, s->key, sizeof(s->key), sizeof(h));
		crypto_generichash_update(&st, (const unsigned char *)peer, strlen(peer) + 1);
		crypto_generichash_update(&st, (const unsigned char *)ua, strlen(ua));
		crypto_generichash_final(&st, h, sizeof(h));
		memcpy(&last.visitor, h, sizeof(last.visitor));
		last.device = views_device(ua);
		views_source(NULL, NULL, NULL, NULL, NULL, ua, last.app);
		last.day = s->day;
		snprintf(last.peer, sizeof(last.peer), "%s", peer);
		snprintf(last.ua, sizeof(last.ua), "%s", ua);
	}
	if (r->user_id)
		count_member(t, s->day, r->user_id, last.visitor);
	if (!view)
		return;
	struct view_key k;
	k.day = s->day;
	k.member = r->user_id != 0;
	k.visitor = last.visitor;
	k.device = (uint8_t)last.device;
	views_path(r->path, k.path);
	int query = r->raw_uri && strchr(r->raw_uri, '?');
	const char *ref = req_header(r, "Referer");
	if (query || (ref && *ref))
		views_source(query ? req_query(r, "via") : NULL, query ? req_query(r, "ch") : NULL,
			     query ? req_query(r, "utm_source") : NULL, ref, ref ? req_header(r, "Host") : NULL, ua,
			     k.source);
	else
		memcpy(k.source, last.app, sizeof(k.source)); /* what the browser said, worked out once */
	count_view(t, &k);
}

/* server.c: libmicrohttpd glue: one request context per request, limits,
 * the route table check (role, CSRF) in one place, responses with security
 * headers, and one access-log line per request. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "base/embed.h"
#include "base/json_arena.h"
#include "base/log.h"
#include "auth/auth.h"
#include "base/util.h"
#include "db/db.h"
#include "http/feature.h"
#include "http/http.h"
#include "view/i18n.h"
#include "view/page_cache.h"
#include "view/view.h"
#include "http/metrics.h"
#include "base/banned.h"

struct server {
	struct MHD_Daemon *d;
	const config *cfg;
	const struct route_table *tables;
	size_t ntables;
	atomic_int connections;
	struct page_cache *cache;
};

enum { MAX_FIELDS = 256, POST_BUFFER = 16 * 1024 };

/* Scripts, styles, fonts and connections fall back to default-src. */
static const char csp[] =
	"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'; "
	/* An article's replay or podcast plays in bilibili's or Ximalaya's
	 * player or from a video or audio file elsewhere, and only once the
	 * reader taps its card. */
	"frame-src https://player.bilibili.com https://www.ximalaya.com; media-src 'self' https:";

/* ---- inputs ---- */

const char *req_param(const req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (!strcmp(r->param_names[i], name))
			return r->params[i];
	return NULL;
}

int req_id(const req *r, int64_t *id)
{
	return parse_i64(req_param(r, "id"), 1, INT64_MAX, id);
}

/* Route parameters that are names rather than row ids. */
static int text_param(const char *name)
{
	return !strcmp(name, "code") || !strcmp(name, "slug") || !strcmp(name, "token") || !strcmp(name, "path") ||
	       !strcmp(name, "key") || !strcmp(name, "size");
}

int64_t req_num(const req *r, const char *name)
{
	int64_t v;
	return parse_i64(req_param(r, name), 1, INT64_MAX, &v) ? 0 : v;
}

const char *req_query(const req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(const req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(const req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_form(const req *r, const char *name)
{
	for (const struct field *f = r->fields; f; f = f->next)
		if (!f->filename && !f->hidden && !strcmp(f->name, name))
			return f->value.s;
	return NULL;
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ')
			return 1;
	return 0;
}

const struct field *req_file(const req *r, const char *name)
{
	for (const struct field *f = r->fields; f; f = f->next)
		if (f->filename && !f->hidden && !strcmp(f->name, name))
			return f;
	return NULL;
}

void req_peer(const req *r, char *text, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(text, n, "unknown");
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text, (socklen_t)n);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text, (socklen_t)n);
	}
}

const char *req_address_key(req *r, const char *kind)
{
	char text[INET6_ADDRSTRLEN], hex[33];
	unsigned char h[16];
	req_peer(r, text, sizeof(text));
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return arena_printf(&r->a, "%s:addr:%s", kind, hex);
}

struct count_ctx {
	const char *except;
	int n;
};

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct count_ctx *c = cls;
	(void)kind;
	(void)value;
	if (!c->except || strcmp(key, c->except))
		c->n++;
	return MHD_YES;
}

int req_query_count(const req *r, const char *except)
{
	struct count_ctx c = { except, 0 };
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, count_arg, &c);
	return c.n;
}

static void new_csrf_token(req *r);

void http_cookie(req *r, resp *out, const char *name, const char *value, long max_age)
{
	/* Signing in or out renews the CSRF token: one known before the
	 * sign-in is worth nothing after it. */
	if (!strcmp(name, "sid"))
		new_csrf_token(r);
	for (size_t i = 0; i < sizeof(out->cookies) / sizeof(out->cookies[0]); i++)
		if (!out->cookies[i]) {
			out->cookies[i] = arena_printf(&r->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
						       name, value, max_age, r->cfg->https ? "; Secure" : "");
			return;
		}
	abort(); /* more cookies than a response carries: a programming error */
}

const char *http_local_path(const char *next, const char *fallback)
{
	if (!next || next[0] != '/' || next[1] == '/' || strchr(next, '\\') || has_ctl(next))
		return fallback;
	return next;
}

struct args_ctx {
	const char *const *allowed;
	int ok;
};

static enum MHD_Result arg_allowed(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct args_ctx *c = cls;
	(void)kind;
	(void)value;
	/* The language, and what only says where a visitor came from (a
	 * channel's key, utm_ campaign tags: the numbers read them): none
	 * changes the page. */
	int ok = !strcmp(key, "lang") || !strcmp(key, "ch") || !strncmp(key, "utm_", 4);
	for (const char *const *a = c->allowed; a && *a && !ok; a++)
		ok = !strcmp(key, *a);
	if (!ok)
		c->ok = 0;
	return ok ? MHD_YES : MHD_NO;
}

/* The CSRF cookie's name: over https with the __Host- prefix, which a
 * browser keeps only from this host, Secure, for every path. */
/* The cookie of a member who wrote a moment ago, and how long it lasts:
 * far longer than a notification takes to reach every server. */
#define FRESH_COOKIE "fresh"
enum { FRESH_SECONDS = 5 };

static const char *csrf_cookie(const req *r)
{
	return r->cfg->https ? "__Host-csrf" : "csrf";
}

/* This client's CSRF token: its cookie's, or a new one made the first time
 * a page needs it (an API answer or a static file never does). */
static const char *csrf_of(req *r)
{
	if (!r->csrf)
		new_csrf_token(r);
	return r->csrf;
}

/* csrf_of for page_cache_get_with: the API's answers carry none. */
static const char *csrf_for_page(void *ctx)
{
	req *r = ctx;
	return r->api ? "" : csrf_of(r);
}

/* Whether this request's answer may be kept at all. */
static int keepable(req *r, const char *const *args)
{
	struct args_ctx c = { args, 1 };
	r->cache_key = NULL;
	if (!r->cache || r->method != M_GET || strlen(r->raw_uri) > 400)
		return 0;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_allowed, &c);
	return c.ok;
}

/* 1 when the client takes gzip ("gzip" in Accept-Encoding, not at q=0). */
static int takes_gzip(req *r)
{
	const char *ae = req_header(r, "Accept-Encoding");
	const char *g = ae ? strstr(ae, "gzip") : NULL;
	if (!g)
		return 0;
	const char *q = strstr(g, "q=");
	const char *comma = strchr(g, ',');
	return !(q && (!comma || q < comma) && q[2] == '0' && (q[3] != '.' || !strspn(q + 4, "123456789")));
}

/* Text written by hand where it is made on every request (the cache key,
 * the access log): snprintf's format parsing costs more than the rest. */
static char *put(char *at, const char *end, const char *s, size_t n)
{
	if (n > (size_t)(end - at))
		n = (size_t)(end - at);
	memcpy(at, s, n);
	return at + n;
}

static char *put_u64(char *at, const char *end, uint64_t v)
{
	char digits[20];
	size_t n = 0;
	do
		digits[sizeof(digits) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof(digits));
	return put(at, end, digits + sizeof(digits) - n, n);
}

#define PUT_LIT(at, end, lit) put(at, end, lit, sizeof(lit) - 1)

/* The kept page for this request's key, into out: 1, or 0 when none. */
static int kept_answer(req *r, resp *out, int64_t version)
{
	struct page_hit hit;
	if (!page_cache_find(r->cache, r->cache_key, version, csrf_for_page, r, takes_gzip(r), &hit))
		return 0;
	page_cache_done(r->held);
	r->held = hit.kept;
	out->kept = hit.kept;
	out->shared = hit.kept ? page_cache_answers(hit.kept) : NULL;
	out->gzipped = hit.gzip;
	out->body = hit.body;
	out->body_len = hit.len;
	out->body_owned = hit.owned;
	out->cached = 1;
	return 1;
}

/* The kept answer for this reader and key, into out: 1, or 0 when none. */
static int cached_answer(req *r, resp *out, const char *kind, const char *own, int64_t version)
{
	/* A signed-in member's page is theirs: kept under their id and their
	 * own data version, which anything it shows of them bumps. */
	const char *lang = lang_code(r->lang), *as = r->api ? "json" : "html";
	size_t n = strlen(kind) + strlen(lang) + strlen(as) + strlen(own) + strlen(r->raw_uri) + 3 * 21 + 8;
	char *key = arena_alloc(&r->a, n), *at = key;
	const char *end = key + n - 1;
	at = put(at, end, kind, strlen(kind));
	at = PUT_LIT(at, end, "|");
	at = put(at, end, lang, strlen(lang));
	at = PUT_LIT(at, end, "|");
	at = put(at, end, as, 4);
	at = PUT_LIT(at, end, "|");
	at = put_u64(at, end, (uint64_t)r->user_id);
	at = PUT_LIT(at, end, ".");
	at = put_u64(at, end, (uint64_t)r->user_version);
	at = PUT_LIT(at, end, ".");
	at = put_u64(at, end, (uint64_t)r->role);
	at = put(at, end, own, strlen(own));
	at = PUT_LIT(at, end, "|");
	put(at, end, r->raw_uri, strlen(r->raw_uri));
	r->cache_key = key; /* kind|lang|html|user.version.role own|uri */
	if (!kept_answer(r, out, version))
		return 0;
	if (r->api)
		out->content_type = "application/json; charset=utf-8";
	else
		out->html = 1;
	return 1;
}

int http_cache_lookup_at(req *r, resp *out, const char *kind, const char *extra, int64_t version,
			 const char *const *args)
{
	return keepable(r, args) ? cached_answer(r, out, kind, arena_printf(&r->a, ".%s", extra), version) : 0;
}

/* The named version as the session lookup read it: the sum of its rows
 * ("events=4,events=9": one per shard, DB_VERSIONS_SQL); 1 when it did. */
static int known_version(const req *r, const char *name, int64_t *version)
{
	size_t n = strlen(name);
	int found = 0;
	*version = 0;
	for (const char *p = r->versions; p && *p;) {
		const char *end = strchr(p, ',');
		if (!strncmp(p, name, n) && p[n] == '=') {
			char num[24];
			int64_t v;
			size_t l = (size_t)((end ? end : p + strlen(p)) - (p + n + 1));
			if (l >= sizeof(num))
				return 0;
			memcpy(num, p + n + 1, l);
			num[l] = '\0';
			if (parse_i64(num, 0, INT64_MAX, &v) || v > INT64_MAX - *version)
				return 0;
			*version += v;
			found = 1;
		}
		p = end ? end + 1 : NULL;
	}
	return found;
}

int http_data_version(req *r, db *d, const char *name, int64_t *version, err *e)
{
	int rc = r->versions ? 0 : db_versions(d, &r->a, &r->versions, e);
	if (!rc && !known_version(r, name, version))
		rc = db_data_version(d, &r->a, name, version, e);
	return rc;
}

int http_cache_lookup(req *r, resp *out, db *d, const char *version_name, const char *const *args,
		      int64_t *version, err *e)
{
	if (!keepable(r, args))
		return 0;
	/* A page of nobody's data but the member's own (their account, by
	 * session): no shared version to read, kept per session. */
	const char *own = "";
	if (!version_name) {
		if (!r->user_id)
			return 0;
		char hash[AUTH_HASH_HEX + 1] = "token";
		if (r->session)
			auth_token_hash(r->session, hash);
		own = arena_printf(&r->a, ".%.16s", hash);
		*version = 0;
	} else {
		/* A visitor's versions: from the database only when something
		 * was committed since this process last read them (db_versions). */
		int rc = r->versions ? 0 : db_versions(d, &r->a, &r->versions, e);
		/* "content+comments": a page made of two kinds of data is made
		 * from the sum of their versions, which either one's change moves. */
		*version = 0;
		for (const char *p = version_name; !rc && *p;) {
			const char *plus = strchr(p, '+');
			const char *name = plus ? arena_printf(&r->a, "%.*s", (int)(plus - p), p) : p;
			int64_t v = 0;
			if (!known_version(r, name, &v))
				rc = db_data_version(d, &r->a, name, &v, e);
			*version += v;
			p = plus ? plus + 1 : p + strlen(p);
		}
		if (rc)
			return rc;
	}
	return cached_answer(r, out, version_name ? version_name : "own", own, *version);
}

void http_cache_keep(req *r, const resp *out, int64_t version, int ttl)
{
	if (r->cache_key && out->body && !out->cookies[0] && page_cache_admit(r->cache, r->cache_key))
		page_cache_put(r->cache, r->cache_key, version, ttl, out->body, out->body_len);
}

int http_feed_lookup(req *r, resp *out, const char *version_name, const char *const *args, const char *type,
		     int64_t *version, err *e)
{
	r->set_lang_cookie = 0;
	int rc = http_cache_lookup(r, out, r->db, version_name, args, version, e);
	if (rc > 0) {
		out->html = 0;
		out->content_type = type;
		out->cache_control = "public, max-age=300";
	}
	return rc;
}

void http_feed_answer(req *r, resp *out, buf *b, const char *type, int64_t version, int ttl)
{
	out->body = buf_detach(b, &out->body_len);
	out->body_owned = 1;
	out->content_type = type;
	out->cache_control = "public, max-age=300";
	http_cache_keep(r, out, version, ttl);
}

void http_cache_store(req *r, resp *out, const char *version_name, int64_t version, int ttl)
{
	(void)version_name;
	if (!r->cache_key || (!out->page && !r->api) || (out->status && out->status != 200) || out->location ||
	    out->cookies[0] || !page_cache_admit(r->cache, r->cache_key))
		return;
	buf b = BUF_INIT;
	err e;
	if (r->api) {
		/* The API answer is the model itself; it holds no token. */
		json_to_buf(out->model, JSON_COMPACT, &b);
		buf_addc(&b, '\n');
		page_cache_put(r->cache, r->cache_key, version, ttl, b.s, b.len);
		json_decref(out->model);
		out->model = NULL;
		if (!kept_answer(r, out, version)) {
			out->body = buf_detach(&b, &out->body_len);
			out->body_owned = 1;
			out->cached = 1;
		}
		out->content_type = "application/json; charset=utf-8";
		buf_release(&b);
		return;
	}
	if (!http_render_html(r, out, PAGE_CACHE_SLOT, &b, &e)) {
		page_cache_put(r->cache, r->cache_key, version, ttl, b.s, b.len);
		if (kept_answer(r, out, version)) {
			json_decref(out->model);
			out->model = NULL;
			out->html = 1;
		}
	}
	buf_release(&b);
}

void http_download(req *r, resp *out, buf *b, const char *content_type, const char *filename)
{
	out->body = buf_detach(b, &out->body_len);
	out->body_owned = 1;
	out->content_type = content_type;
	out->cache_control = "no-store";
	out->disposition = arena_printf(&r->a, "attachment; filename=\"%s\"", filename);
}

void http_pager(json_t *m, int64_t page, int more)
{
	json_object_set_new(m, "page", json_integer(page));
	if (more)
		json_object_set_new(m, "next_page", json_integer(page + 1));
	if (page > 1)
		json_object_set_new(m, "prev_page", json_integer(page - 1));
}

/* ---- responses a handler describes ---- */

int http_error(req *r, resp *out, unsigned status, const char *code, const char *message_key)
{
	out->status = status;
	out->page = "errors/error.html";
	out->title = message_key;
	out->model = json_pack("{s:{s:s,s:s,s:i}}", "error", "code", code, "message",
			       i18n_get(r->lang, message_key), "status", (int)status);
	return 0;
}

int http_page(req *r, resp *out, unsigned status, const char *page, const char *title_key, json_t *model)
{
	(void)r;
	out->status = status;
	out->page = page;
	out->title = title_key;
	out->model = model;
	return 0;
}

void http_form_errors(req *r, json_t *m)
{
	json_t *errors = r->errors ? r->errors : json_object();
	json_object_set(m, "form", r->form ? r->form : json_object());
	json_object_set(m, "errors", errors);
	json_object_set_new(m, "error", json_pack("{s:s,s:s,s:O}", "code", "invalid", "message",
						  i18n_get(r->lang, "form.fix_errors"), "fields", errors));
}

int http_form_again(req *r, resp *out, const char *page, const char *title_key, json_t *extra)
{
	json_t *m = extra ? extra : json_object();
	http_form_errors(r, m);
	return http_page(r, out, 422, page, title_key, m);
}

int http_invalid(req *r, resp *out, const char *message_key)
{
	http_error(r, out, 422, "invalid", message_key);
	if (!r->errors)
		return 0;
	json_t *error = json_object_get(out->model, "error");
	json_object_set(error, "fields", r->errors);
	/* The page says what was wrong, each field's message a line. */
	if (!r->api) {
		json_t *lines = json_array();
		const char *name;
		json_t *why;
		json_object_foreach(r->errors, name, why)
			json_array_append_new(lines, json_pack("{s:O}", "message", why));
		json_object_set_new(error, "lines", lines);
	}
	return 0;
}

int http_redirect(req *r, resp *out, const char *location)
{
	(void)r;
	out->status = 303;
	out->location = location;
	return 0;
}

/* ---- request context ---- */

static void req_free(req *r)
{
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	for (struct field *f = r->fields; f; f = f->next)
		buf_release(&f->value);
	buf_release(&r->body);
	page_cache_done(r->held);
	arena_release(&r->a);
	free(r);
}

/* A connection holds the request it is reading. libmicrohttpd gives the
 * request back through NOTIFY_COMPLETED, except when it closes the
 * connection itself before the handler ever ran: a request whose query
 * arguments or cookies overflow its per-connection memory. Then the
 * connection's close frees it (on_connection), so nothing a request
 * allocates outlives its connection, however the connection ends. */
struct conn_slot {
	req *r;
};

static void log_request(const req *r, int aborted);

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	(void)c;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&s->connections, 1);
		*socket_context = calloc(1, sizeof(struct conn_slot));
		if (!*socket_context)
			abort();
		return;
	}
	atomic_fetch_sub(&s->connections, 1);
	struct conn_slot *slot = *socket_context;
	if (slot && slot->r) {
		log_request(slot->r, 1);
		req_free(slot->r);
	}
	free(slot);
	*socket_context = NULL;
}

static struct conn_slot *slot_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* MHD calls this with the raw request target before the access handler;
 * what it returns becomes the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct server *s = cls;
	req *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	struct conn_slot *slot = slot_of(c);
	if (slot) {
		if (slot->r) { /* the connection's last request never completed */
			log_request(slot->r, 1);
			req_free(slot->r);
		}
		slot->r = r;
	}
	arena_init(&r->a);
	r->cfg = s->cfg;
	r->t0 = now_us();
	r->body = (buf)BUF_INIT;
	r->fields_tail = &r->fields;
	r->cache = s->cache;
	size_t n = strlen(uri);
	r->raw_uri = arena_strndup(&r->a, uri, n > 512 ? 512 : n);
	if (n > s->cfg->max_uri)
		r->status = 414;
	else if (strstr(uri, "%00"))
		r->status = 400;
	return r;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *filename, const char *content_type,
				 const char *transfer_encoding, const char *data, uint64_t off,
				 size_t size)
{
	req *r = cls;
	(void)kind;
	(void)transfer_encoding;
	if (!key)
		key = ""; /* a multipart part may carry no name at all */
	struct field *last = r->fields_tail == &r->fields ? NULL
		: (struct field *)((char *)r->fields_tail - offsetof(struct field, next));
	if (off == 0 || !last || strcmp(last->name, key)) {
		if (r->nfields >= MAX_FIELDS) {
			r->body_error = 413;
			return MHD_NO;
		}
		struct field *f = arena_alloc(&r->a, sizeof(*f));
		f->name = arena_strdup(&r->a, key);
		f->value = (buf)BUF_INIT;
		f->filename = arena_strdup(&r->a, filename);
		f->content_type = arena_strdup(&r->a, content_type);
		*r->fields_tail = f;
		r->fields_tail = &f->next;
		r->nfields++;
		last = f;
	}
	buf_add(&last->value, data, size);
	return MHD_YES;
}

static int is_type(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return ct && !strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* ---- answering ---- */

static void add_security_headers(const req *r, struct MHD_Response *m)
{
	if (r->cfg->https)
		MHD_add_response_header(m, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(m, "Content-Security-Policy", csp);
	MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(m, "Referrer-Policy", "strict-origin-when-cross-origin");
	MHD_add_response_header(m, "X-Frame-Options", "DENY");
	MHD_add_response_header(m, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(m, "Permissions-Policy", "camera=(self), geolocation=(), microphone=()");
}

static enum MHD_Result queue(req *r, unsigned status, struct MHD_Response *m, int keep)
{
	enum MHD_Result ok = MHD_queue_response(r->conn, status, m);
	if (ok == MHD_YES)
		r->status = status;
	else
		log_warn("could not queue a %u response for %s %s", status, r->method_name, r->raw_uri);
	if (!keep)
		MHD_destroy_response(m);
	return ok;
}

/* The page cache's unmake: a response kept beside a page it gave up
 * (libmicrohttpd frees it once the last connection sending it is done). */
static void unmake_answer(void *m)
{
	MHD_destroy_response(m);
}

/* The layout's globals for this request (view/layout.c). */
static json_t *page_globals(req *r, const resp *out)
{
	struct layout l = {
		.lang = r->lang,
		.site_name = r->cfg->val[r->lang == LANG_ZH ? CFG_SITE_NAME_ZH : CFG_SITE_NAME_EN],
		.path = r->path,
		.base_url = r->cfg->val[CFG_BASE_URL],
		.csrf = r->csrf,
		.title = out->title_text ? out->title_text : out->title ? i18n_get(r->lang, out->title) : "",
		.user_id = r->user_id,
		.user_name = r->user_name,
		.role = r->role ? auth_role_name(r->role) : NULL,
	};
	struct nav_item nav[FEATURES_MAX_NAV];
	l.nav = nav;
	l.nnav = features_nav(nav, FEATURES_MAX_NAV);
	return view_layout(&r->a, &l);
}

int http_render_html(req *r, const resp *out, const char *token, buf *b, err *e)
{
	const char *own = r->csrf;
	r->csrf = token;
	json_t *g = page_globals(r, out);
	r->csrf = own;
	int rc = view_render(out->page, r->lang, g, out->model, b, e);
	json_decref(g);
	return rc;
}

/* Text worth compressing (images and PDFs are compressed already). */
static int compressible(const char *ctype)
{
	static const char *const types[] = { "text/", "application/json", "application/javascript", "image/svg+xml" };
	for (size_t i = 0; ctype && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strncmp(ctype, types[i], strlen(types[i])))
			return 1;
	return 0;
}

/* A gzip copy of p (malloc'd), at zlib's fastest level: a page made for
 * one request is compressed once, so speed counts more than the last few
 * per cent (kept pages are compressed once at level 6, page_cache.c).
 * NULL when it would not be smaller. */
static char *gzip_copy(const void *p, size_t n, size_t *len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, n);
	char *out = malloc(cap);
	if (!out)
		abort();
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*len = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *len >= n) {
		free(out);
		return NULL;
	}
	return out;
}

/* A response of out's ready body; gz: compress it for this reader when it
 * is worth it and is not already. */
static struct MHD_Response *body_response(resp *out, int gz)
{
	size_t zlen = 0;
	char *z = gz && !out->gzipped ? gzip_copy(out->body, out->body_len, &zlen) : NULL;
	if (z) {
		if (out->body_owned)
			free((void *)(uintptr_t)out->body);
		out->body = z;
		out->body_len = zlen;
		out->body_owned = 1;
		out->gzipped = 1;
	}
	struct MHD_Response *m;
	if (out->kept && !out->body_owned) {
		/* The kept page's own memory: used until this response is freed. */
		page_cache_use(out->kept);
		m = MHD_create_response_from_buffer_with_free_callback_cls(out->body_len, (void *)(uintptr_t)out->body,
									   page_cache_unuse, out->kept);
		if (!m)
			page_cache_unuse(out->kept);
	} else {
		m = MHD_create_response_from_buffer(out->body_len, (void *)(uintptr_t)out->body, /* MHD only reads it */
						    out->body_owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	}
	out->body_owned = 0;
	return m;
}

/* The response for out with the headers every reader of it gets; status
 * may change (a redirect, a page that failed to render). */
static struct MHD_Response *make_response(req *r, resp *out, unsigned *status, int gz)
{
	struct MHD_Response *m;
	const char *ctype = out->content_type;

	if (out->location) {
		m = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (m)
			MHD_add_response_header(m, "Location", out->location);
		if (*status < 300 || *status > 399)
			*status = 303;
	} else if (out->body) {
		if (out->html)
			ctype = "text/html; charset=utf-8";
		m = body_response(out, gz);
	} else {
		buf b;
		buf_init(&b, 32768); /* a page in one allocation, not a dozen doublings */
		if (!out->model)
			out->model = json_object();
		if (r->api || !out->page) {
			json_to_buf(out->model, JSON_COMPACT, &b);
			buf_addc(&b, '\n');
			ctype = "application/json; charset=utf-8";
		} else {
			err e;
			int rc = http_render_html(r, out, csrf_of(r), &b, &e);
			if (rc) {
				log_error("render %s: %s", out->page, e.msg);
				buf_reset(&b);
				*status = 500;
				json_decref(out->model);
				http_error(r, out, 500, "internal", "error.internal");
				if (http_render_html(r, out, csrf_of(r), &b, &e)) {
					buf_reset(&b);
					buf_adds(&b, "500 Internal Server Error\n");
				}
			}
			ctype = "text/html; charset=utf-8";
		}
		size_t len, zlen = 0;
		char *body = buf_detach(&b, &len);
		char *z = len >= PAGE_CACHE_GZIP_MIN && takes_gzip(r) ? gzip_copy(body, len, &zlen) : NULL;
		if (z) {
			free(body);
			body = z;
			len = zlen;
			out->gzipped = 1;
		}
		m = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (!m)
		return NULL;
	if (ctype)
		MHD_add_response_header(m, "Content-Type", ctype);
	if (out->gzipped)
		MHD_add_response_header(m, "Content-Encoding", "gzip");
	add_security_headers(r, m);
	if (out->etag)
		MHD_add_response_header(m, "ETag", out->etag);
	MHD_add_response_header(m, "Cache-Control", out->cache_control ? out->cache_control : "no-cache");
	if (out->allow)
		MHD_add_response_header(m, "Allow", out->allow);
	if (out->disposition)
		MHD_add_response_header(m, "Content-Disposition", out->disposition);
	if (out->retry_after) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%u", out->retry_after);
		MHD_add_response_header(m, "Retry-After", ra);
	}
	if (!out->body || out->html || out->cached) {
		MHD_add_response_header(m, "Vary", "Accept, Accept-Language, Cookie, Accept-Encoding");
		MHD_add_response_header(m, "Content-Language", lang_html(r->lang));
	} else if (compressible(ctype)) {
		MHD_add_response_header(m, "Vary", "Accept-Encoding");
	}
	return m;
}

static enum MHD_Result send_resp(req *r, resp *out)
{
	unsigned status = out->status ? out->status : 200;
	/* PostgreSQL's watch hears another server's commit a moment after it:
	 * the member who wrote reads what the database holds for a while,
	 * whichever server their next request reaches. */
	uint64_t heard;
	int fresh = !r->bearer && (db_committed() || !(r->method & M_SAFE)) && db_watch_state(&heard) >= 0;
	const char *ctype = out->html ? "text/html; charset=utf-8" : out->content_type;
	r->page = status == 200 && !r->api && !out->location && (out->html || (!out->body && out->page));
	int gz = out->body && !out->gzipped && out->body_len >= PAGE_CACHE_GZIP_MIN && compressible(ctype) &&
		 takes_gzip(r);
	/* The same for every reader, headers and all: one response serves
	 * them all, made by the first (the slot holds it; a second made at
	 * the same moment is let go). */
	if (out->shared && out->body && !out->location && status == 200 && !r->new_csrf && !out->cookies[0] &&
	    !fresh && !r->set_lang_cookie && !r->over_capacity && !out->retry_after) {
		_Atomic(void *) *slot = &out->shared[gz || out->gzipped];
		struct MHD_Response *m = atomic_load(slot);
		if (!m) {
			void *none = NULL;
			m = make_response(r, out, &status, gz);
			if (!m)
				return MHD_NO;
			if (!atomic_compare_exchange_strong(slot, &none, m)) {
				MHD_destroy_response(m);
				m = none;
			}
		}
		if (out->body_owned)
			free((void *)(uintptr_t)out->body);
		out->body_owned = 0;
		json_decref(out->model);
		out->model = NULL;
		return queue(r, status, m, 1);
	}
	struct MHD_Response *m = make_response(r, out, &status, gz);
	if (!m)
		return MHD_NO;
	if (r->new_csrf)
		MHD_add_response_header(m, "Set-Cookie",
					arena_printf(&r->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", csrf_cookie(r), r->csrf,
						     r->cfg->https ? "; Secure" : ""));
	for (size_t i = 0; i < sizeof(out->cookies) / sizeof(out->cookies[0]) && out->cookies[i]; i++)
		MHD_add_response_header(m, "Set-Cookie", out->cookies[i]);
	if (fresh && status < 400)
		MHD_add_response_header(m, "Set-Cookie",
					arena_printf(&r->a, FRESH_COOKIE "=1; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
						     FRESH_SECONDS, r->cfg->https ? "; Secure" : ""));
	if (r->set_lang_cookie)
		MHD_add_response_header(m, "Set-Cookie",
					arena_printf(&r->a, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax",
						     lang_code(r->lang)));
	if (r->over_capacity || status == 413 || status == 400)
		MHD_add_response_header(m, "Connection", "close");
	json_decref(out->model);
	out->model = NULL;
	return queue(r, status, m, 0);
}

static enum MHD_Result fail_in(req *r, unsigned status, const char *code, const char *key);

static enum MHD_Result fail(req *r, unsigned status, const char *code, const char *key)
{
	/* Also called outside dispatch (early answers), where no arena is
	 * current; inside it, what the request made before the failure is
	 * still the arena's and is let go after this returns. */
	arena *was = json_arena_begin(&r->a);
	enum MHD_Result res = fail_in(r, status, code, key);
	json_arena_begin(was);
	return res;
}

static enum MHD_Result fail_in(req *r, unsigned status, const char *code, const char *key)
{
	resp out = { 0 };
	http_error(r, &out, status, code, key);
	if (status == 503)
		out.retry_after = 5;
	return send_resp(r, &out);
}

/* ---- the one place that decides ---- */

static int csrf_ok(req *r)
{
	const char *cookie = req_cookie(r, csrf_cookie(r));
	const char *sent = req_form(r, "_csrf");
	if (!sent)
		sent = req_header(r, "X-CSRF-Token");
	if (!auth_csrf_valid(cookie) || !sent || strlen(cookie) != strlen(sent))
		return 0;
	return sodium_memcmp(cookie, sent, strlen(cookie)) == 0;
}

static int origin_ok(req *r)
{
	/* A browser names the page a cross-site form came from; it must be us. */
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, MHD_HTTP_HEADER_HOST);
	if (!origin || !strcmp(origin, "null"))
		return origin == NULL;
	const char *p = strstr(origin, "://");
	return host && p && !strcmp(p + 3, host);
}

static void choose_lang(req *r)
{
	int l = lang_parse(req_query(r, "lang"));
	if (l >= 0) {
		r->lang = l;
		r->set_lang_cookie = 1;
		return;
	}
	if ((l = lang_parse(req_cookie(r, "lang"))) >= 0) {
		r->lang = l;
		return;
	}
	l = lang_from_accept(req_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	r->lang = l >= 0 ? l : r->cfg->default_lang;
}

static enum MHD_Result check_utf8(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	int *bad = cls;
	(void)kind;
	if (!utf8_valid(key, strlen(key)) || (value && !utf8_valid(value, strlen(value)))) {
		*bad = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

/* A JSON object body becomes form fields, so one handler serves forms and
 * JSON alike: strings and numbers as text, true as "1" (a ticked box);
 * false and null are left out. Anything else is a bad request. */
static int json_fields(req *r)
{
	json_error_t je;
	json_t *o = json_loadb(r->body.s, r->body.len, JSON_REJECT_DUPLICATES, &je);
	const char *k;
	json_t *v;
	int rc = json_is_object(o) ? 0 : -1;
	json_object_foreach(o, k, v) {
		char num[32];
		const char *text = NULL;
		if (rc)
			break;
		if (json_is_string(v))
			text = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v)), text = num;
		else if (json_is_real(v))
			snprintf(num, sizeof(num), "%g", json_real_value(v)), text = num;
		else if (json_is_true(v))
			text = "1";
		else if (!json_is_false(v) && !json_is_null(v))
			rc = -1;
		if (!text)
			continue;
		if (r->nfields >= MAX_FIELDS || !utf8_valid(text, strlen(text))) {
			rc = -1;
			break;
		}
		struct field *f = arena_alloc(&r->a, sizeof(*f));
		f->name = arena_strdup(&r->a, k);
		f->value = (buf)BUF_INIT;
		buf_adds(&f->value, text);
		*r->fields_tail = f;
		r->fields_tail = &f->next;
		r->nfields++;
	}
	json_decref(o);
	return rc;
}

static enum MHD_Result answer(req *r, int rc, resp *out0);

void http_suspend(req *r, handler_fn then)
{
	r->then = then;
	MHD_suspend_connection(r->conn);
}

void http_resume(req *r)
{
	MHD_resume_connection(r->conn);
}

/* The second half of a suspended request: the continuation answers. */
static enum MHD_Result resume(req *r)
{
	resp out = { 0 };
	handler_fn then = r->then;
	r->then = NULL;
	return answer(r, then(r, &out), &out);
}

static enum MHD_Result dispatch(struct server *s, req *r)
{
	int bad = 0;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_utf8, &bad);
	if (bad || !utf8_valid(r->path, strlen(r->path)))
		return fail(r, 400, "bad_utf8", "error.bad_utf8");
	for (struct field *f = r->fields; f; f = f->next)
		if (!f->filename && !utf8_valid(f->value.s, f->value.len))
			return fail(r, 400, "bad_utf8", "error.bad_utf8");

	const char *path = r->path;
	if (!strncmp(path, "/api/v1/", 8) || !strcmp(path, "/api/v1")) {
		r->api = 1;
		path = path[7] ? path + 7 : "/";
	} else {
		const char *accept = req_header(r, MHD_HTTP_HEADER_ACCEPT);
		r->api = accept && is_type(accept, "application/json");
	}

	int allowed = 0;
	int rc = router_match(s->tables, s->ntables, r->method, path, &r->a, &r->route,
			      r->param_names, r->params, &r->nparams, &allowed);
	if (rc == ERR_NOTFOUND)
		return fail(r, 404, "not_found", "error.not_found");
	if (rc) {
		resp out = { 0 };
		http_error(r, &out, 405, "method_not_allowed", "error.method");
		out.allow = http_methods_text(&r->a, allowed);
		return send_resp(r, &out);
	}
	/* A row's id in the path (:id, :draw, :item...) is a whole number from
	 * 1, or no such page: checked here once, not in every handler. */
	for (int i = 0; i < r->nparams; i++)
		if (!text_param(r->param_names[i]) && !req_num(r, r->param_names[i]))
			return fail(r, 404, "not_found", "error.not_found");
	if (r->body_error == 413)
		return fail(r, 413, "too_large", "error.too_large");
	if (!r->body_error && r->body.len && is_type(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), "application/json") &&
	    json_fields(r))
		return fail(r, 400, "bad_json", "error.bad_json");
	if (r->body_error)
		return fail(r, 400, "bad_form", "error.bad_form");

	/* Who is asking: an API token, or the session cookie, names an account
	 * or nobody. A token that names nobody is refused, not ignored. */
	const char *authz = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *sid = req_cookie(r, "sid");
	if (authz || sid) {
		err e = ERR_INIT;
		struct auth_user *u = NULL;
		db *d = db_thread(&e);
		int bearer = authz && !strncasecmp(authz, "Bearer ", 7);
		if (authz && !bearer)
			return fail(r, 401, "bad_token", "error.bad_token");
		int arc = !d ? ERR_UNAVAILABLE
			  : bearer ? auth_api_token_user(d, &r->a, authz + 7, r->method & M_SAFE, &u, &e)
				   : auth_session_user(d, &r->a, sid, r->method & M_SAFE, &u, &e);
		if (arc) {
			log_error("who is asking: %s", e.msg);
			return fail(r, 503, "unavailable", "error.unavailable");
		}
		if (bearer && !u) {
			r->api = 1;
			return fail(r, 401, "bad_token", "error.bad_token");
		}
		if (u) {
			r->user_id = u->id;
			r->user_version = u->version;
			r->versions = u->versions;
			r->user_name = u->name;
			r->user_lang = u->lang;
			r->role = u->role;
			r->session = bearer ? NULL : sid;
			r->bearer = bearer;
			r->api |= bearer;
		}
	}
	/* Authorization: every route declares who it lets in. */
	unsigned verdict = auth_allowed(r->route->allow, r->role);
	if (verdict == 401 && !r->api && (r->method & M_SAFE)) {
		resp out = { 0 };
		buf next = BUF_INIT;
		buf_url_arg(&next, r->path);
		http_redirect(r, &out, arena_printf(&r->a, "/login?next=%s", next.s));
		buf_release(&next);
		return send_resp(r, &out);
	}
	if (verdict == 401)
		return fail(r, 401, "sign_in", "error.sign_in");
	if (verdict)
		return fail(r, 403, "forbidden", "error.forbidden");
	/* What makes or ends credentials wants the person, not a script. */
	if (r->bearer && (r->route->flags & ROUTE_SESSION))
		return fail(r, 403, "session_only", "error.session_only");
	/* CSRF rides on cookies a browser sends by itself; a token does not. */
	if (!(r->method & M_SAFE) && r->route->csrf && !r->bearer && (!origin_ok(r) || !csrf_ok(r)))
		return fail(r, 403, "csrf", "error.csrf");

	/* The request's database handle, the row the route loads, and its
	 * inputs checked: what every handler starts from. */
	resp out = { 0 };
	if (!(r->route->flags & ROUTE_NODB)) {
		err e = ERR_INIT;
		if (!(r->db = db_thread(&e))) {
			log_error("database: %s", e.msg);
			return fail(r, 503, "unavailable", "error.unavailable");
		}
	}
	const struct loader *ld = r->route->load;
	if (ld) {
		err e = ERR_INIT;
		rc = ld->load(r, &e);
		if (rc == ERR_NOTFOUND)
			return fail(r, 404, ld->missing_code ? ld->missing_code : "not_found",
				    ld->missing_key ? ld->missing_key : "error.not_found");
		if (rc) {
			log_error("%s: loading the %s: %s", r->route->name, ld->name, e.msg);
			return answer(r, rc, &out);
		}
	}
	enum MHD_Result res;
	if (inputs_check(r)) {
		if (r->route->invalid) {
			res = answer(r, r->route->invalid(r, &out), &out);
		} else {
			http_invalid(r, &out, "form.fix_errors");
			res = send_resp(r, &out);
		}
	} else {
		rc = r->route->fn(r, &out);
		/* Suspended: http_resume brings it back (its continuation reads
		 * what it handed over, not the inputs' JSON). */
		res = !rc && r->then ? MHD_YES : answer(r, rc, &out);
	}
	/* What a page took of these holds its own reference. */
	json_decref(r->form);
	json_decref(r->errors);
	r->form = r->errors = NULL;
	return res;
}

/* What a handler (or a continuation after http_resume) returned, sent. */
static enum MHD_Result answer(req *r, int rc, resp *out0)
{
	resp out = *out0;
	if (rc == ERR_UNAVAILABLE || rc == ERR_BUSY) {
		json_decref(out.model);
		return fail(r, 503, "unavailable", "error.unavailable");
	}
	if (rc) {
		json_decref(out.model);
		return fail(r, 500, "internal", "error.internal");
	}
	return send_resp(r, &out);
}

static void new_csrf_token(req *r)
{
	char text[AUTH_CSRF_LEN + 1];
	auth_csrf_new(text);
	r->csrf = arena_strdup(&r->a, text);
	r->new_csrf = 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	struct server *s = cls;
	req *r = *con_cls;
	(void)version;
	if (!r)
		return MHD_NO; /* on_uri always runs first; be safe anyway */
	if (r->calls++ == 0) {
		r->conn = c;
		r->method_name = arena_strdup(&r->a, method);
		r->method = http_method_from_name(method);
		r->path = arena_strdup(&r->a, url);
		const char *ua = req_header(r, MHD_HTTP_HEADER_USER_AGENT);
		r->client = ua ? arena_strndup(&r->a, ua, strlen(ua) > 200 ? 200 : strlen(ua)) : "";
		if (!utf8_valid(r->client, strlen(r->client)))
			r->client = "";
		choose_lang(r);
		/* Only a token this site made is taken (it is then safe to place
		 * in a page as it is); else one is made when a page needs it. */
		const char *cookie = req_cookie(r, csrf_cookie(r));
		if (auth_csrf_valid(cookie))
			r->csrf = cookie;
		r->fresh = req_cookie(r, FRESH_COOKIE) != NULL;
		if (atomic_load(&s->connections) > (int)s->cfg->max_connections) {
			r->over_capacity = 1;
			return fail(r, 503, "busy", "error.busy");
		}
		if (r->status == 414)
			return fail(r, 414, "uri_too_long", "error.uri_too_long");
		if (r->status == 400 || !r->method)
			return fail(r, r->method ? 400 : 405, "bad_request", "error.bad_request");
		const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
		int multipart = is_type(ct, "multipart/form-data");
		r->body_limit = multipart ? s->cfg->max_upload : s->cfg->max_body;
		const char *cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t declared;
		if (cl && !parse_i64(cl, 0, INT64_MAX, &declared) && (uint64_t)declared > r->body_limit)
			return fail(r, 413, "too_large", "error.too_large");
		if (multipart || is_type(ct, "application/x-www-form-urlencoded")) {
			r->pp = MHD_create_post_processor(c, POST_BUFFER, post_iter, r);
			if (!r->pp)
				r->body_error = 400; /* e.g. multipart without a boundary */
		}
		return MHD_YES; /* answering on the first call would cost keep-alive */
	}
	if (r->status) {
		*data_size = 0; /* answered early (413, 414...): drop the rest */
		return MHD_YES;
	}
	if (*data_size) {
		size_t n = *data_size;
		*data_size = 0;
		r->body_bytes += n;
		if (r->body_bytes > r->body_limit) {
			/* A chunked body states no length. libmicrohttpd cannot answer
			 * mid-upload, so the rest is read and dropped and 413 goes out
			 * at the end; a stream far past the limit is cut off. */
			r->body_error = 413;
			return r->body_bytes / 4 > r->body_limit ? MHD_NO : MHD_YES;
		}
		if (r->body_error)
			return MHD_YES;
		if (r->pp) {
			if (MHD_post_process(r->pp, data, n) != MHD_YES && !r->body_error)
				r->body_error = 400;
		} else {
			buf_add(&r->body, data, n);
		}
		return MHD_YES;
	}
	if (r->pp) {
		if (MHD_destroy_post_processor(r->pp) != MHD_YES && !r->body_error)
			r->body_error = 400; /* truncated or malformed form */
		r->pp = NULL;
	}
	json_arena_begin(&r->a);
	db_fresh(r->fresh);
	enum MHD_Result res = r->then ? resume(r) : dispatch(s, r);
	db_fresh(0);
	json_arena_end();
	return res;
}

/* One access-log line per request, however it ended. Put together by
 * hand: snprintf was half of the line's cost on a small request. */
static void log_request(const req *r, int aborted)
{
	if (log_access_fd() < 0)
		return;
	char line[1024], iso[32];
	const char *end = line + sizeof(line) - 1; /* room for the newline */
	const char *method = r->method_name ? r->method_name : "-", *uri = r->raw_uri ? r->raw_uri : "-";
	time_iso(unix_now(), iso);
	char *at = put(line, end, iso, strlen(iso));
	at = PUT_LIT(at, end, " access ");
	at = put(at, end, method, strlen(method));
	at = PUT_LIT(at, end, " ");
	at = put(at, end, uri, strlen(uri));
	at = PUT_LIT(at, end, " ");
	at = put_u64(at, end, r->status);
	at = PUT_LIT(at, end, " ");
	at = put_u64(at, end, now_us() - r->t0);
	at = PUT_LIT(at, end, "us");
	if (aborted)
		at = PUT_LIT(at, end, " aborted");
	*at++ = '\n';
	log_access_line(line, (int)(at - line));
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	req *r = *con_cls;
	if (!r)
		return;
	struct conn_slot *slot = slot_of(c);
	if (slot && slot->r == r)
		slot->r = NULL;
	log_request(r, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		metrics_request(r, now_us() - r->t0);
		if (r->route)
			features_seen(r);
	}
	req_free(r);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("libmicrohttpd: %s", msg);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, int *v6, err *e)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return err_set(e, ERR_INPUT, "listen '%s': expected address:port", listen);
	int64_t port;
	if (parse_i64(colon + 1, 0, 65535, &port))
		return err_set(e, ERR_INPUT, "listen '%s': bad port", listen);
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof(host))
		return err_set(e, ERR_INPUT, "listen '%s': address too long", listen);
	memcpy(host, listen, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return err_set(e, ERR_INPUT, "listen '%s': bad IPv6 address", listen);
		*v6 = 1;
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &a->sin_addr) != 1)
		return err_set(e, ERR_INPUT, "listen '%s': bad IPv4 address", listen);
	*v6 = 0;
	return 0;
}

int server_start(const config *cfg, const struct route_table *tables, size_t ntables,
		 struct server **out, err *e)
{
	struct sockaddr_storage ss;
	int v6 = 0;
	int rc = router_check(tables, ntables, e);
	if (!rc)
		rc = parse_listen(cfg->val[CFG_LISTEN], &ss, &v6, e);
	if (rc)
		return rc;
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->cfg = cfg;
	/* In dev mode templates change under us: nothing is cached. */
	s->cache = cfg->page_cache && !cfg->dev ? page_cache_new(unmake_answer) : NULL;
	s->tables = tables;
	s->ntables = ntables;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME | (v6 ? MHD_USE_IPv6 : 0);
	/* MHD's own limit sits above ours so that the overflow gets a 503 page
	 * instead of a dropped connection. */
	unsigned hard_limit = cfg->max_connections + cfg->max_connections / 8 + 16;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
				MHD_OPTION_CONNECTION_LIMIT, hard_limit,
				MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_header,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
				/* No MHD_OPTION_LISTENING_ADDRESS_REUSE: its default is
				 * SO_REUSEADDR (a restart binds at once); 1 would add
				 * SO_REUSEPORT, letting a second server share a port in use,
				 * and an explicit 0 drops SO_REUSEADDR too. */
				MHD_OPTION_STRICT_FOR_CLIENT, 1, /* e.g. HTTP/1.1 without Host: 400 */
				MHD_OPTION_END);
	if (!s->d) {
		page_cache_free(s->cache);
		free(s);
		return err_set(e, ERR_FAIL, "cannot listen on %s: the port is in use (another pgherd still running?) "
			       "or not allowed", cfg->val[CFG_LISTEN]);
	}
	*out = s;
	return 0;
}

unsigned server_port(const struct server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	page_cache_free(s->cache);
	free(s);
}

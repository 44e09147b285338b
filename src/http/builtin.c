/* builtin.c: health check, static assets built into the binary, and the
 * benchmark's ceiling response. */
#include "http/builtin.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/log.h"
#include "db/db.h"
#include "http/metrics.h"
#include "base/banned.h"

static int healthz(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = db_thread(&e);
	int rc = d ? db_ping(d, &e) : ERR_UNAVAILABLE;
	out->cache_control = "no-store";
	if (rc) {
		log_warn("healthz: %s", e.msg);
		out->status = 503;
		out->retry_after = 5;
		out->model = json_pack("{s:s,s:s}", "status", "unavailable", "database",
				       d ? db_engine_name(d) : "unreachable");
		return 0;
	}
	out->model = json_pack("{s:s,s:s,s:s}", "status", "ok", "database", db_engine_name(d),
			       "version", PGHERD_VERSION);
	/* PostgreSQL's watch (pg_watch): whether kept pages trust what it
	 * heard, and how many commits it heard (a test waits on the count). */
	uint64_t heard;
	int watch = db_watch_state(&heard);
	if (watch >= 0)
		json_object_set_new(out->model, "watch",
				    json_pack("{s:s,s:I}", "state", watch ? "listening" : "not listening",
					      "heard", (json_int_t)heard));
	(void)r;
	return 0;
}

static const struct { const char *ext, *type; } types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".webp", "image/webp" },
	{ ".woff2", "font/woff2" },
};

/* The responses made of each static file, the same for everyone who asks
 * (resp.shared): by file, by whether the address carries its hash. */
static _Atomic(void *) (*static_answers)[2][2];
static pthread_once_t static_once = PTHREAD_ONCE_INIT;

static void static_answers_new(void)
{
	static_answers = calloc(embed_count, sizeof(*static_answers));
	if (!static_answers)
		abort();
}

static int static_file(req *r, resp *out)
{
	const char *rest = req_param(r, "path");
	char name[256];
	if (!rest || strlen(rest) > 200)
		return http_error(r, out, 404, "not_found", "error.not_found");
	snprintf(name, sizeof(name), "web/static/%s", rest);
	const struct embed_file *f = embed_find(name);
	const char *type = NULL;
	const char *dot = strrchr(rest, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			type = types[i].type;
	if (!f || !type)
		return http_error(r, out, 404, "not_found", "error.not_found");
	out->etag = arena_printf(&r->a, "\"%s\"", f->hash);
	const char *v = req_query(r, "v");
	/* A URL carrying the content hash can be cached for good. */
	int forever = v && !strcmp(v, f->hash);
	out->cache_control = forever ? "public, max-age=31536000, immutable" : "public, max-age=300";
	pthread_once(&static_once, static_answers_new);
	out->shared = static_answers[f - embed_files][forever];
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strstr(inm, out->etag)) {
		out->status = 304;
		out->body = "";
		out->body_len = 0;
		return 0;
	}
	out->body = f->data;
	out->body_len = f->len;
	out->content_type = type;
	return 0;
}

static int robots(req *r, resp *out)
{
	const char *text = arena_printf(&r->a, "User-agent: *\nDisallow: /api/\nSitemap: %s/sitemap.xml\n",
					r->cfg->val[CFG_BASE_URL]);
	out->body = text;
	out->body_len = strlen(text);
	out->content_type = "text/plain; charset=utf-8";
	out->cache_control = "public, max-age=3600";
	return 0;
}

static int favicon(req *r, resp *out)
{
	const struct embed_file *f = embed_find("web/static/favicon.svg");
	if (!f)
		return http_error(r, out, 404, "not_found", "error.not_found");
	static _Atomic(void *) answers[2];
	out->body = f->data;
	out->body_len = f->len;
	out->content_type = "image/svg+xml";
	out->cache_control = "public, max-age=86400";
	out->shared = answers;
	return 0;
}

/* Every public page, for search engines: each feature adds its own. */
static int sitemap(req *r, resp *out)
{
	err e = ERR_INIT;
	buf b = BUF_INIT;
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	sitemap_url(r, &b, "/", 0);
	int rc = features_sitemap(r, r->db, &b, &e);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	buf_adds(&b, "</urlset>\n");
	out->body = buf_detach(&b, &out->body_len);
	out->body_owned = 1;
	out->content_type = "application/xml; charset=utf-8";
	out->cache_control = "public, max-age=3600";
	return 0;
}

#define X16 "pgherd-ceiling-\n"
#define X128 X16 X16 X16 X16 X16 X16 X16 X16
static const char bench_body[] = X128 X128 X128 X128 X128 X128 X128 X128;
_Static_assert(sizeof(bench_body) - 1 == 1024, "the ceiling response is 1 KB");

static int bench_1k(req *r, resp *out)
{
	if (!r->cfg->bench_endpoints)
		return http_error(r, out, 404, "not_found", "error.not_found");
	static _Atomic(void *) answers[2];
	out->body = bench_body;
	out->body_len = sizeof(bench_body) - 1;
	out->content_type = "text/plain";
	out->shared = answers;
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/healthz", healthz, EVERYONE, 0, "healthz", .flags = ROUTE_NODB },
	{ M_GET, "/static/*path", static_file, EVERYONE, 0, "static", .flags = ROUTE_NODB },
	{ M_GET, "/robots.txt", robots, EVERYONE, 0, "robots", .flags = ROUTE_NODB },
	{ M_GET, "/sitemap.xml", sitemap, EVERYONE, 0, "sitemap", .inputs = no_inputs },
	{ M_GET, "/favicon.ico", favicon, EVERYONE, 0, "favicon", .flags = ROUTE_NODB },
	{ M_GET, "/_bench/1k", bench_1k, EVERYONE, 0, "bench", .flags = ROUTE_NODB },
};

const struct route_table builtin_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

const struct feature builtin_feature = { .name = "site", .routes = { &builtin_routes, &prometheus_routes } };

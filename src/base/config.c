/* config.c: the settings table and its three sources: file, env, flags. */
#include "base/config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/lang.h"
#include "base/banned.h"

struct setting {
	const char *name;  /* file key and flag (with _ as -) */
	const char *env;
	const char *def;
	int secret;
	const char *help;
};

static const struct setting settings[CFG__COUNT] = {
	[CFG_DATABASE] = { "database", "PGHERD_DATABASE", "sqlite:./data/pgherd.db", 1,
		"sqlite:PATH or postgres://USER:PASS@HOST:PORT/DB (any libpq URL)" },
	[CFG_LISTEN] = { "listen", "PGHERD_LISTEN", "127.0.0.1:8080", 0,
		"address:port to serve HTTP on ([::1]:8080 for IPv6)" },
	[CFG_BASE_URL] = { "base_url", "PGHERD_BASE_URL", "http://127.0.0.1:8080", 0,
		"the address people reach the site at, for links in mail; https makes cookies Secure" },
	[CFG_SMTP_URL] = { "smtp_url", "PGHERD_SMTP_URL", "", 0,
		"smtp://host:587 or smtps://host:465 for outgoing mail; empty: mail goes to the log" },
	[CFG_SMTP_USER] = { "smtp_user", "PGHERD_SMTP_USER", "", 0, "SMTP login name, if the server wants one" },
	[CFG_SMTP_PASSWORD] = { "smtp_password", "PGHERD_SMTP_PASSWORD", "", 2, "SMTP password" },
	[CFG_MAIL_FROM] = { "mail_from", "PGHERD_MAIL_FROM", "pgherd <noreply@pgherd.local>", 0,
		"the sender of the community's mail" },
	[CFG_THREADS] = { "threads", "PGHERD_THREADS", "0", 0,
		"HTTP worker threads; 0 means one per CPU core on SQLite, four per core on PostgreSQL" },
	[CFG_DEV] = { "dev", "PGHERD_DEV", "off", 0,
		"on: templates and catalogs come from source_dir; templates reload on every request" },
	[CFG_SOURCE_DIR] = { "source_dir", "PGHERD_SOURCE_DIR", ".", 0,
		"the pgherd source tree, used when dev is on" },
	[CFG_DEFAULT_LANG] = { "default_lang", "PGHERD_DEFAULT_LANG", "zh", 0,
		"language when the visitor's browser states none: zh or en" },
	[CFG_SITE_NAME_ZH] = { "site_name_zh", "PGHERD_SITE_NAME_ZH", "PostgreSQL 中文社区", 0,
		"the community's name in Chinese" },
	[CFG_SITE_NAME_EN] = { "site_name_en", "PGHERD_SITE_NAME_EN", "PostgreSQL China Community", 0,
		"the community's name in English" },
	[CFG_MAX_BODY] = { "max_body", "PGHERD_MAX_BODY", "1M", 0,
		"largest request body accepted (413 beyond)" },
	[CFG_MAX_UPLOAD] = { "max_upload", "PGHERD_MAX_UPLOAD", "10M", 0,
		"largest multipart upload accepted (413 beyond)" },
	[CFG_MAX_URI] = { "max_uri", "PGHERD_MAX_URI", "4096", 0,
		"longest request target accepted (414 beyond)" },
	[CFG_MAX_HEADER] = { "max_header", "PGHERD_MAX_HEADER", "32K", 0,
		"memory for one request's line and headers (431 beyond)" },
	[CFG_CONN_TIMEOUT] = { "conn_timeout", "PGHERD_CONN_TIMEOUT", "30", 0,
		"seconds an idle or slow connection is kept" },
	[CFG_MAX_CONNECTIONS] = { "max_connections", "PGHERD_MAX_CONNECTIONS", "2048", 0,
		"simultaneous connections; more are answered 503" },
	[CFG_ACCESS_LOG] = { "access_log", "PGHERD_ACCESS_LOG", "-", 0,
		"access log: - for stderr, off, or a file path" },
	[CFG_LOG_LEVEL] = { "log_level", "PGHERD_LOG_LEVEL", "info", 0,
		"debug, info, warn or error" },
	[CFG_BENCH_ENDPOINTS] = { "bench_endpoints", "PGHERD_BENCH_ENDPOINTS", "off", 0,
		"on: serve what `make bench` measures: /_bench/1k, a fixed response, and /_bench/views, which writes synthetic page views (never on a live site)" },
	[CFG_PAGE_CACHE] = { "page_cache", "PGHERD_PAGE_CACHE", "on", 0,
		"on: keep rendered pages, checked against the data version on every request (always off when dev is on)" },
	[CFG_CARD_FONT] = { "card_font", "PGHERD_CARD_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 0,
		"a font with Chinese (TrueType, OpenType or a .ttc collection) to draw the link card of an event or article without a picture; off: they share the community's card" },
	[CFG_WISH_VOTES] = { "wish_votes", "PGHERD_WISH_VOTES", "0", 0,
		"votes a member may hold at once on the wish wall's open wishes (a vote on a wish that closes comes back); 0: no limit" },
	[CFG_PG_WATCH] = { "pg_watch", "PGHERD_PG_WATCH", "on", 0,
		"PostgreSQL: on: hear each commit (LISTEN/NOTIFY) and serve kept pages and known sessions without a statement "
		"while nothing changed (another server's commit shows a moment after it; a member's own at once); "
		"off: ask the database on every request (needed behind a pooler in transaction mode)" },
	[CFG_SEARCH_MEMORY] = { "search_memory", "PGHERD_SEARCH_MEMORY", "64M", 0,
		"memory the search may keep its index in, and the organization directory its copy for finding names "
		"(each up to this; each server its own, kept up to date from the database); "
		"one that needs more, or 0, searches through the database's own indexes, slower (on PostgreSQL by ten to forty times)" },
	[CFG_PAGE_VIEWS] = { "page_views", "PGHERD_PAGE_VIEWS", "on", 0,
		"on: count page views and active members for the numbers, without cookies or a tracker: a visitor is a "
		"hash of address and browser keyed with a salt that changes every day (written each second by one "
		"writer; a crash loses at most the last second)" },
	[CFG_PAGE_VIEWS_DAYS] = { "page_views_days", "PGHERD_PAGE_VIEWS_DAYS", "400", 0,
		"days page views are kept row by row (the sums of each day are kept for ever); 0: keep every row" },
};

static int set(config *c, int k, const char *val, const char *src)
{
	free(c->val[k]);
	free(c->src[k]);
	c->val[k] = strdup(val);
	c->src[k] = strdup(src);
	if (!c->val[k] || !c->src[k])
		abort();
	return 0;
}

static int find_key(const char *name, size_t n)
{
	for (int k = 0; k < CFG__COUNT; k++) {
		const char *s = settings[k].name;
		if (strlen(s) != n)
			continue;
		size_t i;
		for (i = 0; i < n; i++)
			if (s[i] != (name[i] == '-' ? '_' : name[i]))
				break;
		if (i == n)
			return k;
	}
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_file(config *c, const char *path, err *e)
{
	char *text;
	int rc = read_file(path, 1 << 20, &text, NULL, e);
	if (rc)
		return rc;
	int lineno = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		char *l = trim(line);
		if (!*l || *l == '#')
			continue;
		char *eq = strchr(l, '=');
		if (!eq) {
			rc = err_set(e, ERR_INPUT, "%s:%d: expected key = value", path, lineno);
			break;
		}
		*eq = '\0';
		char *key = trim(l), *val = trim(eq + 1);
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val[vl - 1] = '\0';
			val++;
		}
		int k = find_key(key, strlen(key));
		if (k < 0) {
			rc = err_set(e, ERR_INPUT, "%s:%d: unknown setting '%s'", path, lineno, key);
			break;
		}
		char src[300];
		snprintf(src, sizeof(src), "file %s:%d", path, lineno);
		set(c, k, val, src);
	}
	free(text);
	return rc;
}

static int parse_bool(const char *s, int *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int typed(config *c, err *e)
{
	int64_t n;
#define BAD(k, what) err_set(e, ERR_INPUT, "%s = '%s' (from %s): %s", settings[k].name, \
			     c->val[k], c->src[k], what)
	if (parse_i64(c->val[CFG_THREADS], 0, 256, &n))
		return BAD(CFG_THREADS, "expected a number from 0 to 256");
	c->threads = (int)n;
	if (!c->threads) {
		/* A thread waiting on a PostgreSQL round trip leaves its core idle;
		 * with only one thread per core the cores idle between each query
		 * and its answer (measured: signed-in pages at 4k req/s with 2
		 * threads, 16k with 8, on 2 cores). SQLite answers in-process. */
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		int per_core = !strncmp(c->val[CFG_DATABASE], "postgres", 8) ? 4 : 1;
		c->threads = (cores > 0 ? (int)cores : 2) * per_core;
	}
	if (parse_size(c->val[CFG_MAX_BODY], &c->max_body) || c->max_body < 1024)
		return BAD(CFG_MAX_BODY, "expected a size of at least 1K, like 1M");
	if (parse_size(c->val[CFG_MAX_UPLOAD], &c->max_upload) || c->max_upload < 1024)
		return BAD(CFG_MAX_UPLOAD, "expected a size of at least 1K, like 10M");
	if (parse_size(c->val[CFG_MAX_URI], &c->max_uri) || c->max_uri < 64)
		return BAD(CFG_MAX_URI, "expected a size of at least 64");
	if (parse_size(c->val[CFG_MAX_HEADER], &c->max_header) || c->max_header < 4096)
		return BAD(CFG_MAX_HEADER, "expected a size of at least 4K");
	if (parse_i64(c->val[CFG_CONN_TIMEOUT], 1, 3600, &n))
		return BAD(CFG_CONN_TIMEOUT, "expected seconds from 1 to 3600");
	c->conn_timeout = (unsigned)n;
	if (parse_i64(c->val[CFG_MAX_CONNECTIONS], 1, 1000000, &n))
		return BAD(CFG_MAX_CONNECTIONS, "expected a number from 1 to 1000000");
	c->max_connections = (unsigned)n;
	if (parse_bool(c->val[CFG_DEV], &c->dev))
		return BAD(CFG_DEV, "expected on or off");
	if (parse_bool(c->val[CFG_BENCH_ENDPOINTS], &c->bench_endpoints))
		return BAD(CFG_BENCH_ENDPOINTS, "expected on or off");
	if (parse_i64(c->val[CFG_WISH_VOTES], 0, 1000, &n))
		return BAD(CFG_WISH_VOTES, "expected a number from 0 (no limit) to 1000");
	c->wish_votes = (int)n;
	if (parse_bool(c->val[CFG_PG_WATCH], &c->pg_watch))
		return BAD(CFG_PG_WATCH, "expected on or off");
	if (parse_size(c->val[CFG_SEARCH_MEMORY], &c->search_memory))
		return BAD(CFG_SEARCH_MEMORY, "expected a size like 64M, or 0 for the database's index");
	if (parse_bool(c->val[CFG_PAGE_VIEWS], &c->page_views))
		return BAD(CFG_PAGE_VIEWS, "expected on or off");
	if (parse_i64(c->val[CFG_PAGE_VIEWS_DAYS], 0, 100000, &n) || (n && n < 2))
		return BAD(CFG_PAGE_VIEWS_DAYS, "expected days from 2, or 0 to keep every row");
	c->page_views_days = (int)n;
	if (parse_bool(c->val[CFG_PAGE_CACHE], &c->page_cache))
		return BAD(CFG_PAGE_CACHE, "expected on or off");
	if (!strcmp(c->val[CFG_DEFAULT_LANG], "zh"))
		c->default_lang = LANG_ZH;
	else if (!strcmp(c->val[CFG_DEFAULT_LANG], "en"))
		c->default_lang = LANG_EN;
	else
		return BAD(CFG_DEFAULT_LANG, "expected zh or en");
	static const char *levels[] = { "debug", "info", "warn", "error" };
	c->log_level = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(c->val[CFG_LOG_LEVEL], levels[i]))
			c->log_level = i;
	if (c->log_level < 0)
		return BAD(CFG_LOG_LEVEL, "expected debug, info, warn or error");
	const char *bu = c->val[CFG_BASE_URL];
	if (strncmp(bu, "http://", 7) && strncmp(bu, "https://", 8))
		return BAD(CFG_BASE_URL, "expected http://... or https://...");
	c->https = !strncmp(bu, "https://", 8);
	const char *smtp = c->val[CFG_SMTP_URL];
	if (*smtp && strncmp(smtp, "smtp://", 7) && strncmp(smtp, "smtps://", 8))
		return BAD(CFG_SMTP_URL, "expected smtp://host:port or smtps://host:port");
	if (strpbrk(c->val[CFG_MAIL_FROM], "\r\n") || !strchr(c->val[CFG_MAIL_FROM], '@'))
		return BAD(CFG_MAIL_FROM, "expected an address like Name <noreply@example.org>");
	const char *db = c->val[CFG_DATABASE];
	if (strncmp(db, "sqlite:", 7) && strncmp(db, "postgres://", 11) &&
	    strncmp(db, "postgresql://", 13))
		return BAD(CFG_DATABASE, "expected sqlite:PATH or postgres://...");
#undef BAD
	return 0;
}

int config_load(config *c, int argc, char **argv, const char *const *extra_flags,
		char ***rest, err *e)
{
	memset(c, 0, sizeof(*c));
	for (int k = 0; k < CFG__COUNT; k++)
		set(c, k, settings[k].def, "default");

	char **out = calloc((size_t)argc + 1, sizeof(char *));
	if (!out)
		abort();
	int nout = 0, rc = 0;

	/* The file named by --config wins over $PGHERD_CONFIG and ./pgherd.conf. */
	const char *file = getenv("PGHERD_CONFIG");
	int explicit = file != NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			file = argv[i + 1], explicit = 1;
		else if (!strncmp(argv[i], "--config=", 9))
			file = argv[i] + 9, explicit = 1;
	}
	if (!file && access("pgherd.conf", R_OK) == 0)
		file = "pgherd.conf";
	if (file) {
		if (!explicit && access(file, R_OK) != 0)
			file = NULL;
		else if ((rc = load_file(c, file, e)))
			goto out;
		c->file = file ? strdup(file) : NULL;
	}

	for (int k = 0; k < CFG__COUNT; k++) {
		const char *v = getenv(settings[k].env);
		if (v) {
			char src[64];
			snprintf(src, sizeof(src), "env %s", settings[k].env);
			set(c, k, v, src);
		}
	}

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) || !a[2]) {
			out[nout++] = argv[i];
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t nl = eq ? (size_t)(eq - name) : strlen(name);
		if (nl == 6 && !strncmp(name, "config", 6)) {
			if (!eq)
				i++;
			continue;
		}
		int k = find_key(name, nl);
		if (k < 0) {
			int known = 0;
			for (const char *const *f = extra_flags; f && *f; f++)
				if (strlen(*f) == nl && !strncmp(*f, name, nl))
					known = 1;
			if (!known) {
				rc = err_set(e, ERR_INPUT, "unknown option '--%.*s'", (int)nl, name);
				goto out;
			}
			out[nout++] = argv[i];
			continue;
		}
		const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val) {
			rc = err_set(e, ERR_INPUT, "option '--%.*s' needs a value", (int)nl, name);
			goto out;
		}
		char src[80];
		snprintf(src, sizeof(src), "flag --%.*s", (int)nl, name);
		set(c, k, val, src);
	}
	rc = typed(c, e);
out:
	if (rc || !rest)
		free(out);
	else
		*rest = out;
	return rc;
}

void config_release(config *c)
{
	for (int k = 0; k < CFG__COUNT; k++) {
		free(c->val[k]);
		free(c->src[k]);
	}
	free(c->file);
	memset(c, 0, sizeof(*c));
}

char *config_mask_url(const char *url)
{
	buf b = BUF_INIT;
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
	if (colon) {
		buf_add(&b, url, (size_t)(colon - url + 1));
		buf_adds(&b, "****");
		buf_adds(&b, at);
	} else {
		buf_adds(&b, url);
	}
	/* password=... in a key/value query part */
	char *pw = strstr(b.s, "password=");
	if (pw) {
		char *end = strchr(pw, '&');
		buf nb = BUF_INIT;
		buf_add(&nb, b.s, (size_t)(pw - b.s) + 9);
		buf_adds(&nb, "****");
		if (end)
			buf_adds(&nb, end);
		buf_release(&b);
		b = nb;
	}
	return buf_detach(&b, NULL);
}

void config_print(const config *c, FILE *f)
{
	fprintf(f, "# effective pgherd configuration (file: %s)\n", c->file ? c->file : "none");
	for (int k = 0; k < CFG__COUNT; k++) {
		/* secret 1: a URL whose password is masked; 2: masked whole */
		char *v = settings[k].secret == 2 ? strdup(*c->val[k] ? "****" : "")
			  : settings[k].secret ? config_mask_url(c->val[k]) : strdup(c->val[k]);
		fprintf(f, "%-16s = ", settings[k].name);
		fput_column(f, v, 40); /* a site name in Chinese is twice as wide as its characters */
		fprintf(f, "# %s\n", c->src[k]);
		free(v);
	}
}

void config_help(FILE *f, unsigned long long keys)
{
	if (!keys)
		return;
	fprintf(f, "Settings (flag, environment variable, default; a flag beats the\n"
		   "environment, which beats the file pgherd.conf or --config FILE):\n");
	for (int k = 0; k < CFG__COUNT; k++) {
		if (!(keys & CFG_BIT(k)))
			continue;
		char flag[64];
		snprintf(flag, sizeof(flag), "%s", settings[k].name);
		for (char *p = flag; *p; p++)
			if (*p == '_')
				*p = '-';
		fprintf(f, "  --%-17s %s\n  %-19s %s (default: %s)\n", flag, settings[k].help, "",
			settings[k].env, settings[k].def);
	}
}

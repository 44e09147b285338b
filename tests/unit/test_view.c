/* test_view.c: the template engine, the .po parser, the catalogs' and
 * templates' completeness in both languages, and the router. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zlib.h>
#include <dirent.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/util.h"
#include "http/http.h"
#include "view/i18n.h"
#include "view/page_cache.h"
#include "view/tmpl.h"
#include "view/view.h"

static const tmpl *partials[4];

static const tmpl *find_partial(void *ctx, const char *name)
{
	(void)ctx;
	for (int i = 0; i < 4 && partials[i]; i++)
		if (!strcmp(tmpl_name(partials[i]), name))
			return partials[i];
	return NULL;
}

static const char *tr(void *ctx, const char *key)
{
	(void)ctx;
	return !strcmp(key, "greet") ? "你好 <b>" : key;
}

/* Renders src with the JSON model text; returns a malloc'd string or NULL. */
static char *render(const char *src, const char *json, char *errmsg)
{
	tmpl *t;
	err e = ERR_INIT;
	if (tmpl_compile("t", src, strlen(src), &t, &e)) {
		if (errmsg)
			snprintf(errmsg, 512, "%s", e.msg);
		return NULL;
	}
	json_t *m = json_loads(json, 0, NULL);
	assert_non_null(m);
	tmpl_env env = { find_partial, tr, NULL };
	buf b = BUF_INIT;
	int rc = tmpl_render(t, &env, &m, 1, &b, &e);
	json_decref(m);
	tmpl_free(t);
	if (rc) {
		if (errmsg)
			snprintf(errmsg, 512, "%s", e.msg);
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

#define assert_renders(src, json, want) do { \
	char *got_ = render(src, json, NULL); \
	assert_non_null(got_); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void variables_are_escaped_by_default(void **state)
{
	(void)state;
	assert_renders("Hi {{name}}!", "{\"name\":\"<img src=x onerror=alert(1)>\"}",
		       "Hi &lt;img src=x onerror=alert(1)&gt;!");
	assert_renders("{{{html}}}|{{& html}}", "{\"html\":\"<b>ok</b>\"}", "<b>ok</b>|<b>ok</b>");
	assert_renders("{{n}} {{r}} {{t}} {{missing}}.", "{\"n\":42,\"r\":1.5,\"t\":true}", "42 1.5 true .");
	assert_renders("{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep");
	assert_renders("{{items.1}}", "{\"items\":[\"x\",\"y\"]}", "y");
	assert_renders("{{! a comment }}x", "{}", "x");
}

static void sections_iterate_and_test(void **state)
{
	(void)state;
	assert_renders("{{#list}}[{{name}}]{{/list}}", "{\"list\":[{\"name\":\"华为\"},{\"name\":\"京东\"}]}",
		       "[华为][京东]");
	assert_renders("{{#list}}{{.}},{{/list}}", "{\"list\":[1,2,3]}", "1,2,3,");
	assert_renders("{{#obj}}{{x}}{{outer}}{{/obj}}", "{\"obj\":{\"x\":1},\"outer\":\"o\"}", "1o");
	assert_renders("{{#f}}no{{/f}}{{^f}}yes{{/f}}", "{\"f\":false}", "yes");
	assert_renders("{{#e}}no{{/e}}{{^e}}empty{{/e}}", "{\"e\":[]}", "empty");
	assert_renders("{{#z}}no{{/z}}{{^z}}zero{{/z}}", "{\"z\":0}", "zero");
	assert_renders("{{#s}}{{s}}{{/s}}", "{\"s\":\"str\"}", "str");
}

static void partials_and_translations(void **state)
{
	(void)state;
	err e = ERR_INIT;
	tmpl *p;
	assert_int_equal(tmpl_compile("card", "<{{name}}>", 10, &p, &e), 0);
	partials[0] = p;
	assert_renders("{{#people}}{{> card}}{{/people}}", "{\"people\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
		       "<a><b>");
	assert_renders("{{_ greet}}", "{}", "你好 &lt;b&gt;");
	char msg[512] = "";
	assert_null(render("{{> nowhere}}", "{}", msg));
	assert_non_null(strstr(msg, "partial 'nowhere' not found"));
	tmpl *loop;
	assert_int_equal(tmpl_compile("loop", "{{> loop}}", 10, &loop, &e), 0);
	partials[1] = loop;
	assert_null(render("{{> loop}}", "{}", msg));
	assert_non_null(strstr(msg, "nested too deeply"));
	partials[0] = partials[1] = NULL;
	tmpl_free(p);
	tmpl_free(loop);
}

static void compile_errors_name_the_line(void **state)
{
	(void)state;
	char msg[512];
	assert_null(render("a\n{{#open}}x", "{}", msg));
	assert_non_null(strstr(msg, "t:2: section 'open' is never closed"));
	assert_null(render("{{#a}}{{/b}}", "{}", msg));
	assert_non_null(strstr(msg, "closes 'a'"));
	assert_null(render("{{/a}}", "{}", msg));
	assert_non_null(strstr(msg, "closes nothing"));
	assert_null(render("x {{name", "{}", msg));
	assert_non_null(strstr(msg, "never closed"));
	assert_null(render("{{bad name}}", "{}", msg));
	assert_non_null(strstr(msg, "bad tag name"));
	assert_null(render("\xff{{x}}", "{}", msg));
	assert_non_null(strstr(msg, "UTF-8"));
}

static void po_parser(void **state)
{
	(void)state;
	const char *po = "# comment\nmsgid \"\"\nmsgstr \"Content-Type: text/plain\\n\"\n\n"
			 "msgid \"b.key\"\nmsgstr \"line one\\n\"\n\"line \\\"two\\\"\"\n\n"
			 "msgid \"a.key\"\nmsgstr \"中文\"\n";
	struct po_entry *v;
	size_t n;
	err e = ERR_INIT;
	assert_int_equal(po_parse(po, strlen(po), &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[1].id, "a.key"); /* sorted */
	assert_string_equal(v[1].str, "中文");
	assert_string_equal(v[2].str, "line one\nline \"two\"");
	po_free(v, n);
	const char *dup = "msgid \"x\"\nmsgstr \"1\"\n\nmsgid \"x\"\nmsgstr \"2\"\n";
	assert_int_not_equal(po_parse(dup, strlen(dup), &v, &n, &e), 0);
	assert_non_null(strstr(e.msg, "twice"));
	const char *bad = "msgid \"x\nmsgstr \"1\"\n";
	assert_int_not_equal(po_parse(bad, strlen(bad), &v, &n, &e), 0);
	assert_non_null(strstr(e.msg, "line 1"));
	const char *orphan = "msgstr \"1\"\n";
	assert_int_not_equal(po_parse(orphan, strlen(orphan), &v, &n, &e), 0);
}

/* Texts handed the same arguments must take the same conversions in both
 * languages: a %s where the other takes %d is reported, a different
 * precision or a literal %% is not. */
static void catalog_formats_agree(void **state)
{
	(void)state;
	static const char *const po[2][2] = {
		{ "zh_CN.po", "msgid \"a\"\nmsgstr \"第 %d 行：“%.60s”，100%%\"\n\n"
			      "msgid \"b\"\nmsgstr \"第 %d 行：%s\"\n\nmsgid \"c\"\nmsgstr \"%lld 人\"\n" },
		{ "en.po", "msgid \"a\"\nmsgstr \"line %d: \\\"%s\\\", 100%%\"\n\n"
			   "msgid \"b\"\nmsgstr \"line %s: %d\"\n\nmsgid \"c\"\nmsgstr \"%d people\"\n" },
	};
	char dir[] = "/tmp/pgherd-po-XXXXXX";
	assert_non_null(mkdtemp(dir));
	for (int l = 0; l < 2; l++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir, po[l][0]);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(po[l][1], f);
		fclose(f);
	}
	err e = ERR_INIT;
	assert_int_equal(i18n_load(dir, &e), 0);
	char *out = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&out, &len);
	assert_int_equal(i18n_check(report), 2); /* b and c; a agrees */
	fclose(report);
	assert_non_null(strstr(out, "\"b\" takes %sd where po/zh_CN.po takes %ds"));
	assert_non_null(strstr(out, "\"c\" takes %d where po/zh_CN.po takes %lld"));
	assert_null(strstr(out, "\"a\""));
	free(out);
	for (int l = 0; l < 2; l++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir, po[l][0]);
		unlink(path);
	}
	rmdir(dir);
	assert_int_equal(i18n_load(NULL, &e), 0);
}

static void language_negotiation(void **state)
{
	(void)state;
	assert_int_equal(lang_from_accept("en-US,en;q=0.9,zh-CN;q=0.8"), LANG_EN);
	assert_int_equal(lang_from_accept("zh-CN,zh;q=0.9,en;q=0.8"), LANG_ZH);
	assert_int_equal(lang_from_accept("fr-FR,en;q=0.5,zh;q=0.7"), LANG_ZH);
	assert_int_equal(lang_from_accept("fr-FR"), -1);
	assert_int_equal(lang_from_accept(NULL), -1);
	assert_int_equal(lang_parse("zh_CN"), LANG_ZH);
	assert_int_equal(lang_parse("english"), -1);
}

/* Every key: in both catalogs; every {{_ key}} in a template and every
 * catalog-looking string literal in src/ must exist in both. */
static void catalogs_are_complete(void **state)
{
	(void)state;
	err e = ERR_INIT;
	assert_int_equal(i18n_load(NULL, &e), 0);
	assert_int_equal(i18n_check(stderr), 0);

	int missing = 0, checked = 0;
	regex_t tag, lit;
	assert_int_equal(regcomp(&tag, "\\{\\{_ *([a-z0-9_.]+) *\\}\\}", REG_EXTENDED), 0);
	assert_int_equal(regcomp(&lit, "\"((nav|home|footer|site|error|subscribe|form|event\\.status|events|ticket|door|reg|kind|topic|topics|account|signup|login|password|role|reset|delete|audit|users|pager|profile|job|directory|orgs|cat|ind|tokens|files|record|figure|media|attend|import|archive|contest|debate|draw|metrics)\\.[a-z0-9_.]+)\"",
				 REG_EXTENDED), 0);
	for (size_t i = 0; i < embed_count; i++) {
		const struct embed_file *f = &embed_files[i];
		if (strncmp(f->name, "templates/", 10))
			continue;
		const char *p = (const char *)f->data;
		regmatch_t m[2];
		while (!regexec(&tag, p, 2, m, 0)) {
			char key[128];
			snprintf(key, sizeof(key), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
			for (int l = 0; l < LANG__COUNT; l++)
				if (!i18n_has(l, key)) {
					fprintf(stderr, "%s: {{_ %s}} missing in %s\n", f->name, key, lang_code(l));
					missing++;
				}
			checked++;
			p += m[0].rm_eo;
		}
	}
	/* C sources: run from the repository root. */
	const char *dirs[] = { "src/http", "src/portal", "src/view", "src/base", "src/people", "src/auth", "src/orgs", "src/files",
			       "src/events", "src/mail" };
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		DIR *dir = opendir(dirs[d]);
		assert_non_null(dir);
		struct dirent *de;
		while ((de = readdir(dir))) {
			size_t nl = strlen(de->d_name);
			if (nl < 3 || strcmp(de->d_name + nl - 2, ".c"))
				continue;
			char path[512], *text;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], de->d_name);
			assert_int_equal(read_file(path, 1 << 22, &text, NULL, &e), 0);
			const char *p = text;
			regmatch_t m[2];
			while (!regexec(&lit, p, 2, m, 0)) {
				char key[128];
				snprintf(key, sizeof(key), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
				size_t kl = strlen(key);
				/* "kind.%s" and the like are checked below, value by value. */
				if (key[kl - 1] != '.' && !strchr(key, '%') && strcmp(key, "event.status")) {
					for (int l = 0; l < LANG__COUNT; l++)
						if (!i18n_has(l, key)) {
							fprintf(stderr, "%s: \"%s\" missing in %s\n", path, key, lang_code(l));
							missing++;
						}
					checked++;
				}
				p += m[0].rm_eo;
			}
			free(text);
		}
		closedir(dir);
	}
	/* Keys built at run time, from the values the schema allows. */
	static const struct {
		const char *prefix;
		const char *values[11];
	} runtime[] = {
		{ "event.status", { "draft", "published", "open", "closed", "finished", "cancelled" } },
		{ "role", { "member", "speaker", "volunteer", "organizer", "editor", "treasurer", "admin" } },
		{ "reg.status", { "confirmed", "waitlisted", "cancelled" } },
		{ "kind", { "signin", "opening", "talk", "panel", "case", "debate", "closed", "break", "photo", "prize" } },
		{ "topic.status", { "proposed", "picked", "declined" } },
		{ "events.added", { "confirmed", "waitlisted" } },
		{ "orgs.role", { "host", "sponsor", "venue", "media", "attendee" } },
		{ "figure", { "registered", "checked_in", "online", "reach" } },
		{ "figure.kind", { "counted", "exact", "about", "at_least", "unknown" } },
		{ "media.kind", { "live", "replay", "slides", "photo" } },
	};
	for (size_t k = 0; k < sizeof(runtime) / sizeof(runtime[0]); k++)
		for (size_t v = 0; runtime[k].values[v]; v++) {
			char key[64];
			snprintf(key, sizeof(key), "%s.%s", runtime[k].prefix, runtime[k].values[v]);
			for (int l = 0; l < LANG__COUNT; l++)
				if (!i18n_has(l, key)) {
					fprintf(stderr, "\"%s\" missing in %s\n", key, lang_code(l));
					missing++;
				}
		}
	regfree(&tag);
	regfree(&lit);
	assert_true(checked > 40);
	assert_int_equal(missing, 0);
	i18n_release();
}

static void all_builtin_templates_compile(void **state)
{
	(void)state;
	err e = ERR_INIT;
	assert_int_equal(view_init(0, ".", &e), 0);
	assert_true(view_template_exists("layout.html"));
	assert_true(view_template_exists("home/index.html"));
	assert_true(view_template_exists("errors/error.html"));
	view_release();
}

static int h_dummy(req *r, resp *out) { (void)r; (void)out; return 0; }

static void router_matches_params_and_methods(void **state)
{
	(void)state;
	static const struct route routes[] = {
		{ M_GET, "/", h_dummy, EVERYONE, 0, "home" },
		{ M_GET | M_POST, "/events/:id", h_dummy, EVERYONE, 1, "event" },
		{ M_GET, "/events/:id/ticket/:code", h_dummy, SIGNED_IN, 0, "ticket" },
		{ M_GET, "/static/*path", h_dummy, EVERYONE, 0, "static" },
	};
	struct route_table t = { routes, 4 };
	arena a = ARENA_INIT;
	const struct route *rt;
	const char *names[ROUTE_MAX_PARAMS], *vals[ROUTE_MAX_PARAMS];
	int n, allowed;
	assert_int_equal(router_match(&t, 1, M_GET, "/", &a, &rt, names, vals, &n, &allowed), 0);
	assert_string_equal(rt->name, "home");
	assert_int_equal(router_match(&t, 1, M_HEAD, "/events/42", &a, &rt, names, vals, &n, &allowed), 0);
	assert_string_equal(rt->name, "event");
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "id");
	assert_string_equal(vals[0], "42");
	assert_int_equal(router_match(&t, 1, M_GET, "/events/7/ticket/abc", &a, &rt, names, vals, &n, &allowed), 0);
	assert_string_equal(vals[1], "abc");
	assert_int_equal(router_match(&t, 1, M_GET, "/static/img/logo.svg", &a, &rt, names, vals, &n, &allowed), 0);
	assert_string_equal(vals[0], "img/logo.svg");
	assert_int_equal(router_match(&t, 1, M_DELETE, "/events/42", &a, &rt, names, vals, &n, &allowed), ERR_INPUT);
	assert_int_equal(allowed, M_GET | M_POST | M_HEAD);
	assert_string_equal(http_methods_text(&a, allowed), "GET, HEAD, POST");
	assert_int_equal(router_match(&t, 1, M_GET, "/events/", &a, &rt, names, vals, &n, &allowed), ERR_NOTFOUND);
	assert_int_equal(router_match(&t, 1, M_GET, "/events", &a, &rt, names, vals, &n, &allowed), ERR_NOTFOUND);
	assert_int_equal(router_match(&t, 1, M_GET, "/nope", &a, &rt, names, vals, &n, &allowed), ERR_NOTFOUND);
	assert_int_equal(router_match(&t, 1, M_GET, "//", &a, &rt, names, vals, &n, &allowed), ERR_NOTFOUND);
	assert_int_equal(router_match(&t, 1, M_GET, "", &a, &rt, names, vals, &n, &allowed), ERR_NOTFOUND);
	arena_release(&a);
}

static void every_route_declares_who_may_use_it(void **state)
{
	(void)state;
	err e = ERR_INIT;
	static const struct route undeclared[] = { { M_GET, "/x", h_dummy, 0, 0, "x" } };
	static const struct route no_csrf[] = { { M_POST, "/y", h_dummy, EVERYONE, 0, "y" } };
	static const struct route no_inputs_said[] = { { M_POST, "/w", h_dummy, SIGNED_IN, 1, "w" } };
	static const struct route fine[] = { { M_POST, "/z", h_dummy, SIGNED_IN, 1, "z", .inputs = no_inputs } };
	struct route_table t1 = { undeclared, 1 }, t2 = { no_csrf, 1 }, t3 = { fine, 1 }, t4 = { no_inputs_said, 1 };
	assert_int_equal(router_check(&t1, 1, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "declares no rule"));
	assert_int_equal(router_check(&t2, 1, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "without CSRF"));
	assert_int_equal(router_check(&t4, 1, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "without declaring its inputs"));
	assert_int_equal(router_check(&t3, 1, &e), 0);

	/* the one decision: 0 allowed, 401 sign in first, 403 not for you */
	assert_int_equal(auth_allowed(EVERYONE, ROLE_VISITOR), 0);
	assert_int_equal(auth_allowed(SIGNED_IN, ROLE_VISITOR), 401);
	assert_int_equal(auth_allowed(SIGNED_IN, ROLE_MEMBER), 0);
	assert_int_equal(auth_allowed(SIGNED_IN, ROLE_TREASURER), 0);
	unsigned money = ALLOW(ROLE_TREASURER);
	assert_int_equal(auth_allowed(money, ROLE_VISITOR), 401);
	assert_int_equal(auth_allowed(money, ROLE_MEMBER), 403);
	assert_int_equal(auth_allowed(money, ROLE_EDITOR), 403);
	assert_int_equal(auth_allowed(money, ROLE_TREASURER), 0);
	assert_int_equal(auth_allowed(money, ROLE_ADMIN), 0);
	assert_int_equal(auth_allowed(ALLOW(ROLE_ORGANIZER) | ALLOW(ROLE_EDITOR), ROLE_EDITOR), 0);
	assert_int_equal(auth_allowed(0, ROLE_ADMIN), 403);
	arena a = ARENA_INIT;
	assert_string_equal(http_allow_text(&a, money), "treasurer,admin");
	assert_string_equal(http_allow_text(&a, SIGNED_IN), "signed-in");
	arena_release(&a);
}

/* z (a gzip stream) inflates to exactly plain, its CRC and length too. */
static void assert_inflates_to(const void *z, size_t z_len, const char *plain, size_t plain_len)
{
	z_stream s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, 31), Z_OK);
	char *back = malloc(plain_len + 16), *in = malloc(z_len);
	memcpy(in, z, z_len); /* zlib's next_in is not const */
	s.next_in = (Bytef *)in;
	s.avail_in = (uInt)z_len;
	s.next_out = (Bytef *)back;
	s.avail_out = (uInt)(plain_len + 16);
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, plain_len);
	assert_memory_equal(back, plain, plain_len);
	inflateEnd(&s);
	free(in);
	free(back);
}

/* The gzip copy a kept page gives a visitor inflates to exactly the plain
 * copy with their token, whatever the token's length. */
static void page_cache_gzip_copy_inflates_to_the_page(void **state)
{
	(void)state;
	struct page_cache *c = page_cache_new(NULL);
	buf page = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_addf(&page, "<li>第 %d 场沙龙 · 北京 · PostgreSQL</li>%s", i, i % 70 == 3 ? PAGE_CACHE_SLOT : "");
	page_cache_put(c, "home|zh|html|0.0.0|/", 1, 60, page.s, page.len);
	const char *tokens[] = { "T", "a-much-longer-csrf-token-of-forty-three-chars", "" };
	for (size_t t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++) {
		size_t plain_len, z_len;
		int gz = 0;
		char *plain = page_cache_get(c, "home|zh|html|0.0.0|/", 1, tokens[t], &gz, &plain_len);
		assert_int_equal(gz, 0);
		gz = 1;
		char *z = page_cache_get(c, "home|zh|html|0.0.0|/", 1, tokens[t], &gz, &z_len);
		assert_int_equal(gz, 1);
		assert_true(z_len < plain_len / 3);
		assert_inflates_to(z, z_len, plain, plain_len);
		free(z);
		free(plain);
	}
	/* A short page is not kept compressed: the plain copy comes back. */
	page_cache_put(c, "short", 1, 60, "<p>" PAGE_CACHE_SLOT "</p>", 3 + sizeof(PAGE_CACHE_SLOT) - 1 + 4);
	size_t len;
	int gz = 1;
	char *p = page_cache_get(c, "short", 1, "X", &gz, &len);
	assert_int_equal(gz, 0);
	assert_string_equal(p, "<p>X</p>");
	free(p);
	buf_release(&page);
	page_cache_free(c);
}

static const char *count_token(void *ctx)
{
	++*(int *)ctx;
	return "MADE";
}

static void page_cache_keeps_versions_slots_and_its_budget(void **state)
{
	(void)state;
	struct page_cache *c = page_cache_new(NULL);
	const char page[] = "<p>" PAGE_CACHE_SLOT "</p><i>" PAGE_CACHE_SLOT "</i>";
	size_t len;
	page_cache_put(c, "events|zh|html|7.3.1|/events/1", 5, 60, page, sizeof(page) - 1);
	char *got = page_cache_get(c, "events|zh|html|7.3.1|/events/1", 5, "TOKEN", NULL, &len);
	assert_non_null(got);
	assert_string_equal(got, "<p>TOKEN</p><i>TOKEN</i>");
	assert_int_equal(len, strlen(got));
	free(got);
	/* The token is made only for a page with a slot for it. */
	int made = 0;
	page_cache_put(c, "orgs|zh|html|0.0.0|/orgs", 5, 60, "<p>no form</p>", 14);
	got = page_cache_get_with(c, "orgs|zh|html|0.0.0|/orgs", 5, count_token, &made, NULL, &len);
	assert_string_equal(got, "<p>no form</p>");
	assert_int_equal(made, 0);
	free(got);
	got = page_cache_get_with(c, "events|zh|html|7.3.1|/events/1", 5, count_token, &made, NULL, &len);
	assert_string_equal(got, "<p>MADE</p><i>MADE</i>");
	assert_int_equal(made, 1);
	free(got);
	/* Another version of the data, another member, another language: not this page. */
	assert_null(page_cache_get(c, "events|zh|html|7.3.1|/events/1", 6, "T", NULL, &len));
	assert_null(page_cache_get(c, "events|zh|html|8.3.1|/events/1", 5, "T", NULL, &len));
	assert_null(page_cache_get(c, "events|en|html|7.3.1|/events/1", 5, "T", NULL, &len));
	/* A page is worth keeping from its second miss on. */
	assert_int_equal(page_cache_admit(c, "orgs|zh|html|0.0.0|/orgs?q=once"), 0);
	assert_int_equal(page_cache_admit(c, "orgs|zh|html|0.0.0|/orgs?q=once"), 1);
	assert_int_equal(page_cache_admit(c, "orgs|zh|html|0.0.0|/orgs?q=other"), 0);
	/* Expired pages are not answered. */
	page_cache_put(c, "gone", 1, 0, "x", 1);
	assert_null(page_cache_get(c, "gone", 1, "T", NULL, &len));
	/* Thousands of large pages stay within the byte budget, and the
	 * newest ones are still answered. */
	size_t big = 40000;
	char *body = malloc(big);
	memset(body, 'a', big);
	char key[64];
	for (int i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "events|zh|html|%d.1.1|/events/9", i);
		page_cache_put(c, key, 1, 60, body, big);
		assert_true(page_cache_bytes(c) <= (size_t)16 << 20);
	}
	assert_true(page_cache_bytes(c) > (size_t)8 << 20);
	got = page_cache_get(c, key, 1, "T", NULL, &len);
	assert_non_null(got);
	assert_int_equal(len, big);
	free(got);
	free(body);
	page_cache_free(c);
}

static int unmade;

static void count_unmake(void *answer)
{
	unmade++;
	free(answer);
}

static const char *no_token(void *ctx)
{
	(void)ctx;
	fail_msg("a page without a slot asked for a token");
	return "";
}

/* A page with no slot is answered from the cache's own memory, to every
 * reader the same, and lives while a reader or a response still uses it
 * after the cache has given it up; then the response kept beside it is
 * let go and its memory freed (under ASan: no leak, no use after free). */
static void page_cache_shares_a_page_without_slots(void **state)
{
	(void)state;
	unmade = 0;
	struct page_cache *c = page_cache_new(count_unmake);
	buf page = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_addf(&page, "<li>第 %d 家会员单位 · 上海</li>", i);
	const char *key = "orgs|zh|html|0.0.0|/orgs";
	page_cache_put(c, key, 3, 60, page.s, page.len);
	struct page_hit a, b, z, miss;
	assert_int_equal(page_cache_find(c, key, 3, no_token, NULL, 0, &a), 1);
	assert_int_equal(page_cache_find(c, key, 3, no_token, NULL, 0, &b), 1);
	assert_non_null(a.kept);
	assert_ptr_equal(a.kept, b.kept);
	assert_ptr_equal(a.body, b.body); /* one page, not two copies */
	assert_int_equal(a.owned, 0);
	assert_int_equal(a.len, page.len);
	assert_memory_equal(a.body, page.s, page.len);
	/* Its gzip copy is made once, when it is kept, and is the page. */
	assert_int_equal(page_cache_find(c, key, 3, no_token, NULL, 1, &z), 1);
	assert_int_equal(z.gzip, 1);
	assert_inflates_to(z.body, z.len, page.s, page.len);
	page_cache_done(z.kept);
	/* The server keeps its response beside the page; the first to set
	 * the place wins. */
	_Atomic(void *) *answers = page_cache_answers(a.kept);
	void *none = NULL, *mine = malloc(16);
	assert_true(atomic_compare_exchange_strong(&answers[0], &none, mine));
	none = NULL;
	assert_false(atomic_compare_exchange_strong(&answers[0], &none, (void *)&none));
	assert_ptr_equal(none, mine);
	/* A response still sending the page's memory after every reader and
	 * the cache let go of it. */
	page_cache_use(a.kept);
	struct kept *k = a.kept;
	const char *body = a.body;
	/* A new version replaces it while it is held. */
	page_cache_put(c, key, 4, 60, "<p>new</p>", 10);
	assert_int_equal(page_cache_find(c, key, 3, no_token, NULL, 0, &miss), 0);
	page_cache_done(a.kept);
	assert_int_equal(unmade, 0); /* still held by b */
	assert_memory_equal(body, page.s, 64);
	page_cache_done(b.kept);
	assert_int_equal(unmade, 1); /* no one holds it: its response let go */
	assert_memory_equal(body, page.s, 64); /* still used */
	page_cache_unuse(k);
	/* The new version is a page like any other. */
	assert_int_equal(page_cache_find(c, key, 4, no_token, NULL, 0, &a), 1);
	assert_int_equal(a.len, 10);
	assert_memory_equal(a.body, "<p>new</p>", 10);
	page_cache_done(a.kept);
	/* A page given up at the end is let go with its response. */
	assert_int_equal(page_cache_find(c, key, 4, no_token, NULL, 0, &a), 1);
	answers = page_cache_answers(a.kept);
	atomic_store(&answers[1], malloc(16));
	page_cache_done(a.kept);
	page_cache_free(c);
	assert_int_equal(unmade, 2);
	buf_release(&page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(variables_are_escaped_by_default),
		cmocka_unit_test(sections_iterate_and_test),
		cmocka_unit_test(partials_and_translations),
		cmocka_unit_test(compile_errors_name_the_line),
		cmocka_unit_test(po_parser),
		cmocka_unit_test(catalog_formats_agree),
		cmocka_unit_test(language_negotiation),
		cmocka_unit_test(catalogs_are_complete),
		cmocka_unit_test(all_builtin_templates_compile),
		cmocka_unit_test(router_matches_params_and_methods),
		cmocka_unit_test(page_cache_keeps_versions_slots_and_its_budget),
		cmocka_unit_test(page_cache_gzip_copy_inflates_to_the_page),
		cmocka_unit_test(page_cache_shares_a_page_without_slots),
		cmocka_unit_test(every_route_declares_who_may_use_it),
	};
	return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}

/* view.c: the template registry (built in, or from disk in dev mode) and
 * page rendering inside the layout. */
#include "view/view.h"

#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/util.h"
#include "view/i18n.h"
#include "view/tmpl.h"
#include "base/banned.h"

/* Set at startup; read-only while serving. */
static tmpl **compiled; /* parallel to the templates/ entries of embed_files */
static const struct embed_file **sources;
static size_t ncompiled;
static int dev_mode;
static char *dev_dir;

enum { MAX_LOADED = 32 };

/* One render's view of the templates: in dev mode it owns what it loaded. */
struct ctx {
	int lang;
	const char *page;
	tmpl *loaded[MAX_LOADED];
	int nloaded;
	err *e;
};

static const tmpl *builtin(const char *name)
{
	size_t lo = 0, hi = ncompiled;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, sources[mid]->name + 10); /* skip "templates/" */
		if (!c)
			return compiled[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const tmpl *get(struct ctx *c, const char *name)
{
	char full[256];
	size_t nl = strlen(name);
	if (nl > 200 || strstr(name, ".."))
		return NULL;
	snprintf(full, sizeof(full), "%s%s", name,
		 nl > 5 && !strcmp(name + nl - 5, ".html") ? "" : ".html");
	if (!dev_mode)
		return builtin(full);
	for (int i = 0; i < c->nloaded; i++)
		if (!strcmp(tmpl_name(c->loaded[i]), full))
			return c->loaded[i];
	if (c->nloaded == MAX_LOADED)
		return NULL;
	char path[1024], *text;
	size_t len;
	err e;
	snprintf(path, sizeof(path), "%s/templates/%s", dev_dir, full);
	if (read_file(path, 4 << 20, &text, &len, &e))
		return NULL;
	tmpl *t;
	int rc = tmpl_compile(full, text, len, &t, c->e);
	free(text);
	if (rc)
		return NULL;
	c->loaded[c->nloaded++] = t;
	return t;
}

static const tmpl *partial(void *p, const char *name)
{
	struct ctx *c = p;
	if (!strcmp(name, "$page"))
		return get(c, c->page);
	return get(c, name);
}

static const char *translate(void *p, const char *key)
{
	return i18n_get(((struct ctx *)p)->lang, key);
}

int view_init(int dev, const char *source_dir, err *e)
{
	view_release();
	dev_mode = dev;
	dev_dir = strdup(source_dir ? source_dir : ".");
	size_t n = 0;
	for (size_t i = 0; i < embed_count; i++)
		n += !strncmp(embed_files[i].name, "templates/", 10);
	compiled = calloc(n + 1, sizeof(*compiled));
	sources = calloc(n + 1, sizeof(*sources));
	if (!compiled || !sources || !dev_dir)
		abort();
	for (size_t i = 0; i < embed_count; i++) {
		const struct embed_file *f = &embed_files[i];
		if (strncmp(f->name, "templates/", 10))
			continue;
		int rc = tmpl_compile(f->name + 10, (const char *)f->data, f->len, &compiled[ncompiled], e);
		if (rc)
			return rc;
		sources[ncompiled++] = f;
	}
	if (!builtin("layout.html"))
		return err_set(e, ERR_FAIL, "templates/layout.html is not built in");
	return 0;
}

void view_release(void)
{
	view_layout_release();
	for (size_t i = 0; i < ncompiled; i++)
		tmpl_free(compiled[i]);
	free(compiled);
	free(sources);
	free(dev_dir);
	compiled = NULL;
	sources = NULL;
	dev_dir = NULL;
	ncompiled = 0;
}

int view_template_exists(const char *name)
{
	return builtin(name) != NULL;
}

static int render(const char *outer, const char *page, int lang, json_t *const *stack, int depth,
		  buf *out, err *e)
{
	struct ctx c = { .lang = lang, .page = page, .e = e };
	tmpl_env env = { partial, translate, &c };
	int rc;
	e->msg[0] = '\0';
	const tmpl *t = get(&c, outer);
	if (!t)
		rc = err_set(e, ERR_NOTFOUND, "template '%s' not found%s%s", outer,
			     e->msg[0] ? ": " : "", e->msg);
	else
		rc = tmpl_render(t, &env, stack, depth, out, e);
	for (int i = 0; i < c.nloaded; i++)
		tmpl_free(c.loaded[i]);
	return rc;
}

int view_render(const char *page, int lang, json_t *globals, json_t *model, buf *out, err *e)
{
	json_t *stack[2] = { globals, model };
	return render("layout.html", page, lang, stack, model ? 2 : 1, out, e);
}

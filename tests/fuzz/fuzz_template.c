/* fuzz_template.c: libFuzzer target for the template engine: any text is
 * compiled; what compiles is rendered against a model with nesting, arrays
 * and markup, with partials that may recurse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const tmpl *self;

static const tmpl *partial(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "self") ? self : NULL;
}

static const char *tr(void *ctx, const char *key)
{
	(void)ctx;
	return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	static json_t *model;
	if (!model)
		model = json_loads("{\"name\":\"<b>华为</b>\",\"n\":0,\"list\":[{\"a\":1},{\"a\":\"x\"},[1,2]],"
				   "\"obj\":{\"deep\":{\"er\":true}},\"empty\":[],\"f\":false,\"nul\":null}",
				   0, NULL);
	tmpl *t;
	err e;
	if (tmpl_compile("fuzz", (const char *)data, size, &t, &e))
		return 0;
	self = t;
	tmpl_env env = { partial, tr, NULL };
	buf b = BUF_INIT;
	/* Crashes, undefined behaviour and leaks are what this target looks for.
	 * Escaping is asserted by tests/unit/test_view.c and the HTTP suite: a
	 * check here cannot tell a value's markup from markup the template's
	 * own text spells out around a tag. */
	tmpl_render(t, &env, &model, 1, &b, &e);
	buf_release(&b);
	tmpl_free(t);
	self = NULL;
	return 0;
}

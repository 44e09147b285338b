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
	tmpl_render(t, &env, &model, 1, &b, &e);
	/* Escaped output never carries a raw '<' from the model's name. */
	if (memmem(b.s, b.len, "<b>华为", strlen("<b>华为")) && !memmem(data, size, "{{{", 3) &&
	    !memmem(data, size, "{{&", 3) && !memmem(data, size, "<b>华为", strlen("<b>华为")))
		abort();
	buf_release(&b);
	tmpl_free(t);
	self = NULL;
	return 0;
}

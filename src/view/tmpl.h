/* tmpl.h: a Mustache-style template engine, HTML-escaping by default.
 *
 * Tags: {{name}} escaped value, {{{name}}} or {{& name}} raw value (only for
 * HTML the server produced itself), {{#name}}...{{/name}} section,
 * {{^name}}...{{/name}} inverted section, {{> partial}}, {{! comment}},
 * {{_ key}} the translation of key in the page's language (escaped).
 * Names may be dotted (event.city.name) and {{.}} is the current item.
 * Falsy values: missing, null, false, "", 0 and the empty array.
 * Set-delimiter tags and lambdas are not supported.
 *
 * A compiled tmpl is immutable and may be rendered from many threads. */
#ifndef PGHERD_TMPL_H
#define PGHERD_TMPL_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct tmpl tmpl;

typedef struct tmpl_env {
	/* Finds a partial by name; NULL when there is none (an error). */
	const tmpl *(*partial)(void *ctx, const char *name);
	/* Translates a key; never NULL. */
	const char *(*translate)(void *ctx, const char *key);
	void *ctx;
} tmpl_env;

int tmpl_compile(const char *name, const char *src, size_t len, tmpl **out, err *e);
void tmpl_free(tmpl *t);
const char *tmpl_name(const tmpl *t);

/* Renders with a context stack (stack[0] searched last). Appends to out. */
int tmpl_render(const tmpl *t, const tmpl_env *env, json_t *const *stack, int depth,
		buf *out, err *e);

#endif

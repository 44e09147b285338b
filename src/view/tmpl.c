/* tmpl.c: compiles Mustache-style templates to a node tree and renders them
 * against a stack of jansson values. */
#include "view/tmpl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

enum { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_I18N };
enum { MAX_NEST = 64, MAX_STACK = 96, MAX_PARTIAL_DEPTH = 16 };

struct node {
	int type;
	const char *text; /* N_TEXT: into tmpl->src */
	size_t len;
	char *name;       /* tag name */
	char **path;      /* name split on '.', npath parts; NULL for "." */
	int npath;
	struct node *kids;
	size_t nkids;
	int line;
};

struct tmpl {
	char *name;
	char *src;
	struct node root;
};

static void node_release(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_release(&n->kids[i]);
	free(n->kids);
	free(n->name);
	for (int i = 0; i < n->npath; i++)
		free(n->path[i]);
	free(n->path);
}

void tmpl_free(tmpl *t)
{
	if (!t)
		return;
	node_release(&t->root);
	free(t->name);
	free(t->src);
	free(t);
}

const char *tmpl_name(const tmpl *t) { return t->name; }

static struct node *add_kid(struct node *parent)
{
	if ((parent->nkids & (parent->nkids - 1)) == 0) {
		size_t cap = parent->nkids ? parent->nkids * 2 : 4;
		struct node *k = realloc(parent->kids, cap * sizeof(*k));
		if (!k)
			abort();
		parent->kids = k;
	}
	struct node *n = &parent->kids[parent->nkids++];
	memset(n, 0, sizeof(*n));
	return n;
}

static int valid_name(const char *s, size_t n)
{
	if (n == 1 && s[0] == '.')
		return 1;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || c == '/' || c == '$'))
			return 0;
		if (c == '.' && (i == 0 || i == n - 1 || s[i - 1] == '.'))
			return 0;
	}
	return 1;
}

static void set_name(struct node *n, const char *s, size_t len)
{
	n->name = strndup(s, len);
	if (!n->name)
		abort();
	if (len == 1 && s[0] == '.')
		return;
	int parts = 1;
	for (size_t i = 0; i < len; i++)
		parts += s[i] == '.';
	n->path = calloc((size_t)parts, sizeof(char *));
	if (!n->path)
		abort();
	const char *p = s, *end = s + len;
	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		if (!dot)
			dot = end;
		n->path[n->npath++] = strndup(p, (size_t)(dot - p));
		p = dot + 1;
	}
}

static int count_lines(const char *start, const char *p)
{
	int line = 1;
	for (; start < p; start++)
		line += *start == '\n';
	return line;
}

int tmpl_compile(const char *name, const char *src, size_t len, tmpl **out, err *e)
{
	if (!utf8_valid(src, len))
		return err_set(e, ERR_INPUT, "%s: not valid UTF-8", name);
	tmpl *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->name = strdup(name);
	t->src = strndup(src, len);
	if (!t->name || !t->src)
		abort();
	struct node *stack[MAX_NEST];
	int depth = 0, rc = 0;
	stack[0] = &t->root;
	const char *p = t->src, *end = t->src + len;

	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "{{", 2);
		const char *text_end = open ? open : end;
		if (text_end > p) {
			struct node *n = add_kid(stack[depth]);
			n->type = N_TEXT;
			n->text = p;
			n->len = (size_t)(text_end - p);
		}
		if (!open)
			break;
		int line = count_lines(t->src, open);
		const char *q = open + 2;
		int triple = q < end && *q == '{';
		if (triple)
			q++;
		const char *close = memmem(q, (size_t)(end - q), triple ? "}}}" : "}}", triple ? 3 : 2);
		if (!close) {
			rc = err_set(e, ERR_INPUT, "%s:%d: '{{' is never closed", name, line);
			goto out;
		}
		p = close + (triple ? 3 : 2);
		char sigil = triple ? '{' : *q;
		if (!triple && strchr("#^/>!&_", sigil) && q < close)
			q++;
		else if (!triple)
			sigil = 0;
		if (sigil == '!')
			continue;
		while (q < close && (*q == ' ' || *q == '\t'))
			q++;
		const char *ne = close;
		while (ne > q && (ne[-1] == ' ' || ne[-1] == '\t'))
			ne--;
		size_t nl = (size_t)(ne - q);
		if (!valid_name(q, nl)) {
			rc = err_set(e, ERR_INPUT, "%s:%d: bad tag name '%.*s'", name, line,
				     (int)(nl > 40 ? 40 : nl), q);
			goto out;
		}
		if (sigil == '/') {
			struct node *top = stack[depth];
			if (!depth || strlen(top->name) != nl || memcmp(top->name, q, nl)) {
				rc = err_set(e, ERR_INPUT, "%s:%d: '{{/%.*s}}' closes %s%s%s", name, line,
					     (int)nl, q, depth ? "'" : "nothing",
					     depth ? top->name : "", depth ? "'" : "");
				goto out;
			}
			depth--;
			continue;
		}
		struct node *n = add_kid(stack[depth]);
		n->line = line;
		set_name(n, q, nl);
		switch (sigil) {
		case '#':
		case '^':
			n->type = sigil == '#' ? N_SECTION : N_INVERTED;
			if (depth + 1 >= MAX_NEST) {
				rc = err_set(e, ERR_INPUT, "%s:%d: sections nested too deeply", name, line);
				goto out;
			}
			stack[++depth] = n;
			break;
		case '>': n->type = N_PARTIAL; break;
		case '_': n->type = N_I18N; break;
		case '{':
		case '&': n->type = N_RAW; break;
		default: n->type = N_VAR;
		}
	}
	if (depth) {
		rc = err_set(e, ERR_INPUT, "%s:%d: section '%s' is never closed", name,
			     stack[depth]->line, stack[depth]->name);
		goto out;
	}
out:
	if (rc) {
		tmpl_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

struct render {
	const tmpl_env *env;
	json_t *stack[MAX_STACK];
	int depth;
	int partial_depth;
	buf *out;
	err *e;
};

static json_t *lookup(struct render *r, const struct node *n)
{
	if (!n->path)
		return r->depth ? r->stack[r->depth - 1] : NULL;
	json_t *v = NULL;
	for (int i = r->depth - 1; i >= 0; i--) {
		if (json_is_object(r->stack[i]) && (v = json_object_get(r->stack[i], n->path[0])))
			break;
	}
	for (int k = 1; v && k < n->npath; k++) {
		const char *part = n->path[k];
		if (json_is_object(v)) {
			v = json_object_get(v, part);
		} else if (json_is_array(v) && part[0] >= '0' && part[0] <= '9' && strlen(part) < 9) {
			v = json_array_get(v, (size_t)strtoul(part, NULL, 10)); /* items.0 */
		} else {
			v = NULL;
		}
	}
	return v;
}

static int truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE: return 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	default: return 1;
	}
}

static void emit(buf *out, const json_t *v, int raw)
{
	char num[40];
	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (raw)
			buf_add(out, json_string_value(v), json_string_length(v));
		else
			buf_html(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		buf_adds(out, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%g", json_real_value(v));
		buf_adds(out, num);
		break;
	case JSON_TRUE: buf_adds(out, "true"); break;
	case JSON_FALSE: buf_adds(out, "false"); break;
	default: break;
	}
}

static int render_nodes(struct render *r, const struct node *kids, size_t n);

static int push(struct render *r, json_t *v, const struct node *n)
{
	if (r->depth >= MAX_STACK)
		return err_set(r->e, ERR_FAIL, "template context too deep at '%s' line %d", n->name, n->line);
	r->stack[r->depth++] = v;
	return 0;
}

static int render_node(struct render *r, const struct node *n)
{
	json_t *v;
	int rc = 0;
	switch (n->type) {
	case N_TEXT:
		buf_add(r->out, n->text, n->len);
		break;
	case N_VAR:
	case N_RAW:
		emit(r->out, lookup(r, n), n->type == N_RAW);
		break;
	case N_I18N: {
		const char *s = r->env->translate(r->env->ctx, n->name);
		buf_html(r->out, s, strlen(s));
		break;
	}
	case N_SECTION:
		v = lookup(r, n);
		if (!truthy(v))
			break;
		if (json_is_array(v)) {
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item) {
				if ((rc = push(r, item, n)))
					return rc;
				rc = render_nodes(r, n->kids, n->nkids);
				r->depth--;
				if (rc)
					return rc;
			}
		} else {
			if ((rc = push(r, v, n)))
				return rc;
			rc = render_nodes(r, n->kids, n->nkids);
			r->depth--;
		}
		break;
	case N_INVERTED:
		if (!truthy(lookup(r, n)))
			rc = render_nodes(r, n->kids, n->nkids);
		break;
	case N_PARTIAL: {
		const tmpl *p = r->env->partial ? r->env->partial(r->env->ctx, n->name) : NULL;
		if (!p)
			return err_set(r->e, ERR_NOTFOUND, "partial '%s' not found (line %d)", n->name, n->line);
		if (r->partial_depth >= MAX_PARTIAL_DEPTH)
			return err_set(r->e, ERR_FAIL, "partials nested too deeply at '%s'", n->name);
		r->partial_depth++;
		rc = render_nodes(r, p->root.kids, p->root.nkids);
		r->partial_depth--;
		break;
	}
	}
	return rc;
}

static int render_nodes(struct render *r, const struct node *kids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = render_node(r, &kids[i]);
		if (rc)
			return rc;
	}
	return 0;
}

int tmpl_render(const tmpl *t, const tmpl_env *env, json_t *const *stack, int depth,
		buf *out, err *e)
{
	struct render r = { .env = env, .out = out, .e = e };
	if (depth > MAX_STACK / 2)
		return err_set(e, ERR_FAIL, "template context stack too deep");
	for (int i = 0; i < depth; i++)
		r.stack[r.depth++] = stack[i];
	return render_nodes(&r, t->root.kids, t->root.nkids);
}

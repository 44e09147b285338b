/* inputs.c: what a route declares it takes, checked before its handler
 * runs. One validator per kind of value (base/validate.c), the same for
 * every feature; a wrong value gets its message in the page's language,
 * and the values as sent come back to refill the form. A route that
 * declares its inputs never sees a body field it did not declare. */
#include <string.h>

#include "base/util.h"
#include "base/validate.h"
#include "http/http.h"
#include "view/i18n.h"
#include "base/banned.h"

enum { MARKDOWN_MAX = 20000, URL_MAX = 300, SLUG_MAX = 40 };

const struct input no_inputs[] = { { NULL } };

static const char *const kind_msg[] = {
	[IN_LINE] = "input.err.line",   [IN_TEXT] = "input.err.text",   [IN_MARKDOWN] = "input.err.text",
	[IN_PHONE] = "input.err.phone", [IN_EMAIL] = "input.err.email", [IN_URL] = "input.err.url",
	[IN_DATE] = "input.err.date",   [IN_TIME] = "input.err.time",   [IN_INT] = "input.err.int",
	[IN_SLUG] = "input.err.slug",   [IN_FLAG] = "input.err.line",   [IN_FILE] = "input.err.file",
	[IN_CHOICE] = "input.err.choice", [IN_CHOICES] = "input.err.choice",
	[IN_SECRET] = "input.err.text",
};

/* Text that may span lines: newlines and tabs, no other control character. */
static int text_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < ' ' && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

int input_valid(int kind, const char *s, int64_t max)
{
	switch (kind) {
	case IN_PHONE:
		return valid_phone(s) ? 0 : -1;
	case IN_EMAIL:
		return valid_email(s) ? 0 : -1;
	case IN_URL:
		return valid_url(s, max > 0 ? (size_t)max : URL_MAX) ? 0 : -1;
	case IN_DATE:
		return valid_date(s, NULL, NULL, NULL) ? 0 : -1;
	case IN_TIME:
		return valid_time(s, NULL, NULL) ? 0 : -1;
	case IN_SLUG:
		return valid_slug(s, max > 0 ? (size_t)max : SLUG_MAX) ? 0 : -1;
	case IN_LINE:
		return !has_control(s) && (!max || (int64_t)text_len(s) <= max) ? 0 : -1;
	case IN_TEXT:
	case IN_MARKDOWN:
		return text_ok(s) && (int64_t)text_len(s) <= (max ? max : MARKDOWN_MAX) ? 0 : -1;
	default:
		return -1;
	}
}

/* The value sent for in: the query string's or the body's. */
static const char *sent(const req *r, const struct input *in)
{
	return in->flags & IN_QUERY ? req_query(r, in->name) : req_form(r, in->name);
}

/* Every value sent under the input's name, each one of its choices, once:
 * the form gets them back as a list, the handler as "a,b,c". */
static const char *check_choices(req *r, const struct input *in, struct in_value *v, const char *why,
				 const char *missing)
{
	json_t *picked = json_array();
	buf b = BUF_INIT;
	int bad = 0;
	for (const struct field *f = r->fields; f; f = f->next) {
		if (f->filename || strcmp(f->name, in->name) || !f->value.len)
			continue;
		const char *s = f->value.s;
		if (!in->choices || !one_of(s, in->choices)) {
			bad = 1;
			continue;
		}
		int seen = 0;
		for (size_t i = 0; i < json_array_size(picked) && !seen; i++)
			seen = !strcmp(json_string_value(json_array_get(picked, i)), s);
		if (seen)
			continue;
		json_array_append_new(picked, json_string(s));
		if (b.len)
			buf_addc(&b, ',');
		buf_adds(&b, s);
	}
	json_object_set_new(r->form, in->name, picked);
	v->text = b.len ? arena_strdup(&r->a, b.s) : NULL;
	buf_release(&b);
	if (bad)
		return why;
	return !v->text && (in->flags & IN_REQUIRED) ? missing : NULL;
}

/* Checks one input into v; NULL when right, else the message's key. */
static const char *check(req *r, const struct input *in, struct in_value *v)
{
	int required = in->flags & IN_REQUIRED;
	const char *why = in->msg ? in->msg : kind_msg[in->kind];
	const char *missing = in->missing ? in->missing : "input.err.required";
	if (in->kind == IN_FILE) {
		v->file = req_file(r, in->name);
		if (v->file && !v->file->value.len)
			v->file = NULL; /* a file input left empty */
		if (!v->file)
			return required ? missing : NULL;
		return in->max && (int64_t)v->file->value.len > in->max ? why : NULL;
	}
	if (in->kind == IN_CHOICES)
		return check_choices(r, in, v, why, missing);
	const char *raw = sent(r, in);
	if (in->kind == IN_SECRET) {
		/* Kept exactly as typed, and never put back into the form. */
		v->text = raw && *raw ? raw : NULL;
		if (!v->text)
			return required ? missing : NULL;
		return in->max && (int64_t)strlen(raw) > in->max ? why : NULL;
	}
	if (in->kind == IN_FLAG) {
		v->num = raw && *raw && strcmp(raw, "0") && strcmp(raw, "false");
		json_object_set_new(r->form, in->name, json_boolean(v->num)); /* ticked again when the form comes back */
		return required && !v->num ? missing : NULL;
	}
	/* Markdown and text keep their inner white space; the ends go. */
	char *s = trimmed(&r->a, raw);
	if (in->kind == IN_EMAIL || in->kind == IN_SLUG)
		ascii_lower(s);
	json_object_set_new(r->form, in->name, json_string(s));
	if (!*s) {
		return required ? missing : NULL;
	}
	v->text = s;
	if (in->kind == IN_INT)
		return parse_i64(s, in->min, in->max, &v->num) ? why : NULL;
	if (in->kind == IN_CHOICE)
		return in->choices && one_of(s, in->choices) ? NULL : why;
	if (in->min && (int64_t)text_len(s) < in->min)
		return why;
	if (input_valid(in->kind, s, in->max))
		return why;
	return in->valid && !in->valid(s) ? why : NULL;
}

const char *inputs_first_error(const req *r)
{
	for (const struct input *in = r->route->inputs; in && in->name && r->errors; in++) {
		const char *why = json_string_value(json_object_get(r->errors, in->name));
		if (why)
			return why;
	}
	return NULL;
}

int inputs_check(req *r)
{
	const struct input *decl = r->route->inputs;
	if (!decl)
		return 0; /* not declared yet: the handler reads its fields itself */
	size_t n = 0;
	while (decl[n].name)
		n++;
	r->in = arena_alloc(&r->a, (n ? n : 1) * sizeof(*r->in));
	memset(r->in, 0, (n ? n : 1) * sizeof(*r->in));
	r->form = json_object();
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		const char *why = check(r, &decl[i], &r->in[i]);
		if (why) {
			if (!r->errors)
				r->errors = json_object();
			json_object_set_new(r->errors, decl[i].name, json_string(i18n_get(r->lang, why)));
			bad = 1;
		}
	}
	/* What the route did not declare never reaches its handler. */
	for (struct field *f = r->fields; f; f = f->next) {
		int known = !strcmp(f->name, "_csrf");
		for (size_t i = 0; i < n && !known; i++)
			known = !(decl[i].flags & IN_QUERY) && !strcmp(decl[i].name, f->name);
		f->hidden = !known;
	}
	return bad ? -1 : 0;
}

static int find(const req *r, const char *name)
{
	const struct input *decl = r->route ? r->route->inputs : NULL;
	for (int i = 0; decl && r->in && decl[i].name; i++)
		if (!strcmp(decl[i].name, name))
			return i;
	return -1;
}

const char *in_text(const req *r, const char *name)
{
	int i = find(r, name);
	return i < 0 ? NULL : r->in[i].text;
}

int64_t in_num(const req *r, const char *name, int64_t dflt)
{
	int i = find(r, name);
	if (i < 0)
		return dflt;
	const struct input *in = &r->route->inputs[i];
	return in->kind == IN_FLAG || r->in[i].text ? r->in[i].num : dflt;
}

const struct field *in_file(const req *r, const char *name)
{
	int i = find(r, name);
	return i < 0 ? NULL : r->in[i].file;
}

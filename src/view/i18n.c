/* i18n.c: .po parsing, the two catalogs and language negotiation. */
#include "view/i18n.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/embed.h"
#include "base/util.h"
#include "base/banned.h"

static const char *po_files[LANG__COUNT] = { "zh_CN.po", "en.po" };

/* A catalog: its entries sorted by key, and a table of them by the key's
 * hash (every page looks up some sixty keys; a binary search of 1,500
 * keys was 3% of a page's time). */
struct catalog {
	struct po_entry *v;
	size_t n;
	uint32_t *slot; /* entry index + 1, 0 empty */
	size_t mask;
};
static struct catalog catalogs[LANG__COUNT];

static size_t key_hash(const char *s)
{
	size_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

/* The catalog's table by hash, at most half full; left NULL (the
 * binary search serves) when memory is short. */
static void index_catalog(struct catalog *c)
{
	size_t cap = 16;
	while (cap < c->n * 2)
		cap <<= 1;
	free(c->slot);
	if (!(c->slot = calloc(cap, sizeof(*c->slot))))
		return;
	c->mask = cap - 1;
	for (size_t k = 0; k < c->n; k++) {
		size_t i = key_hash(c->v[k].id) & c->mask;
		while (c->slot[i])
			i = (i + 1) & c->mask;
		c->slot[i] = (uint32_t)k + 1;
	}
}

/* Appends the C-escaped string starting at the opening quote *p. */
static int po_string(const char **p, const char *end, buf *out)
{
	const char *s = *p;
	if (s >= end || *s != '"')
		return -1;
	for (s++; s < end && *s != '"'; s++) {
		if (*s == '\n')
			return -1;
		if (*s != '\\') {
			buf_addc(out, *s);
			continue;
		}
		if (++s >= end)
			return -1;
		switch (*s) {
		case 'n': buf_addc(out, '\n'); break;
		case 't': buf_addc(out, '\t'); break;
		case 'r': buf_addc(out, '\r'); break;
		case '"': buf_addc(out, '"'); break;
		case '\\': buf_addc(out, '\\'); break;
		default: return -1;
		}
	}
	if (s >= end)
		return -1;
	*p = s + 1;
	return 0;
}

static void skip_line_ws(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r'))
		(*p)++;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct po_entry *)a)->id, ((const struct po_entry *)b)->id);
}

static int cmp_key(const void *key, const void *entry)
{
	return strcmp(key, ((const struct po_entry *)entry)->id);
}

void po_free(struct po_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].str);
	}
	free(v);
}

int po_parse(const char *text, size_t len, struct po_entry **out, size_t *nout, err *e)
{
	const char *p = text, *end = text + len;
	struct po_entry *v = NULL;
	size_t n = 0, cap = 0;
	buf id = BUF_INIT, str = BUF_INIT;
	buf *cur = NULL;
	int line = 1, have_id = 0, have_str = 0, rc = 0;

	if (!utf8_valid(text, len)) {
		rc = err_set(e, ERR_INPUT, "catalog is not valid UTF-8");
		goto out;
	}
	while (p <= end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *q = p;
		skip_line_ws(&q, eol);
		int flush = 0;
		if (q == eol || *q == '#') {
			flush = 1;
		} else if (!strncmp(q, "msgid ", 6)) {
			if (have_id && have_str)
				flush = 2;
			else if (have_id) {
				rc = err_set(e, ERR_INPUT, "line %d: msgid without msgstr before it", line);
				goto out;
			}
		}
		if (flush && have_id && have_str) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					abort();
			}
			v[n].id = buf_detach(&id, NULL);
			v[n].str = buf_detach(&str, NULL);
			n++;
			have_id = have_str = 0;
			cur = NULL;
		}
		if (q == eol || *q == '#') {
			/* blank or comment */
		} else if (!strncmp(q, "msgid ", 6)) {
			q += 6;
			skip_line_ws(&q, eol);
			buf_reset(&id);
			if (po_string(&q, eol, &id)) {
				rc = err_set(e, ERR_INPUT, "line %d: bad msgid string", line);
				goto out;
			}
			have_id = 1;
			cur = &id;
		} else if (!strncmp(q, "msgstr ", 7)) {
			if (!have_id || have_str) {
				rc = err_set(e, ERR_INPUT, "line %d: msgstr without msgid", line);
				goto out;
			}
			q += 7;
			skip_line_ws(&q, eol);
			buf_reset(&str);
			if (po_string(&q, eol, &str)) {
				rc = err_set(e, ERR_INPUT, "line %d: bad msgstr string", line);
				goto out;
			}
			have_str = 1;
			cur = &str;
		} else if (*q == '"' && cur) {
			if (po_string(&q, eol, cur)) {
				rc = err_set(e, ERR_INPUT, "line %d: bad continuation string", line);
				goto out;
			}
		} else {
			rc = err_set(e, ERR_INPUT, "line %d: expected msgid, msgstr, a string or a comment", line);
			goto out;
		}
		skip_line_ws(&q, eol);
		if (q != eol && *q != '#' && !(q < eol && *q == '"')) {
			rc = err_set(e, ERR_INPUT, "line %d: unexpected text after string", line);
			goto out;
		}
		if (eol == end)
			break;
		p = eol + 1;
		line++;
	}
	if (have_id && !have_str) {
		rc = err_set(e, ERR_INPUT, "line %d: msgid without msgstr at end", line);
		goto out;
	}
	if (have_id && have_str) {
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			abort();
		v[n].id = buf_detach(&id, NULL);
		v[n].str = buf_detach(&str, NULL);
		n++;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(v[i].id, v[i - 1].id)) {
			rc = err_set(e, ERR_INPUT, "msgid \"%s\" appears twice", v[i].id);
			goto out;
		}
out:
	buf_release(&id);
	buf_release(&str);
	if (rc) {
		po_free(v, n);
		return rc;
	}
	*out = v;
	*nout = n;
	return 0;
}

int i18n_load(const char *dir, err *e)
{
	i18n_release();
	for (int l = 0; l < LANG__COUNT; l++) {
		char *text = NULL;
		size_t len;
		int rc;
		if (dir) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", dir, po_files[l]);
			if ((rc = read_file(path, 8 << 20, &text, &len, e)))
				return rc;
		} else {
			char name[64];
			snprintf(name, sizeof(name), "po/%s", po_files[l]);
			const struct embed_file *f = embed_find(name);
			if (!f)
				return err_set(e, ERR_FAIL, "%s is not built in", name);
			text = strndup((const char *)f->data, f->len);
			len = f->len;
		}
		err pe;
		rc = po_parse(text, len, &catalogs[l].v, &catalogs[l].n, &pe);
		free(text);
		if (rc)
			return err_set(e, rc, "po/%s: %s", po_files[l], pe.msg);
		index_catalog(&catalogs[l]);
	}
	return 0;
}

void i18n_release(void)
{
	for (int l = 0; l < LANG__COUNT; l++) {
		free(catalogs[l].slot);
		catalogs[l].slot = NULL;
		po_free(catalogs[l].v, catalogs[l].n);
		catalogs[l].v = NULL;
		catalogs[l].n = 0;
	}
}

static const struct po_entry *find(int lang, const char *key)
{
	if (lang < 0 || lang >= LANG__COUNT || !catalogs[lang].n)
		return NULL;
	const struct catalog *c = &catalogs[lang];
	if (!c->slot)
		return bsearch(key, c->v, c->n, sizeof(struct po_entry), cmp_key);
	for (size_t i = key_hash(key) & c->mask; c->slot[i]; i = (i + 1) & c->mask)
		if (!strcmp(c->v[c->slot[i] - 1].id, key))
			return &c->v[c->slot[i] - 1];
	return NULL;
}

const char *i18n_get(int lang, const char *key)
{
	const struct po_entry *p = find(lang, key);
	return p && p->str[0] ? p->str : key;
}

int i18n_has(int lang, const char *key)
{
	const struct po_entry *p = find(lang, key);
	return p && p->str[0];
}

/* The printf conversions a text takes, in order ("%d %.60s" gives "ds"):
 * length modifiers, '*' and the conversion letter, flags, widths and
 * precisions left out, "%%" skipped. Both languages' texts of a key are
 * handed the same arguments, so they must take the same conversions. */
static void conversions(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = strchr(s, '%'); p; p = strchr(p, '%')) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		for (; *p && strchr("-+ #0123456789.*hlqjzt", *p); p++)
			if (strchr("*hlqjzt", *p) && n + 1 < cap)
				out[n++] = *p;
		if (*p && n + 1 < cap)
			out[n++] = *p;
	}
	out[n] = '\0';
}

int i18n_check(FILE *report)
{
	int problems = 0;
	/* Texts with arguments: the same conversions in every language. */
	for (size_t i = 0; i < catalogs[LANG_ZH].n; i++) {
		const char *id = catalogs[LANG_ZH].v[i].id;
		char zh[64], other[64];
		if (!id[0] || !strchr(catalogs[LANG_ZH].v[i].str, '%'))
			continue;
		conversions(catalogs[LANG_ZH].v[i].str, zh, sizeof(zh));
		for (int o = LANG_ZH + 1; o < LANG__COUNT; o++) {
			conversions(i18n_get(o, id), other, sizeof(other));
			if (strcmp(zh, other) && i18n_has(o, id)) {
				problems++;
				if (report)
					fprintf(report, "po/%s: \"%s\" takes %%%s where po/%s takes %%%s\n", po_files[o], id,
						other, po_files[LANG_ZH], zh);
			}
		}
	}
	for (int l = 0; l < LANG__COUNT; l++)
		for (size_t i = 0; i < catalogs[l].n; i++) {
			const char *id = catalogs[l].v[i].id;
			if (!id[0])
				continue; /* the .po header entry */
			for (int o = 0; o < LANG__COUNT; o++) {
				if (i18n_has(o, id))
					continue;
				if (o < l && find(o, id))
					continue; /* reported already */
				problems++;
				if (report)
					fprintf(report, "po/%s: \"%s\" is missing or empty\n", po_files[o], id);
			}
		}
	return problems;
}


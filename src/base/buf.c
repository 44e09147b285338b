/* buf.c: the growable string buffer and the context-named escapers. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

char buf_empty[1];

void buf_init(buf *b, size_t hint)
{
	b->s = buf_empty;
	b->len = b->cap = 0;
	if (hint)
		buf_grow(b, hint);
}

void buf_grow(buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t want = b->len + extra + 1;
	if (want < b->len)
		abort();
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	char *p = b->cap ? realloc(b->s, cap) : malloc(cap);
	if (!p)
		abort();
	if (!b->cap)
		p[0] = '\0';
	b->s = p;
	b->cap = cap;
}

void buf_add(buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_grow(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_adds(buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(buf *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void buf_vaddf(buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->s + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		abort();
	if (b->cap && (size_t)n < b->cap - b->len) {
		b->len += (size_t)n;
		return;
	}
	buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void buf_addf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(buf *b)
{
	b->len = 0;
	if (b->cap)
		b->s[0] = '\0';
}

void buf_release(buf *b)
{
	if (b->cap)
		free(b->s);
	b->s = buf_empty;
	b->len = b->cap = 0;
}

char *buf_detach(buf *b, size_t *len)
{
	char *s = b->cap ? b->s : strdup("");
	if (!s)
		abort();
	if (len)
		*len = b->len;
	b->s = buf_empty;
	b->len = b->cap = 0;
	return s;
}

/* The characters HTML escapes, and how long each one's entity is. */
static const unsigned char html_extra[256] = {
	['&'] = 4, ['<'] = 3, ['>'] = 3, ['"'] = 5, ['\''] = 4, ['`'] = 4,
};

void buf_html(buf *b, const char *s, size_t n)
{
	/* Most text has nothing to escape (every page's Chinese): one pass
	 * finds what the escaped text needs, then it is written in place. */
	const unsigned char *u = (const unsigned char *)s;
	size_t extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += html_extra[u[i]];
	if (!n)
		return;
	buf_grow(b, n + extra);
	char *out = b->s + b->len;
	if (!extra) {
		memcpy(out, s, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			const char *rep;
			switch (s[i]) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			case '`': rep = "&#96;"; break;
			default: *out++ = s[i]; continue;
			}
			size_t l = (size_t)html_extra[u[i]] + 1;
			memcpy(out, rep, l);
			out += l;
		}
	}
	b->len += n + extra;
	b->s[b->len] = '\0';
}

void buf_url_arg(buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			buf_addc(b, (char)*p);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}

void buf_csv(buf *b, const char *s)
{
	/* A leading = + - @ would make a spreadsheet evaluate the cell. */
	int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	if (formula)
		buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

void buf_csv_start(buf *b)
{
	buf_adds(b, "\xEF\xBB\xBF");
}

void buf_csv_field(buf *b, size_t col, const char *s)
{
	if (col)
		buf_addc(b, ',');
	buf_csv(b, s);
}

void buf_add_utf8(buf *b, uint32_t c)
{
	if (c < 0x80) {
		buf_addc(b, (char)c);
	} else if (c < 0x800) {
		buf_addc(b, (char)(0xC0 | (c >> 6)));
		buf_addc(b, (char)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		buf_addc(b, (char)(0xE0 | (c >> 12)));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_addc(b, (char)(0x80 | (c & 0x3F)));
	} else {
		buf_addc(b, (char)(0xF0 | (c >> 18)));
		buf_addc(b, (char)(0x80 | ((c >> 12) & 0x3F)));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_addc(b, (char)(0x80 | (c & 0x3F)));
	}
}

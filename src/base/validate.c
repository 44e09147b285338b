/* validate.c: shared input checks for forms and the API. */
#include "base/validate.h"

#include <ctype.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/banned.h"

int valid_email(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@'))
		return 0;
	const char *dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>()[],;:\\\"", *p))
			return 0;
	return 1;
}

int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < ' ' || *p == 0x7f)
			return 1;
		/* Bidirectional embeddings, overrides and isolates (U+202A-202E,
		 * U+2066-2069): "\u202Egnp.exe" shows as "exe.png", and a name
		 * could pass for another's. */
		if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
				     (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)))
			return 1;
	}
	return 0;
}

char *trimmed(arena *a, const char *s)
{
	if (!s)
		return arena_strdup(a, "");
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

char *ascii_lower(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *like_literal(arena *a, const char *s)
{
	size_t n = strlen(s), k = 0;
	char *out = arena_alloc(a, 2 * n + 1);
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			out[k++] = '\\';
		out[k++] = *s;
	}
	out[k] = '\0';
	return out;
}

size_t text_len(const char *s)
{
	return utf8_len(s, strlen(s));
}

int valid_phone(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n > PHONE_MAX)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr("+- ()", *p))
			return 0;
	}
	return digits >= 5 && digits <= 20;
}

int valid_url(const char *s, size_t max)
{
	if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
		return 0;
	const char *host = strstr(s, "//") + 2;
	return *host && *host != '/' && text_len(s) <= max && !has_control(s) && !strpbrk(s, " \"<>");
}

int valid_slug(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n && n <= max && s[0] >= 'a' && s[0] <= 'z' && s[n - 1] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int valid_date(const char *s, int *y, int *m, int *d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t yy, mm, dd;
	char part[5];
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2 || strspn(s + 8, "0123456789") != 2)
		return 0;
	memcpy(part, s, 4), part[4] = '\0';
	if (parse_i64(part, 1900, 2999, &yy))
		return 0;
	memcpy(part, s + 5, 2), part[2] = '\0';
	if (parse_i64(part, 1, 12, &mm))
		return 0;
	memcpy(part, s + 8, 2), part[2] = '\0';
	int leap = (yy % 4 == 0 && yy % 100) || yy % 400 == 0;
	if (parse_i64(part, 1, days[mm - 1] + (mm == 2 && leap), &dd))
		return 0;
	if (y)
		*y = (int)yy, *m = (int)mm, *d = (int)dd;
	return 1;
}

int valid_time(const char *s, int *h, int *min)
{
	int64_t hh, mm;
	char part[3];
	if (strlen(s) != 5 || s[2] != ':' || strspn(s, "0123456789") != 2 || strspn(s + 3, "0123456789") != 2)
		return 0;
	memcpy(part, s, 2), part[2] = '\0';
	if (parse_i64(part, 0, 23, &hh))
		return 0;
	memcpy(part, s + 3, 2);
	if (parse_i64(part, 0, 59, &mm))
		return 0;
	if (h)
		*h = (int)hh, *min = (int)mm;
	return 1;
}

static int blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

const char *text_cut(arena *a, const char *s, size_t max)
{
	buf b = BUF_INIT;
	size_t n = 0;
	const char *p = s ? s : "";
	while (blank(*p))
		p++;
	while (*p && n < max) {
		if (blank(*p)) {
			while (blank(*p))
				p++;
			if (*p && n + 1 < max) {
				buf_addc(&b, ' ');
				n++;
			}
			continue;
		}
		const char *run = p; /* a run of characters, added at once */
		while (*p && !blank(*p) && n < max) {
			p++;
			while ((*p & 0xC0) == 0x80)
				p++;
			n++;
		}
		buf_add(&b, run, (size_t)(p - run));
	}
	while (blank(*p))
		p++;
	if (*p)
		buf_adds(&b, "…");
	const char *out = arena_strdup(a, b.s ? b.s : "");
	buf_release(&b);
	return out;
}

void text_html_collapsed(buf *b, const char *s, size_t n)
{
	const char *end = s + n;
	int wrote = 0, gap = 0;
	while (s < end) {
		const char *run = s;
		while (s < end && !blank(*s))
			s++;
		if (s > run) {
			if (gap)
				buf_addc(b, ' ');
			buf_html(b, run, (size_t)(s - run));
			wrote = 1;
			gap = 0;
		}
		while (s < end && blank(*s)) {
			s++;
			gap = wrote;
		}
	}
}

const char *text_find_ci(const char *text, const char *lower)
{
	size_t n = strlen(lower);
	int cased = 0;
	for (const char *p = lower; *p && !cased; p++)
		cased = *p >= 'a' && *p <= 'z';
	if (!cased || !n)
		return strstr(text, lower);
	/* The places the first letter is, either case, found by strcspn
	 * (glibc's is vectorized), each then compared. */
	char first[3] = { lower[0], lower[0] >= 'a' && lower[0] <= 'z' ? (char)(lower[0] - 'a' + 'A') : lower[0], 0 };
	for (const char *t = text + strcspn(text, first); *t; t += 1 + strcspn(t + 1, first)) {
		size_t i = 1;
		while (i < n && t[i] && (t[i] >= 'A' && t[i] <= 'Z' ? t[i] - 'A' + 'a' : t[i]) == lower[i])
			i++;
		if (i == n)
			return t;
	}
	return NULL;
}

/* One tag's characters: letters of any script, digits, - + # . _ (C++,
 * C#, pg_stat_statements, 2.0). */
static int tag_ok(const char *t)
{
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if (*p < 0x80 && !(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') && !strchr("-+#._", *p))
			return 0;
	return *t != '\0';
}

int tags_split(arena *a, const char *text, const char **out, int max, size_t max_len)
{
	int n = 0;
	out[0] = NULL;
	char *s = arena_strdup(a, text ? text : "");
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	/* The separators people type: , ， 、 ; ； and white space. */
	static const char *const seps[] = { "，", "、", "；", NULL };
	for (size_t k = 0; seps[k]; k++)
		for (char *p; (p = strstr(s, seps[k]));)
			memset(p, ',', strlen(seps[k]));
	char *save = NULL;
	for (char *t = strtok_r(s, ", ;\t\r\n", &save); t; t = strtok_r(NULL, ", ;\t\r\n", &save)) {
		if (text_len(t) > max_len || !tag_ok(t) || !utf8_valid(t, strlen(t)))
			return -1;
		int seen = 0;
		for (int i = 0; i < n && !seen; i++)
			seen = !strcmp(out[i], t);
		if (seen)
			continue;
		if (n == max)
			return -1;
		out[n++] = t;
		out[n] = NULL;
	}
	return n;
}

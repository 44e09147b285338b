/* util.c: errors, time, UTF-8 validation, strict number parsing, files. */
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

int err_set(err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int64_t unix_now(void)
{
	return (int64_t)time(NULL);
}

void time_iso(int64_t t, char out[32])
{
	/* Every access-log line asks for the current second: format it once
	 * per second and thread. */
	static _Thread_local int64_t last = INT64_MIN;
	static _Thread_local char text[32];
	if (t != last) {
		struct tm tm;
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
		last = t;
	}
	memcpy(out, text, sizeof(text));
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int parse_time(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	const char *p = s + n;
	if (*p == 'T' || *p == ' ') {
		int m2 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m2) != 2 || m2 != 5)
			return -1;
		p += 1 + m2;
		if (*p == ':') {
			if (sscanf(p + 1, "%2d%n", &sec, &m2) != 1 || m2 != 2)
				return -1;
			p += 3;
		}
		if (*p == 'Z')
			p++;
	}
	if (*p || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59 || h < 0 ||
	    mi < 0 || sec < 0)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	*out = (int64_t)timegm(&tm);
	return 0;
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c == 0)
				return 0;
			i++;
			continue;
		}
		size_t len;
		unsigned min;
		if ((c & 0xE0) == 0xC0) {
			len = 2; min = 0x80; c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3; min = 0x800; c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4; min = 0x10000; c &= 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

size_t utf8_len(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

/* By hand rather than wcwidth(3), which answers only under a UTF-8 locale
 * the process would have to switch to; the ranges are Unicode's East Asian
 * Width W and F blocks that Chinese text uses, and the combining marks. */
int cp_width(uint32_t c)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
		{ 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE30, 0xFE4F }, { 0xFF00, 0xFF60 },
		{ 0xFFE0, 0xFFE6 }, { 0x1F300, 0x1F64F }, { 0x1F900, 0x1F9FF }, { 0x20000, 0x3FFFD },
	};
	if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F))
		return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = *p;
	int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	c = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
	for (int i = 1; i < n && p[i]; i++)
		c = (c << 6) | (p[i] & 0x3F);
	for (int i = 0; i < n && *p; i++)
		p++;
	*s = (const char *)p;
	return c;
}

size_t text_width(const char *s)
{
	size_t w = 0;
	while (s && *s)
		w += (size_t)cp_width(utf8_next(&s));
	return w;
}

void fput_column(FILE *f, const char *s, size_t width)
{
	size_t w = text_width(s ? s : "");
	fputs(s ? s : "", f);
	do
		fputc(' ', f);
	while (++w < width + 1);
}

int text_han(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		unsigned cp;
		if (*p >= 0xe0 && *p < 0xf0 && p[1] && p[2]) {
			cp = ((unsigned)(*p & 0x0f) << 12) | ((unsigned)(p[1] & 0x3f) << 6) | (unsigned)(p[2] & 0x3f);
			if ((cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff))
				return 1;
		} else if (*p >= 0xf0 && *p < 0xf8 && p[1] && p[2] && p[3]) {
			cp = ((unsigned)(*p & 0x07) << 18) | ((unsigned)(p[1] & 0x3f) << 12);
			if (cp >= 0x20000)
				return 1;
		}
	}
	return 0;
}

int one_of(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *s, size_t *out)
{
	if (!s || !*s || *s == '-')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	unsigned long long mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1024ull * 1024 * 1024, end++;
	if (*end || v > SIZE_MAX / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

int read_file(const char *path, size_t max, char **out, size_t *len, err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	char *data = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			char *p = realloc(data, cap + 1);
			if (!p)
				abort();
			data = p;
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			rc = err_set(e, ERR_INPUT, "%s: larger than %zu bytes", path, max);
			break;
		}
		if (got == 0) {
			if (ferror(f))
				rc = err_set(e, ERR_FAIL, "%s: read error", path);
			break;
		}
	}
	fclose(f);
	if (rc) {
		free(data);
		return rc;
	}
	data[n] = '\0';
	*out = data;
	if (len)
		*len = n;
	return 0;
}

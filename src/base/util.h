/* util.h: small helpers: errors, time, UTF-8, parsing numbers. */
#ifndef PGHERD_UTIL_H
#define PGHERD_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "base/err.h"

uint64_t now_us(void);        /* monotonic microseconds */
int64_t unix_now(void);       /* wall clock seconds */
/* ISO 8601 UTC "2026-11-21T05:41:22Z" into out (at least 21 bytes). */
void time_iso(int64_t t, char out[32]);
/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS][Z]" as UTC; -1 if invalid. */
int parse_time(const char *s, int64_t *out);

/* 1 when s[0..n) is well-formed UTF-8 with no NUL and no overlongs. */
int utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t utf8_len(const char *s, size_t n);
/* Columns a terminal gives valid UTF-8: two for East Asian wide and
 * full-width characters (汉字, ｆｕｌｌ), none for combining marks. */
size_t text_width(const char *s);
/* The code point at *s (valid UTF-8, not at its end), moving *s past it. */
uint32_t utf8_next(const char **s);
/* Columns of one code point: 2 wide, 1, or 0 for a combining mark. */
int cp_width(uint32_t c);
/* Writes s and spaces up to width columns (at least one space after). */
void fput_column(FILE *f, const char *s, size_t width);

/* 1 when s holds a Chinese character (CJK ideographs, U+3400-9FFF,
 * U+F900-FAFF, U+20000 and up): a name an English page marks lang="zh-CN". */
int text_han(const char *s);
/* 1 when s is one of list's words (NULL-ended, as inputs declare their
 * choices), else 0. */
int one_of(const char *s, const char *const *list);
/* Strict integer parse: the whole string, in range; -1 on failure. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Sizes like "1048576", "512K", "10M"; -1 on failure. */
int parse_size(const char *s, size_t *out);

/* Reads a whole file (up to max bytes) into a malloc'd NUL-terminated buffer. */
int read_file(const char *path, size_t max, char **out, size_t *len, err *e);

#endif

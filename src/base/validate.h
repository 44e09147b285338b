/* validate.h: checks every form and API input goes through: shapes,
 * lengths in characters, control characters. Inputs are valid UTF-8
 * already (the server refuses anything else). */
#ifndef PGHERD_VALIDATE_H
#define PGHERD_VALIDATE_H

#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"

/* A plausible address: one '@', a dot in the domain, no spaces or
 * specials, at most 254 bytes. */
int valid_email(const char *s);
/* One check per kind of value, shared by every form and the API; each
 * returns 1 when s is one. A phone number: 5 to 20 digits with + - ( )
 * and spaces, at most PHONE_MAX characters. */
enum { PHONE_MAX = 24 };
int valid_phone(const char *s);
/* An http:// or https:// address with a host, at most max characters,
 * without spaces, quotes, angle brackets or control characters. */
int valid_url(const char *s, size_t max);
/* a-z, 0-9 and '-', starting with a letter, not ending with '-', 1 to max bytes. */
int valid_slug(const char *s, size_t max);
/* YYYY-MM-DD naming a real day (1900-2999); y, m, d (may be NULL) get it. */
int valid_date(const char *s, int *y, int *m, int *d);
/* HH:MM on a 24-hour clock; h, min (may be NULL) get it. */
int valid_time(const char *s, int *h, int *min);
/* 1 when s has a control character (tabs and newlines included) or a
 * bidirectional embedding, override or isolate (U+202A-202E, U+2066-2069). */
int has_control(const char *s);
/* A copy without leading and trailing white space ("" for NULL). */
char *trimmed(arena *a, const char *s);
/* Lower-cases ASCII letters in place; returns s. */
char *ascii_lower(char *s);
/* s with LIKE's wildcards (% _) and the escape (\) made literal, for
 * `LIKE ? ESCAPE '\'` on both engines. */
char *like_literal(arena *a, const char *s);
/* Length in characters of valid UTF-8. */
size_t text_len(const char *s);
/* Tags as typed ("索引, 分区 vacuum"): split at commas, 、 and spaces,
 * lower-cased, each once, into out (NULL-ended: room for max + 1); -1
 * when there are more than max, or one is longer than max_len characters
 * or holds a character a tag cannot (letters of any script, digits and
 * - + # . _ only). */
int tags_split(arena *a, const char *text, const char **out, int max, size_t max_len);
/* The first max characters of valid UTF-8 s with its white space runs
 * made single spaces (a description from a body), "…" when it went on. */
const char *text_cut(arena *a, const char *s, size_t max);
/* s[0..n) appended to b HTML-escaped, as text_cut would leave it when
 * nothing is cut: white space runs made one space, none at either end. */
void text_html_collapsed(buf *b, const char *s, size_t n);
/* The first place in text where `lower` (lower-cased) is, ASCII letters
 * in any case (Chinese has none); NULL when nowhere. No copy is made. */
const char *text_find_ci(const char *text, const char *lower);

#endif

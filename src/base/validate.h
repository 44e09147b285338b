/* validate.h: checks every form and API input goes through: shapes,
 * lengths in characters, control characters. Inputs are valid UTF-8
 * already (the server refuses anything else). */
#ifndef PGHERD_VALIDATE_H
#define PGHERD_VALIDATE_H

#include <stddef.h>

#include "base/arena.h"

/* A plausible address: one '@', a dot in the domain, no spaces or
 * specials, at most 254 bytes. */
int valid_email(const char *s);
/* 1 when s has a control character (tabs and newlines included). */
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

#endif

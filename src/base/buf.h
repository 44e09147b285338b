/* buf.h: the growable string buffer, the only way pgherd builds strings.
 *
 * Rules (after git's strbuf): b->s is never NULL and always NUL-terminated;
 * a buf starts as BUF_INIT or buf_init(); buf_release frees and resets it;
 * buf_detach hands the malloc'd string to the caller. Growth aborts on
 * out-of-memory. */
#ifndef PGHERD_BUF_H
#define PGHERD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
	char *s;
	size_t len, cap;
} buf;

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(buf *b, size_t hint);
void buf_grow(buf *b, size_t extra);
void buf_add(buf *b, const void *p, size_t n);
void buf_adds(buf *b, const char *s);
void buf_addc(buf *b, char c);
void buf_add_utf8(buf *b, uint32_t cp);    /* one code point, UTF-8 encoded */
void buf_addf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(buf *b, const char *fmt, va_list ap);
void buf_reset(buf *b);           /* length 0, keeps memory */
void buf_release(buf *b);         /* frees, back to BUF_INIT */
char *buf_detach(buf *b, size_t *len); /* caller frees; b is reset */

/* Escapers named for where the text lands (cgit's habit). */
void buf_html(buf *b, const char *s, size_t n);   /* text and attribute values */
void buf_url_arg(buf *b, const char *s);          /* a query-string value */
void buf_csv(buf *b, const char *s);              /* one CSV field, quoted when needed */
/* A CSV file for spreadsheets starts with a UTF-8 byte order mark, so that
 * Excel reads Chinese text as UTF-8; rows end in CRLF. */
void buf_csv_start(buf *b);
void buf_csv_field(buf *b, size_t col, const char *s); /* a comma before all but column 0 */

#endif

/* i18n.h: message catalogs from gettext .po files (po/zh_CN.po, po/en.po),
 * built into the binary. Keys are symbolic msgids ("nav.events"); each
 * catalog's msgstr is that language's text.
 *
 * Catalogs are loaded once at startup and read-only afterwards. */
#ifndef PGHERD_I18N_H
#define PGHERD_I18N_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "base/lang.h"

struct po_entry {
	char *id;
	char *str;
};

/* Parses .po text: msgid/msgstr with continuation lines and C escapes;
 * comments and msgctxt-free entries only. Entries are malloc'd. */
int po_parse(const char *text, size_t len, struct po_entry **out, size_t *n, err *e);
void po_free(struct po_entry *v, size_t n);

/* Loads both catalogs from dir (po/) or, when dir is NULL, the embedded copy. */
int i18n_load(const char *dir, err *e);
void i18n_release(void);
/* The text for key in lang; the key itself when it is missing. */
const char *i18n_get(int lang, const char *key);
int i18n_has(int lang, const char *key);
/* Writes one line per key missing (or empty) in either catalog, and per key
 * whose texts take different printf conversions; returns the count. */
int i18n_check(FILE *report);

#endif

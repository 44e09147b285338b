/* lang.h: the languages pgherd speaks: 简体中文 and English. The codes
 * every layer uses (settings, sessions, catalogs, dates) live here, below
 * the catalogs of view/i18n. */
#ifndef PGHERD_LANG_H
#define PGHERD_LANG_H

enum { LANG_ZH, LANG_EN, LANG__COUNT };

const char *lang_code(int lang); /* "zh" / "en" */
const char *lang_html(int lang); /* "zh-CN" / "en" */
/* Parses "zh", "zh-CN", "en-US"...; -1 when neither language. */
int lang_parse(const char *s);
/* The best language in an Accept-Language header, or -1. */
int lang_from_accept(const char *header);

#endif

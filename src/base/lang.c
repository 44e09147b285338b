/* lang.c: the two languages pgherd speaks, by code and from a browser's
 * Accept-Language. */
#include "base/lang.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

const char *lang_code(int lang) { return lang == LANG_EN ? "en" : "zh"; }
const char *lang_html(int lang) { return lang == LANG_EN ? "en" : "zh-CN"; }

int lang_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strncasecmp(s, "zh", 2) && (!s[2] || s[2] == '-' || s[2] == '_'))
		return LANG_ZH;
	if (!strncasecmp(s, "en", 2) && (!s[2] || s[2] == '-' || s[2] == '_'))
		return LANG_EN;
	return -1;
}

int lang_from_accept(const char *h)
{
	/* "en-US,en;q=0.9,zh-CN;q=0.8": the highest q among known languages. */
	int best = -1;
	double best_q = 0;
	while (h && *h) {
		while (*h == ' ' || *h == ',')
			h++;
		const char *item = h;
		while (*h && *h != ',')
			h++;
		char tag[16] = "";
		size_t tl = 0;
		const char *p = item;
		while (p < h && *p != ';' && *p != ' ' && tl < sizeof(tag) - 1)
			tag[tl++] = *p++;
		tag[tl] = '\0';
		double q = 1.0;
		const char *qs = memmem(item, (size_t)(h - item), "q=", 2);
		if (qs)
			q = strtod(qs + 2, NULL);
		int l = lang_parse(tag);
		if (l >= 0 && q > best_q) {
			best = l;
			best_q = q;
		}
	}
	return best;
}

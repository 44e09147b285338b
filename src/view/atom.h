/* atom.h: an Atom 1.0 feed (RFC 4287) written into a buffer: its head,
 * entries, its end. Every text is escaped; links must be absolute (the
 * caller joins base_url); times are Unix seconds, written in UTC. One
 * writer for every feed (the articles', the wish wall's roadmap), so each
 * is valid the same way. */
#ifndef PGHERD_ATOM_H
#define PGHERD_ATOM_H

#include <stdint.h>

#include "base/buf.h"

struct atom_feed {
	const char *lang;      /* xml:lang: "zh-CN" or "en" */
	const char *title;
	const char *self;      /* the feed's own address (also its id) */
	const char *alternate; /* the page it follows */
	int64_t updated;       /* its newest entry's; 0: now */
};

struct atom_entry {
	const char *title, *link; /* the link is the entry's id too */
	const char *author, *category;
	const char *summary;      /* text, or NULL */
	const char *html;         /* the content as HTML, or NULL */
	int64_t published, updated;
};

void atom_head(buf *b, const struct atom_feed *f);
void atom_entry(buf *b, const struct atom_entry *e);
void atom_end(buf *b);

#endif

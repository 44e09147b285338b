/* card.h: the picture a chat app shows beside a shared link (Open Graph's
 * og:image), drawn for a page that has no picture of its own: its title,
 * when and where, and a line at the foot, on the community's colours,
 * 1200 x 630. Text is set with FreeType from one font that has Chinese
 * (the card_font setting); without one, pages keep the community's card.
 * Thread-safe; cards already drawn are kept by their text. */
#ifndef PGHERD_CARD_H
#define PGHERD_CARD_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

enum { CARD_W = 1200, CARD_H = 630, CARD_LINES = 2 };

struct card {
	const char *kicker;            /* small, at the top: the community's name */
	const char *title;             /* large: up to three lines, then cut with … */
	const char *lines[CARD_LINES]; /* one line each (when, where), cut with … */
	const char *badge;             /* the foot, left: "报名中 · 余 37 席" */
	const char *footer;            /* the foot, right: the site's address */
};

/* Opens the font at path ("off": no cards). A collection (.ttc) gives its
 * Simplified Chinese face. When the font cannot be read: ERR_INPUT if
 * `required` (the setting was given), else a warning in the log and no
 * cards. */
int card_open(const char *path, int required, err *e);
/* 1 when cards can be drawn. */
int card_ready(void);
/* Appends the card as PNG or JPEG, whichever is smaller, to out; *type
 * gets the content type. ERR_NOTFOUND when cards are off. */
int card_draw(const struct card *c, buf *out, const char **type, err *e);
/* The lines text breaks into at px pixels within width, at most max, as
 * a card sets them (the last cut with "…" when the text goes on): *lines
 * gets that many malloc'd strings in a malloc'd array. -1 when cards are
 * off. For the tests of the breaking rules. */
int card_lines(const char *text, int px, int width, int max, char ***lines);
/* A short hash of the card's text, for an address that changes with it. */
uint32_t card_hash(const struct card *c);

/* The card's foot for a site at base_url: its host ("pg.example.org"). */
const char *card_host(const char *base_url);
struct req;
struct resp;
/* The whole answer to a GET of a page's card: the picture, kept by
 * clients and proxies for a day (its address names its text, ?v=), in
 * the language the address names (?lang=), which it does not make the
 * reader's. 404 when cards are off. */
int card_answer(struct req *r, struct resp *out, const struct card *c);
void card_close(void);

#endif

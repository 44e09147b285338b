/* qr.h: QR codes (libqrencode, error correction level M) for tickets and
 * channel links: as SVG for pages, where it scales sharply to any screen,
 * and as PNG for mail, where clients do not show SVG. Both have the
 * four-module quiet zone scanners need. */
#ifndef PGHERD_QR_H
#define PGHERD_QR_H

#include "base/buf.h"
#include "base/err.h"
#include "http/http.h"

int qr_svg(const char *text, buf *b, err *e);
/* A black and white PNG (libpng), `scale` pixels per module. */
int qr_png(const char *text, int scale, buf *b, err *e);
/* The SVG of text as the whole answer out (a ticket's, a channel's). */
int qr_answer(resp *out, const char *text, const char *cache_control);

#endif

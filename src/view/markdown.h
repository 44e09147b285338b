/* markdown.h: member-written Markdown to HTML with cmark-gfm: raw HTML and
 * dangerous link schemes suppressed (no CMARK_OPT_UNSAFE), GitHub's
 * tagfilter, autolink, strikethrough and table extensions. The result may
 * be placed in a page with {{{...}}}: it is HTML the server produced. */
#ifndef PGHERD_MARKDOWN_H
#define PGHERD_MARKDOWN_H

#include "base/buf.h"

void markdown_html(const char *md, buf *out);

#endif

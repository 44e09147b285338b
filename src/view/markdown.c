/* markdown.c: cmark-gfm with the safe defaults and GitHub's extensions. */
#include "view/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

void markdown_html(const char *md, buf *out)
{
	static const char *exts[] = { "tagfilter", "autolink", "strikethrough", "table" };
	pthread_once(&once, register_extensions);
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		cmark_syntax_extension *x = cmark_find_syntax_extension(exts[i]);
		if (x)
			cmark_parser_attach_syntax_extension(p, x);
	}
	cmark_parser_feed(p, md, strlen(md));
	cmark_node *doc = cmark_parser_finish(p);
	char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
	buf_adds(out, html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
}

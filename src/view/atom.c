/* atom.c: the Atom feed writer (atom.h). Written by hand: it is a handful
 * of elements, and Debian's XML writers (libxml2's xmlTextWriter) would
 * add a dependency for no check this one lacks; the content suite parses
 * every feed it writes. */
#include "view/atom.h"

#include <string.h>

#include "base/util.h"
#include "base/banned.h"

static void esc(buf *b, const char *s)
{
	buf_html(b, s, strlen(s));
}

void atom_head(buf *b, const struct atom_feed *f)
{
	char when[32];
	time_iso(f->updated ? f->updated : unix_now(), when);
	buf_addf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n"
		    "<title>", f->lang);
	esc(b, f->title);
	buf_adds(b, "</title>\n<id>");
	esc(b, f->self);
	buf_adds(b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	esc(b, f->self);
	buf_adds(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	esc(b, f->alternate);
	buf_addf(b, "\"/>\n<updated>%s</updated>\n", when);
}

void atom_entry(buf *b, const struct atom_entry *e)
{
	char when[32];
	buf_adds(b, "<entry><title>");
	esc(b, e->title);
	buf_adds(b, "</title><id>");
	esc(b, e->link);
	buf_adds(b, "</id><link rel=\"alternate\" type=\"text/html\" href=\"");
	esc(b, e->link);
	time_iso(e->published, when);
	buf_addf(b, "\"/><published>%s</published>", when);
	time_iso(e->updated > e->published ? e->updated : e->published, when);
	buf_addf(b, "<updated>%s</updated><author><name>", when);
	esc(b, e->author);
	buf_adds(b, "</name></author><category term=\"");
	esc(b, e->category);
	buf_adds(b, "\"/>");
	if (e->summary && *e->summary) {
		buf_adds(b, "<summary>");
		esc(b, e->summary);
		buf_adds(b, "</summary>");
	}
	if (e->html) {
		buf_adds(b, "<content type=\"html\">");
		esc(b, e->html);
		buf_adds(b, "</content>");
	}
	buf_adds(b, "</entry>\n");
}

void atom_end(buf *b)
{
	buf_adds(b, "</feed>\n");
}

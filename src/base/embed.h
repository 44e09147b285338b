/* embed.h: files built into the binary (templates, catalogs, migrations,
 * static assets), generated at build time by tools/embed.c. */
#ifndef PGHERD_EMBED_H
#define PGHERD_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name;           /* path in the source tree, e.g. "templates/home/index.html" */
	const unsigned char *data;  /* NUL-terminated for convenience */
	size_t len;
	const char *hash;           /* 16 hex digits of the content, for ETags and asset URLs */
};

extern const struct embed_file embed_files[]; /* sorted by name */
extern const size_t embed_count;

const struct embed_file *embed_find(const char *name);

#endif

/* files.h: uploaded images and PDFs: recognized by their bytes, limited in
 * size and dimensions, images written again by the server, stored in the
 * database, served from /files/KEY (a random key, not a counter). */
#ifndef PGHERD_FILES_H
#define PGHERD_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

enum { IMAGE_MAX_BYTES = 2 * 1024 * 1024, IMAGE_MAX_SIDE = 4096, PDF_MAX_BYTES = 8 * 1024 * 1024 };

/* What an upload may be: files_store takes a set of these. */
enum { FILE_IMAGE = 1, FILE_PDF = 2 };

#include "http/feature.h"

extern const struct feature files_feature;
extern const struct route_table files_routes;

struct image_info {
	const char *content_type; /* "image/png", "image/jpeg" or "image/webp" */
	unsigned width, height;
};

/* Recognizes a PNG, JPEG or WebP by its bytes and reads its dimensions;
 * -1 for anything else (whatever its name or claimed type). */
int image_sniff(const unsigned char *p, size_t n, struct image_info *out);

/* 1 when the bytes are a whole PDF: its header at the start and its
 * end-of-file marker in the last kilobyte (a cut-off upload has none). */
int pdf_sniff(const unsigned char *p, size_t n);

enum { FILE_KEY_LEN = 22, FILE_SIZES = 3 };

/* SQL for the key of the file whose id is in column `col` ('' for none):
 * pages name files by key, never by id. */
#define FILE_KEY(col) "coalesce((SELECT key FROM files WHERE id = " col "), '')"

/* One stored form of an upload: the image itself (size "") or a smaller
 * size ("m", "s"), or a PDF as sent. */
struct file_version {
	const char *size, *type;
	unsigned w, h;
	size_t bytes;
	const char *b64;
	char sha[65];
};

/* An upload checked and made ready to store (in the request's arena). */
struct upload {
	const char *name;
	struct file_version v[FILE_SIZES];
	int n;
};

/* Checks the upload f is one of `kinds` (FILE_IMAGE, FILE_PDF) by its
 * bytes and within that kind's size. An image is decoded and written
 * again without its metadata, upright, in the sizes pages use; a PDF is
 * kept as sent. On a refused file returns ERR_INPUT with *why set to an
 * i18n key. Pure work, no database: do it before a transaction. */
int files_prepare(req *r, const struct field *f, int kinds, struct upload *u, const char **why);

/* Stores a prepared upload under a new random key; *id gets the file's id
 * and *key (when not NULL) its key: the file is served at /files/KEY, its
 * smaller sizes at /files/KEY/m and /files/KEY/s. */
int files_store(db *d, req *r, const struct upload *u, int64_t *id, const char **key, err *e);

/* A new file key: 16 random bytes, URL-safe base64. */
void files_new_key(char key[FILE_KEY_LEN + 1]);

/* The whole answer to an upload: stores the file in form field `field` (one
 * of `kinds`: FILE_IMAGE, FILE_PDF) and points row `row` at it with
 * update_sql (two parameters: the file's id, the row's id), in one
 * transaction. A refused file answers
 * 422, a row that is not there 404 (and nothing is kept); otherwise the
 * API gets {"file_id","url"} and a browser goes to `next`. The audit log
 * records `audit` (may be NULL) on `target`. */
int files_attach(req *r, resp *out, const char *field, int kinds, const char *update_sql, int64_t row,
		 const char *audit, const char *target, const char *next);

/* files_attach for the row the route's :id names: `kind` "org" audits
 * "org:ID" and a browser goes back to `path`/ID?saved=1. */
int files_attach_route(req *r, resp *out, const char *field, int kinds, const char *update_sql, const char *audit,
		       const char *kind, const char *path);

#endif

/* files.c: images people upload (avatars, logos, event photos) and PDFs
 * (slides).
 *
 * Recognizing PNG, JPEG and WebP takes a few dozen lines of reading their
 * headers; Debian's image libraries (libvips, libgd) would bring whole
 * decoders into the server for that, so it is done here and fuzzed; a PDF
 * is known by its header and end marker. Files are not re-encoded: they
 * are served only with their true type, nosniff and a CSP, never as HTML. */
#include "auth/auth.h"
#include "files/files.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "files/image.h"
#include "people/people.h"
#include "base/banned.h"

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned be32(const unsigned char *p) { return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static unsigned le24(const unsigned char *p) { return (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0]; }

static int sniff_png(const unsigned char *p, size_t n, struct image_info *o)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if (n < 33 || memcmp(p, sig, 8) || memcmp(p + 12, "IHDR", 4))
		return -1;
	o->content_type = "image/png";
	o->width = be32(p + 16);
	o->height = be32(p + 20);
	return 0;
}

static int sniff_jpeg(const unsigned char *p, size_t n, struct image_info *o)
{
	if (n < 4 || p[0] != 0xFF || p[1] != 0xD8 || p[2] != 0xFF)
		return -1;
	/* Walk the markers to a start-of-frame, which holds the size. */
	size_t i = 2;
	while (i + 9 < n) {
		if (p[i] != 0xFF)
			return -1;
		unsigned m = p[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		size_t len = be16(p + i + 2);
		if (len < 2)
			return -1;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			o->content_type = "image/jpeg";
			o->height = be16(p + i + 5);
			o->width = be16(p + i + 7);
			return 0;
		}
		i += 2 + len;
	}
	return -1;
}

static int sniff_webp(const unsigned char *p, size_t n, struct image_info *o)
{
	if (n < 30 || memcmp(p, "RIFF", 4) || memcmp(p + 8, "WEBP", 4))
		return -1;
	o->content_type = "image/webp";
	if (!memcmp(p + 12, "VP8 ", 4) && p[23] == 0x9d && p[24] == 0x01 && p[25] == 0x2a) {
		o->width = le16(p + 26) & 0x3fff;
		o->height = le16(p + 28) & 0x3fff;
		return 0;
	}
	if (!memcmp(p + 12, "VP8L", 4) && p[20] == 0x2f) {
		unsigned b = (unsigned)p[21] | (unsigned)p[22] << 8 | (unsigned)p[23] << 16 | (unsigned)p[24] << 24;
		o->width = (b & 0x3fff) + 1;
		o->height = ((b >> 14) & 0x3fff) + 1;
		return 0;
	}
	if (!memcmp(p + 12, "VP8X", 4)) {
		o->width = le24(p + 24) + 1;
		o->height = le24(p + 27) + 1;
		return 0;
	}
	return -1;
}

int image_sniff(const unsigned char *p, size_t n, struct image_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!sniff_png(p, n, out) || !sniff_jpeg(p, n, out) || !sniff_webp(p, n, out))
		return out->width && out->height ? 0 : -1;
	return -1;
}

int pdf_sniff(const unsigned char *p, size_t n)
{
	if (n < 16 || memcmp(p, "%PDF-", 5) || p[5] < '1' || p[5] > '2' || p[6] != '.')
		return 0;
	size_t from = n > 1024 ? n - 1024 : 0;
	for (size_t i = n - 4; i-- > from;)
		if (!memcmp(p + i, "%%EOF", 5))
			return 1;
	return 0;
}

/* The uploaded file's own name, without folders or control characters,
 * at most 100 bytes of whole characters. */
static const char *file_name(arena *a, const char *name)
{
	if (!name)
		return "";
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *s = arena_strndup(a, base, strlen(base) > 100 ? 100 : strlen(base));
	size_t n = strlen(s);
	while (n && !utf8_valid(s, n)) /* a character cut at 100 bytes goes whole */
		n--;
	s[n] = '\0';
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == '"')
			*p = '_';
	return utf8_valid(s, strlen(s)) ? s : "";
}

/* What the pages need: the whole image at most 1600 pixels on its longer
 * side (a cover on a desktop, a photo opened), 800 for a phone's column
 * and 320 for avatars, logos and thumbnails. A smaller size is kept only
 * when the image is bigger than it. */
static const struct {
	const char *name;
	unsigned side;
} sizes[] = { { "", 1600 }, { "m", 800 }, { "s", 320 } };

static const char *b64_of(arena *a, const void *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = arena_alloc(a, cap);
	sodium_bin2base64(b64, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	return b64;
}

static void sha_hex(const void *p, size_t n, char hex[65])
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(hash, p, n);
	sodium_bin2hex(hex, 65, hash, sizeof(hash));
}

/* Writes the decoded image again in each size it is bigger than. */
static int reencode(arena *a, const struct image *im, int prefer_png, struct upload *u)
{
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		if (k && im->w <= sizes[k].side && im->h <= sizes[k].side)
			continue; /* the image itself serves for this size */
		struct image scaled = { 0 };
		const struct image *from = im;
		if (im->w > sizes[k].side || im->h > sizes[k].side) {
			if (image_scale(im, sizes[k].side, &scaled))
				return -1;
			from = &scaled;
		}
		buf b = BUF_INIT;
		struct file_version *v = &u->v[u->n];
		int rc = image_encode(from, prefer_png, &b, &v->type);
		if (!rc) {
			v->size = sizes[k].name;
			v->w = from->w;
			v->h = from->h;
			v->bytes = b.len;
			v->b64 = b64_of(a, b.s, b.len);
			sha_hex(b.s, b.len, v->sha);
			u->n++;
		}
		buf_release(&b);
		image_free(&scaled);
		if (rc)
			return -1;
	}
	return 0;
}

int files_prepare(req *r, const struct field *f, int kinds, struct upload *u, const char **why)
{
	struct image_info info = { 0 };
	const unsigned char *p = f ? (const unsigned char *)f->value.s : NULL;
	size_t n = f ? f->value.len : 0;
	memset(u, 0, sizeof(*u));
	*why = NULL;
	if (!n) {
		*why = "files.err.none";
		return ERR_INPUT;
	}
	u->name = file_name(&r->a, f->filename);
	if ((kinds & FILE_PDF) && pdf_sniff(p, n)) {
		if (n > PDF_MAX_BYTES) {
			*why = "files.err.pdf_too_big";
			return ERR_INPUT;
		}
		/* A PDF is kept as sent: it is served only as a download. */
		struct file_version *v = &u->v[u->n++];
		*v = (struct file_version){ "", "application/pdf", 0, 0, n, b64_of(&r->a, p, n), { 0 } };
		sha_hex(p, n, v->sha);
		return 0;
	}
	if (!(kinds & FILE_IMAGE) || image_sniff(p, n, &info)) {
		*why = kinds == FILE_PDF ? "files.err.not_pdf" : kinds & FILE_PDF ? "files.err.type_pdf" : "files.err.type";
		return ERR_INPUT;
	}
	if (n > IMAGE_MAX_BYTES) {
		*why = "files.err.too_big";
		return ERR_INPUT;
	}
	if (info.width > IMAGE_MAX_SIDE || info.height > IMAGE_MAX_SIDE) {
		*why = "files.err.dimensions";
		return ERR_INPUT;
	}
	struct image im;
	if (image_decode(p, n, info.content_type, sizes[0].side, &im)) {
		*why = "files.err.broken";
		return ERR_INPUT;
	}
	int rc = reencode(&r->a, &im, !strcmp(info.content_type, "image/png"), u);
	image_free(&im);
	if (rc) {
		*why = "files.err.broken";
		return ERR_INPUT;
	}
	return 0;
}

void files_new_key(char key[FILE_KEY_LEN + 1])
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(key, FILE_KEY_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int files_store(db *d, req *r, const struct upload *u, int64_t *id, const char **key, err *e)
{
	char k[FILE_KEY_LEN + 1];
	files_new_key(k);
	const struct file_version *v = &u->v[0];
	db_res res;
	int rc = db_query(d, &r->a, "INSERT INTO files (sha256, content_type, width, height, size, data_b64, user_id, created_at, name, key) "
				    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_TEXT(v->sha), DB_TEXT(v->type), DB_INT(v->w), DB_INT(v->h), DB_INT((int64_t)v->bytes),
				  DB_TEXT(v->b64), r->user_id ? DB_INT(r->user_id) : DB_NULL, DB_TIME(unix_now()),
				  DB_TEXT(u->name), DB_TEXT(k)),
			  &res, e);
	if (rc)
		return rc;
	*id = db_get_int(&res, 0, 0);
	for (int i = 1; i < u->n && !rc; i++) {
		v = &u->v[i];
		rc = db_exec(d, "INSERT INTO file_sizes (file_id, size, sha256, content_type, width, height, bytes, data_b64) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			     DB_ARGS(DB_INT(*id), DB_TEXT(v->size), DB_TEXT(v->sha), DB_TEXT(v->type), DB_INT(v->w),
				     DB_INT(v->h), DB_INT((int64_t)v->bytes), DB_TEXT(v->b64)),
			     NULL, e);
	}
	if (!rc && key)
		*key = arena_strdup(&r->a, k);
	return rc;
}

struct attach_ctx {
	req *r;
	const char *update_sql, *audit, *target, *key;
	const struct upload *u;
	int64_t row, file;
};

static int attach_tx(db *d, void *p, err *e)
{
	struct attach_ctx *c = p;
	int64_t changed = 0;
	int rc = files_store(d, c->r, c->u, &c->file, &c->key, e);
	if (!rc)
		rc = db_exec(d, c->update_sql, DB_ARGS(DB_INT(c->file), DB_INT(c->row)), &changed, e);
	if (!rc && !changed)
		rc = ERR_NOTFOUND;
	if (!rc && c->audit)
		rc = auth_audit(d, c->r->user_id, c->audit, c->target, arena_printf(&c->r->a, "file:%lld", (long long)c->file),
				c->r->client, e);
	return rc;
}

int files_attach(req *r, resp *out, const char *field, int kinds, const char *update_sql, int64_t row,
		 const char *audit, const char *target, const char *next)
{
	err e = ERR_INIT;
	db *d = r->db;
	struct upload u;
	const char *why;
	/* Decoding and writing the sizes happen before the transaction,
	 * which then only inserts. */
	if (files_prepare(r, req_file(r, field), kinds, &u, &why))
		return http_error(r, out, 422, kinds == FILE_IMAGE ? "invalid_image" : "invalid_file", why);
	struct attach_ctx c = { r, update_sql, audit, target, NULL, &u, row, 0 };
	int rc = db_tx(d, attach_tx, &c, &e);
	if (rc == ERR_NOTFOUND)
		return http_error(r, out, 404, "not_found", "error.not_found");
	if (rc) {
		log_error("upload: %s", e.msg);
		return rc;
	}
	if (r->api) {
		out->model = json_pack("{s:I,s:s}", "file_id", (json_int_t)c.file, "url",
				       arena_printf(&r->a, "/files/%s", c.key));
		return 0;
	}
	return http_redirect(r, out, next);
}

int files_attach_route(req *r, resp *out, const char *field, int kinds, const char *update_sql, const char *audit,
		       const char *kind, const char *path)
{
	int64_t id = req_num(r, "id");
	return files_attach(r, out, field, kinds, update_sql, id, audit, arena_printf(&r->a, "%s:%lld", kind, (long long)id),
			    arena_printf(&r->a, "%s/%lld?saved=1", path, (long long)id));
}

/* A file's key as files_new_key makes it (or as the migration that gave
 * older files theirs did: 32 hex digits). */
static int valid_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n < 16 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9') ||
		      k[i] == '-' || k[i] == '_'))
			return 0;
	return 1;
}

static int serve(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *key = req_param(r, "key"), *size = req_param(r, "size");
	if (!valid_key(key) || (size && strcmp(size, "s") && strcmp(size, "m")))
		return http_error(r, out, 404, "not_found", "error.not_found");
	db *d = r->db;
	db_res res;
	/* A size the image is not bigger than is the image itself. */
	int rc = db_query(d, &r->a, "SELECT coalesce(v.sha256, f.sha256), coalesce(v.content_type, f.content_type), "
				    "coalesce(v.data_b64, f.data_b64), f.name, coalesce(" PEOPLE_HIDDEN_AVATAR ", 0), "
				    "CASE WHEN " PEOPLE_IS_AVATAR " THEN 1 ELSE 0 END "
				    "FROM files f LEFT JOIN file_sizes v ON v.file_id = f.id AND v.size = ? WHERE f.key = ?",
			  DB_ARGS(DB_TEXT(size ? size : ""), DB_TEXT(key)), &res, &e);
	if (rc)
		return rc;
	int64_t hidden_for = res.nrows ? db_get_int(&res, 0, 4) : 0;
	/* A hidden profile's avatar is its owner's (and the admins') alone. */
	if (!res.nrows || (hidden_for && hidden_for != r->user_id && r->role != ROLE_ADMIN))
		return http_error(r, out, 404, "not_found", "error.not_found");
	/* A file never changes under its key: cache it for good, except an
	 * avatar, whose member may hide it (an hour), and a hidden one, which
	 * no shared cache may keep. */
	out->etag = arena_printf(&r->a, "\"%.32s\"", db_get(&res, 0, 0));
	out->cache_control = hidden_for ? "private, max-age=600"
			     : db_get_int(&res, 0, 5) ? "public, max-age=3600" : "public, max-age=31536000, immutable";
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strstr(inm, out->etag)) {
		out->status = 304;
		out->body = "";
		return 0;
	}
	const char *b64 = db_get(&res, 0, 2);
	size_t cap = strlen(b64), len = 0;
	unsigned char *bin = malloc(cap + 1); /* handed to the server, freed after sending */
	if (!bin)
		abort();
	if (sodium_base642bin(bin, cap, b64, cap, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL)) {
		free(bin);
		log_error("file %s: stored data is not base64", key);
		return ERR_FAIL;
	}
	out->body = bin;
	out->body_len = len;
	out->body_owned = 1;
	out->content_type = arena_strdup(&r->a, db_get(&res, 0, 1));
	out->disposition = "inline";
	if (!strcmp(out->content_type, "application/pdf")) {
		/* A PDF can carry scripts (/OpenAction, forms): it is only ever
		 * downloaded, never opened as a page of this site, and keeps its
		 * name when saved (RFC 6266, percent-encoded). */
		const char *name = *db_get(&res, 0, 3) ? db_get(&res, 0, 3) : "slides.pdf";
		buf b = BUF_INIT;
		buf_url_arg(&b, name);
		out->disposition = arena_printf(&r->a, "attachment; filename*=UTF-8''%s", b.s);
		buf_release(&b);
	}
	return 0;
}

static const struct route routes[] = {
	{ M_GET, "/files/:key", serve, EVERYONE, 0, "file" },
	{ M_GET, "/files/:key/:size", serve, EVERYONE, 0, "file" },
};

const struct route_table files_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

const struct feature files_feature = { .name = "files", .routes = { &files_routes } };

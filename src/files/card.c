/* card.c: drawing a page's link card.
 *
 * Glyphs come from FreeType. The line breaking is written here: a card
 * holds a title and two short lines in Chinese or English, so the rule
 * is small (a Chinese character may end a line anywhere, Latin text
 * breaks at spaces, closing punctuation never starts a line), where
 * HarfBuzz and a Unicode line-break library would shape and break
 * scripts a card never shows. Chinese and Latin need no shaping beyond
 * each glyph's advance. The pixels are then encoded by image.c. */
#include "files/card.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "files/image.h"
#include "http/http.h"
#include "base/banned.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* a face is not thread-safe */
static FT_Library lib;
static FT_Face face;

/* Cards drawn, by their text: a shared link is fetched by every chat
 * app's crawler and every reader's client. */
enum { KEPT = 32 };
static struct kept {
	char *key;
	char *bytes;
	size_t len;
	const char *type;
} kept[KEPT];
static unsigned next_kept;

int card_ready(void)
{
	return face != NULL;
}

/* The face of a collection whose family name ends in " SC" (Simplified
 * Chinese), else its first. */
static int open_face(const char *path, FT_Face *out)
{
	FT_Face f;
	if (FT_New_Face(lib, path, 0, &f))
		return -1;
	long n = f->num_faces;
	for (long i = 0; i < n; i++) {
		FT_Face g;
		if (i && FT_New_Face(lib, path, i, &g))
			continue;
		if (!i)
			g = f;
		const char *fam = g->family_name ? g->family_name : "";
		size_t l = strlen(fam);
		if (l >= 3 && !strcmp(fam + l - 3, " SC")) {
			if (g != f)
				FT_Done_Face(f);
			*out = g;
			return 0;
		}
		if (g != f)
			FT_Done_Face(g);
	}
	*out = f;
	return 0;
}

int card_open(const char *path, int required, err *e)
{
	if (!path || !*path || !strcmp(path, "off"))
		return 0;
	if (!lib && FT_Init_FreeType(&lib))
		return err_set(e, ERR_FAIL, "FreeType cannot start");
	FT_Face f;
	if (open_face(path, &f)) {
		if (required)
			return err_set(e, ERR_INPUT, "card_font %s: not a font FreeType can read", path);
		log_warn("link cards: no font at %s (install fonts-noto-cjk or set card_font); "
			 "pages share the community's card", path);
		return 0;
	}
	if (FT_Get_Char_Index(f, 0x4E2D) == 0) { /* 中 */
		FT_Done_Face(f);
		if (required)
			return err_set(e, ERR_INPUT, "card_font %s has no Chinese characters", path);
		log_warn("link cards: %s has no Chinese; pages share the community's card", path);
		return 0;
	}
	face = f;
	return 0;
}

void card_close(void)
{
	for (unsigned i = 0; i < KEPT; i++) {
		free(kept[i].key);
		free(kept[i].bytes);
		kept[i] = (struct kept){ 0 };
	}
	if (face)
		FT_Done_Face(face);
	face = NULL;
	if (lib)
		FT_Done_FreeType(lib);
	lib = NULL;
}

/* ---- text ---- */

enum { MAX_CPS = 400 };

/* A text as code points, with each one's advance at the face's size. */
struct text {
	uint32_t cp[MAX_CPS];
	int x[MAX_CPS + 1]; /* x[i]: the pen before cp[i] */
	int n;
};

/* A Chinese font's middle dot (U+00B7, "北京 · 上海", "Days · Wuhan")
 * is full-width; it is set in a third of that, centred. */
enum { MIDDLE_DOT = 0xB7 };

static int advance(uint32_t c)
{
	FT_UInt g = FT_Get_Char_Index(face, c);
	if (!g || FT_Load_Glyph(face, g, FT_LOAD_DEFAULT))
		return 0;
	int a = (int)(face->glyph->advance.x >> 6);
	return c == MIDDLE_DOT ? a / 3 : a;
}

static void decode(const char *s, struct text *t)
{
	t->n = 0;
	while (s && *s && t->n < MAX_CPS) {
		uint32_t c = utf8_next(&s);
		if (c == '\n' || c == '\t')
			c = ' ';
		if (c >= 0x20 && cp_width(c))
			t->cp[t->n++] = c;
	}
}

/* Sets the face to px and measures t at that size. */
static void measure(struct text *t, int px)
{
	FT_Set_Pixel_Sizes(face, 0, (FT_UInt)px);
	t->x[0] = 0;
	for (int i = 0; i < t->n; i++)
		t->x[i + 1] = t->x[i] + advance(t->cp[i]);
}

#define WIDTH(t, a, b) ((t)->x[b] - (t)->x[a])

/* Punctuation that stays with the character before it, or after it. */
static int closing(uint32_t c)
{
	static const uint32_t wide[] = { 0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F, 0xFF09,
					 0x300D, 0x300F, 0x300B, 0x3009, 0x3011, 0x2026, 0x201D, 0x2019, 0x00B7 };
	if (c < 0x80)
		return c && strchr(",.;:!?)]}%", (int)c) != NULL;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (c == wide[i])
			return 1;
	return 0;
}

static int opening(uint32_t c)
{
	static const uint32_t list[] = { '(', '[', 0xFF08, 0x300C, 0x300E, 0x300A, 0x3008, 0x3010, 0x201C, 0x2018 };
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (c == list[i])
			return 1;
	return 0;
}

/* The end of the unbreakable piece that starts at i: a wide character
 * (with the punctuation that clings to it) or a run of narrow ones. */
static int piece_end(const struct text *t, int i)
{
	int j = i;
	while (j < t->n && opening(t->cp[j]))
		j++;
	if (j < t->n && cp_width(t->cp[j]) == 2)
		j++;
	else
		while (j < t->n && t->cp[j] != ' ' && cp_width(t->cp[j]) != 2)
			j++;
	while (j < t->n && closing(t->cp[j]))
		j++;
	return j > i ? j : i + 1;
}

struct line {
	int a, b; /* cp[a..b) */
	int ellipsis;
};

/* Breaks t (measured) into at most max lines of at most w pixels; the
 * last line is cut with "…" when the text goes on. Returns how many. */
static int wrap(const struct text *t, int w, int max, struct line *out)
{
	int n = 0, i = 0;
	while (i < t->n && t->cp[i] == ' ')
		i++;
	while (i < t->n && n < max) {
		int a = i, b = i;
		for (int j = i; j < t->n;) {
			int s = j;
			while (s < t->n && t->cp[s] == ' ')
				s++;
			if (s == t->n)
				break;
			int e = piece_end(t, s);
			if (WIDTH(t, a, e) > w) {
				if (b == a) { /* one piece wider than the line: cut it */
					b = s + 1;
					while (b < e && WIDTH(t, a, b + 1) <= w)
						b++;
					while (b > s + 1 && closing(t->cp[b]))
						b--; /* "，" stays with what it follows */
				}
				break;
			}
			b = j = e;
		}
		out[n++] = (struct line){ a, b, 0 };
		i = b;
		while (i < t->n && t->cp[i] == ' ')
			i++;
	}
	if (i < t->n && n) {
		struct line *l = &out[n - 1];
		int ell = advance(0x2026);
		while (l->b > l->a && (WIDTH(t, l->a, l->b) + ell > w || t->cp[l->b - 1] == ' '))
			l->b--;
		l->ellipsis = 1;
	}
	return n;
}

int card_lines(const char *text, int px, int width, int max, char ***lines)
{
	if (!face || max < 1 || max > 16)
		return -1;
	struct text *t = malloc(sizeof(*t));
	struct line l[16];
	if (!t)
		abort();
	pthread_mutex_lock(&lock);
	decode(text, t);
	measure(t, px);
	int n = wrap(t, width, max, l);
	*lines = calloc((size_t)n + 1, sizeof(char *));
	if (!*lines)
		abort();
	for (int i = 0; i < n; i++) {
		buf b = BUF_INIT;
		for (int k = l[i].a; k < l[i].b; k++)
			buf_add_utf8(&b, t->cp[k]);
		if (l[i].ellipsis)
			buf_add_utf8(&b, 0x2026);
		buf_addc(&b, '\0');
		b.len--;
		(*lines)[i] = buf_detach(&b, NULL);
	}
	pthread_mutex_unlock(&lock);
	free(t);
	return n;
}

/* ---- pixels ---- */

struct canvas {
	unsigned char *px; /* CARD_W x CARD_H RGBA */
};

static void blend(struct canvas *cv, int x, int y, uint32_t rgb, unsigned cover)
{
	if (x < 0 || y < 0 || x >= CARD_W || y >= CARD_H || !cover)
		return;
	unsigned char *p = cv->px + ((size_t)y * CARD_W + (size_t)x) * 4;
	for (int k = 0; k < 3; k++) {
		unsigned s = (rgb >> (16 - 8 * k)) & 0xFF;
		p[k] = (unsigned char)((p[k] * (255 - cover) + s * cover + 127) / 255);
	}
}

/* Draws cp[a..b) (and "…") from x on baseline y. */
static void draw_run(struct canvas *cv, const uint32_t *cp, int a, int b, int ellipsis, int x, int y, uint32_t rgb,
		    unsigned alpha)
{
	for (int i = a; i < b + (ellipsis ? 1 : 0); i++) {
		uint32_t c = i < b ? cp[i] : 0x2026;
		FT_UInt g = FT_Get_Char_Index(face, c);
		if (!g || FT_Load_Glyph(face, g, FT_LOAD_DEFAULT) || FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL))
			continue;
		FT_GlyphSlot s = face->glyph;
		const FT_Bitmap *bm = &s->bitmap;
		int adv = (int)(s->advance.x >> 6), left = s->bitmap_left;
		if (c == MIDDLE_DOT) {
			adv /= 3;
			left = (adv - (int)bm->width) / 2;
		}
		for (unsigned r = 0; r < bm->rows; r++)
			for (unsigned k = 0; k < bm->width; k++)
				blend(cv, x + left + (int)k, y - s->bitmap_top + (int)r, rgb,
				      bm->buffer[(int)r * bm->pitch + (int)k] * alpha / 255);
		x += adv;
	}
}

/* One line of s at px, cut with "…" to w; right: x is where it ends. */
static void text_line(struct canvas *cv, const char *s, int px, int x, int y, int w, uint32_t rgb, unsigned alpha,
		      int right)
{
	struct text t;
	struct line l;
	decode(s, &t);
	measure(&t, px);
	if (!wrap(&t, w, 1, &l))
		return;
	if (right)
		x -= WIDTH(&t, l.a, l.b) + (l.ellipsis ? advance(0x2026) : 0);
	draw_run(cv, t.cp, l.a, l.b, l.ellipsis, x, y, rgb, alpha);
}

/* The community's colours, as on its own card: PostgreSQL blue, darker
 * towards the bottom right. */
static void background(struct canvas *cv)
{
	for (int y = 0; y < CARD_H; y++)
		for (int x = 0; x < CARD_W; x++) {
			unsigned t = (unsigned)(x * 255 / CARD_W + y * 255 / CARD_H) / 2;
			unsigned char *p = cv->px + ((size_t)y * CARD_W + (size_t)x) * 4;
			p[0] = (unsigned char)(0x33 + (0x1f - 0x33) * (int)t / 255);
			p[1] = (unsigned char)(0x67 + (0x44 - 0x67) * (int)t / 255);
			p[2] = (unsigned char)(0x91 + (0x66 - 0x91) * (int)t / 255);
			p[3] = 255;
		}
	for (int y = CARD_H - 90; y < CARD_H; y++)
		for (int x = 0; x < CARD_W; x++)
			blend(cv, x, y, 0x10263a, 150);
	for (int y = 0; y < 10; y++) /* the accent along the top */
		for (int x = 0; x < CARD_W; x++)
			blend(cv, x, y, 0x7fb2e5, 255);
}

enum { MARGIN = 80, TEXT_W = CARD_W - 2 * MARGIN, BODY_H = CARD_H - 90 - 30 - 120 };

static void draw(const struct card *c, struct canvas *cv)
{
	background(cv);
	if (c->kicker)
		text_line(cv, c->kicker, 32, MARGIN, 88, TEXT_W, 0xFFFFFF, 200, 0);
	/* The title as large as three lines allow. */
	struct text t;
	struct line l[3];
	static const int sizes[] = { 68, 58, 50 };
	int px = sizes[0], n = 0;
	decode(c->title, &t);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		measure(&t, px = sizes[k]);
		n = wrap(&t, TEXT_W, 3, l);
		if (!n || !l[n - 1].ellipsis)
			break;
	}
	/* The title and the lines under it, centred between the kicker and
	 * the foot. */
	int lh = px * 5 / 4, k = 0;
	for (int i = 0; i < CARD_LINES; i++)
		k += c->lines[i] && *c->lines[i];
	int height = px + (n ? n - 1 : 0) * lh + (k ? 78 + (k - 1) * 54 : 0) + 10;
	int top = 120 + (BODY_H - height) / 2;
	int y = (top < 120 ? 120 : top) + px;
	for (int i = 0; i < n; i++)
		draw_run(cv, t.cp, l[i].a, l[i].b, l[i].ellipsis, MARGIN, y + i * lh, 0xFFFFFF, 255);
	y += (n ? n - 1 : 0) * lh + 78;
	for (int i = 0; i < CARD_LINES; i++)
		if (c->lines[i] && *c->lines[i]) {
			text_line(cv, c->lines[i], 36, MARGIN, y, TEXT_W, 0xFFFFFF, 225, 0);
			y += 54;
		}
	int foot = CARD_H - 36;
	if (c->footer && *c->footer)
		text_line(cv, c->footer, 28, CARD_W - MARGIN, foot, TEXT_W * 2 / 5 - 32, 0xFFFFFF, 170, 1);
	if (c->badge && *c->badge)
		text_line(cv, c->badge, 34, MARGIN, foot, TEXT_W * 3 / 5, 0xFFE08A, 255, 0);
}

/* The card's text as one key: its parts, each ended by a 0x1F. */
static char *key_of(const struct card *c)
{
	buf k = BUF_INIT;
	const char *parts[] = { c->kicker, c->title, c->lines[0], c->lines[1], c->badge, c->footer };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		buf_adds(&k, parts[i] ? parts[i] : "");
		buf_addc(&k, '\x1f');
	}
	return buf_detach(&k, NULL);
}

uint32_t card_hash(const struct card *c)
{
	char *key = key_of(c);
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	free(key);
	return h;
}

const char *card_host(const char *base_url)
{
	const char *p = strstr(base_url, "://");
	return p ? p + 3 : base_url;
}

int card_answer(req *r, resp *out, const struct card *c)
{
	if (!card_ready())
		return http_error(r, out, 404, "not_found", "error.not_found");
	buf b = BUF_INIT;
	err e = ERR_INIT;
	const char *type;
	r->set_lang_cookie = 0; /* ?lang= names the card's language, not the reader's */
	int rc = card_draw(c, &b, &type, &e);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	out->body = buf_detach(&b, &out->body_len);
	out->body_owned = 1;
	out->content_type = type;
	/* The address names the card's text (v=), so a changed page is a new
	 * address; an old one still answers with the card as it is now. */
	out->cache_control = "public, max-age=86400";
	return 0;
}

int card_draw(const struct card *c, buf *out, const char **type, err *e)
{
	if (!face)
		return err_set(e, ERR_NOTFOUND, "link cards are off");
	char *key = key_of(c);
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < KEPT; i++)
		if (kept[i].key && !strcmp(kept[i].key, key)) {
			buf_add(out, kept[i].bytes, kept[i].len);
			*type = kept[i].type;
			pthread_mutex_unlock(&lock);
			free(key);
			return 0;
		}
	struct image im = { CARD_W, CARD_H, malloc((size_t)CARD_W * CARD_H * 4), 0 };
	if (!im.px) {
		pthread_mutex_unlock(&lock);
		free(key);
		return err_set(e, ERR_FAIL, "out of memory drawing a card");
	}
	struct canvas cv = { im.px };
	draw(c, &cv);
	size_t at = out->len;
	int rc = image_encode(&im, 1, out, type);
	image_free(&im);
	if (rc) {
		pthread_mutex_unlock(&lock);
		free(key);
		return err_set(e, ERR_FAIL, "the card could not be encoded");
	}
	struct kept *k = &kept[next_kept++ % KEPT];
	free(k->key);
	free(k->bytes);
	k->key = key;
	k->len = out->len - at;
	k->bytes = malloc(k->len);
	if (!k->bytes)
		abort();
	memcpy(k->bytes, out->s + at, k->len);
	k->type = *type;
	pthread_mutex_unlock(&lock);
	return 0;
}

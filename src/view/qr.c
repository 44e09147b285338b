/* qr.c: QR codes drawn as SVG paths or as a 1-bit PNG. */
#include "view/qr.h"

#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/banned.h"

enum { QUIET = 4 };

static QRcode *encode(const char *text, err *e)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		err_set(e, ERR_FAIL, "cannot encode a QR code of %zu bytes", strlen(text));
	return q;
}

int qr_svg(const char *text, buf *b, err *e)
{
	QRcode *q = encode(text, e);
	if (!q)
		return ERR_FAIL;
	int w = q->width, size = w + 2 * QUIET;
	buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
		    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++) {
			if (!(q->data[y * w + x] & 1))
				continue;
			int run = 1; /* one path segment per run of dark modules */
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			buf_addf(b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run - 1;
		}
	buf_adds(b, "\"/></svg>\n");
	QRcode_free(q);
	return 0;
}

static void png_to_buf(png_structp png, png_bytep data, size_t len)
{
	buf_add(png_get_io_ptr(png), (const char *)data, len);
}

static void png_flush_none(png_structp png)
{
	(void)png;
}

int qr_png(const char *text, int scale, buf *b, err *e)
{
	if (scale < 1 || scale > 32)
		return err_set(e, ERR_INPUT, "qr: scale %d out of range", scale);
	QRcode *q = encode(text, e);
	if (!q)
		return ERR_FAIL;
	int w = q->width, side = (w + 2 * QUIET) * scale;
	size_t row_bytes = ((size_t)side + 7) / 8;
	unsigned char *row = malloc(row_bytes);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!row || !png || !info) {
		png_destroy_write_struct(&png, &info);
		free(row);
		QRcode_free(q);
		return err_set(e, ERR_FAIL, "qr: out of memory");
	}
	size_t start = b->len;
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		QRcode_free(q);
		b->len = start;
		return err_set(e, ERR_FAIL, "qr: libpng could not write the image");
	}
	png_set_write_fn(png, b, png_to_buf, png_flush_none);
	/* One bit per pixel, 0 black: the smallest PNG a QR code can be. */
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int py = 0; py < side; py++) {
		int my = py / scale - QUIET;
		memset(row, 0xff, row_bytes);
		for (int px = 0; px < side; px++) {
			int mx = px / scale - QUIET;
			if (my >= 0 && my < w && mx >= 0 && mx < w && (q->data[my * w + mx] & 1))
				row[px / 8] &= (unsigned char)~(0x80u >> (px % 8));
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	QRcode_free(q);
	return 0;
}

int qr_answer(resp *out, const char *text, const char *cache_control)
{
	err e = ERR_INIT;
	buf b = BUF_INIT;
	int rc = qr_svg(text, &b, &e);
	if (rc) {
		buf_release(&b);
		log_error("qr: %s", e.msg);
		return rc;
	}
	out->body = buf_detach(&b, &out->body_len);
	out->body_owned = 1;
	out->content_type = "image/svg+xml";
	out->cache_control = cache_control;
	return 0;
}

/* image.c: every uploaded image is decoded and written again, so what the
 * site serves is pixels it made itself: no camera metadata (EXIF GPS,
 * maker notes, comments), no trailing bytes, no declared size that the
 * data does not hold, and in the sizes pages show.
 *
 * Decoding is libpng's simplified API, libjpeg-turbo and libwebp; the
 * EXIF orientation is read with libexif so a phone photo stands the right
 * way up once its metadata is gone. The downscale is an area average
 * written here: it is a dozen lines over RGBA, where pixman or libswscale
 * would need their own pixel formats (premultiplied ARGB, planar YUV) and
 * conversions both ways for the same result. */
#include "files/image.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jerror.h>
#include <jpeglib.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>

#include "base/banned.h"

/* Decoding a 4096 x 4096 image takes 64 MB: two at a time at most, so a
 * burst of uploads waits instead of taking the machine's memory. */
static pthread_mutex_t decode_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t decode_free = PTHREAD_COND_INITIALIZER;
static int decoding;
enum { DECODE_AT_ONCE = 2 };

static void decode_enter(void)
{
	pthread_mutex_lock(&decode_lock);
	while (decoding >= DECODE_AT_ONCE)
		pthread_cond_wait(&decode_free, &decode_lock);
	decoding++;
	pthread_mutex_unlock(&decode_lock);
}

static void decode_leave(void)
{
	pthread_mutex_lock(&decode_lock);
	decoding--;
	pthread_cond_signal(&decode_free);
	pthread_mutex_unlock(&decode_lock);
}

void image_free(struct image *im)
{
	free(im->px);
	im->px = NULL;
	im->w = im->h = 0;
}

static int alloc_px(struct image *im, unsigned w, unsigned h)
{
	im->w = w;
	im->h = h;
	im->px = malloc((size_t)w * h * 4);
	return im->px ? 0 : -1;
}

static int decode_png(const unsigned char *p, size_t n, struct image *im)
{
	png_image pi;
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, p, n))
		return -1;
	if (pi.width > IMAGE_SIDE_LIMIT || pi.height > IMAGE_SIDE_LIMIT || !pi.width || !pi.height) {
		png_image_free(&pi);
		return -1;
	}
	pi.format = PNG_FORMAT_RGBA;
	if (alloc_px(im, pi.width, pi.height)) {
		png_image_free(&pi);
		return -1;
	}
	if (!png_image_finish_read(&pi, NULL, im->px, 0, NULL) || PNG_IMAGE_FAILED(pi)) {
		png_image_free(&pi);
		image_free(im);
		return -1;
	}
	png_image_free(&pi);
	return 0;
}

struct jpeg_err {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	int cut_short;
};

static void jpeg_fail(j_common_ptr c)
{
	longjmp(((struct jpeg_err *)(void *)c->err)->jump, 1);
}

/* Warnings are not printed; a file that ends early is refused, since
 * libjpeg would fill its missing rows with grey. */
static void jpeg_message(j_common_ptr c, int level)
{
	struct jpeg_err *je = (struct jpeg_err *)(void *)c->err;
	if (level < 0 && je->mgr.msg_code == JWRN_JPEG_EOF)
		je->cut_short = 1;
}

/* libjpeg's error manager, failing by longjmp to je->jump. */
static struct jpeg_error_mgr *jpeg_errors(struct jpeg_err *je)
{
	memset(je, 0, sizeof(*je));
	struct jpeg_error_mgr *m = jpeg_std_error(&je->mgr);
	je->mgr.error_exit = jpeg_fail;
	je->mgr.emit_message = jpeg_message;
	return m;
}

static int decode_jpeg(const unsigned char *p, size_t n, unsigned want, struct image *im)
{
	struct jpeg_decompress_struct c;
	struct jpeg_err je;
	c.err = jpeg_errors(&je);
	unsigned char *volatile px = NULL;
	if (setjmp(je.jump)) {
		jpeg_destroy_decompress(&c);
		free(px);
		return -1;
	}
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, p, (unsigned long)n);
	if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK || c.image_width > IMAGE_SIDE_LIMIT ||
	    c.image_height > IMAGE_SIDE_LIMIT) {
		jpeg_destroy_decompress(&c);
		return -1;
	}
	int cmyk = c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK;
	c.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
	/* Decode at 1/2, 1/4 or 1/8 when that still covers the largest size
	 * kept: less memory and time for a 12-megapixel phone photo. */
	unsigned side = c.image_width > c.image_height ? c.image_width : c.image_height;
	c.scale_num = 1;
	c.scale_denom = 1;
	while (c.scale_denom < 8 && side / (c.scale_denom * 2) >= want)
		c.scale_denom *= 2;
	jpeg_start_decompress(&c);
	size_t stride = (size_t)c.output_width * 4;
	px = malloc(stride * c.output_height);
	if (!px)
		longjmp(je.jump, 1);
	while (c.output_scanline < c.output_height) {
		JSAMPROW row = px + stride * c.output_scanline;
		jpeg_read_scanlines(&c, &row, 1);
	}
	if (cmyk) {
		/* Photoshop writes CMYK inverted (an Adobe marker says so). */
		int inverted = c.saw_Adobe_marker;
		for (size_t i = 0; i < stride * c.output_height; i += 4) {
			unsigned k = inverted ? px[i + 3] : 255u - px[i + 3];
			for (int j = 0; j < 3; j++) {
				unsigned v = inverted ? px[i + j] : 255u - px[i + j];
				px[i + j] = (unsigned char)(v * k / 255);
			}
			px[i + 3] = 255;
		}
	}
	jpeg_finish_decompress(&c);
	int cut = je.cut_short;
	im->w = c.output_width;
	im->h = c.output_height;
	jpeg_destroy_decompress(&c);
	if (cut) {
		free(px);
		return -1;
	}
	im->px = px;
	return 0;
}

static int decode_webp(const unsigned char *p, size_t n, struct image *im)
{
	int w, h;
	if (!WebPGetInfo(p, n, &w, &h) || w <= 0 || h <= 0 || w > IMAGE_SIDE_LIMIT || h > IMAGE_SIDE_LIMIT)
		return -1;
	if (alloc_px(im, (unsigned)w, (unsigned)h))
		return -1;
	size_t size = (size_t)w * (size_t)h * 4;
	if (!WebPDecodeRGBAInto(p, n, im->px, size, w * 4)) {
		image_free(im);
		return -1;
	}
	return 0;
}

/* EXIF orientation 1-8 (1 when there is none). */
static int jpeg_orientation(const unsigned char *p, size_t n)
{
	ExifData *ed = exif_data_new_from_data(p, (unsigned)(n > UINT32_MAX ? UINT32_MAX : n));
	if (!ed)
		return 1;
	int o = 1;
	ExifEntry *en = exif_data_get_entry(ed, EXIF_TAG_ORIENTATION);
	if (en && en->format == EXIF_FORMAT_SHORT && en->components >= 1 && en->size >= 2)
		o = exif_get_short(en->data, exif_data_get_byte_order(ed));
	exif_data_unref(ed);
	return o >= 1 && o <= 8 ? o : 1;
}

/* Turns the pixels the way EXIF orientation o says the camera held them. */
static int orient(struct image *im, int o)
{
	if (o == 1)
		return 0;
	unsigned w = im->w, h = im->h, ow = o >= 5 ? h : w, oh = o >= 5 ? w : h;
	uint32_t *dst = malloc((size_t)w * h * 4), *src = (uint32_t *)(void *)im->px;
	if (!dst)
		return -1;
	for (unsigned y = 0; y < oh; y++)
		for (unsigned x = 0; x < ow; x++) {
			unsigned sx, sy;
			switch (o) {
			case 2: sx = w - 1 - x; sy = y; break;
			case 3: sx = w - 1 - x; sy = h - 1 - y; break;
			case 4: sx = x; sy = h - 1 - y; break;
			case 5: sx = y; sy = x; break;
			case 6: sx = y; sy = h - 1 - x; break;
			case 7: sx = w - 1 - y; sy = h - 1 - x; break;
			default: sx = w - 1 - y; sy = x; break; /* 8 */
			}
			dst[(size_t)y * ow + x] = src[(size_t)sy * w + sx];
		}
	free(im->px);
	im->px = (unsigned char *)dst;
	im->w = ow;
	im->h = oh;
	return 0;
}

int image_decode(const unsigned char *p, size_t n, const char *type, unsigned want, struct image *im)
{
	memset(im, 0, sizeof(*im));
	decode_enter();
	int rc = -1;
	if (!strcmp(type, "image/png"))
		rc = decode_png(p, n, im);
	else if (!strcmp(type, "image/webp"))
		rc = decode_webp(p, n, im);
	else if (!strcmp(type, "image/jpeg") && !(rc = decode_jpeg(p, n, want, im)) &&
		 (rc = orient(im, jpeg_orientation(p, n))))
		image_free(im);
	decode_leave();
	if (rc)
		return -1;
	im->alpha = 0;
	for (size_t i = 3; i < (size_t)im->w * im->h * 4; i += 4)
		if (im->px[i] != 255) {
			im->alpha = 1;
			break;
		}
	return 0;
}

void image_fit(unsigned w, unsigned h, unsigned side, unsigned *ow, unsigned *oh)
{
	if (w <= side && h <= side) {
		*ow = w;
		*oh = h;
	} else if (w >= h) {
		*ow = side;
		*oh = (unsigned)(((uint64_t)h * side + w / 2) / w);
	} else {
		*oh = side;
		*ow = (unsigned)(((uint64_t)w * side + h / 2) / h);
	}
	if (!*ow)
		*ow = 1;
	if (!*oh)
		*oh = 1;
}

int image_scale(const struct image *src, unsigned side, struct image *dst)
{
	unsigned dw, dh;
	image_fit(src->w, src->h, side, &dw, &dh);
	if (alloc_px(dst, dw, dh))
		return -1;
	dst->alpha = src->alpha;
	/* Each output pixel is the mean of the source pixels its area covers,
	 * colours weighted by alpha so transparent pixels add no colour. */
	uint64_t *acc = calloc((size_t)dw * 5, sizeof(uint64_t));
	if (!acc) {
		image_free(dst);
		return -1;
	}
	for (unsigned dy = 0; dy < dh; dy++) {
		unsigned y0 = (unsigned)((uint64_t)dy * src->h / dh), y1 = (unsigned)((uint64_t)(dy + 1) * src->h / dh);
		if (y1 <= y0)
			y1 = y0 + 1;
		memset(acc, 0, (size_t)dw * 5 * sizeof(uint64_t));
		for (unsigned y = y0; y < y1; y++) {
			const unsigned char *row = src->px + (size_t)y * src->w * 4;
			for (unsigned dx = 0; dx < dw; dx++) {
				unsigned x0 = (unsigned)((uint64_t)dx * src->w / dw),
					 x1 = (unsigned)((uint64_t)(dx + 1) * src->w / dw);
				if (x1 <= x0)
					x1 = x0 + 1;
				uint64_t *a = acc + (size_t)dx * 5;
				for (unsigned x = x0; x < x1; x++) {
					const unsigned char *q = row + (size_t)x * 4;
					a[0] += (uint64_t)q[0] * q[3];
					a[1] += (uint64_t)q[1] * q[3];
					a[2] += (uint64_t)q[2] * q[3];
					a[3] += q[3];
					a[4]++;
				}
			}
		}
		unsigned char *out = dst->px + (size_t)dy * dw * 4;
		for (unsigned dx = 0; dx < dw; dx++) {
			const uint64_t *a = acc + (size_t)dx * 5;
			for (int j = 0; j < 3; j++)
				out[dx * 4 + j] = (unsigned char)(a[3] ? (a[j] + a[3] / 2) / a[3] : 0);
			out[dx * 4 + 3] = (unsigned char)((a[3] + a[4] / 2) / a[4]);
		}
	}
	free(acc);
	return 0;
}

static int encode_jpeg(const struct image *im, buf *out)
{
	struct jpeg_compress_struct c;
	struct jpeg_err je;
	c.err = jpeg_errors(&je);
	unsigned char *volatile mem = NULL;
	unsigned long len = 0;
	if (setjmp(je.jump)) {
		jpeg_destroy_compress(&c);
		free(mem);
		return -1;
	}
	jpeg_create_compress(&c);
	unsigned char *m = NULL;
	jpeg_mem_dest(&c, &m, &len);
	c.image_width = im->w;
	c.image_height = im->h;
	c.input_components = 4;
	c.in_color_space = JCS_EXT_RGBX;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 82, TRUE);
	c.optimize_coding = TRUE;
	jpeg_simple_progression(&c); /* a phone on a slow line sees the whole picture early */
	jpeg_start_compress(&c, TRUE);
	size_t stride = (size_t)im->w * 4;
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = im->px + stride * c.next_scanline;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	mem = m;
	buf_add(out, (const char *)mem, len);
	jpeg_destroy_compress(&c);
	free(mem);
	return 0;
}

static int encode_png(const struct image *im, buf *out)
{
	png_image pi;
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = im->w;
	pi.height = im->h;
	pi.format = im->alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	const unsigned char *px = im->px;
	unsigned char *rgb = NULL;
	if (!im->alpha) {
		rgb = malloc((size_t)im->w * im->h * 3);
		if (!rgb)
			return -1;
		for (size_t i = 0, j = 0; i < (size_t)im->w * im->h * 4; i += 4, j += 3)
			memcpy(rgb + j, im->px + i, 3);
		px = rgb;
	}
	png_alloc_size_t len = 0;
	int rc = -1;
	if (png_image_write_to_memory(&pi, NULL, &len, 0, px, 0, NULL)) {
		size_t at = out->len;
		buf_grow(out, len + 1);
		if (png_image_write_to_memory(&pi, out->s + at, &len, 0, px, 0, NULL)) {
			out->len = at + len;
			out->s[out->len] = '\0';
			rc = 0;
		}
	}
	png_image_free(&pi);
	free(rgb);
	return rc;
}

int image_encode(const struct image *im, int prefer_png, buf *out, const char **type)
{
	if (im->alpha) {
		*type = "image/png";
		return encode_png(im, out);
	}
	if (encode_jpeg(im, out))
		return -1;
	*type = "image/jpeg";
	if (!prefer_png)
		return 0;
	/* A drawing (a logo, a screenshot) is smaller and sharper as PNG;
	 * a photo saved as PNG is not, and goes out as JPEG. */
	buf png = BUF_INIT;
	if (!encode_png(im, &png) && png.len < out->len * 3 / 2) {
		buf_reset(out);
		buf_add(out, png.s, png.len);
		*type = "image/png";
	}
	buf_release(&png);
	return 0;
}

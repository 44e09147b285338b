/* test_files.c: image recognition by bytes, for each format and for
 * things that only look like images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "files/files.h"
#include "files/image.h"

#include <stdio.h>
#include <stdlib.h>

static void recognizes_png_jpeg_webp_by_their_bytes(void **state)
{
	(void)state;
	struct image_info i;
	static const unsigned char png[33] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
					       0, 0, 1, 0, 0, 0, 0, 200, 8, 0, 0, 0, 0 };
	assert_int_equal(image_sniff(png, sizeof(png), &i), 0);
	assert_string_equal(i.content_type, "image/png");
	assert_int_equal(i.width, 256);
	assert_int_equal(i.height, 200);
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00,
					      0xff, 0xc2, 0x00, 0x11, 0x08, 0x01, 0x00, 0x02, 0x00, 0x03, 0x01, 0x22, 0x00 };
	assert_int_equal(image_sniff(jpeg, sizeof(jpeg), &i), 0);
	assert_string_equal(i.content_type, "image/jpeg");
	assert_int_equal(i.height, 256);
	assert_int_equal(i.width, 512);
	unsigned char webp[30] = "RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0";
	webp[24] = 99; /* width - 1, little endian, 3 bytes */
	webp[27] = 49;
	assert_int_equal(image_sniff(webp, sizeof(webp), &i), 0);
	assert_string_equal(i.content_type, "image/webp");
	assert_int_equal(i.width, 100);
	assert_int_equal(i.height, 50);
}

static void refuses_what_only_looks_like_an_image(void **state)
{
	(void)state;
	struct image_info i;
	const char *html = "<html><body><script>alert(1)</script></body></html>";
	assert_int_equal(image_sniff((const unsigned char *)html, strlen(html), &i), -1);
	assert_int_equal(image_sniff((const unsigned char *)"GIF89a\1\0\1\0", 10, &i), -1);
	assert_int_equal(image_sniff((const unsigned char *)"\x89PNG\r\n\x1a\n", 8, &i), -1); /* cut short */
	static const unsigned char zero[33] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
	assert_int_equal(image_sniff(zero, sizeof(zero), &i), -1); /* 0 × 0 */
	static const unsigned char jpeg_loop[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xe0, 0x00, 0x00, 0, 0 };
	assert_int_equal(image_sniff(jpeg_loop, sizeof(jpeg_loop), &i), -1); /* a zero-length segment */
	assert_int_equal(image_sniff((const unsigned char *)"", 0, &i), -1);
}

static unsigned char *read_fixture(const char *name, size_t *n)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *p = malloc(1 << 20);
	*n = fread(p, 1, 1 << 20, f);
	fclose(f);
	return p;
}

/* The pixel at (x, y) is mostly red, green or blue: 'r', 'g', 'b'. */
static char colour(const struct image *im, unsigned x, unsigned y)
{
	const unsigned char *q = im->px + ((size_t)y * im->w + x) * 4;
	return q[0] > 150 && q[1] < 80 ? 'r' : q[1] > 150 && q[0] < 80 ? 'g' : q[2] > 150 && q[0] < 80 ? 'b' : '?';
}

/* The photo fixture (640 x 480: a green band on top, red left, blue right)
 * given an EXIF orientation of 6, "the camera was turned right": decoded,
 * it stands 480 x 640 with the green band on the right. */
static void a_phone_photo_is_turned_upright(void **state)
{
	(void)state;
	size_t n;
	unsigned char *jpeg = read_fixture("photo.jpg", &n);
	struct image im;
	assert_int_equal(image_decode(jpeg, n, "image/jpeg", 1600, &im), 0);
	assert_int_equal(im.w, 640);
	assert_int_equal(im.h, 480);
	assert_int_equal(colour(&im, 320, 5), 'g');
	assert_int_equal(colour(&im, 5, 470), 'r');
	assert_int_equal(colour(&im, 635, 470), 'b');
	assert_int_equal(im.alpha, 0);
	image_free(&im);
	static const unsigned char exif[] = {
		0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 0x2a, 0, 0, 0, 8, /* TIFF, IFD0 at 8 */
		0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, /* Orientation = 6 */
		0, 0, 0, 0,
	};
	unsigned char *turned = malloc(n + sizeof(exif));
	memcpy(turned, jpeg, 2);
	memcpy(turned + 2, exif, sizeof(exif));
	memcpy(turned + 2 + sizeof(exif), jpeg + 2, n - 2);
	assert_int_equal(image_decode(turned, n + sizeof(exif), "image/jpeg", 1600, &im), 0);
	assert_int_equal(im.w, 480);
	assert_int_equal(im.h, 640);
	assert_int_equal(colour(&im, 5, 5), 'r');     /* the left half is now on top */
	assert_int_equal(colour(&im, 475, 320), 'g'); /* the top band on the right */
	assert_int_equal(colour(&im, 5, 635), 'b');
	/* Scaled for a phone's column and written again as JPEG. */
	struct image small;
	assert_int_equal(image_scale(&im, 320, &small), 0);
	assert_int_equal(small.w, 240);
	assert_int_equal(small.h, 320);
	assert_int_equal(colour(&small, 5, 5), 'r');
	buf b = BUF_INIT;
	const char *type;
	assert_int_equal(image_encode(&small, 0, &b, &type), 0);
	assert_string_equal(type, "image/jpeg");
	struct image_info info;
	assert_int_equal(image_sniff((const unsigned char *)b.s, b.len, &info), 0);
	assert_int_equal(info.width, 240);
	assert_null(memmem(b.s, b.len, "Exif", 4));
	buf_release(&b);
	image_free(&small);
	image_free(&im);
	/* A JPEG cut short is refused rather than filled with grey. */
	assert_int_equal(image_decode(jpeg, n / 2, "image/jpeg", 1600, &im), -1);
	free(turned);
	free(jpeg);
}

/* Transparent pixels add no colour when scaled: white beside a clear
 * black pixel averages to half-transparent white, not grey. */
static void scaling_weighs_colour_by_alpha(void **state)
{
	(void)state;
	unsigned char px[8] = { 255, 255, 255, 255, 0, 0, 0, 0 };
	struct image src = { 2, 1, px, 1 }, dst;
	assert_int_equal(image_scale(&src, 1, &dst), 0);
	assert_int_equal(dst.w, 1);
	assert_int_equal(dst.h, 1);
	assert_int_equal(dst.px[0], 255);
	assert_int_equal(dst.px[3], 128);
	buf b = BUF_INIT;
	const char *type;
	assert_int_equal(image_encode(&dst, 0, &b, &type), 0);
	assert_string_equal(type, "image/png"); /* transparency keeps PNG */
	buf_release(&b);
	image_free(&dst);
	unsigned w, h;
	image_fit(4000, 3000, 1600, &w, &h);
	assert_int_equal(w, 1600);
	assert_int_equal(h, 1200);
	image_fit(10, 5000, 320, &w, &h);
	assert_int_equal(w, 1); /* never 0 wide */
	assert_int_equal(h, 320);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recognizes_png_jpeg_webp_by_their_bytes),
		cmocka_unit_test(refuses_what_only_looks_like_an_image),
		cmocka_unit_test(a_phone_photo_is_turned_upright),
		cmocka_unit_test(scaling_weighs_colour_by_alpha),
	};
	return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}

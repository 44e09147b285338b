/* test_qr.c: QR codes as SVG and PNG; the PNG is read back with libpng
 * and every pixel compared with the code's modules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "view/qr.h"

static const char *const URL = "https://pg.example/t/AAAAAAAAAAAAAAAAAAAAAA";

static void svg_has_the_quiet_zone(void **state)
{
	(void)state;
	err e = ERR_INIT;
	buf b = BUF_INIT;
	assert_int_equal(qr_svg(URL, &b, &e), 0);
	assert_true(!strncmp(b.s, "<svg", 4));
	assert_non_null(strstr(b.s, "viewBox=\"0 0 37 37\"")); /* version 4 (33 modules) + 2 x 4 */
	buf_release(&b);
}

static void png_pixels_are_the_modules(void **state)
{
	(void)state;
	err e = ERR_INIT;
	buf b = BUF_INIT;
	enum { SCALE = 6, QUIET = 4 };
	assert_int_equal(qr_png(URL, SCALE, &b, &e), 0);
	assert_memory_equal(b.s, "\x89PNG\r\n\x1a\n", 8);
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, b.s, b.len));
	img.format = PNG_FORMAT_GRAY;
	assert_int_equal(img.width, 37 * SCALE);
	assert_int_equal(img.height, 37 * SCALE);
	unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(px);
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	QRcode *q = QRcode_encodeString(URL, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(q);
	int w = q->width, wrong = 0, dark = 0;
	for (unsigned y = 0; y < img.height; y++)
		for (unsigned x = 0; x < img.width; x++) {
			int mx = (int)x / SCALE - QUIET, my = (int)y / SCALE - QUIET;
			int want = mx >= 0 && my >= 0 && mx < w && my < w && (q->data[my * w + mx] & 1);
			int black = px[y * img.width + x] == 0;
			dark += black;
			wrong += black != want;
			assert_true(px[y * img.width + x] == 0 || px[y * img.width + x] == 255);
		}
	assert_int_equal(wrong, 0);
	assert_true(dark > 300 * SCALE * SCALE); /* a real code, not a blank square */
	QRcode_free(q);
	free(px);
	buf_release(&b);
	assert_int_equal(qr_png(URL, 0, &b, &e), ERR_INPUT);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(svg_has_the_quiet_zone),
		cmocka_unit_test(png_pixels_are_the_modules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_files.c: image recognition by bytes, for each format and for
 * things that only look like images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "files/files.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recognizes_png_jpeg_webp_by_their_bytes),
		cmocka_unit_test(refuses_what_only_looks_like_an_image),
	};
	return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}

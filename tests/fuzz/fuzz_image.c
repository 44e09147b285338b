/* fuzz_image.c: libFuzzer target for image recognition: any bytes are
 * either refused or named one of three types with sane dimensions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "files/files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_info info;
	if (image_sniff(data, size, &info))
		return 0;
	if (!info.width || !info.height || !info.content_type)
		abort();
	if (strcmp(info.content_type, "image/png") && strcmp(info.content_type, "image/jpeg") &&
	    strcmp(info.content_type, "image/webp"))
		abort();
	return 0;
}

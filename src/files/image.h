/* image.h: decoding an uploaded image to RGBA pixels, scaling it down and
 * writing it again as JPEG or PNG, with no metadata kept. */
#ifndef PGHERD_IMAGE_H
#define PGHERD_IMAGE_H

#include <stddef.h>

#include "base/buf.h"

enum { IMAGE_SIDE_LIMIT = 4096 };

struct image {
	unsigned w, h;
	unsigned char *px; /* w * h RGBA, malloc'd */
	int alpha;	   /* some pixel is not opaque */
};

/* Decodes the bytes of a PNG, JPEG or WebP (`type` as image_sniff found
 * it), turned upright by its EXIF orientation; a JPEG may be decoded at a
 * fraction of its size while its longer side stays at least `want`. -1 on
 * anything that does not decode whole. */
int image_decode(const unsigned char *p, size_t n, const char *type, unsigned want, struct image *im);

/* The size w x h takes when its longer side is cut to `side` (unchanged
 * when it already fits). */
void image_fit(unsigned w, unsigned h, unsigned side, unsigned *ow, unsigned *oh);

/* dst = src scaled to fit `side` (an area average). */
int image_scale(const struct image *src, unsigned side, struct image *dst);

/* Appends the image as PNG when it has transparency, else as JPEG, or as
 * PNG when prefer_png and that is not much bigger (drawings, logos).
 * *type gets the content type. */
int image_encode(const struct image *im, int prefer_png, buf *out, const char **type);

void image_free(struct image *im);

#endif

"""images.py: real image files for the upload tests: the photo fixtures
(a 640x480 JPEG and WebP: a green band at the top, red left half, blue
right half), PNGs made here, and a JPEG given the EXIF block a phone
writes (orientation and GPS position)."""
import os
import struct
import zlib

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def png(w, h, pad=0, alpha=False):
    """A real PNG: w×h grey pixels, half transparent when alpha (pad adds
    an ancillary text chunk of that size, which a re-encode drops)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    px = b"\x80\x80\x80\x80" if alpha else b"\x80"
    row = b"\x00" + px * w
    raw = b"".join(row for _ in range(h)) if w * h <= 16_000_000 else row
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6 if alpha else 0, 0, 0, 0))
    if pad:
        body += chunk(b"tEXt", b"x" * pad)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


GPS_SECONDS = 4242  # a latitude's seconds x 100: easy to look for in the bytes


def with_exif(jpeg, orientation):
    """The JPEG with an APP1 EXIF block right after its start marker:
    Orientation and a GPS latitude, as a phone camera writes them."""
    def entry(tag, typ, count, value):
        return struct.pack(">HHI", tag, typ, count) + value
    ifd0 = struct.pack(">H", 2) + entry(0x0112, 3, 1, struct.pack(">HH", orientation, 0)) + \
        entry(0x8825, 4, 1, struct.pack(">I", 38)) + struct.pack(">I", 0)
    gps = struct.pack(">H", 2) + entry(0x0001, 2, 2, b"N\x00\x00\x00") + \
        entry(0x0002, 5, 3, struct.pack(">I", 68)) + struct.pack(">I", 0)
    rationals = struct.pack(">IIIIII", 39, 1, 54, 1, GPS_SECONDS, 100)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + gps + rationals
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def jpeg_size(data):
    """(width, height) from a JPEG's start-of-frame marker."""
    i = 2
    while i + 9 < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    return None


def image_size(data):
    """(width, height) of a PNG or JPEG."""
    if data.startswith(b"\x89PNG"):
        return struct.unpack(">II", data[16:24])
    return jpeg_size(data)

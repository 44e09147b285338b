"""test_files.py: avatars and logos: recognized by their bytes, limited in
size and dimensions, served with their true type, and nothing else gets in.
    python3 tests/http/test_files.py BINARY [DATABASE_URL]"""
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, assert_eq, assert_in, run_suite  # noqa: E402


def png(w, h, pad=0):
    """A real PNG: w×h grey pixels (pad adds an ancillary chunk of that size)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + b"\x80" * w for _ in range(min(h, 64)))
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    if pad:
        body += chunk(b"tEXt", b"x" * pad)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xc0\x00\x11\x08\x00\x10\x00\x20\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9")
WEBP = b"RIFF" + struct.pack("<I", 22) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + \
    (99).to_bytes(3, "little") + (49).to_bytes(3, "little")


def multipart(p, path, fields, files=()):
    """A multipart form post as a browser sends it: the CSRF token and
    fields, then files as (name, filename, type, bytes)."""
    boundary = "pgherdUpload9f8e7d"
    body = b""
    for k, v in dict(fields, _csrf=p.cookies.get("csrf", "")).items():
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode()
    for name, filename, ctype, data in files:
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                 % (boundary, name, filename, ctype)).encode() + data + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    saved = p.s.cookies
    p.s.cookies = p.cookies
    try:
        return p.s.request("POST", path, body=body, headers={
            "Content-Type": "multipart/form-data; boundary=" + boundary,
            "Origin": "http://127.0.0.1:%d" % p.s.port})
    finally:
        p.s.cookies = saved


def upload(p, path, field, filename, data, ctype="image/png"):
    return multipart(p, path, {}, [(field, filename, ctype, data)])


def test_avatar_png_round_trip(s):
    p = Person(s)
    p.signup("avatar@example.com", name="有头像")
    p.post("/account/profile", {"name": "有头像", "profile_public": "1"})
    image = png(48, 48)
    r = upload(p, "/account/avatar", "avatar", "me.png", image)
    assert_eq(r.status, 303)
    pid = re.search(r'href="/people/(\d+)"', p.get("/account/profile").text).group(1)
    page = Person(s).get("/people/" + pid).text
    fid = re.search(r'<img class="avatar big" src="/files/(\d+)"', page).group(1)
    f = Person(s).get("/files/" + fid)
    assert_eq(f.status, 200)
    assert_eq(f.header("Content-Type"), "image/png")
    assert_eq(f.body, image, "the same bytes back")
    assert_in("immutable", f.header("Cache-Control"))
    assert_eq(Person(s).get("/files/" + fid, headers={"If-None-Match": f.header("ETag")}).status, 304)
    for data, kind in [(JPEG, "image/jpeg"), (WEBP, "image/webp")]:
        r = upload(p, "/account/avatar", "avatar", "x.bin", data, "application/octet-stream")
        assert_eq(r.status, 303, kind)
        fid = re.search(r'src="/files/(\d+)"', p.get("/account/profile").text).group(1)
        assert_eq(Person(s).get("/files/" + fid).header("Content-Type"), kind, "type from the bytes, not the name")


def test_refused_uploads_change_nothing(s):
    p = Person(s)
    p.signup("badfile@example.com", name="坏文件")
    cases = [
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg", "按文件内容识别"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "a.gif", "image/gif", "按文件内容识别"),
        (png(5000, 10), "wide.png", "image/png", "4096"),
        (png(10, 10, pad=2_200_000), "big.png", "image/png", "2 MB"),
        (b"", "empty.png", "image/png", "请选择一个图片文件"),
        (b"\x89PNG\r\n\x1a\n", "short.png", "image/png", "按文件内容识别"),
    ]
    for data, name, ctype, msg in cases:
        r = upload(p, "/account/avatar", "avatar", name, data, ctype)
        assert_eq(r.status, 422, name)
        assert_in(msg, r.text, name)
    assert "/files/" not in p.get("/account/profile").text, "no avatar was set"
    body = b"--B\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"huge.png\"\r\n\r\n" + \
        png(10, 10, pad=11 * 1024 * 1024) + b"\r\n--B--\r\n"
    status = s.raw(b"POST /account/avatar HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                   b"Content-Length: %d\r\n\r\n" % len(body) + body[:4096])
    assert_eq(status[9:12], "413", "past the upload limit, refused before it is read")
    r = upload(p, "/account/avatar", "avatar", "../../etc/passwd", png(8, 8))
    assert_eq(r.status, 303, "the name is ignored, so a path in it does nothing")
    for bad in ["/files/../../etc/passwd", "/files/abc", "/files/999999", "/files/1%00.png"]:
        assert Person(s).get(bad).status in (400, 404), bad


def test_logos_are_for_editors(s):
    member = Person(s)
    member.signup("nologo@example.com")
    assert_eq(upload(member, "/orgs/1/logo", "logo", "l.png", png(64, 32)).status, 403)
    out = s.run("user", "add", "logo-editor@example.com", "标志编辑", "editor").stdout.decode()
    ed = Person(s)
    ed.login("logo-editor@example.com", re.search(r"one-time password: (\S+)", out).group(1))
    assert_eq(upload(ed, "/orgs/1/logo", "logo", "l.png", png(64, 32)).status, 303)
    t = Person(s).get("/orgs/1").text
    fid = re.search(r'<img class="logo" src="/files/(\d+)"', t).group(1)
    assert_eq(Person(s).get("/files/" + fid).header("Content-Type"), "image/png")
    assert_in('src="/files/%s"' % fid, Person(s).get("/orgs").text, "the directory shows it too")
    assert_eq(upload(ed, "/orgs/999999/logo", "logo", "l.png", png(8, 8)).status, 404)


if __name__ == "__main__":
    sys.exit(run_suite("files", [v for k, v in list(globals().items()) if k.startswith("test_")]))

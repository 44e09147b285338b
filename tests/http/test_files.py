"""test_files.py: avatars and logos: recognized by their bytes, limited in
size and dimensions, decoded and written again without their metadata in the
sizes pages use, served under keys no one can count through, and a hidden
member's avatar to no one else.
    python3 tests/http/test_files.py BINARY [DATABASE_URL]"""
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, assert_eq, assert_in, run_suite  # noqa: E402
from images import GPS_SECONDS, fixture, image_size, png, with_exif  # noqa: E402,F401


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


KEY = r'src="/files/([A-Za-z0-9_-]{22})/s"'


def avatar_key(p):
    m = re.search(KEY, p.get("/account/profile").text)
    return m and m.group(1)


def test_avatar_is_written_again(s):
    p = Person(s)
    p.signup("avatar@example.com", name="有头像")
    p.post("/account/profile", {"name": "有头像", "profile_public": "1"})
    image = png(48, 48, pad=5000)
    r = upload(p, "/account/avatar", "avatar", "me.png", image)
    assert_eq(r.status, 303)
    pid = re.search(r'href="/people/(\d+)"', p.get("/account/profile").text).group(1)
    page = Person(s).get("/people/" + pid).text
    key = re.search(r'<img class="avatar big" ' + KEY, page).group(1)
    f = Person(s).get("/files/" + key)
    assert_eq(f.status, 200)
    assert_eq(f.header("Content-Type"), "image/png")
    assert f.body != image and b"tEXt" not in f.body, "written again: the text chunk is gone"
    assert_eq(image_size(f.body), (48, 48))
    assert_eq(Person(s).get("/files/%s/s" % key).body, f.body, "no smaller size of a small image")
    assert_eq(f.header("Cache-Control"), "public, max-age=3600", "an avatar its member may hide is kept an hour")
    assert_eq(Person(s).get("/files/" + key, headers={"If-None-Match": f.header("ETag")}).status, 304)
    for bad in ["/files/1", "/files/%s/x" % key, "/files/%s/s/s" % key, "/files/" + key[:-1] + "!"]:
        assert_eq(Person(s).get(bad).status, 404, bad)


def test_phone_photo_stands_up_without_its_gps(s):
    p = Person(s)
    p.signup("photo@example.com", name="拍照的人")
    p.post("/account/profile", {"name": "拍照的人", "profile_public": "1"})
    sent = with_exif(fixture("photo.jpg"), 6)
    assert b"Exif" in sent and (GPS_SECONDS).to_bytes(4, "big") in sent
    assert_eq(upload(p, "/account/avatar", "avatar", "IMG_0001.JPG", sent, "image/jpeg").status, 303)
    key = avatar_key(p)
    f = Person(s).get("/files/" + key)
    assert_eq(f.header("Content-Type"), "image/jpeg")
    assert_eq(image_size(f.body), (480, 640), "turned upright as the camera was held")
    assert b"Exif" not in f.body and b"\xff\xe1" not in f.body, "no EXIF block is served"
    assert (GPS_SECONDS).to_bytes(4, "big") not in f.body, "the position is gone"
    assert_eq(image_size(Person(s).get("/files/%s/s" % key).body), (240, 320), "the avatar size")
    assert_eq(image_size(Person(s).get("/files/%s/m" % key).body), (480, 640), "already phone-sized")
    # WebP comes back as JPEG; a PNG with transparency keeps it.
    assert_eq(upload(p, "/account/avatar", "avatar", "x.bin", fixture("photo.webp"), "application/octet-stream").status, 303)
    f = Person(s).get("/files/" + avatar_key(p))
    assert_eq((f.header("Content-Type"), image_size(f.body)), ("image/jpeg", (640, 480)))
    assert_eq(upload(p, "/account/avatar", "avatar", "logo.png", png(40, 20, alpha=True)).status, 303)
    f = Person(s).get("/files/" + avatar_key(p))
    assert_eq((f.header("Content-Type"), f.body[25]), ("image/png", 6), "RGBA PNG")
    # A large image is kept at 1600 pixels, with 800 and 320 beside it.
    assert_eq(upload(p, "/account/avatar", "avatar", "big.png", png(2400, 1200)).status, 303)
    key = avatar_key(p)
    for size, want in [("", (1600, 800)), ("/m", (800, 400)), ("/s", (320, 160))]:
        assert_eq(image_size(Person(s).get("/files/%s%s" % (key, size)).body), want, size)


def test_hidden_profile_avatar_is_its_owners(s):
    p = Person(s)
    p.signup("hidden-face@example.com", name="不公开")
    p.post("/account/profile", {"name": "不公开"})
    assert_eq(upload(p, "/account/avatar", "avatar", "me.png", png(32, 32)).status, 303)
    key = avatar_key(p)
    mine = p.get("/files/" + key)
    assert_eq(mine.status, 200, "the owner sees their own avatar")
    assert_in("private", mine.header("Cache-Control"))
    other = Person(s)
    other.signup("curious@example.com", name="好奇")
    assert_eq(other.get("/files/" + key).status, 404)
    assert_eq(Person(s).get("/files/%s/s" % key).status, 404)
    p.post("/account/profile", {"name": "不公开", "profile_public": "1"})
    assert_eq(Person(s).get("/files/%s/s" % key).status, 200, "shown once the profile is public")


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
        (png(4096, 4096)[:49_000], "bomb.png", "image/png", "无法读取"),
        (fixture("photo.jpg")[:3000], "cut.jpg", "image/jpeg", "无法读取"),
        (fixture("photo.webp")[:400], "cut.webp", "image/webp", "无法读取"),
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
    for bad in ["/files/../../etc/passwd", "/files/abc", "/files/999999", "/files/1%00.png", "/files/1", "/files/2"]:
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
    key = re.search(r'<img class="logo" ' + KEY, t).group(1)
    logo = Person(s).get("/files/%s/s" % key)
    assert_eq(logo.header("Content-Type"), "image/png")
    assert_in("immutable", logo.header("Cache-Control"), "a file never changes under its key")
    assert_in('src="/files/%s/s"' % key, Person(s).get("/orgs").text, "the directory shows it too")
    assert_eq(upload(ed, "/orgs/999999/logo", "logo", "l.png", png(8, 8)).status, 404)


if __name__ == "__main__":
    sys.exit(run_suite("files", [v for k, v in list(globals().items()) if k.startswith("test_")]))

"""The community's channels over HTTP, on the engine the harness is given:
organizers keep each channel (kind, names, join link, key, QR uploaded or
drawn) and record follower counts on dates; a fall or a tenfold rise is
asked to be confirmed, a date in the future or a negative count is
refused and changes nothing; the counts are charted, exported, and the
latest shows on the home page's "join us".
    python3 tests/http/test_channels.py BINARY [DATABASE_URL]"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, account, assert_eq, assert_in, member, query, run_suite  # noqa: E402
from images import png  # noqa: E402
from test_files import upload  # noqa: E402


def today_text(delta=0):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 + delta * 86400))


def new_channel(o, **fields):
    f = {"kind": "weibo", "name_zh": "微博：PostgreSQL中文社区", "name_en": "Weibo", "url": "https://weibo.com/pgcn",
         "slug": "weibo", "pos": "3"}
    f.update(fields)
    r = o.post("/numbers/channels/new", f)
    assert_eq(r.status, 303, r.text[:300])
    return int(re.search(r"/numbers/channels/(\d+)", r.header("Location")).group(1))


def counts(s, cid):
    return query(s, "SELECT day, followers FROM channel_counts WHERE channel_id = %d ORDER BY day" % cid)


def test_only_organizers_keep_channels(s):
    assert_eq(Person(s).get("/numbers/channels").status, 303, "a visitor signs in first")
    m = member(s, "channel-member@example.com")
    assert_eq(m.get("/numbers/channels").status, 403)
    assert_eq(m.post("/numbers/channels/new", {"kind": "qq", "name_zh": "会员建的群"}).status, 403)
    assert_eq(query(s, "SELECT count(*) FROM channels WHERE name_zh = '会员建的群'"), [("0",)])
    o = account(s, "channel-organizer@example.com", "渠道管理员", "organizer")
    # Without the form's token, nothing is made.
    r = o.post("/numbers/channels/new", {"kind": "qq", "name_zh": "无令牌", "_csrf": "forged"})
    assert_eq(r.status, 403)
    assert_eq(query(s, "SELECT count(*) FROM channels WHERE name_zh = '无令牌'"), [("0",)])


def test_a_channel_is_made_edited_and_refused_when_wrong(s):
    o = account(s, "channel-editor@example.com", "渠道编辑", "organizer")
    cid = new_channel(o, slug="weibo-main")
    page = o.get("/numbers/channels/%d" % cid)
    assert_eq(page.status, 200)
    assert_in("微博：PostgreSQL中文社区", page.text)
    assert_in('src="/channels/%d/qr.svg"' % cid, page.text, "a QR drawn from the link")
    qr = Person(s).get("/channels/%d/qr.svg" % cid)
    assert_eq(qr.status, 200)
    assert_eq(qr.header("Content-Type"), "image/svg+xml")
    # Wrong fields: each said, the form refilled, nothing changed.
    bad = {"kind": "myspace", "name_zh": "", "url": "javascript:alert(1)", "slug": "Bad Key!", "pos": "-4"}
    r = o.post("/numbers/channels/%d/edit" % cid, bad)
    assert_eq(r.status, 422)
    for message in ("请选择渠道类型", "渠道名称不超过 60 个字符", "请填写以 http:// 或 https:// 开头的网址",
                    "标识为 2 到 40 个小写字母", "排序为 0 到 999 的整数"):
        assert_in(message, r.text)
    assert_in('value="bad key!"', r.text, "the form as sent (a key is lower-cased)")
    assert_eq(query(s, "SELECT kind, slug FROM channels WHERE id = %d" % cid), [("weibo", "weibo-main")])
    # A key another channel has.
    other = new_channel(o, kind="bilibili", name_zh="B 站", name_en="bilibili", url="https://space.bilibili.com/1",
                        slug="bili")
    r = o.post("/numbers/channels/%d/edit" % other, {"kind": "bilibili", "name_zh": "B 站", "slug": "weibo-main"})
    assert_eq(r.status, 409)
    assert_in("已有其他渠道使用这个标识", r.text)
    assert_eq(query(s, "SELECT slug FROM channels WHERE id = %d" % other), [("bili",)])
    # In English too; a mailing list's link is mailto:.
    r = o.post("/numbers/channels/%d/edit?lang=en" % other, {"kind": "mailing_list", "name_zh": "邮件列表",
                                                              "name_en": "Mailing list", "url": "mailto:pg@example.org"})
    assert_eq(r.status, 303)
    en = o.get("/numbers/channels?lang=en").text
    assert_in("Mailing list", en)
    assert "记录关注人数" not in en
    # The API says the same in JSON.
    r = o.post("/api/v1/numbers/channels/%d/edit" % other, {"kind": "nope", "name_zh": "x"})
    assert_eq(r.status, 422)
    assert_in("kind", r.json()["error"]["fields"])


def test_follower_counts_are_recorded_checked_and_charted(s):
    o = account(s, "channel-counter@example.com", "记人数的人", "organizer")
    cid = new_channel(o, kind="wechat_account", name_zh="公众号：PG中文社区", name_en="Official account", url="",
                      slug="mp")
    path = "/numbers/channels/%d/count" % cid
    r = o.post(path, {"day": today_text(-30), "followers": "38200"})
    assert_eq(r.status, 303)
    assert_eq(o.post(path, {"day": today_text(), "followers": "38950"}).status, 303)
    assert_eq(counts(s, cid), [(str(int((time.time() + 8 * 3600) // 86400) - 30), "38200"),
                               (str(int((time.time() + 8 * 3600) // 86400)), "38950")])
    # The same day again corrects it: one count a day, not two.
    assert_eq(o.post(path, {"day": today_text(), "followers": "39000"}).status, 303)
    assert_eq(len(counts(s, cid)), 2)
    assert_eq(counts(s, cid)[-1][1], "39000")
    # A future date, a negative or non-number count: refused, nothing kept.
    for fields, message in ((({"day": today_text(3), "followers": "40000"}), "日期不能晚于今天"),
                            (({"day": today_text(), "followers": "-5"}), "0 或更大的整数"),
                            (({"day": today_text(), "followers": "3万"}), "0 或更大的整数"),
                            (({"day": "2026-02-30", "followers": "1"}), None),
                            (({"day": "1999-12-31", "followers": "1"}), "2000 年或之后")):
        r = o.post(path, fields)
        assert_eq(r.status, 422, fields)
        if message:
            assert_in(message, r.text, fields)
        assert_in('value="%s"' % fields["followers"], r.text, "the form refilled")
    assert_eq(len(counts(s, cid)), 2)
    assert_eq(counts(s, cid)[-1][1], "39000")
    # Fewer than before: asked first, kept once confirmed.
    r = o.post(path, {"day": today_text(), "followers": "3900"})
    assert_eq(r.status, 422)
    assert_in("这比", r.text)
    assert_in('name="confirm"', r.text)
    assert_eq(counts(s, cid)[-1][1], "39000", "not kept before it is confirmed")
    assert_eq(o.post(path, {"day": today_text(), "followers": "38100", "confirm": "1"}).status, 303)
    assert_eq(counts(s, cid)[-1][1], "38100")
    # Ten times as many: asked about an extra digit.
    r = o.post(path + "?lang=en", {"day": today_text(), "followers": "390000"})
    assert_eq(r.status, 422)
    assert_in("more than ten times the 38,200", r.text)
    # The home page shows the latest; the list, the change and the chart.
    assert_in("38100", Person(s).get("/").text.replace(",", ""))
    page = o.get("/numbers/channels").text
    assert_in("38,100", page)
    assert_in("−100", page, "the change since the count before")
    assert_in("<polyline", page)
    csv = o.get("/numbers/channels/export.csv?lang=zh")
    assert_eq(csv.status, 200)
    lines = csv.body.decode("utf-8-sig").splitlines()
    assert_eq(lines[0], "日期,渠道,类型,关注人数")
    assert_in("%s,公众号：PG中文社区,微信公众号,38100" % today_text(), lines)
    # A count deleted; the latest is the one before again.
    assert_eq(o.post("/numbers/channels/%d/count/delete" % cid, {"day": today_text()}).status, 303)
    assert_eq(query(s, "SELECT followers FROM channels WHERE id = %d" % cid), [("38200",)])
    assert_eq(o.post("/numbers/channels/%d/count/delete" % cid, {"day": today_text()}).status, 404)
    # The audit log has who recorded what.
    assert query(s, "SELECT count(*) FROM audit_log WHERE action LIKE 'channel.count%%' AND target = 'channel:%d'"
                 % cid)[0][0] >= "4"


def test_an_uploaded_qr_is_shown_on_the_home_page_until_forgotten(s):
    o = account(s, "channel-qr@example.com", "上传二维码的人", "organizer")
    cid = new_channel(o, kind="wechat_group", name_zh="扫码测试群", name_en="WeChat group", url="", slug="wxg")
    home = Person(s).get("/").text
    assert_in('src="/channels/%d/qr.svg"' % cid, home, "without a link or an image, drawn from the site and key")
    r = upload(o, "/numbers/channels/%d/qr" % cid, "qr", "group.png", png(200, 200))
    assert_eq(r.status, 303)
    key = query(s, "SELECT f.key FROM channels c JOIN files f ON f.id = c.qr_file_id WHERE c.id = %d" % cid)[0][0]
    assert_in('src="/files/%s/s"' % key, Person(s).get("/").text)
    r = upload(o, "/numbers/channels/%d/qr" % cid, "qr", "not.png", b"GIF89a not an image")
    assert_eq(r.status, 422)
    assert_eq(query(s, "SELECT f.key FROM channels c JOIN files f ON f.id = c.qr_file_id WHERE c.id = %d" % cid)[0][0],
              key, "the image kept")
    assert_eq(o.post("/numbers/channels/%d/qr/delete" % cid, {}).status, 303)
    assert_in('src="/channels/%d/qr.svg"' % cid, Person(s).get("/").text)
    # Deleting the channel takes its counts; the home page no longer lists it.
    o.post("/numbers/channels/%d/count" % cid, {"day": today_text(), "followers": "500"})
    assert_eq(o.post("/numbers/channels/%d/delete" % cid, {}).status, 303)
    assert_eq(counts(s, cid), [])
    assert "扫码测试群" not in Person(s).get("/").text
    assert_eq(o.get("/numbers/channels/%d" % cid).status, 404)


if __name__ == "__main__":
    sys.exit(run_suite("channels", [v for k, v in list(globals().items()) if k.startswith("test_")]))

"""Ads and sponsored reach over HTTP, on the engine the harness is given:
an organizer places a sponsor's ad for a period; the page of its place
shows it; its image loads count impressions and its link counts clicks
(crawlers neither, days outside the period neither); a sponsored article's
list impressions and opens; the click-through and open rates on the
organizers' page, the dashboard and the sponsor's own report, which no
other sponsor's contact may read; bad input refused and nothing changed.
    python3 tests/http/test_ads.py BINARY [DATABASE_URL]"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, account, assert_eq, assert_in, member, query, run_suite, sql  # noqa: E402
from images import png  # noqa: E402
from test_files import upload  # noqa: E402

SPIDER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


def day_text(delta=0):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 + delta * 86400))


def org(s, name):
    got = query(s, "SELECT id FROM orgs WHERE name_zh = '%s'" % name)
    if got:
        return got[0][0]
    sql(s, "INSERT INTO orgs (name_zh, name_en, category, created_at) VALUES ('%s', '%s', 'cloud', %s)"
        % (name, name + " Inc.", "now()" if s.database.startswith("postgres") else "0"))
    return query(s, "SELECT id FROM orgs WHERE name_zh = '%s'" % name)[0][0]


def ad_form(**over):
    f = {"place": "events", "sponsor": "云象数据", "from": day_text(-1), "to": day_text(10), "title_zh": "云象 PostgreSQL 托管",
         "title_en": "Cloud PostgreSQL by Yunxiang", "link": "https://yunxiang.example.com/pg", "fee": "12,000.50"}
    f.update(over)
    return f


def wait_for(s, statement, want, timeout=10):
    deadline = time.time() + timeout
    while True:
        got = query(s, statement)
        if got == want or time.time() > deadline:
            return got
        time.sleep(0.2)


def test_an_ad_is_placed_shown_and_counted(s):
    org(s, "云象数据")
    o = account(s, "ads-organizer@example.com", "广告管理员", "organizer")
    r = o.post("/numbers/ads/new", ad_form())
    assert_eq(r.status, 303, r.text[:300])
    ad = int(re.search(r"/numbers/ads/(\d+)", r.header("Location")).group(1))
    assert_eq(query(s, "SELECT fee_fen, place FROM ads WHERE id = %d" % ad), [("1200050", "events")])
    assert_eq(upload(o, "/numbers/ads/%d/image" % ad, "image", "ad.png", png(320, 100)).status, 303)
    page = Person(s).get("/events").text
    assert_in('href="/ads/%d/go"' % ad, page)
    assert_in('src="/ads/%d/view"' % ad, page)
    assert_in('rel="sponsored noopener"', page)
    assert_in("云象 PostgreSQL 托管", page)
    assert "/ads/%d/go" % ad not in Person(s).get("/articles").text, "only in its place"
    # Three impressions and one click from people; a crawler's count for nothing.
    for _ in range(3):
        v = Person(s).get("/ads/%d/view" % ad, headers={"User-Agent": PHONE})
        assert_eq(v.status, 302)
        assert_eq(v.header("Cache-Control"), "no-store")
        assert re.match(r"/files/[A-Za-z0-9_-]{22}/m$", v.header("Location")), v.header("Location")
    Person(s).get("/ads/%d/view" % ad, headers={"User-Agent": SPIDER})
    go = Person(s).get("/ads/%d/go" % ad, headers={"User-Agent": PHONE})
    assert_eq(go.status, 303)
    assert_eq(go.header("Location"), "https://yunxiang.example.com/pg")
    Person(s).get("/ads/%d/go" % ad, headers={"User-Agent": SPIDER})
    assert_eq(wait_for(s, "SELECT impressions, clicks FROM ad_days WHERE ad_id = %d" % ad, [("3", "1")]), [("3", "1")])
    listing = o.get("/numbers/ads").text
    assert_in("33.3%", listing, "one click in three impressions")
    assert_in("¥12,000.50", listing)
    dash = o.get("/api/v1/numbers?range=7").json()
    ctr = [f for f in dash["figures"] if f["key"] == "ctr"]
    assert_eq(ctr[0]["value"], "33.3%")
    # An ad not on today: shown nowhere, counted never.
    r = o.post("/numbers/ads/new", ad_form(place="articles", **{"from": day_text(5), "to": day_text(9)}))
    later = int(re.search(r"/numbers/ads/(\d+)", r.header("Location")).group(1))
    assert "/ads/%d/go" % later not in Person(s).get("/articles").text
    Person(s).get("/ads/%d/view" % later, headers={"User-Agent": PHONE})
    time.sleep(1.5)
    assert_eq(query(s, "SELECT count(*) FROM ad_days WHERE ad_id = %d" % later), [("0",)])
    assert_eq(Person(s).get("/ads/999999/go").status, 404)


def test_wrong_ads_are_refused_and_change_nothing(s):
    org(s, "云象数据")
    o = account(s, "ads-checker@example.com", "查广告的人", "organizer")
    before = query(s, "SELECT count(*) FROM ads")
    for fields, message in ((ad_form(sponsor="没有这家公司"), "机构名录中没有这个名称"),
                            (ad_form(**{"from": day_text(3), "to": day_text(1)}), "结束日期不能早于开始日期"),
                            (ad_form(link="javascript:alert(1)"), "请填写以 http:// 或 https:// 开头的链接"),
                            (ad_form(fee="-5"), "请以元为单位填写金额"),
                            (ad_form(fee="12.345"), "请以元为单位填写金额"),
                            (ad_form(place="sidebar"), "请选择广告展示位置"),
                            (ad_form(title_zh="长" * 81), "广告标题不超过 80 个字符")):
        r = o.post("/numbers/ads/new?lang=zh", fields)
        assert_eq(r.status, 422, fields)
        assert_in(message, r.text, fields)
    assert_in('value="没有这家公司"', o.post("/numbers/ads/new", ad_form(sponsor="没有这家公司")).text, "refilled")
    assert_eq(query(s, "SELECT count(*) FROM ads"), before)
    m = member(s, "ads-member@example.com")
    assert_eq(m.get("/numbers/ads").status, 403)
    assert_eq(m.post("/numbers/ads/new", ad_form()).status, 403)
    assert_eq(query(s, "SELECT count(*) FROM ads"), before)


def test_a_sponsor_reads_its_own_report_and_no_other(s):
    a, b = org(s, "甲方数据库"), org(s, "乙方云")
    o = account(s, "ads-reporter@example.com", "报告管理员", "organizer")
    o.post("/numbers/ads/new", ad_form(sponsor="甲方数据库", place="home", title_zh="甲方的横幅"))
    o.post("/numbers/ads/new", ad_form(sponsor="乙方云", place="articles", title_zh="乙方的横幅"))
    # A sponsored article of A's, in the articles list: its list impressions and opens.
    editor = query(s, "SELECT min(id) FROM users")[0][0]
    pg = s.database.startswith("postgres")
    t = "now() - interval '5 seconds'" if pg else str(int(time.time()) - 5)
    sql(s, "INSERT INTO articles (kind, status, title_zh, title_en, summary_zh, body_zh, sponsor_org_id, created_by, "
           "created_at, updated_at, publish_at) VALUES ('sponsored', 'published', '甲方的赞助文章', 'A sponsored piece', "
           "'摘要', '正文', %s, %s, %s, %s, %s)" % (a, editor, t, t, t))
    art = query(s, "SELECT id FROM articles WHERE title_zh = '甲方的赞助文章'")[0][0]
    listing = Person(s).get("/articles").text
    assert_in('src="/articles/%s/seen.gif"' % art, listing)
    assert_in("乙方的横幅", listing, "B's ad in the articles list's place")
    for _ in range(4):
        px = Person(s).get("/articles/%s/seen.gif" % art, headers={"User-Agent": PHONE})
        assert_eq(px.header("Content-Type"), "image/gif")
    Person(s).get("/articles/%s" % art, headers={"User-Agent": PHONE})
    assert_eq(wait_for(s, "SELECT impressions FROM article_days WHERE article_id = %s" % art, [("4",)]), [("4",)])
    # A's contact reads A's report; B's contact is refused it, with a reason.
    ca, cb = member(s, "contact-a@example.com"), member(s, "contact-b@example.com")
    assert_eq(o.post("/numbers/ads/contacts", {"sponsor": "甲方数据库", "email": "contact-a@example.com"}).status, 303)
    assert_eq(o.post("/numbers/ads/contacts", {"sponsor": "乙方云", "email": "contact-b@example.com"}).status, 303)
    r = o.post("/numbers/ads/contacts", {"sponsor": "乙方云", "email": "nobody@example.com"})
    assert_eq(r.status, 422)
    assert_in("没有使用这个邮箱的账号", r.text)
    report = ca.get("/sponsors/%s/report" % a)
    assert_eq(report.status, 200)
    assert_in("甲方的横幅", report.text)
    assert_in("甲方的赞助文章", report.text)
    assert "乙方的横幅" not in report.text, "only what A paid for"
    deadline = time.time() + 20
    while "25.0%" not in ca.get("/sponsors/%s/report" % a).text:
        assert time.time() < deadline, "one open in four list impressions, once today's views are summed"
        time.sleep(0.5)
    refused = cb.get("/sponsors/%s/report" % a)
    assert_eq(refused.status, 403)
    assert_in("这份报告只给该赞助方自己的联系人和组织者看", refused.text)
    assert "甲方的横幅" not in refused.text
    en = cb.get("/sponsors/%s/report?lang=en" % a)
    assert_in("This report is for the sponsor&#39;s own contacts", en.text)
    assert_eq(Person(s).get("/sponsors/%s/report" % a).status, 303, "a visitor signs in first")
    assert_eq(cb.get("/sponsors/%s/report" % b).status, 200)
    # A contact removed reads no more.
    assert_eq(o.post("/numbers/ads/contacts", {"sponsor": "甲方数据库", "email": "contact-a@example.com", "remove": "1"}).status, 303)
    assert_eq(ca.get("/sponsors/%s/report" % a).status, 403)


if __name__ == "__main__":
    sys.exit(run_suite("ads", [v for k, v in list(globals().items()) if k.startswith("test_")]))

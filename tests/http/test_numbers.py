"""The community's numbers over HTTP, on the engine the harness is given:
page views counted by the server without a cookie or an address kept (a
visitor once a day, crawlers apart, the source and channel that brought
them), members' activity, the finished days summed once by one of two
servers, and the organizers' dashboard with its ranges, CSV and bad input."""
import os
import sys
import time
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(__file__))
from harness import Person, account, assert_eq, assert_in, beside, member, query, run_suite, sql  # noqa: E402

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Mobile/15E148 MicroMessenger/8.0.44 NetType/WIFI Language/zh_CN")
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
SPIDER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"


def today():
    """The community's day number (Asia/Shanghai, UTC+8)."""
    return int((time.time() + 8 * 3600) // 86400)


def rows(s, where, timeout=10):
    """page_views rows matching where, once there are some (the writer
    writes every second): (visitor, path, source, channel, device, views)."""
    deadline = time.time() + timeout
    while True:
        got = query(s, "SELECT visitor, path, source, coalesce(CAST(channel_id AS TEXT), ''), device, views "
                       "FROM page_views WHERE " + where)
        if got or time.time() > deadline:
            return got
        time.sleep(0.2)


def views(s, where, want, timeout=10):
    """Waits until the views matching where add up to want; returns them."""
    deadline = time.time() + timeout
    while True:
        got = sum(int(r[5]) for r in rows(s, where, timeout=0))
        if got >= want or time.time() > deadline:
            return got
        time.sleep(0.2)


def see(p, path, ua, referer=None):
    h = {"User-Agent": ua}
    if referer is not None:
        h["Referer"] = referer
    return p.get(path, headers=h)


def test_a_visitor_is_counted_once_a_day_and_never_given_a_cookie(s):
    v = Person(s)
    for i in range(3):
        r = see(v, "/orgs?ch=t1", PHONE)
        assert_eq(r.status, 200)
        # Nothing is set for counting: at most the forms' CSRF token, once.
        cookies = [c.split("=")[0] for c in r.all_headers("Set-Cookie")]
        assert_eq([c for c in cookies if c != "csrf"], [], "no cookie for counting")
        if i:
            assert_eq(cookies, [], "nothing set again")
    assert_eq(views(s, "source = 'ch:t1'", 3), 3, "three page views")
    got = rows(s, "source = 'ch:t1'")
    assert_eq(len({r[0] for r in got}), 1, "one visitor")
    assert_eq({(r[1], r[4]) for r in got}, {("/orgs", "phone")}, "the page without its query, a phone")
    # Another browser at the same address is another visitor.
    see(Person(s), "/orgs?ch=t1", DESKTOP)
    assert_eq(views(s, "source = 'ch:t1'", 4), 4)
    assert_eq(len({r[0] for r in rows(s, "source = 'ch:t1'")}), 2)
    # No address is kept anywhere; the day's salt is there, yesterday's is not.
    dump = query(s, "SELECT path || source || CAST(visitor AS TEXT) FROM page_views")
    assert not [r for r in dump if "127.0.0.1" in r[0]], "no address in the rows"
    salts = [int(d) for (d,) in query(s, "SELECT day FROM view_salts ORDER BY day")]
    assert_eq(salts, [today(), today() + 1], "today's and tomorrow's salt only")


def test_crawlers_the_api_and_files_are_not_visitors(s):
    see(Person(s), "/events/1?ch=t2", SPIDER)
    assert_eq(views(s, "source = 'ch:t2'", 1), 1)
    assert_eq({r[4] for r in rows(s, "source = 'ch:t2'")}, {"bot"}, "a crawler is counted apart")
    p = Person(s)
    for path in ("/api/v1/events?ch=t3", "/static/app.css?ch=t3", "/healthz?ch=t3", "/no-such-page?ch=t3",
                 "/events/99999?ch=t3"):
        see(p, path, DESKTOP)
    r = p.post("/subscribe?ch=t3", {"email": "not an address"}, headers={"User-Agent": DESKTOP})
    assert r.status in (303, 422), r.status
    see(p, "/events/1?ch=t3-control", DESKTOP)
    assert_eq(views(s, "source = 'ch:t3-control'", 1), 1, "the page after them is counted")
    assert_eq(rows(s, "source = 'ch:t3'", timeout=0), [], "no API, file, health check, error or form answer")


def test_sources_and_channels(s):
    sql(s, "UPDATE channels SET slug = 'pg-weibo' WHERE id = (SELECT min(id) FROM channels)")
    first = query(s, "SELECT min(id) FROM channels")[0][0]
    p = Person(s)
    time.sleep(0)
    see(p, "/orgs?ch=pg-weibo", DESKTOP)
    # The writer reads the channels' keys every 30 seconds: wait for them.
    deadline = time.time() + 40
    while True:
        got = rows(s, "source = 'ch:pg-weibo' AND channel_id IS NOT NULL", timeout=1)
        if got or time.time() > deadline:
            break
        see(p, "/orgs?ch=pg-weibo", DESKTOP)
    assert got, "a channel's own key names it"
    assert_eq({r[3] for r in got}, {first})
    # A 10 KB utm_source is its first 40 characters; markup is no key.
    big = "a" * 10240
    assert_eq(see(p, "/orgs?utm_source=" + big[:3000], DESKTOP).status, 200)
    assert_eq(views(s, "source = 'utm:%s'" % ("a" * 40), 1), 1)
    see(Person(s), "/orgs?utm_source=" + quote("<script>") + "&ch=" + quote("\"x"), DESKTOP, referer="https://m.baidu.com/s?wd=pg")
    assert views(s, "source = 'search:baidu' AND path = '/orgs'", 1) >= 1, "a search engine by name"
    # The site's own pages are the visit going on, not a source.
    see(Person(s), "/archive", DESKTOP, referer="http://127.0.0.1:%d/orgs" % s.port)
    assert views(s, "source = 'self' AND path = '/archive'", 1) >= 1
    # A forged referrer that is no address is no source.
    see(Person(s), "/kb", DESKTOP + " forged", referer="javascript:alert(1)")
    got = rows(s, "path = '/kb'")
    assert got and all(r[2] in ("", "self") for r in got), got


def test_a_members_requests_make_them_active_today(s):
    m = member(s, "active-member@example.com", name="活跃会员")
    uid = query(s, "SELECT id FROM users WHERE email = 'active-member@example.com'")[0][0]
    m.get("/api/v1/events", headers={"User-Agent": DESKTOP})
    deadline = time.time() + 10
    while not query(s, "SELECT 1 FROM member_days WHERE user_id = %s AND day = %d" % (uid, today())):
        assert time.time() < deadline, "the member is active today"
        time.sleep(0.2)
    y, mo = time.gmtime(time.time() + 8 * 3600)[:2]
    assert_eq(query(s, "SELECT month, cohort FROM member_months WHERE user_id = %s" % uid),
              [(str(y * 12 + mo - 1), str(y * 12 + mo - 1))], "this month, in this month's cohort")
    for _ in range(5):
        m.get("/account", headers={"User-Agent": DESKTOP})
    time.sleep(1.5)
    assert_eq(query(s, "SELECT count(*) FROM member_days WHERE user_id = %s" % uid), [("1",)], "once a day")
    # Today's active members reach the dashboard with the writer's other
    # sums so far, counted from the same rows.
    o = account(s, "active-organizer@example.com", "活跃统计员", "organizer")
    want = int(query(s, "SELECT count(*) FROM member_days WHERE day = %d" % today())[0][0])
    deadline = time.time() + 20
    while True:
        dau = int(o.get("/api/v1/numbers?range=7").json()["active"]["rows"][-1]["values"][0].replace(",", ""))
        if dau >= want:
            break
        assert time.time() < deadline, "today's active members on the dashboard within seconds (%d of %d)" % (dau, want)
        time.sleep(0.5)


def test_finished_days_are_summed_once_by_one_of_two_servers(s):
    d = today() - 3
    # Three days ago: 2 visitors on a phone (5 views), one from a channel
    # link, and a crawler; a member active that day.
    sql(s, "INSERT INTO page_views (day, at, visitor, path, source, channel_id, device, media, member, views) VALUES "
           "(%d, %s, 11, '/events/1', '', NULL, 'phone', 'text', %s, 3), "
           "(%d, %s, 12, '/events/1', 'search:bing', NULL, 'phone', 'text', %s, 1), "
           "(%d, %s, 12, '/orgs', 'self', NULL, 'phone', 'text', %s, 1), "
           "(%d, %s, 13, '/orgs', '', NULL, 'bot', 'text', %s, 9)" % tuple(
               x for _ in range(4) for x in (d, at_sql(s, d), "false" if pg(s) else "0")))
    uid = query(s, "SELECT min(id) FROM users")[0][0]
    sql(s, "INSERT INTO member_days (day, user_id) VALUES (%d, %s)" % (d, uid))
    # A member who joined that day, as the visitor 21 who came by a channel's link.
    channel = query(s, "SELECT min(id) FROM channels")[0][0]
    joined = member(s, "joined-by-channel@example.com")
    joined.get("/account")
    new = query(s, "SELECT id FROM users WHERE email = 'joined-by-channel@example.com'")[0][0]
    sql(s, "INSERT INTO page_views (day, at, visitor, path, source, channel_id, device, media, member, views) VALUES "
           "(%d, %s, 21, '/signup', 'self', NULL, 'phone', 'text', %s, 1), "
           "(%d, %s, 21, '/', 'ch:joinus', %s, 'phone', 'text', %s, 1)" % (
               d, at_sql(s, d), "false" if pg(s) else "0", d, at_sql(s, d), channel, "false" if pg(s) else "0"))
    deadline = time.time() + 10
    while not query(s, "SELECT 1 FROM member_joins WHERE user_id = %s" % new):
        assert time.time() < deadline, "a new member's visitor kept for their day"
        time.sleep(0.2)
    sql(s, "UPDATE member_joins SET day = %d, visitor = 21 WHERE user_id = %s" % (d, new))
    # A second server on the database sums finished days as it starts;
    # the first server's next pass finds them claimed.
    with beside(s, {}) as other:
        def summed():
            return query(s, "SELECT dim, key, views, visitors FROM view_days WHERE day = %d ORDER BY dim, key" % d)
        deadline = time.time() + 10
        while not summed() and time.time() < deadline:
            time.sleep(0.2)
        got = summed()
        assert_in(("all", "", "7", "3"), got, "views and visitors, crawlers apart")
        assert_in(("device", "phone", "7", "3"), got)
        assert_in(("channel", str(channel), "2", "1"), got, "the new member's two views, by the channel")
        assert_in(("bot", "", "9", "1"), got)
        assert_in(("channel", "direct", "3", "1"), got)
        assert_in(("channel", "search", "2", "1"), got, "the visitor's later page counts for what brought them")
        assert_in(("path", "/events/1", "4", "2"), got)
        assert_eq(query(s, "SELECT dau FROM activity_days WHERE day = %d" % d), [("1",)])
        assert_eq(query(s, "SELECT count(*) FROM view_days_done WHERE day = %d" % d), [("1",)], "once")
        assert_eq(query(s, "SELECT day, key FROM member_channels WHERE user_id = %s" % new), [(str(d), str(channel))],
                  "the new member came by the channel of their first view that was not the site's own")
        assert_eq(query(s, "SELECT count(*) FROM member_joins WHERE day <= %d" % d), [("0",)], "then forgotten")
        # Both servers hash a visitor alike: the salt is shared.
        see(Person(s), "/events/1?ch=t5", DESKTOP)
        other.get("/events/1?ch=t5", headers={"User-Agent": DESKTOP})
        assert_eq(views(s, "source = 'ch:t5'", 2), 2)
        assert_eq(len({r[0] for r in rows(s, "source = 'ch:t5'")}), 1, "one visitor through two servers")
    organizer = account(s, "numbers-organizer@example.com", "数据组织者", "organizer")
    page = organizer.get("/numbers?range=7")
    assert_eq(page.status, 200)
    csv = organizer.get("/numbers/export.csv?chart=traffic&range=7")
    assert_eq(csv.status, 200)
    assert_in("attachment", csv.header("Content-Disposition"))
    day_text = time.strftime("%Y-%m-%d", time.gmtime(d * 86400))
    line = [l for l in csv.body.decode("utf-8-sig").splitlines() if l.startswith(day_text)]
    assert_eq(line, [day_text + ",7,3"], "the summed day in the CSV")
    csv = organizer.get("/numbers/export.csv?chart=joined_channels&range=7&lang=en").body.decode("utf-8-sig")
    name = query(s, "SELECT name_en FROM channels WHERE id = %s" % channel)[0][0]
    assert_in("%s,1," % name, csv, "new members by channel")


def test_todays_views_reach_the_dashboard_in_seconds(s):
    """Today's page views are summed by the writer every few seconds, not
    on the dashboard's request: they show there soon, and a long range
    is drawn by the week."""
    o = account(s, "today-organizer@example.com", "今天的组织者", "organizer")

    def today_views():
        rows = o.get("/api/v1/numbers?range=7").json()["traffic"]["rows"]
        return int(rows[-1]["values"][0].replace(",", ""))

    before = today_views()
    for i in range(3):
        assert_eq(see(Person(s), "/events/1?ch=t8", DESKTOP if i else PHONE).status, 200)
    deadline = time.time() + 20
    while today_views() < before + 3:
        assert time.time() < deadline, "today's views on the dashboard within seconds"
        time.sleep(0.5)
    # Today's new members (this test's organizer among them) come with
    # the same sums, not from a count on the dashboard's request.
    deadline = time.time() + 20
    while int(o.get("/api/v1/numbers?range=7").json()["joined"]["rows"][-1]["values"][0].replace(",", "")) < 1:
        assert time.time() < deadline, "today's new members on the dashboard within seconds"
        time.sleep(0.5)
    assert query(s, "SELECT views FROM view_days_live WHERE day = %d AND dim = 'counted' AND key = 'members'" % today())
    made = query(s, "SELECT at FROM view_live_at WHERE day = %d" % today())
    assert_eq(len(made), 1, "one making of today's sums at a time, for every server")
    year = o.get("/api/v1/numbers?range=365").json()
    assert_eq(len(year["traffic"]["rows"]), 53, "52 weeks and a day, by the week")
    assert_eq(year["traffic"]["x_head"], "周起始日")
    assert_in("每个点是一周", o.get("/numbers?range=365").text)
    csv = o.get("/numbers/export.csv?chart=traffic&range=365&lang=en").body.decode("utf-8-sig").splitlines()
    assert_eq(csv[0].split(",")[0], "Week from")
    assert_eq(len(csv), 54)


def test_the_public_numbers(s):
    """What anyone may read, as the home page shows it and as JSON."""
    js = Person(s).get("/api/v1/numbers/public").json()
    assert_eq(js["members"], int(query(s, "SELECT count(*) FROM users WHERE deleted_at IS NULL")[0][0]))
    assert_eq(js["reach_days"], 30)
    for key in ("events_held", "cities", "followers", "reach"):
        assert isinstance(js[key], int), key
    home = Person(s).get("/?lang=en").text
    assert_in("members", home)
    # The reach's tile shows once there is some (the views above, summed).
    assert_eq("visitors in the last 30 days" in home, js["reach"] > 0)


def test_metrics_for_operators(s):
    """/metrics in Prometheus' text format, read from this machine."""
    import re as _re

    def counter(text, name, labels):
        m = _re.search(r"^%s\{%s\} (\S+)$" % (_re.escape(name), _re.escape(labels)), text, _re.M)
        return float(m.group(1)) if m else 0.0

    first = Person(s).get("/metrics")
    assert_eq(first.status, 200)
    assert_eq(first.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
    before = counter(first.text, "pgherd_requests_total", 'route="orgs",code="2xx"')
    for _ in range(3):
        Person(s).get("/orgs")
    Person(s).get("/no-such-page")
    text = Person(s).get("/metrics").text
    assert_eq(counter(text, "pgherd_requests_total", 'route="orgs",code="2xx"') - before, 3.0)
    assert counter(text, "pgherd_requests_total", 'route="none",code="4xx"') >= 1
    for name in ("pgherd_request_duration_seconds_bucket", "pgherd_db_seconds_total", "pgherd_outbox_waiting",
                 "pgherd_writer_waiting", "pgherd_page_views_total"):
        assert_in(name, text)
    buckets = [float(v) for v in _re.findall(r'^pgherd_request_duration_seconds_bucket\{le="[^"]+"\} (\S+)$', text, _re.M)]
    assert_eq(buckets, sorted(buckets), "a histogram's buckets add up")


def pg(s):
    return s.database.startswith("postgres")


def at_sql(s, day):
    t = day * 86400
    return "to_timestamp(%d)" % t if pg(s) else str(t)


def test_the_dashboard_is_for_organizers_in_both_languages(s):
    assert_eq(Person(s).get("/numbers").status, 303, "a visitor signs in first")
    assert_eq(member(s, "plain-member@example.com").get("/numbers").status, 403)
    o = account(s, "dash-organizer@example.com", "看数据的人", "organizer")
    see(Person(s), "/events/1?ch=t6", PHONE)
    views(s, "source = 'ch:t6'", 1)
    zh = o.get("/numbers?range=30")
    assert_eq(zh.status, 200)
    for text in ("社区数据", "页面浏览", "访客", "手机", "渠道", "日活", "留存", "互动", "下载 CSV", "<polyline"):
        assert_in(text, zh.text)
    # A page that is an event is listed by its title.
    sql(s, "INSERT INTO events (title_zh, title_en, starts_at, ends_at, status, created_at) VALUES "
           "('第 99 期 · 数据测试', 'No. 99 · numbers', %s, %s, 'published', %s)" % ((
               "now()", "now()", "now()") if pg(s) else ("0", "0", "0")))
    ev = query(s, "SELECT id FROM events WHERE title_zh = '第 99 期 · 数据测试'")[0][0]
    see(Person(s), "/events/%s" % ev, PHONE)
    deadline = time.time() + 20
    while "第 99 期 · 数据测试" not in o.get("/numbers?range=7&lang=zh").text:
        assert time.time() < deadline, "the event's page listed by its title"
        time.sleep(0.5)
    en = o.get("/numbers?range=7&lang=en")
    assert_eq(en.status, 200)
    for text in ("Community numbers", "Page views", "Visitors", "Phone", "Channels", "Retention", "Download CSV"):
        assert_in(text, en.text)
    assert "社区数据" not in en.text
    js = o.get("/api/v1/numbers?range=90").json()
    assert_eq(js["range"]["days"], 90)
    assert len(js["traffic"]["rows"]) == 90
    for chart in ("traffic", "devices", "media", "channels", "joined", "active", "interactions", "cohorts"):
        r = o.get("/numbers/export.csv?chart=%s&range=30" % chart)
        assert_eq(r.status, 200, chart)
        assert r.body.startswith(b"\xef\xbb\xbf"), "a CSV Excel reads as UTF-8"
        assert len(r.body.decode("utf-8-sig").splitlines()) >= 2, chart
    # Custom dates.
    t = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    r = o.get("/numbers?range=custom&from=2026-01-01&to=" + t)
    assert_eq(r.status, 200)
    bad = [("from=2026-12-01&to=2026-11-01", "开始日期不能晚于结束日期"),
           ("from=2026-01-01&to=2030-01-01", "结束日期不能晚于今天"),
           ("from=2010-01-01&to=" + t, "最长 10 年"),
           ("from=2026-02-30&to=" + t, "格式如 2026-12-01"),
           ("from=&to=", "格式如 2026-12-01")]
    for q, message in bad:
        r = o.get("/numbers?lang=zh&range=custom&" + q)
        assert_eq(r.status, 422, q)
        assert_in(message, r.text, q)
    r = o.get("/numbers?range=custom&from=2026-12-01&to=2026-11-01&lang=en")
    assert_eq(r.status, 422)
    assert_in("The start date cannot be after the end date.", r.text)
    assert_in('value="2026-12-01"', r.text, "the dates as sent")
    assert_eq(o.get("/numbers?range=1000").status, 422)
    assert_eq(o.get("/numbers/export.csv?chart=nope").status, 422)
    assert_eq(o.get("/numbers/export.csv?chart=traffic&range=custom&from=2026-12-01&to=2026-11-01").status, 422)


if __name__ == "__main__":
    sys.exit(run_suite("numbers", [v for k, v in list(globals().items()) if k.startswith("test_")]))

"""test_numbers.py: an organizer opens the community's numbers on a phone
and on a desktop, in both languages: figures, charts drawn by the server,
bars, the cohorts' heat map, a custom range, and each chart's numbers as a
table. Sixty days of page views and members' activity are written behind
the server first. Screenshots go to build/screenshots/.

    /usr/bin/python3 tests/browser/test_numbers.py BINARY"""
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "http"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import query, sql  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from test_events import no_sideways_scroll, sign_in  # noqa: E402
from test_home import SHOTS, check, full_page_shot, run_browser_suite  # noqa: E402


def today():
    return int((time.time() + 8 * 3600) // 86400)


def seed(s):
    """Sixty days of page views (growing, phones most), a few channels and
    sources, and members active on some days."""
    rnd = random.Random(7)
    channels = [r[0] for r in query(s, "SELECT id FROM channels ORDER BY id")][:3]
    rows = []
    for back in range(60, 0, -1):
        day = today() - back
        for v in range(40 + (60 - back) * 2):
            device = rnd.choice(["phone", "phone", "phone", "pc", "pc", "tablet"])
            source, channel = rnd.choice([("", None), ("search:baidu", None), ("ref:github.com", None)] +
                                         [("app:wechat", c) for c in channels])
            path = rnd.choice(["/", "/events/1", "/events/2", "/orgs", "/articles/1", "/wishes"])
            rows.append("(%d, %d, %d, '%s', '%s', %s, '%s', 'text', 0, %d)" % (
                day, day * 86400, day * 1000 + v, path, source, channel or "NULL", device, rnd.randint(1, 4)))
    for i in range(0, len(rows), 500):
        sql(s, "INSERT INTO page_views (day, at, visitor, path, source, channel_id, device, media, member, views) "
               "VALUES " + ", ".join(rows[i:i + 500]))
    users = [r[0] for r in query(s, "SELECT id FROM users")]
    days = []
    for back in range(60, 0, -1):
        for u in users:
            if rnd.random() < 0.4:
                days.append("(%d, %s)" % (today() - back, u))
    sql(s, "INSERT INTO member_days (day, user_id) VALUES " + ", ".join(days))


def test_an_organizer_reads_the_numbers_on_a_phone(s, d):
    seed(s)
    out = s.run("user", "add", "numbers@example.com", "数据官", "organizer").stdout.decode()
    pw = re.search(r"one-time password: (\S+)", out).group(1)
    d.set_window_size(390, 844)
    sign_in(s, d, "numbers@example.com", pw)
    d.get(s.url("/numbers?range=90&lang=zh"))
    check(d.find_element(By.TAG_NAME, "h1").text == "社区数据", "the Chinese title")
    no_sideways_scroll(d, "the numbers")
    lines = d.find_elements(By.CSS_SELECTOR, "figure.chart polyline")
    check(len(lines) >= 8, "lines drawn by the server, got %d" % len(lines))
    # Every tap target is at least 44 px tall: the ranges, the CSV links, the tables' toggles.
    for css in (".range-form .choice", ".export a", ".chart-table summary", ".range-form .button"):
        for el in d.find_elements(By.CSS_SELECTOR, css):
            h = el.size["height"]
            check(h >= 44, "%s is %d px tall" % (css, h))
    # Labels are not squeezed: the range choices keep their text on one line.
    for el in d.find_elements(By.CSS_SELECTOR, ".range-form .choice"):
        check(el.size["width"] > el.size["height"], "a range choice is wider than tall: %r" % el.text)
    figures = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".figure dt")]
    check("页面浏览" in figures and "日活 / 月活" in figures, "the figures: %r" % figures)
    phone = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#devices ~ .bars .bar-label")][:3]
    check(phone and phone[0] == "手机", "phones first among devices: %r" % phone)
    full_page_shot(d, 390, "numbers-phone-zh.png")
    # The numbers behind a chart, for a screen reader or a copy.
    d.set_window_size(390, 844)
    table = d.find_element(By.CSS_SELECTOR, "#traffic ~ figure details")
    table.find_element(By.TAG_NAME, "summary").click()
    cells = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    check(len(cells) == 90, "a row a day, got %d" % len(cells))
    d.get(s.url("/numbers?range=30&lang=en"))
    check(d.find_element(By.TAG_NAME, "h1").text == "Community numbers", "the English title")
    no_sideways_scroll(d, "the numbers in English")
    body = d.find_element(By.TAG_NAME, "main").text if d.find_elements(By.TAG_NAME, "main") else d.find_element(
        By.TAG_NAME, "body").text
    left = [w for w in re.findall(r"[\u4e00-\u9fff]+", body) if w not in ("数据官",)]
    check(not left, "no Chinese on the English page: %r" % left[:10])
    full_page_shot(d, 390, "numbers-phone-en.png")


def test_a_custom_range_on_a_desktop(s, d):
    d.set_window_size(1280, 900)
    d.get(s.url("/numbers?range=custom&from=2026-12-01&to=2026-11-01&lang=zh"))
    alert = d.find_element(By.CSS_SELECTOR, ".form-error").text
    check("开始日期不能晚于结束日期" in alert, "the range's mistake said: %r" % alert)
    check(d.find_element(By.ID, "range-from").get_attribute("value") == "2026-12-01", "the dates as sent")
    d.get(s.url("/numbers?range=365&lang=zh"))
    full_page_shot(d, 1280, "numbers-desktop-zh.png")
    d.get(s.url("/numbers?range=365&lang=en"))
    full_page_shot(d, 1280, "numbers-desktop-en.png")
    d.set_window_size(390, 844)


def test_an_organizer_records_follower_counts_on_a_phone(s, d):
    """This month's counts, on a phone: each channel's form, a fall asked
    about and confirmed, the trend drawn; the channel's page with its QR;
    the home page's "join us" with the QR codes to scan."""
    channels = [r[0] for r in query(s, "SELECT id FROM channels ORDER BY pos, id")]
    rows = []
    for i, c in enumerate(channels):
        for month in range(6, 0, -1):
            rows.append("(%s, %d, %d, NULL, 0)" % (c, today() - month * 30, 2000 * (i + 1) + (6 - month) * 150 * (i + 1)))
    sql(s, "INSERT INTO channel_counts (channel_id, day, followers, recorded_by, recorded_at) VALUES " + ", ".join(rows))
    d.set_window_size(390, 844)
    d.get(s.url("/numbers/channels?lang=zh"))
    check(d.find_element(By.TAG_NAME, "h1").text == "渠道与关注人数", "the Chinese title")
    no_sideways_scroll(d, "the channels")
    check(len(d.find_elements(By.CSS_SELECTOR, "figure.chart polyline")) == min(len(channels), 8), "a line a channel")
    for css in (".count-form input[name=followers]", ".count-form input[name=day]", ".count-form .button",
                ".channel-head a"):
        for el in d.find_elements(By.CSS_SELECTOR, css):
            check(el.size["height"] >= 44 or css == ".channel-head a", "%s is %d px tall" % (css, el.size["height"]))
            check(el.size["width"] >= 44, "%s is %d px wide" % (css, el.size["width"]))
    first = channels[0]
    form = d.find_element(By.CSS_SELECTOR, "#ch-%s form" % first)
    box = form.find_element(By.NAME, "followers")
    box.clear()
    box.send_keys("100")
    form.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(d, 10).until(EC.url_contains("/count"))
    alert = d.find_element(By.CSS_SELECTOR, "#ch-%s .form-error" % first).text
    check("这比" in alert, "a fall is asked about: %r" % alert)
    full_page_shot(d, 390, "channels-confirm-phone-zh.png")
    form = d.find_element(By.CSS_SELECTOR, "#ch-%s form" % first)
    form.find_element(By.CSS_SELECTOR, "label.check").click()
    form.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(d, 10).until(EC.url_contains("recorded="))
    check("人数已记录" in d.find_element(By.CSS_SELECTOR, ".notice").text, "recorded")
    check(query(s, "SELECT followers FROM channel_counts WHERE channel_id = %s AND day = %d" % (first, today()))
          == [("100",)], "the confirmed count kept")
    full_page_shot(d, 390, "channels-phone-zh.png")
    d.get(s.url("/numbers/channels?lang=en"))
    no_sideways_scroll(d, "the channels in English")
    body = d.find_element(By.TAG_NAME, "main").text
    left = re.findall(r"[\u4e00-\u9fff]+", body)
    check(not left, "no Chinese on the English page: %r" % left[:10])
    full_page_shot(d, 390, "channels-phone-en.png")
    d.get(s.url("/numbers/channels/%s?lang=zh" % first))
    no_sideways_scroll(d, "a channel")
    full_page_shot(d, 390, "channel-phone-zh.png")
    d.set_window_size(1280, 900)
    d.get(s.url("/numbers/channels?lang=zh"))
    full_page_shot(d, 1280, "channels-desktop-zh.png")
    d.get(s.url("/?lang=zh#join"))
    qrs = d.find_elements(By.CSS_SELECTOR, ".join-qr img")
    check(qrs, "QR codes to scan on the home page")
    d.execute_script("document.getElementById('join').scrollIntoView()")
    d.save_screenshot(os.path.join(SHOTS, "home-join-desktop-zh.png"))
    d.set_window_size(390, 844)


def test_an_ad_in_its_place_and_the_sponsors_report(s, d):
    """An ad on the events list, marked as one, on a phone; the organizers'
    ads page with its click-through; the sponsor's own report."""
    org = query(s, "SELECT id FROM orgs ORDER BY id LIMIT 1")[0][0]
    pg = s.database.startswith("postgres") if s.database else False
    sql(s, "INSERT INTO ads (place, org_id, starts_on, ends_on, title_zh, title_en, link, fee_fen, created_at) VALUES "
           "('events', %s, %d, %d, '云上 PostgreSQL：免费试用 30 天', 'Managed PostgreSQL: 30 days free', "
           "'https://example.com/pg', 1200000, %s)" % (org, today() - 3, today() + 20, "now()" if pg else "0"))
    ad = query(s, "SELECT max(id) FROM ads")[0][0]
    sql(s, "INSERT INTO ad_days (ad_id, day, impressions, clicks) VALUES " + ", ".join(
        "(%s, %d, %d, %d)" % (ad, today() - k, 900 + 40 * k, 20 + k) for k in range(1, 4)))
    d.set_window_size(390, 844)
    d.get(s.url("/events?lang=zh"))
    slot = d.find_element(By.CSS_SELECTOR, ".ad-slot a")
    check("赞助" in slot.text, "the ad is marked as one: %r" % slot.text)
    check(slot.size["height"] >= 44, "the ad is a tap target")
    no_sideways_scroll(d, "the events list with an ad")
    d.save_screenshot(os.path.join(SHOTS, "ad-events-phone-zh.png"))
    d.get(s.url("/numbers/ads?lang=zh"))
    no_sideways_scroll(d, "the ads page")
    check("2.2%" in d.find_element(By.TAG_NAME, "main").text, "the click-through rate shown")
    full_page_shot(d, 390, "ads-phone-zh.png")
    d.get(s.url("/sponsors/%s/report?lang=en" % org))
    no_sideways_scroll(d, "the sponsor's report")
    body = d.find_element(By.TAG_NAME, "main").text
    left = [w for w in re.findall(r"[\u4e00-\u9fff]+", body) if w not in ("数据官",)]
    check(not left or all(w in query(s, "SELECT name_zh FROM orgs WHERE id = %s" % org)[0][0] for w in left),
          "no Chinese on the English report but the sponsor's own name: %r" % left[:10])
    full_page_shot(d, 390, "sponsor-report-phone-en.png")
    d.set_window_size(1280, 900)
    d.get(s.url("/numbers/ads?lang=en"))
    full_page_shot(d, 1280, "ads-desktop-en.png")
    d.set_window_size(390, 844)


def test_the_years_plan_on_a_phone(s, d):
    """Targets typed on a phone; each goal's bar against the pace."""
    d.set_window_size(390, 844)
    d.get(s.url("/numbers/plan?lang=zh"))
    for key, value in (("members", "500"), ("new_members", "1"), ("page_views", "100000"), ("followers", "60000")):
        box = d.find_element(By.ID, "goal-" + key)
        box.clear()
        box.send_keys(value)
        check(box.size["height"] >= 44, "a target box is a tap target")
    d.find_element(By.CSS_SELECTOR, "#plan-form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
    check("目标已保存" in d.find_element(By.CSS_SELECTOR, ".notice").text, "saved")
    check(len(d.find_elements(By.CSS_SELECTOR, ".goal-bar")) == 4, "a bar a goal set")
    no_sideways_scroll(d, "the plan")
    full_page_shot(d, 390, "plan-phone-zh.png")
    d.get(s.url("/numbers/plan?lang=en"))
    body = d.find_element(By.TAG_NAME, "main").text
    left = [w for w in re.findall(r"[\u4e00-\u9fff]+", body) if w not in ("数据官",)]
    check(not left, "no Chinese on the English plan: %r" % left[:10])
    full_page_shot(d, 390, "plan-phone-en.png")


if __name__ == "__main__":
    sys.exit(run_browser_suite("browser:numbers", (test_an_organizer_reads_the_numbers_on_a_phone,
                                                   test_a_custom_range_on_a_desktop,
                                                   test_an_organizer_records_follower_counts_on_a_phone,
                                                   test_an_ad_in_its_place_and_the_sponsors_report,
                                                   test_the_years_plan_on_a_phone)))

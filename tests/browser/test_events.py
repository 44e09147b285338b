"""test_events.py: an organizer creates a salon from a template event and
opens registration, a member registers on a phone and gets a ticket, and
the organizer checks them in by opening the ticket's URL, as a phone
camera would; an organizer creates a series and its page lists its
events. Screenshots of the event page (phone and desktop), the ticket, the
ticket mail as a mail app shows it, the door page and the series pages go
to build/screenshots/.

    /usr/bin/python3 tests/browser/test_events.py BINARY"""
import base64
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "http"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MailSink, account, mail_body, member, query  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from test_home import SHOTS, browser, check, full_page_shot, run_browser_suite  # noqa: E402


def sign_in(s, d, email, password):
    d.delete_all_cookies()
    d.get(s.url("/login?lang=zh"))
    d.find_element(By.NAME, "email").send_keys(email)
    d.find_element(By.NAME, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("/account"))


def no_sideways_scroll(d, what):
    overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, "%s fits a phone (%dpx too wide)" % (what, overflow))


def test_template_to_ticket_to_check_in(s, d):
    out = s.run("user", "add", "organizer@example.com", "组织者小王", "organizer").stdout.decode()
    organizer_pw = re.search(r"one-time password: (\S+)", out).group(1)
    # The organizer clones the last salon (the template) to a new day.
    d.set_window_size(1280, 900)
    sign_in(s, d, "organizer@example.com", organizer_pw)
    d.get(s.url("/events/7"))
    d.find_element(By.ID, "clone-date").send_keys("2027-03-20")
    d.execute_script("document.getElementById('clone-date').value = '2027-03-20'")
    for field, text in (("clone-zh", "第 41 期 PG 天天象上 · 杭州站"), ("clone-en", "PG Elephant Days #41 · Hangzhou")):
        d.find_element(By.ID, field).clear()
        d.find_element(By.ID, field).send_keys(text)
    d.find_element(By.CSS_SELECTOR, "form[action='/events/7/clone'] button").click()
    WebDriverWait(d, 10).until(EC.url_contains("/edit"))
    new_id = re.search(r"/events/(\d+)/edit", d.current_url).group(1)
    check(d.find_element(By.ID, "e-en").get_attribute("value") == "PG Elephant Days #41 · Hangzhou",
          "the clone has its new English title")
    Select(d.find_element(By.ID, "e-status")).select_by_value("open")
    cap = d.find_element(By.ID, "e-cap")
    cap.clear()
    cap.send_keys("80")
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
    h1 = d.find_element(By.TAG_NAME, "h1").text
    check("第 41 期" in h1, "the new salon's page, got %r at %s" % (h1, d.current_url))
    agenda = [li.text for li in d.find_elements(By.CSS_SELECTOR, "ol.agenda li")]
    check(len(agenda) >= 6 and agenda[0].startswith("08:30"), "the template's agenda, same hours: %r" % agenda[:2])
    check("2027-03-20" in d.find_element(By.CSS_SELECTOR, ".facts").text, "on the new day")

    # A member registers on a phone.
    d.delete_all_cookies()
    d.set_window_size(390, 844)
    d.get(s.url("/signup?lang=zh"))
    d.find_element(By.ID, "su-name").send_keys("林小雨")
    d.find_element(By.ID, "su-email").send_keys("lin@example.com")
    d.find_element(By.ID, "su-password").send_keys("a long enough password")
    d.find_element(By.ID, "su-consent").click()
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("/account"))
    d.get(s.url("/events/" + new_id))
    no_sideways_scroll(d, "the event page")
    full_page_shot(d, 390, "event-zh-phone.png")
    d.set_window_size(390, 844)
    d.find_element(By.CSS_SELECTOR, "form[action$='/register'] button.big").click()
    WebDriverWait(d, 10).until(EC.url_contains("/t/"))
    ticket_url = d.current_url
    check("林小雨" in d.find_element(By.CSS_SELECTOR, ".ticket").text, "the ticket names the member")
    qr = d.find_element(By.CSS_SELECTOR, "img.qr")
    check(d.execute_script("return arguments[0].naturalWidth > 0", qr), "the QR code image loads")
    no_sideways_scroll(d, "the ticket")
    full_page_shot(d, 390, "ticket-zh-phone.png")

    # At the door: the organizer's phone opens the ticket's URL and checks in.
    d.set_window_size(390, 844)
    sign_in(s, d, "organizer@example.com", organizer_pw)
    d.get(ticket_url)
    d.find_element(By.CSS_SELECTOR, "button.checkin").click()
    notice = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice"))).text
    check("签到成功" in notice, "checked in, got %r" % notice)
    d.get(ticket_url)
    check(not d.find_elements(By.CSS_SELECTOR, "button.checkin"), "no second check-in button")
    check("组织者小王" in d.find_element(By.CSS_SELECTOR, ".ticket").text, "says who checked in")
    d.get(s.url("/events/%s/checkin" % new_id))
    counts = {el.get_attribute("data-count"): el.text for el in d.find_elements(By.CSS_SELECTOR, "[data-count]")}
    check(counts == {"confirmed": "1", "waitlisted": "0", "checked_in": "1"}, "live counters %r" % counts)
    no_sideways_scroll(d, "the door page")
    full_page_shot(d, 390, "door-zh-phone.png")

    # The event page on a desktop, in both languages.
    d.delete_all_cookies()
    for lang in ("zh", "en"):
        d.set_window_size(1280, 900)
        d.get(s.url("/events/8?lang=" + lang))
        check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en"), lang)
        check(len(d.find_elements(By.CSS_SELECTOR, "ol.agenda li")) >= 8, "the demo salon's full day")
        full_page_shot(d, 1280, "event-%s-desktop.png" % lang)
    d.set_window_size(390, 844)
    d.get(s.url("/events?lang=en"))
    check("Events" in d.find_element(By.TAG_NAME, "h1").text, "the events list in English")
    full_page_shot(d, 390, "events-en-phone.png")

    # The ticket mail, as a phone's mail app shows its HTML part: the inline
    # QR image put where its cid: reference is.
    mail = [m for m in s.sink.wait_for("lin@example.com") if "已确认" in mail_body(m)][0]
    html = [p for p in mail.walk() if p.get_content_type() == "text/html"][0].get_payload(decode=True).decode()
    png = [p for p in mail.walk() if p.get_content_type() == "image/png"][0]
    html = html.replace("cid:" + png["Content-ID"].strip("<>"),
                        "data:image/png;base64," + base64.b64encode(png.get_payload(decode=True)).decode())
    path = os.path.join(SHOTS, "ticket-mail.html")
    with open(path, "w") as f:
        f.write(html)
    d.set_window_size(390, 844)
    d.get("file://" + path)
    img = d.find_element(By.TAG_NAME, "img")
    check(d.execute_script("return arguments[0].naturalWidth", img) > 200, "the mail shows the QR code")
    check("林小雨" in d.find_element(By.TAG_NAME, "body").text, "the mail names the member")
    no_sideways_scroll(d, "the ticket mail")
    full_page_shot(d, 390, "ticket-mail-zh-phone.png")


def test_series_pages(s, d):
    out = s.run("user", "add", "series-org@example.com", "系列组织者", "organizer").stdout.decode()
    sign_in(s, d, "series-org@example.com", re.search(r"one-time password: (\S+)", out).group(1))
    d.set_window_size(1280, 900)
    d.get(s.url("/series/new"))
    d.find_element(By.ID, "s-slug").send_keys("summit")
    d.find_element(By.ID, "s-zh").send_keys("中国 PostgreSQL 数据库生态大会")
    d.find_element(By.ID, "s-en").send_keys("PostgreSQL Ecosystem Conference of China")
    Select(d.find_element(By.ID, "s-kind")).select_by_value("summit")
    d.find_element(By.ID, "s-szh").send_keys("一年一度，全国的 PostgreSQL 用户、开发者和厂商相聚。")
    d.find_element(By.ID, "s-sen").send_keys("Once a year, users, developers and vendors from the whole country meet.")
    full_page_shot(d, 1280, "series-new-zh-desktop.png")
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("/series/summit"))
    check("数据库生态大会" in d.find_element(By.TAG_NAME, "h1").text, "the new series' page")
    d.delete_all_cookies()
    d.set_window_size(390, 844)
    d.get(s.url("/series?lang=zh"))
    cards = d.find_elements(By.CSS_SELECTOR, ".cards article")
    check(len(cards) == 2, "the demo's salons and the new summit: %d" % len(cards))
    check("下一场" in cards[0].text, "the salon series shows its next event: %r" % cards[0].text)
    no_sideways_scroll(d, "the series index")
    full_page_shot(d, 390, "series-zh-phone.png")
    d.get(s.url("/series/salon?lang=en"))
    check("City salon" in d.find_element(By.CSS_SELECTOR, "p.series").text, "the kind, in English")
    check(len(d.find_elements(By.CSS_SELECTOR, "ol.past li")) >= 5, "the series' past salons")
    no_sideways_scroll(d, "a series page")
    full_page_shot(d, 390, "series-salon-en-phone.png")
    d.set_window_size(1280, 900)
    full_page_shot(d, 1280, "series-salon-en-desktop.png")


def test_2018_archive_and_a_past_salon(s, d):
    """The 2018 salons imported from the community's own records read as an
    archive a newcomer browses: the series year by year, one city, and a
    past salon's page with its talks, figures, replays and who came."""
    data = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                                         "salons-2018.json"))
    out = s.run("import", "events", data, "--series", "salon").stdout.decode()
    check("8 events added" in out, out)
    for lang in ("zh", "en"):
        d.delete_all_cookies()
        d.set_window_size(390, 844)
        d.get(s.url("/archive?series=salon&lang=%s" % lang))
        years = [h.text for h in d.find_elements(By.CSS_SELECTOR, ".archive h2")]
        check("2018" in years and "2026" in years, "the archive goes year by year: %s" % years)
        cards = d.find_elements(By.CSS_SELECTOR, "article.past-event")
        check(len(cards) >= 15, "every past salon has its card (%d)" % len(cards))
        no_sideways_scroll(d, "the archive")
        full_page_shot(d, 390, "archive-salon-%s-phone.png" % lang)
        full_page_shot(d, 1280, "archive-salon-%s-desktop.png" % lang)
        # From the archive to the Shanghai salon of 2018 by its city.
        d.set_window_size(390, 844)
        link = [a for a in d.find_elements(By.CSS_SELECTOR, "article.past-event h3 a")
                if "#7 " in a.text or "第 7 期" in a.text][0]
        link.click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "attending")))
        body = d.find_element(By.TAG_NAME, "body").text
        for text in ("2200+", "周飞", "董红禹", "HELLOBIKE"):
            check(text in body, "the past salon shows %s" % text)
        chips = d.find_elements(By.CSS_SELECTOR, "#attending + .chips li")
        check(len(chips) == 28, "28 organizations came (%d)" % len(chips))
        check(len(d.find_elements(By.CSS_SELECTOR, ".media a")) == 2, "two replays")
        no_sideways_scroll(d, "a past salon")
        full_page_shot(d, 390, "past-salon-%s-phone.png" % lang)
        full_page_shot(d, 1280, "past-salon-%s-desktop.png" % lang)
        d.set_window_size(390, 844)
        d.get(s.url("/archive?city=1&lang=%s" % lang))
        check(("杭州" if lang == "zh" else "Hangzhou") in d.find_element(By.TAG_NAME, "h1").text, "the city's archive")
        full_page_shot(d, 390, "archive-city-%s-phone.png" % lang)


def test_import_page_names_the_mistake(s, d):
    """An organizer uploads a salon file with an impossible date from the
    import page: the mistake is named by line and field in the page's
    language, the series and the dry-run box stay as chosen, nothing is
    written; the corrected file then goes through as a dry run."""
    import json
    import tempfile
    from harness import query
    data = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                                         "salons-2018.json"))
    good = json.load(open(data, encoding="utf-8"))
    bad = json.loads(json.dumps(good))
    bad["salons"][4]["date"] = "2018-13-01"
    folder = tempfile.mkdtemp(prefix="pgherd-import-")
    paths = {}
    for name, content in (("bad", bad), ("good", good)):
        paths[name] = os.path.join(folder, "%s.json" % name)
        with open(paths[name], "w", encoding="utf-8") as f:
            json.dump(content, f, ensure_ascii=False, indent=1)
    out = s.run("user", "add", "importer@example.com", "导入员", "organizer").stdout.decode()
    sign_in(s, d, "importer@example.com", re.search(r"one-time password: (\S+)", out).group(1))
    events = query(s, "SELECT count(*) FROM events")[0][0]
    for lang, width, words in (("zh", 390, "不是一个存在的日期"), ("en", 1280, "is not a date that exists")):
        d.set_window_size(width, 844)
        d.get(s.url("/import/events?series=salon&lang=%s" % lang))
        d.find_element(By.ID, "im-file").send_keys(paths["bad"])
        d.find_element(By.NAME, "dry_run").click()
        d.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
        alert = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".form-error")))
        check("salons[4].date" in alert.text and words in alert.text and "2018-13-01" in alert.text,
              "the mistake named by field, in %s: %s" % (lang, alert.text))
        check(Select(d.find_element(By.ID, "im-series")).first_selected_option.get_attribute("value") == "salon",
              "the series stays chosen")
        check(d.find_element(By.NAME, "dry_run").is_selected(), "the dry-run box stays ticked")
        no_sideways_scroll(d, "the import page")
        full_page_shot(d, width, "import-mistake-%s-%s.png" % (lang, "phone" if width < 500 else "desktop"))
    check(query(s, "SELECT count(*) FROM events")[0][0] == events, "a refused file writes nothing")
    d.find_element(By.ID, "im-file").send_keys(paths["good"])
    d.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    notice = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
    check("8" in notice.text and query(s, "SELECT count(*) FROM events")[0][0] == events,
          "the corrected file passes its dry run and writes nothing: %s" % notice.text)


def test_debate_draw_and_the_numbers(s, d):
    """An organizer records salon #7's debate and runs its share-to-win
    draw from the contest page; visitors see both on the salon's page, the
    draw checkable from its seed; then the numbers of a series whose
    registrations went through pgherd, by event, city and channel."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
    from test_contest import metrics_fixture
    from harness import query
    out = s.run("user", "add", "contest@example.com", "活动组织者", "organizer").stdout.decode()
    organizer_pw = re.search(r"one-time password: (\S+)", out).group(1)
    sign_in(s, d, "contest@example.com", organizer_pw)
    seven = int(query(s, "SELECT e.id FROM events e JOIN event_series s ON s.id = e.series_id "
                         "WHERE s.slug = 'salon' AND e.seq = 7")[0][0])
    d.set_window_size(390, 844)
    d.get(s.url("/events/%d/contest" % seven))

    def submit(action, **fields):
        # A draw's own forms land back at the draw (#draw-ID).
        form = d.find_element(By.CSS_SELECTOR, "form[action$='%s'], form[action*='%s#']" % (action, action))
        for name, value in fields.items():
            el = form.find_element(By.NAME, name)
            if el.tag_name == "select":
                Select(el).select_by_visible_text(value)
            else:
                el.clear()
                el.send_keys(value)
        # The answer is a new document: wait for the mark on this one to go
        # (asking a replaced element whether it is stale races in Chromium).
        d.execute_script("window.__before_submit = 1")
        ask = form.get_attribute("data-confirm")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        if ask:  # what cannot be undone asks first, and says how many it concerns
            alert = WebDriverWait(d, 5).until(EC.alert_is_present())
            check(alert.text == ask and re.search(r"\d", alert.text), "the confirmation counts: %s" % alert.text)
            alert.accept()
        WebDriverWait(d, 10, ignored_exceptions=(WebDriverException,)).until(
            lambda drv: drv.execute_script("return window.__before_submit === undefined"))
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))

    submit("/debate", motion="新业务选型：PostgreSQL 还是 MySQL？")
    submit("/teams", name="大象队", side="正方", captain="李华", members="李华、张伟、王芳")
    submit("/teams", name="海豚队", side="反方", captain="陈静", members="陈静、刘洋")
    submit("/questions", team="海豚队", question="PostgreSQL 的 VACUUM 会不会拖慢业务？",
           answer="autovacuum 调得合适时几乎察觉不到；大表可以分区，\n再配合监控死元组。")
    submit("/questions", team="大象队", question="MySQL 的在线 DDL 为什么常常要靠外部工具？",
           answer="因为很多 ALTER 仍要重建表。")
    submit("/winner", team="大象队")
    submit("/draws", title="转发集赞抽奖", min_likes="24", prizes="《PostgreSQL 实战》\nPG 马克杯 ×2")
    pasted = "\n".join(["张三, 32, 截图已发群", "李四, 10, 截图", "王五, 24, 截图", "赵六, 40, 截图",
                        "钱七, 26, 截图", "孙八, 50, 截图"])
    submit("/entries", list=pasted)
    full_page_shot(d, 390, "contest-organizer-zh-phone.png")
    # A member enters the draw from the salon's page on a phone.
    out = s.run("user", "add", "fan@example.com", "转发达人", "member").stdout.decode()
    sign_in(s, d, "fan@example.com", re.search(r"one-time password: (\S+)", out).group(1))
    d.set_window_size(390, 844)
    d.get(s.url("/events/%d?lang=zh" % seven))
    form = d.find_element(By.CSS_SELECTOR, ".card.enter form.form")
    d.execute_script("arguments[0].scrollIntoView()", form)
    form.find_element(By.NAME, "proof").send_keys("https://weibo.example/s/pg7")
    form.find_element(By.NAME, "likes").send_keys("很多")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    err = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".form-error")))
    check("点赞数请写一个数字" in err.text, "a like count that is no number is explained: %s" % err.text)
    check(d.find_element(By.NAME, "proof").get_attribute("value") == "https://weibo.example/s/pg7", "proof kept")
    likes = d.find_element(By.NAME, "likes")
    likes.clear()
    likes.send_keys("36")
    likes.submit()
    WebDriverWait(d, 10).until(EC.url_contains("entered="))
    check("你已参加抽奖" in d.find_element(By.CSS_SELECTOR, "p.notice").text, "the member is told their number")
    no_sideways_scroll(d, "a salon's draw with the entry form")
    d.execute_script("document.querySelector('.card.enter').scrollIntoView()")
    d.save_screenshot(os.path.join(SHOTS, "draw-enter-zh-phone.png"))
    sign_in(s, d, "contest@example.com", organizer_pw)
    d.get(s.url("/events/%d/contest" % seven))
    check("本人登记" in d.find_element(By.TAG_NAME, "body").text, "the organizer sees the self-entered entry")
    submit("/draw", seed="上证指数 2018-11-20 收盘 2645.43")
    check(len(d.find_elements(By.CSS_SELECTOR, ".winners li")) == 3, "three winners drawn")
    for lang in ("zh", "en"):
        d.set_window_size(390, 844)
        d.get(s.url("/events/%d?lang=%s" % (seven, lang)))
        d.find_element(By.CSS_SELECTOR, "details.verify summary").click()
        body = d.find_element(By.TAG_NAME, "body").text
        for text in ("大象队", "李华", "VACUUM", "上证指数 2018-11-20 收盘 2645.43", "《PostgreSQL 实战》"):
            check(text in body, "the salon page shows %s (%s)" % (text, lang))
        check("截图已发群" not in body, "proof stays with the organizers")
        check(len(d.find_elements(By.CSS_SELECTOR, "table.hashes tbody tr")) == 7, "every entry has its hash")
        no_sideways_scroll(d, "a salon with a debate and a draw")
        d.execute_script("document.getElementById('debate').scrollIntoView()")
        d.save_screenshot(os.path.join(SHOTS, "debate-draw-%s-phone.png" % lang))
        full_page_shot(d, 1280, "debate-draw-%s-desktop.png" % lang)

    metrics_fixture(s)
    for lang in ("zh", "en"):
        d.set_window_size(390, 844)
        d.get(s.url("/series/fixture/metrics?lang=%s" % lang))
        cells = [td.text for td in d.find_elements(By.CSS_SELECTOR, "#cities + .scroll tbody td")]
        check(("北京" if lang == "zh" else "Beijing") in cells and "71%" in cells, "the cities table: %s" % cells)
        no_sideways_scroll(d, "the series numbers")
        full_page_shot(d, 390, "metrics-series-%s-phone.png" % lang)
        full_page_shot(d, 1280, "metrics-series-%s-desktop.png" % lang)


def qr_modules(svg):
    """The dark modules of a QR code drawn by pgherd's qr.svg (one path
    segment "Mx yhNv1h-Nz" per run of dark modules), and its side."""
    side = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    dark = set()
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        for i in range(int(run)):
            dark.add((int(x) + i, int(y)))
    return side, dark


def camera_film(path, codes, width=320, height=240, fps=5, seconds=3):
    """A video a fake camera plays in a loop (YUV4MPEG2, grey): each QR
    code held up for a few seconds, then an empty frame for one."""
    def frame(qr):
        luma = bytearray([235]) * (width * height)
        if qr:
            side, dark = qr
            scale = (height - 20) // side
            ox, oy = (width - side * scale) // 2, (height - side * scale) // 2
            for (mx, my) in dark:
                for yy in range(oy + my * scale, oy + (my + 1) * scale):
                    start = yy * width + ox + mx * scale
                    luma[start:start + scale] = bytes([16]) * scale
        return b"FRAME\n" + bytes(luma) + bytes([128]) * (width * height // 2)
    with open(path, "wb") as f:
        f.write(b"YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n" % (width, height, fps))
        for qr in codes:
            shown = frame(qr)
            for _ in range(fps * seconds):
                f.write(shown)
            blank = frame(None)
            for _ in range(fps):
                f.write(blank)


def test_door_camera_scans_tickets(s, d):
    """The door page reads tickets from the phone's camera (Chromium's fake
    camera plays a film of three tickets held up in turn): a fresh ticket
    is checked in and named in green, one checked in before says when and
    by whom, a ticket of another event is refused and not checked in."""
    out = s.run("user", "add", "door@example.com", "门口志愿者", "organizer").stdout.decode()
    password = re.search(r"one-time password: (\S+)", out).group(1)
    org = account(s, "door-org@example.com", "活动组织者", "organizer")
    # Today's salon, at whose door the scanning happens, and the demo's
    # open salon on another day.
    other = int(query(s, "SELECT id FROM events WHERE status = 'open' ORDER BY id LIMIT 1")[0][0])
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d")
    r = org.post("/events/new", {"title_zh": "今天的沙龙", "title_en": "Today's salon", "series": "1", "city": "1",
                                 "venue": "今天的会场", "tz": "Asia/Shanghai", "date": today, "start": "00:00",
                                 "end": "23:59", "status": "open", "capacity": "50"})
    check(r.status == 303, "today's event made: %s %s" % (r.status, r.text[:300]))
    here = int(re.search(r"/events/(\d+)", r.header("Location")).group(1))
    tickets = {}
    for who, event in (("扫码新人", here), ("早到的人", here), ("走错门的人", other)):
        p = member(s, "scan%d@example.com" % len(tickets), name=who)
        r = p.post("/events/%d/register" % event, {})
        check(r.status == 303 and "/t/" in r.header("Location"), "%s registered: %s" % (who, r.status))
        tickets[who] = r.header("Location").rsplit("/t/", 1)[1].split("?")[0]
    r = org.req("POST", "/api/v1/t/%s/checkin" % tickets["早到的人"], {}, headers={"Accept": "application/json"})
    check(r.status == 200 and r.json()["result"] == "checked_in", "checked in before: %s %s" % (r.status, r.text[:200]))
    film = os.path.join(SHOTS, "door-camera.y4m")
    camera_film(film, [qr_modules(s.get("/t/%s/qr.svg" % tickets[w]).text) for w in ("扫码新人", "早到的人", "走错门的人")])
    cam = browser(390, 844, ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             "--use-file-for-fake-video-capture=" + film])
    try:
        sign_in(s, cam, "door@example.com", password)
        cam.get(s.url("/events/%d/checkin" % here))
        check(not cam.find_element(By.CSS_SELECTOR, "[data-scan]").get_attribute("hidden"), "the scanner shows")
        cam.find_element(By.CSS_SELECTOR, "[data-scan-start]").click()
        # Each of the three is read at least once as the film loops.
        WebDriverWait(cam, 60).until(lambda b: all(
            any(n in li.text for li in b.find_elements(By.CSS_SELECTOR, ".scan-log li"))
            for n in ("扫码新人", "早到的人", "走错门的人")))
        log = [(li.get_attribute("class"), li.text) for li in cam.find_elements(By.CSS_SELECTOR, ".scan-log li")]
        first = {}
        for kind, text in reversed(log):
            for n in tickets:
                if n in text and n not in first:
                    first[n] = (kind, text)
        check(first["扫码新人"][0] == "ok", "a fresh ticket is checked in, in green: %r" % (first["扫码新人"],))
        check(first["早到的人"][0] == "warn" and "门口志愿者" not in first["早到的人"][1]
              and "活动组织者" in first["早到的人"][1] and "已经签到过了" in first["早到的人"][1],
              "a ticket checked in before says by whom: %r" % (first["早到的人"],))
        check(first["走错门的人"][0] == "bad" and "另一场活动" in first["走错门的人"][1],
              "another event's ticket is refused: %r" % (first["走错门的人"],))
        rows = dict(query(s, "SELECT name, CASE WHEN checked_in_at IS NULL THEN 'no' ELSE 'yes' END FROM registrations "
                             "WHERE ticket IN ('%s')" % "','".join(tickets.values())))
        check(rows == {"扫码新人": "yes", "早到的人": "yes", "走错门的人": "no"}, "checked in: %r" % rows)
        WebDriverWait(cam, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, "[data-count=checked_in]").text
                                     == query(s, "SELECT checked_in FROM events WHERE id = %d" % here)[0][0])
        no_sideways_scroll(cam, "the door page with the camera on")
        cam.save_screenshot(os.path.join(SHOTS, "door-scan-zh-phone.png"))
        full_page_shot(cam, 390, "door-scan-log-zh-phone.png")
        cam.set_window_size(390, 844)
        cam.get(s.url("/events/%d/checkin?lang=en" % here))
        cam.find_element(By.CSS_SELECTOR, "[data-scan-start]").click()
        WebDriverWait(cam, 60).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".scan-log li"))
        check("Already checked in" in cam.find_element(By.CSS_SELECTOR, ".scan-log").text
              or "another event" in cam.find_element(By.CSS_SELECTOR, ".scan-log").text,
              "the English page answers in English: %r" % cam.find_element(By.CSS_SELECTOR, ".scan-log").text)
        cam.save_screenshot(os.path.join(SHOTS, "door-scan-en-phone.png"))
    finally:
        cam.quit()
        os.unlink(film)


def main():
    return run_browser_suite("browser events", (test_template_to_ticket_to_check_in, test_series_pages,
                                                test_import_page_names_the_mistake, test_2018_archive_and_a_past_salon,
                                                test_debate_draw_and_the_numbers, test_door_camera_scans_tickets),
                              MailSink())


if __name__ == "__main__":
    sys.exit(main())

"""test_events.py: planning an event, registering with a waitlist that
never oversells, tickets with QR codes and calendar files, check-in at the
door, and every kind of bad input, over HTTP to the real binary on both
engines:
    python3 tests/http/test_events.py BINARY [DATABASE_URL]"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MailSink, Person, account, assert_eq, assert_in, mail_body, member, query, run_suite  # noqa: E402
from test_api import api, token_for  # noqa: E402

SINK = None
OPEN_EVENT = 8  # the demo's 38th salon, open for registration on 2026-12-19


def new_event(org, title="测试沙龙", capacity=2, status="open", date="2027-03-20", **extra):
    fields = {"title_zh": title, "title_en": "Test salon", "series": "1", "city": "1", "venue": "测试会场",
              "address": "测试路 1 号", "tz": "Asia/Shanghai", "date": date, "start": "09:00", "end": "17:30",
              "status": status, "capacity": str(capacity), "orgs_host": "阿里", "description": "**欢迎**"}
    fields.update(extra)
    r = org.post("/events/new", fields)
    assert_eq(r.status, 303, r.text[:2000])
    return int(re.search(r"/events/(\d+)", r.header("Location")).group(1))


def counters(s, eid):
    """The seat counters and the rows they count must agree, always."""
    c = query(s, "SELECT capacity, confirmed, waitlisted, checked_in FROM events WHERE id = %d" % eid)[0]
    rows = query(s, "SELECT (SELECT count(*) FROM registrations WHERE event_id = %d AND status = 'confirmed'), "
                    "(SELECT count(*) FROM registrations WHERE event_id = %d AND status = 'waitlisted'), "
                    "(SELECT count(*) FROM registrations WHERE event_id = %d AND checked_in_at IS NOT NULL)"
                 % (eid, eid, eid))[0]
    assert_eq(tuple(c[1:]), rows, "counters match the rows")
    assert int(c[1]) <= int(c[0]), "never more confirmed than seats"
    return {"capacity": int(c[0]), "confirmed": int(c[1]), "waitlisted": int(c[2]), "checked_in": int(c[3])}


def ticket_url(mail, code):
    """The ticket's address as the mail's text gives it."""
    return re.search(r"(https?://\S+/t/%s)\s" % code, mail_body(mail)).group(1)


def scanned_qr(mail):
    """What a phone reads from the QR image shown inside the mail (zbarimg
    scans the inline PNG the HTML part points at), or None without one."""
    images = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    if not images:
        assert_eq(mail.get_content_type(), "text/plain")
        return None
    assert_eq(len(images), 1)
    png = images[0]
    cid = png["Content-ID"].strip("<>")
    assert png["Content-Disposition"].startswith("inline")
    html = [p for p in mail.walk() if p.get_content_type() == "text/html"][0].get_payload(decode=True).decode()
    assert_in('src="cid:%s"' % cid, html, "the HTML shows the inline image")
    assert_in(mail_body(mail).splitlines()[0], html, "the HTML says what the text says")
    related = [p for p in mail.walk() if p.get_content_type() == "multipart/related"]
    assert_eq(len(related), 1, "image and HTML are related parts")
    data = png.get_payload(decode=True)
    assert data.startswith(b"\x89PNG")
    out = subprocess.run(["zbarimg", "--quiet", "--raw", "-"], input=data, stdout=subprocess.PIPE, check=True)
    return out.stdout.decode().strip()


def register(p, eid, **fields):
    return p.post("/events/%d/register" % eid, fields)


def ticket_of(r):
    assert_eq(r.status, 303, r.text[:2000])
    return re.search(r"^/t/([A-Za-z0-9_-]{22})$", r.header("Location")).group(1)


def test_one_click_registration_gives_a_ticket_with_qr_and_calendar(s):
    before = counters(s, OPEN_EVENT)["confirmed"]
    assert before >= 100, "the demo's open salon is filling up"
    p = member(s, "first@example.com", "第一位")
    p.post("/account/profile", {"name": "第一位", "org": "阿里", "title": "DBA"})
    page = p.get("/events/%d" % OPEN_EVENT).text
    assert_in('value="阿里巴巴"', page, "the form is prefilled from the profile")
    code = ticket_of(register(p, OPEN_EVENT))
    t = p.get("/t/" + code).text
    assert_in("第一位", t)
    assert_in("阿里巴巴", t, "the profile's organization is on the ticket")
    assert_in('src="/t/%s/qr.svg"' % code, t)
    qr = p.get("/t/%s/qr.svg" % code)
    assert_eq(qr.status, 200)
    assert_eq(qr.header("Content-Type"), "image/svg+xml")
    assert qr.text.startswith("<svg") and qr.text.count("M") > 50, "a real QR code"
    ics = p.get("/t/%s/event.ics" % code)
    assert_eq(ics.header("Content-Type"), "text/calendar; charset=utf-8")
    assert_in("BEGIN:VEVENT", ics.text)
    assert_in("DTSTART:20261219T010000Z", ics.text, "09:00 in Hangzhou is 01:00 UTC")
    assert_in("第 38 期", ics.text)
    again = register(p, OPEN_EVENT)
    assert_eq(ticket_of(again), code, "a double click gives the same ticket")
    assert_in("查看电子票", p.get("/events/%d" % OPEN_EVENT).text, "the event page knows")
    assert_eq(counters(s, OPEN_EVENT)["confirmed"], before + 1)
    mail = SINK.wait_for("first@example.com")[0]
    assert_in("/t/" + code, mail_body(mail))
    assert_eq(scanned_qr(mail), ticket_url(mail, code), "the mail's QR code opens the ticket")
    feed = Person(s).get("/series/salon/calendar.ics")
    assert_eq(feed.status, 200)
    assert feed.text.count("BEGIN:VEVENT") >= 10, "every published salon in the series feed"
    assert_eq(Person(s).get("/t/AAAAAAAAAAAAAAAAAAAAAA").status, 404, "a forged code")
    assert_eq(Person(s).get("/t/short").status, 404)


def test_full_event_waitlists_in_order_and_a_cancellation_promotes(s):
    org = account(s, "org-wait@example.com", "组织者甲", "organizer")
    eid = new_event(org, capacity=2)
    people = [member(s, "w%d@example.com" % i, "候补%d" % i) for i in range(4)]
    codes = [ticket_of(register(p, eid)) for p in people]
    assert_eq(counters(s, eid), {"capacity": 2, "confirmed": 2, "waitlisted": 2, "checked_in": 0})
    assert_in("候补顺位 2", people[3].get("/t/" + codes[3]).text)
    assert_in("加入候补名单", member(s, "late@example.com").get("/events/%d" % eid).text, "the button says so")
    r = people[0].post("/events/%d/cancel" % eid, {})
    assert_eq(r.status, 303)
    assert_eq(counters(s, eid), {"capacity": 2, "confirmed": 2, "waitlisted": 1, "checked_in": 0})
    assert_in("已确认", people[2].get("/t/" + codes[2]).text, "the first in line moved up")
    assert_in("候补顺位 1", people[3].get("/t/" + codes[3]).text)
    mail = SINK.wait_for("w2@example.com", count=2)
    moved = [m for m in mail if "好消息" in mail_body(m)]
    assert_eq(len(moved), 1, "and was told by mail")
    waiting = [m for m in mail if m is not moved[0]][0]
    assert_eq(scanned_qr(waiting), None, "a place on the waitlist is no ticket to scan")
    assert_eq(scanned_qr(moved[0]), ticket_url(moved[0], codes[2]), "with the ticket's QR code")
    assert_eq(people[0].post("/events/%d/cancel" % eid, {}).status, 404, "nothing left to cancel")
    assert_eq(people[3].post("/events/%d/cancel" % eid, {}).status, 303, "leaving the waitlist")
    assert_eq(counters(s, eid)["waitlisted"], 0)
    back = ticket_of(register(people[0], eid))
    assert back != codes[0], "registering again is a new place in line"
    assert_in("候补", people[0].get("/t/" + back).text)


def test_registration_refused_when_not_open_and_nothing_changes(s):
    org = account(s, "org-closed@example.com", "组织者乙", "organizer")
    p = member(s, "refused@example.com")
    cases = [("published", "报名尚未开始"), ("closed", "报名已截止"), ("cancelled", "活动已取消"),
             ("finished", "活动已结束")]
    for status, message in cases:
        eid = new_event(org, status=status)
        r = register(p, eid)
        assert_eq(r.status, 409, status)
        assert_in(message, r.text)
        assert_eq(counters(s, eid)["confirmed"] + counters(s, eid)["waitlisted"], 0)
    draft = new_event(org, status="draft")
    assert_eq(register(p, draft).status, 404, "a draft is not there for members")
    assert_eq(Person(s).get("/events/%d" % draft).status, 404)
    past = new_event(org, date="2026-11-01")
    assert_eq(register(p, past).status, 409, "an event that is over")
    window = new_event(org, opens_date="2099-01-01", opens_time="10:00")
    r = register(p, window)
    assert_eq(r.status, 409)
    assert_in("报名尚未开始", r.text)
    assert_eq(register(p, 999999).status, 404)
    bad = register(p, OPEN_EVENT, phone="<script>")
    assert_eq(bad.status, 422, "a phone number that is not one")
    assert_in("手机号只能包含数字", bad.text)
    assert_in('value="&lt;script&gt;"', bad.text, "the form comes back refilled, escaped")
    assert_eq(query(s, "SELECT count(*) FROM registrations r JOIN users u ON u.id = r.user_id "
                       "WHERE u.email = 'refused@example.com'")[0][0], "0")
    visitor = Person(s)
    visitor.get("/")
    assert_eq(register(visitor, OPEN_EVENT).status, 401, "visitors sign in first")
    assert_eq(p.post("/events/%d/register" % OPEN_EVENT, {"_csrf": "forged"}).status, 403, "CSRF")


def test_check_in_at_the_door(s):
    org = account(s, "door@example.com", "门口志愿者", "organizer")
    eid = new_event(org, capacity=1)
    a, b = member(s, "door-a@example.com", "张三"), member(s, "door-b@example.com", "李四")
    ca = ticket_of(register(a, eid, phone="13800001111"))
    cb = ticket_of(register(b, eid))
    assert_eq(b.post("/t/%s/checkin" % ca, {}).status, 403, "a member cannot check people in")
    page = org.get("/t/" + ca).text
    assert_in("签到</button>", page, "an organizer opening the ticket's URL gets the check-in button")
    r = org.post("/t/%s/checkin" % ca, {})
    assert_eq(r.status, 303)
    done = org.get(r.header("Location")).text
    assert_in("签到成功", done)
    assert_in("今天不是活动日", done, "a check-in on another day than the event's says so")
    again = org.post("/t/%s/checkin" % ca, {})
    assert_eq(again.status, 200)
    assert_in('class="form-error loud" role="alert">这张票已经签到过了', again.text, "loudly, not as a success")
    assert_in("签到人：门口志愿者", again.text, "says by whom")
    assert "签到成功" not in again.text
    assert_eq(org.post("/t/%s/checkin" % cb, {}).status, 409, "a waitlisted ticket holds no seat")
    assert_eq(org.post("/t/AAAAAAAAAAAAAAAAAAAAAA/checkin", {}).status, 404, "a forged code")
    assert_eq(counters(s, eid)["checked_in"], 1)
    door = org.get("/events/%d/checkin?q=13800001111" % eid).text
    assert_in("张三", door, "found by phone")
    door = org.get("/events/%d/checkin?q=%s" % (eid, "%E6%9D%8E")).text
    assert_in("李四", door, "found by name")
    live = org.get("/api/v1/events/%d/counts" % eid).json()
    assert_eq(live, {"capacity": 1, "confirmed": 1, "waitlisted": 1, "checked_in": 1})
    assert_eq(a.post("/events/%d/cancel" % eid, {}).status, 409, "a checked-in ticket stays")
    assert_eq(Person(s).get("/events/%d/checkin" % eid).status, 302 if False else 303, "visitors sign in")


def test_the_door_scanner_checks_in_one_event_only(s):
    """What the door page's camera scanner posts: the ticket, and the event
    whose door it stands at; the answer names the person and says loudly
    what happened, in the page's language."""
    org = account(s, "scanner@example.com", "扫码志愿者", "organizer")
    here, there = new_event(org), new_event(org, title="别的沙龙")
    a, b = member(s, "scan-a@example.com", "王小明"), member(s, "scan-b@example.com", "赵小红")
    ca, cb = ticket_of(register(a, here, org="阿里")), ticket_of(register(b, there))
    json_h = {"Accept": "application/json"}
    r = org.req("POST", "/api/v1/t/%s/checkin" % cb, {"event": str(here)}, headers=json_h)
    assert_eq(r.status, 409, "a ticket of another event at this door")
    got = r.json()
    assert_eq((got["result"], got["name"], got["checked_in"]), ("other_event", "赵小红", False))
    assert_in("另一场活动「别的沙龙」", got["message"])
    assert_eq(counters(s, there)["checked_in"], 0, "not checked in")
    r = org.req("POST", "/api/v1/t/%s/checkin" % ca, {"event": str(here)}, headers=json_h)
    assert_eq(r.status, 200, r.text[:500])
    got = r.json()
    assert_eq((got["result"], got["name"], got["org"], got["checked_in"], got["off_day"]),
              ("checked_in", "王小明", "阿里", True, True))
    assert_in("今天不是活动日", got["message"], "2027-03-20 is not today")
    assert re.match(r"^\d\d:\d\d$", got["scanned_time"]), got
    r = org.req("POST", "/api/v1/t/%s/checkin?lang=en" % ca, {"event": str(here)}, headers=json_h)
    got = r.json()
    assert_eq((r.status, got["result"], got["checked_in_by"]), (200, "already", "扫码志愿者"))
    assert_in("Already checked in on ", got["message"], "in English on an English page")
    assert_in("by 扫码志愿者", got["message"])
    r = org.req("POST", "/api/v1/t/%s/checkin" % ca, {"event": "door"}, headers=json_h)
    assert_eq(r.status, 422, "an event that is not a number")
    assert_eq(counters(s, here)["checked_in"], 1)
    r = org.post("/t/%s/checkin?lang=zh" % cb, {"event": str(here)})
    assert_eq(r.status, 409, "the form says so too")
    assert_in("另一场活动", r.text)
    assert_eq(counters(s, there)["checked_in"], 0)
    door = org.get("/events/%d/checkin" % here).text
    assert_in('data-jsqr="/static/jsQR.js?v=', door, "the page names its QR decoder")
    js = org.get(re.search(r'data-jsqr="([^"]+)"', door).group(1).replace("&#x3D;", "=").replace("&#61;", "="))
    assert_eq(js.status, 200)
    assert_in("jsQR", js.text[:2000], "the decoder is served")

def test_agenda_items_stay_on_the_day_and_name_their_speakers(s):
    org = account(s, "agenda@example.com", "议程组织者", "organizer")
    speaker = member(s, "speaker@example.com", "讲者本人")
    speaker.post("/account/profile", {"name": "讲者本人", "org": "腾讯"})
    eid = new_event(org)
    r = org.post("/events/%d/agenda" % eid, {"start": "09:30", "end": "10:15", "kind": "talk",
                                             "title": "PostgreSQL 17 新特性",
                                             "speakers": "speaker@example.com\n王五 / 华为"})
    assert_eq(r.status, 303, r.text[:1500])
    org.post("/events/%d/agenda" % eid, {"start": "08:30", "end": "09:00", "kind": "signin", "title": "签到"})
    bad = org.post("/events/%d/agenda" % eid, {"date": "2027-03-21", "start": "09:00", "end": "10:00",
                                               "kind": "talk", "title": "第二天的演讲"})
    assert_eq(bad.status, 422, "outside the event's day")
    assert_in("活动当天", bad.text)
    assert_in('value="第二天的演讲"', bad.text, "refilled")
    assert_eq(org.post("/events/%d/agenda" % eid, {"start": "11:00", "end": "10:00", "kind": "talk",
                                                    "title": "x"}).status, 422, "ends before it starts")
    assert_eq(org.post("/events/%d/agenda" % eid, {"start": "11:00", "end": "12:00", "kind": "karaoke",
                                                    "title": "x"}).status, 422)
    # Each declared field says its own message; the item form comes back as typed.
    bad = org.post("/events/%d/agenda?lang=zh" % eid, {"start": "11:00", "end": "12:00", "kind": "karaoke", "title": "",
                                                       "slides_url": "javascript:alert(1)", "topic": "x",
                                                       "speakers": "王五 / 华为"})
    assert_eq(bad.status, 422)
    for msg in ("请选择议程类型。", "请填写标题（200 字以内）。", "网站地址需以 http:// 或 https:// 开头。", "所选议题不存在。"):
        assert_in('<p class="field-error">%s</p>' % msg, bad.text)
    assert_in('王五 / 华为</textarea>', bad.text, "the speakers come back")
    assert_in('value="/files/abc"', org.post("/events/%d/agenda" % eid, {"start": "25:00", "end": "12:00", "kind": "talk",
                                                                       "title": "x", "slides_url": "/files/abc"}).text)
    assert_eq(len(query(s, "SELECT 1 FROM event_items WHERE event_id = %d" % eid)), 2, "nothing added")
    page = Person(s).get("/events/%d" % eid).text
    assert page.index("08:30–09:00") < page.index("09:30–10:15"), "in time order"
    assert_in("讲者本人", page)
    assert_in('href="/people/', page, "a member speaker links to their profile")
    assert_in("华为", page)
    assert_in('href="/orgs/', page, "a guest's organization from the directory links to it")
    assert_eq(len(query(s, "SELECT 1 FROM event_items WHERE event_id = %d" % eid)), 2)
    api = Person(s).get("/api/v1/events/%d" % eid).json()
    assert_eq([i["kind"] for i in api["event"]["agenda"]], ["signin", "talk"])


def test_capacity_cannot_drop_below_confirmed_and_raising_it_promotes(s):
    org = account(s, "cap@example.com", "容量组织者", "organizer")
    eid = new_event(org, capacity=2)
    for i in range(3):
        register(member(s, "cap%d@example.com" % i), eid)
    form = {"title_zh": "测试沙龙", "series": "1", "city": "1", "tz": "Asia/Shanghai", "date": "2027-03-20",
            "start": "09:00", "end": "17:30", "status": "open"}
    r = org.post("/events/%d/edit" % eid, dict(form, capacity="1"))
    assert_eq(r.status, 409)
    assert_in("已有 2 人确认参会", r.text)
    assert_in('value="1"', r.text, "the form keeps what was typed")
    assert_eq(counters(s, eid)["capacity"], 2, "nothing changed")
    assert_eq(org.post("/events/%d/edit" % eid, dict(form, capacity="3")).status, 303)
    assert_eq(counters(s, eid), {"capacity": 3, "confirmed": 3, "waitlisted": 0, "checked_in": 0})
    SINK.wait_for("cap2@example.com", count=2)
    bad = org.post("/events/%d/edit" % eid, dict(form, capacity="3", end="08:00"))
    assert_eq(bad.status, 422, "ends before it starts")
    assert_eq(org.post("/events/%d/edit" % eid, dict(form, capacity="-1")).status, 422)
    assert_eq(org.post("/events/%d/edit" % eid, dict(form, capacity="3", tz="Mars/Base")).status, 422)


def test_the_event_form_says_what_is_wrong_with_each_field(s):
    """The event form's fields are declared: each wrong one is named with
    its own message, the form comes back as typed, nothing is saved; the
    API gets the same messages as JSON."""
    org = account(s, "declared@example.com", "表单组织者", "organizer")
    before = query(s, "SELECT count(*) FROM events")[0][0]
    form = {"title_zh": "", "series": "1", "city": "9x", "tz": "Mars/Base", "date": "2027-02-30", "start": "25:00",
            "end": "17:30", "status": "open", "capacity": "lots", "venue": "会场\u0007", "orgs_host": "阿里"}
    r = org.post("/events/new?lang=zh", form)
    assert_eq(r.status, 422, r.text[:500])
    for msg in ("请填写标题（200 字以内）。", "请选择时区。", "名额请填写 0 到 1000000 之间的整数。",
                "请按 年-月-日 和 时:分 填写有效时间。", "请修改下面标出的内容后再提交。"):
        assert_in(msg, r.text)
    assert_in('name="capacity" type="number" min="0" inputmode="numeric" value="lots" aria-invalid="true"', r.text,
              "typed values come back, the wrong one marked")
    assert_in('value="2027-02-30"', r.text)
    assert_in('<select id="e-tz" name="tz" aria-invalid="true">', r.text)
    assert_in('<select id="e-city" name="city" aria-invalid="true">', r.text)
    assert_eq(query(s, "SELECT count(*) FROM events")[0][0], before, "nothing saved")
    r = org.req("POST", "/api/v1/events/new", form, headers={"Accept": "application/json"})
    assert_eq(r.status, 422)
    fields = r.json()["error"]["fields"]
    for name in ("title_zh", "tz", "capacity", "date", "city", "venue"):
        assert name in fields, (name, fields)
    # Right fields but times that cannot be: the form's own rule, after the fields'.
    good = dict(form, title_zh="声明的沙龙", city="1", tz="Asia/Shanghai", date="2027-03-20", start="18:00",
                capacity="20", venue="会场")
    r = org.post("/events/new?lang=zh", good)
    assert_eq(r.status, 422)
    assert_in("结束时间", r.text)
    r = org.post("/events/new", dict(good, start="09:00"))
    assert_eq(r.status, 303, r.text[:800])
    assert_eq(int(query(s, "SELECT count(*) FROM events")[0][0]), int(before) + 1)
    long = org.post("/events/new?lang=zh", dict(good, start="09:00", description="长" * 20001, checklist="项" * 4001))
    assert_eq(long.status, 422)
    assert_in("活动介绍最多 20000 字。", long.text, "the event description's own limit")
    assert_in("筹备清单最多 4000 字。", long.text)
    assert_eq(org.post("/events/new", dict(good, start="09:00", description="长" * 20000)).status, 303)

def test_clone_from_a_template_shifts_dates_keeps_the_shape(s):
    org = account(s, "clone@example.com", "克隆组织者", "organizer")
    eid = new_event(org, capacity=150, checklist="订场地\n印刷物料")
    org.post("/events/%d/agenda" % eid, {"start": "09:00", "end": "09:15", "kind": "opening", "title": "开场致辞",
                                         "speakers": "主持人 / 阿里"})
    org.post("/events/%d/agenda" % eid, {"start": "14:00", "end": "16:00", "kind": "debate", "title": "辩论赛"})
    register(member(s, "clone-m@example.com"), eid)
    r = org.post("/events/%d/clone" % eid, {"date": "2027-04-17"})
    assert_eq(r.status, 303)
    new = int(re.search(r"/events/(\d+)/edit", r.header("Location")).group(1))
    form = org.get("/events/%d/edit" % new).text
    assert_in('value="2027-04-17"', form)
    assert_in("订场地", form, "the checklist came along")
    assert_in('value="150"', form)
    page = org.get("/events/%d" % new).text
    assert_in("09:00–09:15", page, "the agenda keeps its local times on the new day")
    assert_in("主持人", page)
    assert_in("草稿", page, "a clone starts as a draft")
    assert_eq(counters(s, new)["confirmed"], 0, "without the template's registrations")
    assert_eq(org.post("/events/%d/clone" % eid, {"date": "soon"}).status, 422)
    assert_eq(org.post("/events/%d/clone" % eid, {"date": "2027-05-15", "title_zh": "x" * 201}).status, 422)
    assert_in('value="Test salon"', org.get("/events/%d" % eid).text, "the clone form offers the titles to edit")
    # A salon cloned with its new titles takes the series' next number.
    top = int(query(s, "SELECT max(seq) FROM events WHERE series_id = "
                       "(SELECT series_id FROM events WHERE id = %d)" % OPEN_EVENT)[0][0])
    r = org.post("/events/%d/clone" % OPEN_EVENT, {"date": "2027-01-16", "title_zh": "第 %d 期 PG 天天象上" % (top + 1),
                                                   "title_en": "PG Elephant Days #%d" % (top + 1)})
    assert_eq(r.status, 303)
    nxt = int(re.search(r"/events/(\d+)/edit", r.header("Location")).group(1))
    assert_eq(query(s, "SELECT seq, title_zh, title_en FROM events WHERE id = %d" % nxt)[0],
              (str(top + 1), "第 %d 期 PG 天天象上" % (top + 1), "PG Elephant Days #%d" % (top + 1)))


def test_channel_links_count_registrations_and_export_to_excel(s):
    org = account(s, "links@example.com", "渠道组织者", "organizer")
    eid = new_event(org, capacity=10)
    assert_eq(org.post("/events/%d/links" % eid, {"label": "杭州 PG 用户 3 群"}).status, 303)
    code = query(s, "SELECT code FROM event_links WHERE event_id = %d" % eid)[0][0]
    p = member(s, "via@example.com", "群友")
    r = p.get("/e/" + code)
    assert_eq(r.status, 303)
    page = p.get(r.header("Location")).text
    assert_in('name="via" value="%s"' % code, page)
    ticket_of(register(p, eid, via=code))
    ticket_of(register(member(s, "direct@example.com", "直接来的"), eid))
    lst = org.get("/events/%d/registrations" % eid).text
    assert_in("杭州 PG 用户 3 群", lst)
    link_id = query(s, "SELECT id FROM event_links WHERE code = '%s'" % code)[0][0]
    only = org.get("/events/%d/registrations?link=%s" % (eid, link_id)).text
    assert_in("群友", only)
    assert "直接来的" not in only, "filtered by channel"
    csv = org.get("/events/%d/registrations.csv" % eid)
    assert_eq(csv.header("Content-Type"), "text/csv; charset=utf-8")
    assert csv.body.startswith(b"\xef\xbb\xbf"), "a byte order mark for Excel"
    text = csv.body.decode("utf-8-sig")
    assert_in("群友", text)
    assert_in("杭州 PG 用户 3 群", text)
    assert_eq(len(text.strip().split("\r\n")), 3, "a header and two rows")
    assert_eq(p.get("/events/%d/registrations.csv" % eid).status, 403, "members cannot export")
    qr = Person(s).get("/e/%s/qr.svg" % code)
    assert_eq(qr.status, 200)
    assert_eq(org.post("/events/%d/message" % eid, {"to": "confirmed", "subject": "明天见", "body": "九点签到"}).status, 303)
    SINK.wait_for("via@example.com", count=2)
    assert_eq(org.post("/events/%d/message" % eid, {"to": "everyone", "subject": "x", "body": "y"}).status, 422)
    sent = len(SINK.messages("via@example.com"))
    r = org.post("/events/%d/message?lang=zh" % eid, {"to": "all", "subject": "", "body": "长长的正文\n第二行"})
    assert_eq(r.status, 422)
    assert_in('<p class="field-error">请填写主题（一行，200 字以内）。</p>', r.text)
    assert_in(">长长的正文\n第二行</textarea>", r.text, "the message comes back as typed")
    assert_in('<option value="all" selected>', r.text)
    assert_eq(len(SINK.messages("via@example.com")), sent, "nothing sent")
    api = org.req("POST", "/api/v1/events/%d/message" % eid, {"to": "all", "subject": "x\ty", "body": ""},
                  headers={"Accept": "application/json"})
    assert_eq((api.status, sorted(api.json()["error"]["fields"])), (422, ["body", "subject"]))


def test_organizer_adds_a_guest_and_cancels_for_them(s):
    org = account(s, "guests@example.com", "嘉宾组织者", "organizer")
    eid = new_event(org, capacity=1)
    r = org.post("/events/%d/registrations" % eid, {"name": "外部嘉宾", "org": "某银行", "email": "guest@example.com"})
    assert_eq(r.status, 303)
    assert_in("座位已确认", org.get(r.header("Location")).text)
    r = org.post("/events/%d/registrations" % eid, {"name": "第二位嘉宾"})
    assert_in("已加入候补名单", org.get(r.header("Location")).text, "capacity holds for organizers too")
    assert_eq(org.post("/events/%d/registrations" % eid, {"name": ""}).status, 422)
    rid = query(s, "SELECT id FROM registrations WHERE event_id = %d AND name = '外部嘉宾'" % eid)[0][0]
    assert_eq(org.post("/events/%d/registrations/%s/cancel" % (eid, rid), {}).status, 303)
    assert_eq(counters(s, eid), {"capacity": 1, "confirmed": 1, "waitlisted": 0, "checked_in": 0})
    SINK.wait_for("guest@example.com")


def test_members_propose_topics_that_organizers_pick(s):
    p = member(s, "topic@example.com", "提议者")
    r = p.post("/topics", {"title": "用 PostgreSQL 做时序数据", "speaker_name": "提议者", "speaker_org": "华为"})
    assert_eq(r.status, 303)
    assert_eq(p.post("/topics", {"title": "", "speaker_name": "x"}).status, 422)
    tid = query(s, "SELECT id FROM topics WHERE title = '用 PostgreSQL 做时序数据'")[0][0]
    org = account(s, "picker@example.com", "选题人", "organizer")
    eid = new_event(org)
    assert_in("用 PostgreSQL 做时序数据", org.get("/events/%d/agenda" % eid).text)
    assert_eq(org.post("/events/%d/agenda" % eid, {"start": "10:00", "end": "10:40", "kind": "talk",
                                                    "title": "用 PostgreSQL 做时序数据", "topic": tid,
                                                    "speakers": "提议者 / 华为"}).status, 303)
    assert_eq(query(s, "SELECT status, event_id FROM topics WHERE id = %s" % tid)[0], ("picked", str(eid)))
    assert_in("已选入议程", p.get("/topics").text)
    assert_eq(p.post("/topics/%s/decline" % tid, {}).status, 403)


def test_api_registration(s):
    p = member(s, "api-reg@example.com")
    r = p.req("POST", "/api/v1/events/%d/register" % OPEN_EVENT, {})
    assert_eq(r.status, 201)
    body = r.json()
    assert_eq(body["status"], "confirmed")
    assert_eq(len(body["ticket"]), 22)
    r = p.req("POST", "/api/v1/events/%d/register" % OPEN_EVENT, {})
    assert_eq(r.status, 200)
    assert_eq(r.json()["already"], True)
    ev = Person(s).get("/api/v1/events").json()
    assert any(e["id"] == OPEN_EVENT for e in ev["upcoming"])


def test_organizers_create_edit_and_remove_a_series(s):
    org = account(s, "series@example.com", "系列组织者", "organizer")
    m = member(s, "series-m@example.com")
    new = {"slug": "summit", "name_zh": "全国大会", "name_en": "National summit", "kind": "summit",
           "summary_zh": "每年一次，全国的 PostgreSQL 用户相聚。", "summary_en": "Once a year, the whole country."}
    assert_eq(m.get("/series/new").status, 403)
    assert_eq(m.post("/series/new", new).status, 403, "members cannot create a series")
    before = query(s, "SELECT count(*) FROM event_series")[0][0]
    bad = org.post("/series/new", dict(new, slug="Bad Slug!", name_zh="", kind="party"))
    assert_eq(bad.status, 422)
    assert_in("短名为 2–40 个小写字母", bad.text)
    assert_in("请从列表中选择类型", bad.text)
    assert_in("每年一次，全国的 PostgreSQL 用户相聚。", bad.text, "the form comes back refilled")
    assert_eq(org.post("/series/new", dict(new, slug="new")).status, 422, "a reserved word")
    assert_eq(query(s, "SELECT count(*) FROM event_series")[0][0], before, "nothing was written")
    r = org.post("/series/new", new)
    assert_eq(r.status, 303, r.text[:1500])
    assert_eq(r.header("Location"), "/series/summit")
    again = org.post("/series/new", dict(new, name_zh="另一个大会"))
    assert_eq(again.status, 409)
    assert_in("已有系列使用这个短名", again.text)
    assert_in('value="另一个大会"', again.text)
    index = Person(s).get("/series").text
    assert_in('href="/series/summit"', index)
    assert_in("全国大会", index)
    assert_in("城市沙龙", index, "the demo's salon series is there too, with its kind")
    sid = int(query(s, "SELECT id FROM event_series WHERE slug = 'summit'")[0][0])
    eid = new_event(org, title="2027 全国大会", series=str(sid), capacity=500, date="2027-07-10")
    page = Person(s).get("/series/summit")
    assert_eq(page.status, 200)
    assert_in("<title>全国大会 · ", page.text, "the series names the page")
    assert_in('href="/events/%d"' % eid, page.text)
    assert_in("/series/summit/calendar.ics", page.text)
    en = Person(s).get("/series/summit?lang=en").text
    assert_in("National summit", en)
    assert_in("Once a year, the whole country.", en)
    assert_in('href="/series/summit"', Person(s).get("/events/%d" % eid).text, "the event links to its series")
    assert "2027 全国大会" not in Person(s).get("/series/salon").text, "each series shows its own events"
    assert_eq(Person(s).get("/series/nothing-here").status, 404)
    edit = org.get("/series/summit/edit").text
    assert_in('value="National summit"', edit)
    r = org.post("/series/summit/edit", dict(new, slug="renamed", name_zh="中国 PostgreSQL 大会"))
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/series/summit", "the short name stays: calendars subscribe to it")
    assert_in("中国 PostgreSQL 大会", Person(s).get("/series").text, "the cached index sees the change")
    assert_eq(org.post("/series/summit/edit", dict(new, name_zh="x" * 101)).status, 422)
    full = org.post("/series/summit/delete", {})
    assert_eq(full.status, 409)
    assert_in("还有 1 场活动", full.text)
    assert_eq(query(s, "SELECT count(*) FROM event_series WHERE slug = 'summit'")[0][0], "1")
    assert_eq(org.post("/series/new", dict(new, slug="tour-2027", kind="tour")).status, 303)
    assert_eq(m.post("/series/tour-2027/delete", {}).status, 403)
    assert_eq(org.post("/series/tour-2027/delete", {}).status, 303)
    assert_eq(query(s, "SELECT count(*) FROM event_series WHERE slug = 'tour-2027'")[0][0], "0")
    assert_eq(Person(s).get("/series/tour-2027").status, 404)
    assert "tour-2027" not in Person(s).get("/series").text
    audit = query(s, "SELECT count(*) FROM audit_log WHERE action LIKE 'series.%'")[0][0]
    assert_eq(audit, "4", "every change is in the audit log")


def test_series_through_the_api(s):
    _, token = token_for(s, "series-api@example.com", "organizer")
    _, member_token = token_for(s, "series-api-m@example.com")
    body = {"slug": "univ", "name_zh": "高校行", "name_en": "University tour", "kind": "university"}
    assert_eq(api(s, "POST", "/api/v1/series/new", member_token, body).status, 403)
    r = api(s, "POST", "/api/v1/series/new", token, body)
    assert_eq(r.status, 201, r.text[:500])
    assert_eq(r.json()["slug"], "univ")
    again = api(s, "POST", "/api/v1/series/new", token, body)
    assert_eq(again.status, 409)
    assert "slug" in again.json()["error"]["fields"], again.text[:500]
    bad = api(s, "POST", "/api/v1/series/new", token, dict(body, slug="x"))
    assert_eq(bad.status, 422)
    index = api(s, "GET", "/api/v1/series").json()["series"]
    salon = [x for x in index if x["slug"] == "salon"][0]
    assert salon["events"] >= 10 and salon["next"]["id"] == OPEN_EVENT, salon
    assert any(x["slug"] == "univ" and x["events"] == 0 for x in index)
    page = api(s, "GET", "/api/v1/series/salon").json()
    assert_eq(page["page"]["slug"], "salon")
    assert any(e["id"] == OPEN_EVENT for e in page["upcoming"])
    assert_eq(api(s, "GET", "/api/v1/series/none").status, 404)
    assert_eq(api(s, "POST", "/api/v1/series/univ/delete", token).status, 200)
    assert_eq(api(s, "GET", "/api/v1/series/univ").status, 404)


def test_an_event_elsewhere_shows_its_own_time_everywhere(s):
    """An event keeps its own time zone on every page that shows it: the
    home page, the events list and its own page say 19:00 in Berlin, not
    the 02:00 of the next day it is in China."""
    org = account(s, "berlin-org@example.com", "柏林组织者", "organizer")
    eid = new_event(org, title="柏林 PostgreSQL 之夜", date="2026-12-04", start="19:00", end="21:30",
                    tz="Europe/Berlin", status="open")
    for lang, day in (("zh", "2026年12月4日 周五"), ("en", "Fri, Dec 4, 2026")):
        home = Person(s).get("/?lang=" + lang).text
        card = home[home.index("柏林 PostgreSQL 之夜" if lang == "zh" else "Test salon") - 600:][:1600]
        assert_in(day, card, "the home page's day in Berlin (%s)" % lang)
        assert_in("19:00 (Europe/Berlin)", card, "the home page's time in Berlin (%s)" % lang)
        assert "02:00" not in card, "never China's clock for a Berlin evening"
    page = Person(s).get("/events/%d" % eid).text
    assert_in("2026-12-04", page)
    assert_in("19:00–21:30 (Europe/Berlin)", page)


def test_pages_kept_for_a_member_are_theirs_and_current(s):
    """A signed-in member's event page and its API answer are kept for them
    (page cache): asked twice they are the same, they never reach another
    member, and whatever changes their part (their registration, their
    profile) shows at once, also through the API."""
    org = account(s, "kept-org@example.com", "缓存组织者", "organizer")
    eid = new_event(org, title="缓存沙龙", capacity=5)
    a, b = member(s, "kept-a@example.com", "缓存会员甲"), member(s, "kept-b@example.com", "缓存会员乙")
    path = "/events/%d" % eid
    first, again = a.get(path), a.get(path)
    assert_eq(first.status, 200)
    assert_eq(first.body, again.body, "the kept page is the page")
    assert_in("缓存会员甲", first.text)
    assert "缓存会员甲" not in b.get(path).text, "another member never gets it"
    assert "缓存会员甲" not in Person(s).get(path).text, "nor does a visitor"
    api_before = a.req("GET", "/api/v1" + path).json()
    assert "mine" not in api_before, api_before.keys()
    ticket_of(register(a, eid))
    page = a.get(path).text
    assert_in("/t/", page, "the member's ticket shows at once")
    assert "/t/" not in b.get(path).text, "and only to them"
    mine = a.req("GET", "/api/v1" + path).json()["mine"]
    assert_eq(mine["status"], "confirmed")
    assert_eq(a.req("GET", "/api/v1" + path).json()["mine"], mine, "kept API answer is the same")
    # Their profile changes what the form is filled with: at once.
    b.get(path)
    assert_eq(b.post("/account/profile", {"name": "缓存会员乙", "title": "首席缓存官", "org": "", "job_role": "dba",
                                          "city": "", "bio": ""}).status, 303)
    assert_in("首席缓存官", b.get(path).text, "the form takes the new title")


def test_a_member_finds_their_own_events_in_one_place(s):
    org = account(s, "mine-org@example.com", "我的活动组织者", "organizer")
    roomy = new_event(org, title="有座位的沙龙", capacity=5)
    full = new_event(org, title="满员的沙龙", capacity=1)
    first = member(s, "mine-first@example.com", "先到")
    register(first, full)
    me = member(s, "mine@example.com", "我自己")
    t1 = ticket_of(register(me, roomy))
    t2 = ticket_of(register(me, full))
    page = me.get("/account/events")
    assert_eq(page.status, 200)
    for text in ["我的活动", "有座位的沙龙", "满员的沙龙", "已确认", "候补", "/t/%s" % t1, "/t/%s" % t2]:
        assert_in(text, page.text)
    assert_in('href="/account/events"', me.get("/events").text, "reachable from the header")
    assert "先到" not in page.text, "only their own"
    en = me.get("/account/events?lang=en").text
    assert_in("My events", en)
    assert_in("On the waitlist", en)
    me.post("/events/%d/cancel" % roomy, {})
    assert "有座位的沙龙" not in me.get("/account/events?lang=zh").text, "a cancelled one is gone, at once"
    assert_eq(Person(s).get("/account/events").status, 303, "visitors sign in first")


def test_the_event_page_reads_as_its_language(s):
    """Copy testers found wrong: "You are On the waitlist", "host: Huawei",
    ASCII colons inside Chinese."""
    org = account(s, "copy-org@example.com", "文案组织者", "organizer")
    eid = new_event(org, title="文案沙龙", capacity=1, orgs_host="阿里巴巴")
    register(member(s, "copy-first@example.com"), eid)
    late = member(s, "copy-late@example.com")
    register(late, eid)
    en = late.get("/events/%d?lang=en" % eid).text
    assert_in("You are on the waitlist.", en)
    assert "You are On" not in en
    assert_in("<strong>Host</strong>: ", en)
    zh = late.get("/events/%d?lang=zh" % eid).text
    assert_in("你在候补名单中。", zh)
    assert_in("</strong>：", zh, "a full-width colon on a Chinese page")
    assert "</strong>: " not in zh


def test_mail_is_in_the_members_language_and_says_what_it_is(s):
    """A member who reads English gets English mail, even after clicking on
    a Chinese page; the subject says a seat, or the waitlist."""
    from harness import mail_text, sql
    org = account(s, "lang-org@example.com", "语言组织者", "organizer")
    eid = new_event(org, title="双语沙龙", title_en="Bilingual salon", capacity=1)
    en = member(s, "reads-english@example.com", "Reader")
    sql(s, "UPDATE users SET lang = 'en' WHERE email = 'reads-english@example.com'")
    en.get("/events/%d?lang=zh" % eid)
    assert_eq(register(en, eid).status, 303)
    subject, body = mail_text(SINK.wait_for("reads-english@example.com")[-1])
    assert subject.startswith("Registration confirmed: Bilingual salon"), subject
    assert_in("Your registration is confirmed", body)
    zh = member(s, "reads-chinese@example.com", "读者")
    assert_eq(register(zh, eid).status, 303)
    subject, body = mail_text(SINK.wait_for("reads-chinese@example.com")[-1])
    assert subject.startswith("已进入候补：双语沙龙"), subject


def test_two_servers_send_each_mail_once(s):
    """Two servers on one database, each with its mail sender, and 600
    mails waiting: every mail arrives exactly once."""
    from harness import Server, sql
    before = len(SINK.messages())
    pg = s.database.startswith("postgres")
    now = "now()" if pg else "strftime('%s', 'now')"
    servers = [Server(s.binary, database=s.database, extra_env={"PGHERD_SMTP_URL": SINK.url}) for _ in range(2)]
    try:
        for x in servers:
            x.start()
        sql(s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) "
               "INSERT INTO outbox (to_addr, subject, body, created_at) "
               "SELECT 'once' || i || '@example.com', 'once ' || i, 'body', %s FROM n" % now)
        deadline = time.time() + 120
        while time.time() < deadline and query(s, "SELECT count(*) FROM outbox WHERE to_addr LIKE 'once%%' "
                                                  "AND sent_at IS NULL")[0][0] != "0":
            time.sleep(0.2)
        time.sleep(0.5)
        got = [m["To"] for m in SINK.messages() if "once" in m["To"]]
        assert_eq(len(got) - len(set(got)), 0, "no mail went twice")
        assert_eq(len(set(got)), 600, "every mail went")
        for x in servers:
            assert "deadlock" not in x.read_log().lower(), x.read_log()[-2000:]
    finally:
        for x in servers:
            x.stop()
            x.cleanup()
    assert len(SINK.messages()) >= before + 600


def test_an_unknown_host_offers_the_directory_first(s):
    """One rule for names the directory lacks: what exists is offered
    first ("邮储" means 邮储银行 unless the organizer says otherwise), and a
    new organization is added with the event only when asked."""
    org = account(s, "hosts@example.com", "主办人", "organizer")
    base = {"title_zh": "机构沙龙", "title_en": "Orgs salon", "series": "1", "city": "1", "venue": "会场",
            "address": "路 1 号", "tz": "Asia/Shanghai", "date": "2027-04-10", "start": "14:00", "end": "17:00",
            "status": "open", "capacity": "50", "description": ""}
    orgs_before = query(s, "SELECT count(*) FROM orgs")
    r = org.post("/events/new", dict(base, orgs_host="邮储"))
    assert_eq(r.status, 422)
    assert_in("“邮储”不在机构名录中", r.text)
    psbc = query(s, "SELECT id FROM orgs WHERE name_zh = '邮储银行'")[0][0]
    assert_in('<option value="%s:邮储" selected>邮储银行</option>' % psbc, r.text, "the match is offered first, chosen")
    assert_in("新建机构“邮储”", r.text)
    assert_eq(query(s, "SELECT count(*) FROM orgs"), orgs_before, "nothing was added by asking")
    r = org.post("/events/new", dict(base, orgs_host="邮储", pick_host="%s:邮储" % psbc))
    assert_eq(r.status, 303, re.findall(r'field-error">([^<]*)', r.text))
    eid = int(re.search(r"/events/(\d+)", r.header("Location")).group(1))
    assert_eq(query(s, "SELECT org_id FROM event_orgs WHERE event_id = %d AND role = 'host'" % eid), [(psbc,)])
    assert_eq(query(s, "SELECT count(*) FROM orgs"), orgs_before, "no duplicate of 邮储银行")
    # A name nothing resembles: adding it is offered, and done on request.
    r = org.post("/events/new", dict(base, orgs_host="青藤数据"))
    assert_eq(r.status, 422)
    assert_in('<option value="new:青藤数据" selected>', r.text)
    assert_in("也没有名字相近的机构", r.text)
    r = org.post("/events/new", dict(base, orgs_host="青藤数据", pick_host="new:青藤数据"))
    assert_eq(r.status, 303)
    assert_eq(len(query(s, "SELECT id FROM orgs WHERE name_zh = '青藤数据'")), 1, "added with the event")
    # A pick made for another name does not carry over to this one.
    r = org.post("/events/new", dict(base, orgs_host="蓝鲸数据", pick_host="new:青藤数据"))
    assert_eq(r.status, 422)
    en = org.post("/events/new?lang=en", dict(base, orgs_host="邮储"))
    assert_in("is not in the organization directory", en.text)
    assert "新建机构" not in en.text, "no Chinese on the English page"


def test_english_pages_show_english_or_mark_the_chinese(s):
    """Every text an organizer writes for visitors has an English side; an
    English page shows it, or shows the Chinese marked as Chinese (never
    passed off as English, never copied into the English field)."""
    org = account(s, "bilingual@example.com", "双语组织者", "organizer")
    eid = new_event(org, "双语沙龙", title_en="", venue="西湖会议中心")
    assert_eq(query(s, "SELECT title_en, venue_en FROM events WHERE id = %d" % eid), [("", "")],
              "no Chinese copied into the English fields")
    org.post("/events/%d/agenda" % eid, {"start": "09:30", "end": "10:15", "kind": "talk", "title": "索引原理",
                                         "title_en": "How indexes work"})
    org.post("/events/%d/agenda" % eid, {"start": "10:30", "end": "11:00", "kind": "talk", "title": "只有中文的题目"})
    en = Person(s).get("/events/%d?lang=en" % eid).text
    assert_in("How indexes work", en)
    assert "索引原理" not in en
    mark = 'lang="zh-CN" class="zh-only" title="Only in Chinese"'
    assert_in('<strong %s>只有中文的题目</strong>' % mark, en, "the Chinese-only title is marked")
    assert_in('<h1 %s>双语沙龙</h1>' % mark, en)
    assert_in('<span %s>西湖会议中心</span>' % mark, en)
    assert_in('class="muted zh-only" href="https://www.openstreetmap.org/search?query=', en)
    assert_in('lang="zh-CN" title="Only in Chinese">测试路 1 号</a>', en, "the Chinese address is marked")
    assert_in('<div class="bio" lang="zh-CN" title="Only in Chinese"><p><strong>欢迎</strong></p>', en)
    zh = Person(s).get("/events/%d?lang=zh" % eid).text
    assert "zh-only" not in zh, "nothing is marked on a Chinese page"
    # The English sides written: shown, unmarked.
    form = dict(title_zh="双语沙龙", title_en="Bilingual salon", series="1", city="1", venue="西湖会议中心",
                venue_en="West Lake Conference Centre", address="测试路 1 号", address_en="1 Test Road",
                tz="Asia/Shanghai", date="2027-03-20",
                start="09:00", end="17:30", status="open", capacity="2", orgs_host="阿里", description="**欢迎**",
                description_en="**Welcome**")
    assert_eq(org.post("/events/%d/edit" % eid, form).status, 303)
    en = Person(s).get("/events/%d?lang=en" % eid).text
    assert_in("<h1>Bilingual salon</h1>", en)
    assert_in("<span>West Lake Conference Centre</span>", en)
    assert_in('rel="noopener">1 Test Road</a>', en, "the English address, unmarked")
    assert_in("query=Hangzhou%20%E6%B5%8B%E8%AF%95%E8%B7%AF", en, "the map searches the Chinese address, which maps know best")
    assert_eq(query(s, "SELECT address, address_en FROM events WHERE id = %d" % eid), [("测试路 1 号", "1 Test Road")])
    ics = Person(s).get("/events/%d/event.ics?lang=en" % eid).text
    assert_in("LOCATION:West Lake Conference Centre\\, 1 Test Road", ics.replace("\r\n ", ""))
    api = Person(s).get("/api/v1/events/%d" % eid).json()["event"]
    assert_eq((api["address_zh"], api["address_en"]), ("测试路 1 号", "1 Test Road"))
    zh = Person(s).get("/events/%d?lang=zh" % eid).text
    assert_in(">测试路 1 号</a>", zh, "the Chinese page, the Chinese address")
    assert_in('<div class="bio"><p><strong>Welcome</strong></p>', en)
    assert "欢迎" not in en
    # The clone form offers the English title as written: empty stays empty.
    other = new_event(org, "只有中文的沙龙", title_en="")
    clone = org.get("/events/%d?lang=zh" % other).text
    assert_in('<input id="clone-en" name="title_en" maxlength="200" value="">', clone)
    # The directory marks organizations without an English name.
    made = new_event(org, "机构沙龙", orgs_host="只有中文名的公司", pick_host="new:只有中文名的公司")
    assert made
    orgs = Person(s).get("/orgs?lang=en&q=%E5%8F%AA%E6%9C%89%E4%B8%AD%E6%96%87").text
    assert_in('<bdi %s>只有中文名的公司</bdi>' % mark, orgs)


if __name__ == "__main__":
    SINK = MailSink()
    try:
        code = run_suite("events", [v for k, v in list(globals().items()) if k.startswith("test_")],
                         env={"PGHERD_SMTP_URL": SINK.url})
    finally:
        SINK.stop()
    sys.exit(code)

"""test_record.py: the record an event leaves and the archive of past
events: importing examples/salons-2018.json (twice: the second
changes nothing), malformed files named by line and field, figures kept as
published, attending organizations pasted the chat-group way or derived
from check-ins, replay links, PDF slides and photos, over HTTP to the real
binary on both engines:
    python3 tests/http/test_record.py BINARY [DATABASE_URL]"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, account, assert_eq, assert_in, query, run_suite  # noqa: E402
from test_api import api, token_for  # noqa: E402
from test_files import multipart  # noqa: E402
from images import png  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "salons-2018.json"))
TABLES = ["events", "event_orgs", "event_items", "item_speakers", "event_media", "orgs", "org_aliases", "cities"]


def snapshot(s):
    """Every row the import can touch, and the cached pages' version."""
    rows = {t: sorted(query(s, "SELECT * FROM %s" % t)) for t in TABLES}
    rows["version"] = query(s, "SELECT sum(version) FROM cache_versions WHERE name = 'events'")
    return rows


def salon(s, seq):
    return int(query(s, "SELECT e.id FROM events e JOIN event_series s ON s.id = e.series_id "
                        "WHERE s.slug = 'salon' AND e.seq = %d" % seq)[0][0])


def imported(s):
    if not query(s, "SELECT 1 FROM events WHERE seq = 8"):
        s.run("import", "events", DATA, "--series", "salon")


def pdf(size=600):
    head = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    return head + b"%" + b"x" * max(0, size - len(head) - 16) + b"\ntrailer\n%%EOF\n"


def test_import_2018_twice_changes_nothing_the_second_time(s):
    before = int(query(s, "SELECT count(*) FROM events")[0][0])
    out = s.run("import", "events", DATA, "--series", "salon").stdout.decode()
    assert_in("8 salons read", out)
    assert_in("8 events added, 0 already there", out)
    assert_eq(int(query(s, "SELECT count(*) FROM events")[0][0]), before + 8)
    first = snapshot(s)
    again = s.run("import", "events", DATA, "--series=salon").stdout.decode()
    assert_in("0 events added, 8 already there", again)
    assert_in("0 agenda items, 0 attending organizations, 0 replays added; 0 new organizations", again)
    second = snapshot(s)
    assert first == second, [k for k in first if first[k] != second[k]]
    # Each import leaves its line in the audit log, written with it.
    assert_eq([tuple(x) for x in query(s, "SELECT coalesce(actor_id, 0), target, detail, client FROM audit_log "
                                          "WHERE action = 'event.import' ORDER BY id")],
              [("0", "series:salon", "8 added, 0 there", "command line"),
               ("0", "series:salon", "0 added, 8 there", "command line")])
    # What the file says, as the database now holds it.
    seven = salon(s, 7)
    figures = query(s, "SELECT registered_text, reach_text, status FROM events WHERE id = %d" % seven)[0]
    assert_eq(figures, ("88", "2200+", "finished"))
    assert_eq(int(query(s, "SELECT count(*) FROM event_orgs WHERE event_id = %d AND role = 'attendee'" % seven)[0][0]), 28)
    # HELLOBIKE is an alias of 哈啰出行: the speaker's organization is matched.
    spk = query(s, "SELECT sp.name, o.name_zh FROM item_speakers sp JOIN event_items i ON i.id = sp.item_id "
                   "JOIN orgs o ON o.id = sp.org_id WHERE i.event_id = %d ORDER BY sp.name" % seven)
    assert ("周飞", "哈啰出行") in spk, spk
    # A title, not an organization: the speaker keeps it as text.
    eight = salon(s, 8)
    assert_eq(query(s, "SELECT sp.org_name, coalesce(sp.org_id, 0) FROM item_speakers sp JOIN event_items i "
                       "ON i.id = sp.item_id WHERE i.event_id = %d AND sp.name = '赵振平'" % eight), [("PG中国社区主席", "0")])
    # "FP等。" in the file is the organization FP.
    assert query(s, "SELECT 1 FROM orgs WHERE name_zh = 'FP'") and not query(s, "SELECT 1 FROM orgs WHERE name_zh LIKE '%等%'")


def test_past_salon_page_and_archive_read_as_a_record(s):
    imported(s)
    seven = salon(s, 7)
    page = Person(s).get("/events/%d" % seven)
    assert_eq(page.status, 200)
    for text in ["阿里巴巴创新中心", "PG在HELLOBIKE的应用实践", "周飞", "哈啰出行", "董红禹", "乘数科技", "2200+", "（至少）",
                 "88", "（公布数字）", "未记录", "https://yq.aliyun.com/live/613", "回放 1", "参会单位", "阿里巴巴"]:
        assert_in(text, page.text)
    assert "<span class=\"time\">09:00" not in page.text, "imported talks have no invented times"
    # The file gives a date only: no invented 09:00-17:30 on the page, in
    # the lists or in the calendar file (an all-day entry on its day).
    for path in ["/events/%d" % seven, "/events", "/series/salon"]:
        text = Person(s).get(path).text
        assert_in("2018-11-24 周六", text, path)
        assert "2018-11-24 周六 09:00" not in text, "%s invents hours" % path
    ics = Person(s).get("/events/%d/event.ics" % seven).text
    assert_in("DTSTART;VALUE=DATE:2018", ics)
    assert "T010000Z" not in ics, "no 09:00 Beijing time"
    en = Person(s).get("/events/%d?lang=en" % seven)
    for text in ["(at least)", "2200+", "Organizations that came", "Alibaba", "Replay 1", "not recorded"]:
        assert_in(text, en.text)
    # The archive: the whole series year by year, and one city's salons.
    arch = Person(s).get("/archive?series=salon")
    assert_eq(arch.status, 200)
    assert_in("<h2>2018</h2>", arch.text)
    for seq in range(1, 9):
        assert_in("/events/%d\"" % salon(s, seq), arch.text)
    assert_in("2200+", arch.text)
    assert_in("陈华军", arch.text)
    hz = query(s, "SELECT id FROM cities WHERE name_zh = '杭州'")[0][0]
    city = Person(s).get("/archive?city=%s&lang=en" % hz)
    assert_eq(city.status, 200)
    assert_in("Hangzhou", city.text)
    assert_in("/events/%d\"" % salon(s, 1), city.text)
    assert "/events/%d\"" % salon(s, 3) not in city.text, "Beijing's salon is not Hangzhou's"
    for bad in ["/archive?series=nope", "/archive?city=99999"]:
        assert_eq(Person(s).get(bad).status, 404, bad)
    assert_eq(Person(s).get("/archive?city=abc").status, 400)
    # The API gives the same record.
    m = api(s, "GET", "/api/v1/events/%d" % seven).json()["event"]
    reach = [f for f in m["figures"] if f["key"] == "reach"][0]
    assert_eq((reach["text"], reach["kind"], reach["value"]), ("2200+", "at_least", 2200))
    assert_eq(len(m["media"]["replay"]), 2)
    assert_eq(m["attending_count"], 28)


def test_malformed_import_files_name_line_and_field(s):
    org = account(s, "importer@example.com", "导入员", "organizer")
    imports = lambda: query(s, "SELECT count(*) FROM audit_log WHERE action = 'event.import'")[0][0]
    audits = imports()
    good = json.load(open(DATA, encoding="utf-8"))
    before = snapshot(s)
    d = tempfile.mkdtemp(prefix="pgherd-import-")

    def refused(text, *expect, series="salon"):
        path = os.path.join(d, "f.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        p = s.run("import", "events", path, "--series", series, check=False)
        err = p.stderr.decode()
        assert_eq(p.returncode, 1, err)
        for e in expect:
            assert_in(e, err)
        assert_in("Nothing was imported", err)
        return err

    # A broken JSON file: the line and column.
    lines = json.dumps(good, ensure_ascii=False, indent=1).split("\n")
    lines[5] = lines[5].rstrip(",")
    refused("\n".join(lines), "line 7")
    # A date that does not exist, three salons in.
    bad = json.loads(json.dumps(good))
    bad["salons"][2]["date"] = "2018-02-30"
    text = json.dumps(bad, ensure_ascii=False, indent=1)
    line = text.split("\n").index([x for x in text.split("\n") if "2018-02-30" in x][0]) + 1
    refused(text, "line %d: salons[2].date" % line, "2018-02-30")
    # A field with a typo, a figure that is no figure, a replay that is no link.
    for field, value, name in [("hostz", ["x"], "salons[1].hostz"), ("reach", "lots", "salons[1].reach"),
                               ("replays", ["javascript:alert(1)"], "salons[1].replays")]:
        bad = json.loads(json.dumps(good))
        bad["salons"][1][field] = value
        refused(json.dumps(bad, ensure_ascii=False, indent=1), name)
    # An unknown series; a number the series already has on another date.
    refused(json.dumps(good), "there is no series \"nope\"", series="nope")
    clash = json.loads(json.dumps(good))
    clash["salons"][0]["seq"] = 31  # the demo's 31st salon, held in 2026
    refused(json.dumps(clash, ensure_ascii=False), "salons[0].seq", "another date")
    refused("", "The file is empty")
    # A top-level field with a typo is named on its own line.
    top = json.dumps(dict(good, sereis="salon"), ensure_ascii=False, indent=1)
    line = top.split("\n").index([x for x in top.split("\n") if "sereis" in x][0]) + 1
    refused(top, "line %d: \"sereis\"" % line)
    assert before == snapshot(s), "no refused file wrote anything"
    # The same from the organizers' page: 422, the reason shown, nothing written.
    bad = json.loads(json.dumps(good))
    bad["salons"][4]["date"] = "2018-13-01"
    r = multipart(org, "/import/events", {"series": "salon"},
                  [("file", "bad.json", "application/json", json.dumps(bad, ensure_ascii=False, indent=1).encode())])
    assert_eq(r.status, 422)
    assert_in("salons[4].date：“2018-13-01”不是一个存在的日期", r.text)
    assert_in("未导入任何内容", r.text)
    assert_in("value=\"salon\" selected", r.text)
    r = multipart(org, "/import/events?lang=en", {"series": "salon"},
                  [("file", "bad.json", "application/json", json.dumps(bad, ensure_ascii=False, indent=1).encode())])
    assert_eq(r.status, 422)
    assert_in("salons[4].date: “2018-13-01” is not a date that exists", r.text)
    assert_in("nothing was imported", r.text)
    # A broken file on the Chinese page: the reason in Chinese, not jansson's English.
    r = multipart(org, "/import/events?lang=zh", {"series": "salon"},
                  [("file", "cut.json", "application/json", open(DATA, "rb").read()[:500])])
    assert_eq(r.status, 422)
    assert_in("文件在这里提前结束了", r.text)
    assert "unexpected" not in r.text and "premature" not in r.text and "end of file" not in r.text
    r = multipart(org, "/import/events?lang=zh", {"series": "nope"}, [("file", "s.json", "application/json", open(DATA, "rb").read())])
    assert_eq(r.status, 422)
    assert_in("没有名为“nope”的系列", r.text)
    assert before == snapshot(s)
    assert_eq(imports(), audits,
              "a refused import leaves no audit line")
    member = Person(s)
    member.signup("noimport@example.com")
    assert_eq(member.get("/import/events").status, 403)
    # A dry run checks the good file against the database and writes nothing.
    r = multipart(org, "/import/events", {"series": "salon", "dry_run": "1"},
                  [("file", "salons.json", "application/json", open(DATA, "rb").read())])
    assert_eq(r.status, 200, r.text[:2000])
    assert_in("没有写入任何内容", r.text)
    assert before == snapshot(s)


def test_figures_are_kept_as_published(s):
    org = account(s, "figures@example.com", "记录员", "organizer")
    imported(s)
    eid = salon(s, 3)
    r = org.post("/events/%d/figures" % eid, {"registered": "lots", "checked_in": "6x", "online": "1xx",
                                             "reach": "2200+"})
    assert_eq(r.status, 422)
    assert_in("value=\"lots\"", r.text)
    assert_eq(query(s, "SELECT registered_text, reach_text FROM events WHERE id = %d" % eid), [("80", "")])
    r = org.post("/events/%d/figures" % eid, {"registered": "80", "checked_in": "约 70 人", "online": "1xx",
                                             "reach": "2200+"})
    assert_eq(r.status, 303)
    page = Person(s).get("/events/%d?lang=en" % eid).text
    for text in ["约 70 人", "1xx", "2200+", "(approximate)", "(at least)"]:
        assert_in(text, page)
    assert_eq(Person(s).post("/events/%d/figures" % eid, {"registered": "1"}).status, 401)


def test_attending_organizations_pasted_and_from_check_ins(s):
    org = account(s, "attend@example.com", "名单员", "organizer")
    imported(s)
    eid = salon(s, 1)  # no companies were recorded for the first salon
    r = org.post("/events/%d/attendees" % eid, {"list": "、、。。。等"})
    assert_eq(r.status, 422)
    assert_in("名单里没有单位名称", r.text)
    r = org.post("/events/%d/attendees" % eid, {"list": "阿里、、华为，新来的公司甲。。。等\n HUAWEI"})
    assert_eq(r.status, 200)
    assert_in("value=\"新来的公司甲\" checked", r.text)
    names = lambda: sorted(x[0] for x in query(s, "SELECT o.name_zh FROM event_orgs eo JOIN orgs o ON o.id = eo.org_id "
                                                   "WHERE eo.event_id = %d AND eo.role = 'attendee'" % eid))
    assert_eq(names(), ["华为", "阿里巴巴"])
    assert not query(s, "SELECT 1 FROM orgs WHERE name_zh = '新来的公司甲'")
    r = org.post("/events/%d/attendees" % eid, {"create": "新来的公司甲"})
    assert_eq(r.status, 303)
    assert_eq(names(), ["华为", "新来的公司甲", "阿里巴巴"])
    page = Person(s).get("/events/%d" % eid).text
    assert_in("新来的公司甲", page)
    # A shorter name for one the directory has: offered first, not duplicated.
    count = query(s, "SELECT count(*) FROM orgs")
    r = org.post("/events/%d/attendees" % eid, {"list": "新来的公司"})
    assert_eq(r.status, 200)
    known = query(s, "SELECT id FROM orgs WHERE name_zh = '新来的公司甲'")[0][0]
    assert_in('<option value="%s:新来的公司" selected>新来的公司甲</option>' % known, r.text)
    assert 'name="create" value="新来的公司"' not in r.text, "adding it is a choice, not the default"
    assert_eq(org.post("/events/%d/attendees" % eid, {"pick": "%s:新来的公司" % known}).status, 303)
    assert_eq(query(s, "SELECT count(*) FROM orgs"), count, "no duplicate was made")
    record = org.get("/events/%d/record" % eid).text
    assert_in('<li class="chip"><bdi>华为</bdi>', record, "each chip names its organization")
    assert_in('aria-label="移除 华为"', record, "and its remove button says what it removes")
    gone = query(s, "SELECT id FROM orgs WHERE name_zh = '华为'")[0][0]
    assert_eq(org.post("/events/%d/attendees/%s/delete" % (eid, gone), {}).status, 303)
    assert_eq(names(), ["新来的公司甲", "阿里巴巴"])
    # A checked-in person's organization counts, by any of its names and
    # in any letter case, once however many came from it; one the
    # directory lacks is offered to the organizer.
    for i, who in enumerate(["HELLOBIKE", "某某新创", "hellobike", "阿里巴巴"]):
        query(s, "INSERT INTO registrations (event_id, name, org, status, ticket, created_at, updated_at, checked_in_at) "
                 "VALUES (%d, '来宾%d', '%s', 'confirmed', 'rec-%d-%d', %s, %s, %s)"
              % (eid, i, who, eid, i, *(["now()"] * 3 if s.database.startswith("postgres") else ["0"] * 3)))
    query(s, "UPDATE events SET checked_in = checked_in + 4 WHERE id = %d" % eid)
    page = Person(s).get("/events/%d" % eid).text
    assert_in("哈啰出行", page)
    assert_eq(page.count(">哈啰出行<") + page.count(">阿里巴巴<"), 2, "each organization listed once")
    assert "某某新创" not in page
    record = org.get("/events/%d/record" % eid).text
    assert_in("某某新创", record)
    assert "hellobike" not in record and "HELLOBIKE" not in record, "a known alias is not offered for creation"
    # The archive counts the same three: 新来的公司甲, 阿里巴巴, 哈啰出行.
    arch = Person(s).get("/archive?series=salon").text
    card = arch[arch.index("/events/%d\"" % eid):]
    card = card[:card.index("</article>")]
    assert_in("参会单位 <strong>3</strong>", card)


def test_replays_slides_and_photos(s):
    org = account(s, "media@example.com", "资料员", "organizer")
    imported(s)
    eid = salon(s, 2)
    ok = multipart(org, "/events/%d/media" % eid, {"kind": "replay", "title": "上午场回放", "url": "https://example.com/v/1"})
    assert_eq(ok.status, 303)
    dup = multipart(org, "/events/%d/media" % eid, {"kind": "replay", "title": "", "url": "https://example.com/v/1"})
    assert_eq(dup.status, 409)
    for fields in [{"kind": "replay", "url": "javascript:alert(1)"}, {"kind": "movie", "url": "https://e.com/"},
                   {"kind": "live", "url": ""}]:
        assert_eq(multipart(org, "/events/%d/media" % eid, fields).status, 422, fields)
    bad = multipart(org, "/events/%d/media?lang=zh" % eid, {"kind": "movie", "url": "https://e.com/"})
    assert_in("请选择类型", bad.text, "the wrong field's own message")
    assert_eq(query(s, "SELECT count(*) FROM event_media WHERE event_id = %d" % eid)[0][0], "1", "nothing added")
    slides = multipart(org, "/events/%d/media" % eid, {"kind": "slides", "title": "迁移实践"},
                       [("file", "迁移实践.pdf", "application/pdf", pdf())])
    assert_eq(slides.status, 303)
    fid = query(s, "SELECT f.key FROM event_media m JOIN files f ON f.id = m.file_id "
                "WHERE m.event_id = %d AND m.kind = 'slides'" % eid)[0][0]
    f = Person(s).get("/files/%s" % fid)
    assert_eq(f.status, 200)
    assert_eq(f.header("Content-Type"), "application/pdf")
    assert f.body.startswith(b"%PDF-1.4"), f.body[:20]
    assert_in("UTF-8''" + "%E8%BF%81%E7%A7%BB%E5%AE%9E%E8%B7%B5.pdf", f.header("Content-Disposition"))
    assert f.header("Content-Disposition").startswith("attachment"), "a PDF is downloaded, never run as a page here"
    # A name ending in Chinese keeps its last character.
    r = multipart(org, "/events/%d/media" % eid, {"kind": "slides"}, [("file", "讲义", "application/pdf", pdf())])
    assert_eq(r.status, 303)
    mid2, fid2 = query(s, "SELECT m.id, f.key FROM event_media m JOIN files f ON f.id = m.file_id "
                       "WHERE m.event_id = %d ORDER BY m.file_id DESC LIMIT 1" % eid)[0]
    assert_in("%E8%AE%B2%E4%B9%89", Person(s).get("/files/%s" % fid2).header("Content-Disposition"))
    assert_eq(org.post("/events/%d/media/%s/delete" % (eid, mid2), {}).status, 303)
    assert_eq(Person(s).get("/files/%s" % fid2).status, 404, "removed slides take their file along")
    # A PNG named .pdf, an HTML page claiming to be a PDF, a PDF too big.
    for name, data, why in [("fake.pdf", png(8, 8), "不是 PDF"), ("x.pdf", b"<html>%PDF-1.4 %%EOF</html>", "不是 PDF"),
                            ("big.pdf", pdf(9 * 1024 * 1024), "8 MB")]:
        r = multipart(org, "/events/%d/media" % eid, {"kind": "slides"}, [("file", name, "application/pdf", data)])
        assert_eq(r.status, 422, name)
        assert_in(why, r.text)
    # 50 MB is refused before it is read.
    body = b"x" * 4096
    status = s.raw(b"POST /events/%d/media HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                   b"Content-Length: %d\r\n\r\n" % (eid, 50 * 1024 * 1024) + body)
    assert_eq(status[9:12], "413")
    photo = multipart(org, "/events/%d/media" % eid, {"kind": "photo"}, [("file", "合影.png", "image/png", png(64, 48))])
    assert_eq(photo.status, 303)
    page = Person(s).get("/events/%d" % eid).text
    for text in ["上午场回放", "迁移实践", "PDF", "class=\"photos\""]:
        assert_in(text, page)
    counts = int(query(s, "SELECT count(*) FROM event_media WHERE event_id = %d" % eid)[0][0])
    assert_eq(counts, 3, "refused uploads left nothing behind")
    assert_eq(int(query(s, "SELECT count(*) FROM files WHERE content_type = 'application/pdf'")[0][0]), 1)
    mid = query(s, "SELECT id FROM event_media WHERE event_id = %d AND kind = 'replay'" % eid)[0][0]
    assert_eq(org.post("/events/%d/media/%s/delete" % (eid, mid), {}).status, 303)
    assert "上午场回放" not in Person(s).get("/events/%d" % eid).text
    assert_eq(org.post("/events/%d/media/%s/delete" % (eid, mid), {}).status, 404)
    member = Person(s)
    member.signup("nomedia@example.com")
    assert_eq(multipart(member, "/events/%d/media" % eid, {"kind": "replay", "url": "https://e.com/x"}).status, 403)
    # Through the API, with a token.
    _, token = token_for(s, "mediaapi@example.com", role="organizer")
    r = api(s, "POST", "/api/v1/events/%d/media" % eid, token, {"kind": "live", "url": "https://example.com/live"})
    assert_eq(r.status, 201, r.text[:500])
    r = api(s, "POST", "/api/v1/events/%d/attendees" % eid, token, {"list": "阿里、未登记的单位乙"})
    assert_eq(r.status, 200, r.text[:500])
    assert_eq(r.json()["unknown"], ["未登记的单位乙"])


if __name__ == "__main__":
    sys.exit(run_suite("record", [v for k, v in list(globals().items()) if k.startswith("test_")]))
